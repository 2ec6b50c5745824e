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

# refs/remotes/<remote>/ tell what the remote's fetch URL has, not what
# the URL git pushes to has.  A clone of a US server holding controlled
# history, pushed through origin to DE (a pushurl, several pushurls,
# pushInsteadOf), is refused; to origin's own URL, only new commits count.
US_URL="file://$DEST/mirror-us/radar.git"
DE_PUSH="file://$DEST/mirror-de/from-us.git"
git init -q --bare "$DEST/mirror-us/radar.git"
git init -q --bare "$DEST/mirror-de/from-us.git"
git -C "$c" push -q --no-verify "$US_URL" HEAD:refs/heads/main
u="$TMP/us-clone"
git clone -q "$US_URL" "$u"
check "install.sh --pre-push installs the hook into a clone of a US server" \
	"$TOP/install.sh" --pre-push "$u" --bin "$EG" --policy "$POLICY"
git -C "$u" config remote.origin.pushurl "$DE_PUSH"
expect_exit 1 "pre-push refuses origin's history to origin's DE pushurl" \
	prepush "$u" origin
check "  ... nothing reached DE" test -z "$(refs "$DEST/mirror-de/from-us.git")"
git -C "$u" config --add remote.origin.pushurl "$US_URL"
expect_exit 1 "pre-push refuses it when origin has a DE and a US pushurl" \
	prepush "$u" origin
check "  ... nothing reached DE" test -z "$(refs "$DEST/mirror-de/from-us.git")"
git -C "$u" config --unset-all remote.origin.pushurl
git -C "$u" config url."$DE_PUSH".pushInsteadOf "$US_URL"
expect_exit 1 "pre-push refuses it when pushInsteadOf sends origin to DE" \
	prepush "$u" origin
check "  ... nothing reached DE" test -z "$(refs "$DEST/mirror-de/from-us.git")"
# What a DE server already has (put there without the hook) is not
# scanned again when a clone of it pushes a new branch back.
git -C "$c" push -q --no-verify "$DE_PUSH" HEAD:refs/heads/main
d="$TMP/de-clone"
git clone -q "$DE_PUSH" "$d"
"$TOP/install.sh" --pre-push "$d" --bin "$EG" --policy "$POLICY" > /dev/null
git -C "$d" commit -q --allow-empty -m "a new commit"
check "pre-push lets a new branch go to the URL origin was fetched from" \
	git -C "$d" push -q origin HEAD:refs/heads/topic
