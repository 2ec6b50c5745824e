#!/bin/bash
# 25-pre-push.sh: the pre-push hook, installed by install.sh --pre-push into
# an engineer's clone, refuses to send controlled content to a remote whose
# URL the policy maps to a jurisdiction the signature does not permit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/20-gatelib.sh"
need_binary
write_policy
mkfixture controlled && mkfixture benign || {
	fail "the fixtures build (tests/fixtures/mkrepo.sh)"
	exit 0
}
c="$WORK/controlled"
b="$WORK/benign"

# Destinations: plain bare repositories (no server hook), under folders the
# policy maps: .../mirror-de/ is DE, .../mirror-ca/ is CA, and
# .../mirror-elsewhere/ is unknown.
DEST="$TMP/dest"
for j in de ca elsewhere; do
	git init -q --bare "$DEST/mirror-$j/radar.git"
	git -C "$c" remote add "$j" "file://$DEST/mirror-$j/radar.git"
	git -C "$b" remote add "$j" "file://$DEST/mirror-$j/radar.git"
done
check "install.sh --pre-push installs the hook into a clone" \
	"$TOP/install.sh" --pre-push "$c" --bin "$EG" --policy "$POLICY"
check "  ... and into another" \
	"$TOP/install.sh" --pre-push "$b" --bin "$EG" --policy "$POLICY"

prepush() { # FROM REMOTE
	timeout "$PUSH_TIMEOUT" git -C "$1" push "$2" HEAD:refs/heads/main \
		> "$TMP/push.out" 2> "$TMP/push.err" < /dev/null
}

expect_exit 1 "pre-push refuses the controlled fixture to a DE remote" \
	prepush "$c" de
stderr_has "  ... naming the signature" '0D521'
stderr_has "  ... and the jurisdiction DE" '\bDE\b'
check "  ... and nothing reached the DE remote" \
	test -z "$(refs "$DEST/mirror-de/radar.git")"

check "pre-push lets the controlled fixture go to a CA remote" prepush "$c" ca
check "  ... where it arrived" test \
	"$(git -C "$DEST/mirror-ca/radar.git" rev-parse refs/heads/main)" = "$(git -C "$c" rev-parse HEAD)"

expect_exit 1 "pre-push refuses it to a remote of unknown jurisdiction (unknown_destination: deny)" \
	prepush "$c" elsewhere
check "  ... nothing arrived there" test -z "$(refs "$DEST/mirror-elsewhere/radar.git")"

check "pre-push lets benign content go to the DE remote" prepush "$b" de

# Only the commits the remote lacks are scanned: once DE has benign history,
# a controlled commit on top is still refused.
git -C "$b" fetch -q "$c" HEAD 2> /dev/null
git -C "$b" merge -q --no-edit --allow-unrelated-histories -X theirs \
	FETCH_HEAD > /dev/null 2>&1
expect_exit 1 "pre-push refuses controlled history pushed on top of what DE has" \
	prepush "$b" de
check "  ... DE keeps the benign main" test \
	"$(git -C "$DEST/mirror-de/radar.git" rev-parse refs/heads/main)" != "$(git -C "$b" rev-parse HEAD)"
