#!/bin/bash
# 22-gate-file.sh: the gate's decisions on real pushes over file://, into
# bare repositories gated by install.sh --repo.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/20-gatelib.sh"
need_binary
write_policy

TRANSPORT=file
gate_decisions

# Over file:// the hook runs as the pusher, who is $USER.
as_alice() { export USER=alice; }
as_bob() { export USER=bob; }
override_decisions
export USER=tester

# Fail closed: a policy the gate cannot read rejects the push, in one line.
mkfixture benign || exit 0
new_bare file-badpolicy
printf 'jurisdiction: [US\n' > "$POLICY"
rejected "a broken policy rejects even benign content (fail closed)" \
	"$WORK/benign" file-badpolicy HEAD:refs/heads/main
stderr_has "  ... saying what is wrong with the policy" 'policy'
write_policy

# A mirror's destination is where git pushes it: url.<base>.pushInsteadOf
# (or insteadOf) rewrites the URL as written, and every pushurl counts.
mkfixture controlled || exit 0
new_bare file-pushinsteadof ca
git -C "$SRV/file-pushinsteadof.git" config \
	url."ssh://git@mirror.example.de/".pushInsteadOf "https://git.example.ca/"
rejected "a mirror written for CA that pushInsteadOf sends to DE rejects controlled content" \
	"$WORK/controlled" file-pushinsteadof HEAD:refs/heads/main
stderr_has "  ... naming the DE destination" 'mirror\.example\.de.*\bDE\b'
new_bare file-pushurls ca
git -C "$SRV/file-pushurls.git" config --add remote.mirror.pushurl "$CA_URL"
git -C "$SRV/file-pushurls.git" config --add remote.mirror.pushurl "$DE_URL"
rejected "a mirror with a CA and a DE pushurl rejects controlled content" \
	"$WORK/controlled" file-pushurls HEAD:refs/heads/main
