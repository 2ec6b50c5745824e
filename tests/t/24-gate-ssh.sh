#!/bin/bash
# 24-gate-ssh.sh: the same decisions over ssh, into an sshd the test starts
# on 127.0.0.1 with a throwaway host key (and stops on exit). Each user key
# names its user to the hook with environment="REMOTE_USER=..." in
# authorized_keys, as hosting services do, since sshd passes no other
# environment from the client.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/20-gatelib.sh"
need_binary
write_policy

if ! start_sshd; then
	fail "sshd starts on 127.0.0.1 (as root; openssh-server from install.sh --deps)"
	exit 0
fi
TRANSPORT=ssh
ssh_as alice
gate_decisions

as_alice() { ssh_as alice; }
as_bob() { ssh_as bob; }
override_decisions
check "ssh: the audit log names the user the key belongs to" \
	python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
text = [json.dumps(r) for r in recs[-2:]]
sys.exit(not ("\"bob\"" in text[0] and "\"alice\"" in text[1]))' "$AUDIT"
