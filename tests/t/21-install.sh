#!/bin/bash
# 21-install.sh: install.sh puts the hooks where git runs them, keeps an
# existing hook running first, is idempotent and undoes itself. The hooks
# first call a stand-in binary that records what it was given, so the
# wrappers are tested on their own; then the real build is installed into a
# prefix and a real push goes through the installed gate.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/20-gatelib.sh"

STUB="$TMP/stub"
mkdir -p "$STUB"
cat > "$STUB/exportgate" <<EOF
#!/bin/sh
echo "\$*" > "$STUB/args"
cat > "$STUB/stdin"
echo "stand-in exportgate says: exit \$(cat "$STUB/exit")" >&2
exit \$(cat "$STUB/exit")
EOF
chmod 755 "$STUB/exportgate"
echo 0 > "$STUB/exit"
write_policy

# A small work tree to push from.
src="$WORK/src"
git init -q "$src"
echo "hello" > "$src/README"
git -C "$src" add README
git -C "$src" commit -q -m "first"
head=$(git -C "$src" rev-parse HEAD)

inst() { "$TOP/install.sh" "$@" > "$TMP/install.log" 2>&1; }
pushto() { # BARE [REFSPEC]
	rm -f "$STUB/args" "$STUB/stdin"
	timeout "$PUSH_TIMEOUT" git -C "$src" push "file://$1" "${2:-HEAD:refs/heads/main}" \
		> "$TMP/push.out" 2> "$TMP/push.err" < /dev/null
}

# --- one bare repository ---------------------------------------------------
bare="$SRV/plain.git"
git init -q --bare "$bare"
check "install.sh --repo installs the hook" \
	inst --repo "$bare" --bin "$STUB/exportgate" --policy "$POLICY"
check "  ... an executable hooks/pre-receive" test -x "$bare/hooks/pre-receive"
check "  ... calling the binary it was given" \
	grep -qF "EXPORTGATE_BIN='$STUB/exportgate'" "$bare/hooks/pre-receive"
check "  ... and turns on receive.advertisePushOptions" \
	test "$(git -C "$bare" config --bool receive.advertisePushOptions)" = true
check "a push goes through the hook" pushto "$bare"
check "  ... which ran 'exportgate pre-receive --policy FILE'" \
	test "$(cat "$STUB/args")" = "pre-receive --policy $POLICY"
check "  ... on the ref list git gave" \
	test "$(cat "$STUB/stdin")" = "0000000000000000000000000000000000000000 $head refs/heads/main"

echo 1 > "$STUB/exit"
git -C "$src" commit -q --allow-empty -m second
expect_exit 1 "when exportgate says no, the push is rejected" pushto "$bare"
check "  ... and main did not move" \
	test "$(git -C "$bare" rev-parse refs/heads/main)" = "$head"
echo 0 > "$STUB/exit"

cp "$bare/hooks/pre-receive" "$TMP/hook.first"
check "install.sh --repo a second time succeeds" \
	inst --repo "$bare" --bin "$STUB/exportgate" --policy "$POLICY"
check "  ... leaves the same hook" cmp -s "$TMP/hook.first" "$bare/hooks/pre-receive"
check "  ... and does not chain the hook to itself" \
	test ! -e "$bare/hooks/pre-receive.exportgate-chained"

# Fail closed: no binary, no push.
mv "$STUB/exportgate" "$STUB/exportgate.away"
expect_exit 1 "with the binary gone, the hook rejects every push" pushto "$bare"
check "  ... with a one-line reason" \
	grep -q "remote: exportgate: push rejected: the gate .* is missing" "$TMP/push.err"
mv "$STUB/exportgate.away" "$STUB/exportgate"

# --- an existing hook is kept and runs first -------------------------------
chain="$SRV/chained.git"
git init -q --bare "$chain"
cat > "$chain/hooks/pre-receive" <<EOF
#!/bin/sh
# the site's own hook
cat > "$TMP/chained.stdin"
if [ -f "$TMP/chained.refuse" ]; then
	echo "site policy: pushes are frozen" >&2
	exit 1
fi
exit 0
EOF
chmod 755 "$chain/hooks/pre-receive"
cp "$chain/hooks/pre-receive" "$TMP/site-hook"
check "install.sh --repo over an existing hook succeeds" \
	inst --repo "$chain" --bin "$STUB/exportgate" --policy "$POLICY"
check "  ... keeps it as pre-receive.exportgate-chained" \
	cmp -s "$TMP/site-hook" "$chain/hooks/pre-receive.exportgate-chained"
check "a push into it is accepted" pushto "$chain"
check "  ... the site's hook saw the ref list" \
	grep -q "$(git -C "$src" rev-parse HEAD) refs/heads/main" "$TMP/chained.stdin"
check "  ... and exportgate saw the same list" cmp -s "$TMP/chained.stdin" "$STUB/stdin"

check "install.sh --repo again over the chained setup succeeds" \
	inst --repo "$chain" --bin "$STUB/exportgate" --policy "$POLICY"
check "  ... the chained hook is still the site's (not our wrapper)" \
	cmp -s "$TMP/site-hook" "$chain/hooks/pre-receive.exportgate-chained"

touch "$TMP/chained.refuse"
git -C "$src" commit -q --allow-empty -m third
expect_exit 1 "a chained hook that refuses still refuses" pushto "$chain"
check "  ... its message reaches the pusher" grep -q "pushes are frozen" "$TMP/push.err"
check "  ... and exportgate was not asked" test ! -e "$STUB/args"
check "  ... and main did not move" \
	test "$(git -C "$chain" rev-parse refs/heads/main)" != "$(git -C "$src" rev-parse HEAD)"
rm -f "$TMP/chained.refuse"

check "install.sh --uninstall --repo succeeds" inst --uninstall --repo "$chain"
check "  ... restores the site's hook" cmp -s "$TMP/site-hook" "$chain/hooks/pre-receive"
check "  ... and leaves no chained copy" \
	test ! -e "$chain/hooks/pre-receive.exportgate-chained"
check "install.sh --uninstall --repo on a plain repository removes the hook" \
	inst --uninstall --repo "$bare"
check "  ... hooks/pre-receive is gone" test ! -e "$bare/hooks/pre-receive"

# --- every bare repository below a folder ----------------------------------
tree="$TMP/repos"
git init -q --bare "$tree/a.git"
git init -q --bare "$tree/group/sub/b.git"
git init -q "$tree/workdir"
check "install.sh --repos gates every bare repository below a folder" \
	inst --repos "$tree" --bin "$STUB/exportgate" --policy "$POLICY"
check "  ... a.git" grep -q "^# exportgate-hook:" "$tree/a.git/hooks/pre-receive"
check "  ... group/sub/b.git" grep -q "^# exportgate-hook:" "$tree/group/sub/b.git/hooks/pre-receive"
check "  ... but not a work tree's repository" test ! -e "$tree/workdir/.git/hooks/pre-receive"
check "install.sh --uninstall --repos removes them" inst --uninstall --repos "$tree"
check "  ... all" bash -c "! ls '$tree'/a.git/hooks/pre-receive '$tree'/group/sub/b.git/hooks/pre-receive 2>/dev/null"

# A relative core.hooksPath is taken from the folder hooks run in, GIT_DIR
# for a bare repository, not from where install.sh runs.
rel="$SRV/relative.git"
git init -q --bare "$rel"
git -C "$rel" config core.hooksPath custom-hooks
mkdir -p "$TMP/admin"
check "install.sh --repo with a relative core.hooksPath" \
	bash -c "cd '$TMP/admin' && '$TOP/install.sh' --repo '$rel' --bin '$STUB/exportgate' --policy '$POLICY' > '$TMP/install.log' 2>&1"
check "  ... writes the hook below the repository, where git runs it" \
	test -x "$rel/custom-hooks/pre-receive"
check "  ... not below the folder it ran in" test ! -e "$TMP/admin/custom-hooks"
check "  ... and a push goes through it" pushto "$rel"
check "  ... which ran the hook" test -e "$STUB/args"

# A folder of repositories reached through a symbolic link is not walked;
# install.sh says so rather than leave those repositories ungated.
mkdir -p "$TMP/linked-target" "$TMP/linked-root"
git init -q --bare "$TMP/linked-target/c.git"
git init -q --bare "$TMP/linked-root/d.git"
ln -s "$TMP/linked-target" "$TMP/linked-root/group"
check "install.sh --repos over a folder holding a symbolic link succeeds" \
	inst --repos "$TMP/linked-root" --bin "$STUB/exportgate" --policy "$POLICY"
check "  ... warns that it did not follow the link" \
	grep -q "group.*symbolic link" "$TMP/install.log"
inst --uninstall --repos "$TMP/linked-root"

# --- a Gitea/GitLab style pre-receive.d ------------------------------------
gitea="$SRV/gitea.git"
git init -q --bare "$gitea"
cat > "$gitea/hooks/pre-receive" <<'EOF'
#!/usr/bin/env bash
# What Gitea writes: run every hook in pre-receive.d on the same input.
data=$(cat)
for hook in "${GIT_DIR:-.}"/hooks/pre-receive.d/*; do
	test -x "$hook" && test -f "$hook" || continue
	echo "$data" | "$hook" || exit $?
done
exit 0
EOF
chmod 755 "$gitea/hooks/pre-receive"
check "install.sh --hooks-dir drops the hook into pre-receive.d" \
	inst --hooks-dir "$gitea/hooks/pre-receive.d" --bin "$STUB/exportgate" --policy "$POLICY"
check "  ... as an executable pre-receive.d/exportgate" \
	test -x "$gitea/hooks/pre-receive.d/exportgate"
echo 1 > "$STUB/exit"
expect_exit 1 "  ... which the hosting service's hook runs (exportgate refuses)" pushto "$gitea"
check "  ... having read the ref list" grep -q "refs/heads/main" "$STUB/stdin"
echo 0 > "$STUB/exit"
check "  ... and accepts when exportgate does" pushto "$gitea"
check "install.sh --uninstall --hooks-dir removes it" \
	inst --uninstall --hooks-dir "$gitea/hooks/pre-receive.d"
check "  ... gone, the service's own hook stays" \
	bash -c "test ! -e '$gitea/hooks/pre-receive.d/exportgate' && test -x '$gitea/hooks/pre-receive'"

# --- the pre-push hook in a clone ------------------------------------------
clone="$WORK/clone"
git clone -q "file://$SRV/gitea.git" "$clone" 2> /dev/null
check "install.sh --pre-push installs into a clone" \
	inst --pre-push "$clone" --bin "$STUB/exportgate" --policy "$POLICY"
git -C "$clone" commit -q --allow-empty -m "from the clone"
rm -f "$STUB/args"
timeout "$PUSH_TIMEOUT" git -C "$clone" push origin HEAD:refs/heads/topic \
	> "$TMP/push.out" 2> "$TMP/push.err" < /dev/null
check "  ... git runs it as 'exportgate pre-push REMOTE URL --policy FILE'" \
	test "$(cat "$STUB/args" 2> /dev/null)" = "pre-push origin file://$SRV/gitea.git --policy $POLICY"
echo 1 > "$STUB/exit"
git -C "$clone" commit -q --allow-empty -m "again"
expect_exit 1 "  ... and its refusal stops the push" \
	timeout "$PUSH_TIMEOUT" git -C "$clone" push origin HEAD:refs/heads/topic
echo 0 > "$STUB/exit"

# A relative core.hooksPath in a clone (husky's .husky, .githooks) is taken
# from the top of its work tree.
git -C "$clone" config core.hooksPath .githooks
check "install.sh --pre-push into a clone with a relative core.hooksPath" \
	bash -c "cd '$TMP/admin' && '$TOP/install.sh' --pre-push '$clone' --bin '$STUB/exportgate' --policy '$POLICY' > '$TMP/install.log' 2>&1"
check "  ... writes the hook in the work tree's .githooks" \
	test -x "$clone/.githooks/pre-push"
echo 1 > "$STUB/exit"
git -C "$clone" commit -q --allow-empty -m "through .githooks"
expect_exit 1 "  ... where git runs it: its refusal stops the push" \
	timeout "$PUSH_TIMEOUT" git -C "$clone" push origin HEAD:refs/heads/topic
echo 0 > "$STUB/exit"
git -C "$clone" config --unset core.hooksPath

# --- the real build, installed into a prefix --------------------------------
need_binary
prefix="$TMP/prefix"
check "install.sh --prefix builds and installs" "$TOP/install.sh" --prefix "$prefix"
cp "$TMP/last.out" "$TMP/prefix-install.log"
check "  ... bin/exportgate, which runs" "$prefix/bin/exportgate" --version
check "  ... the signature packs" bash -c "ls '$prefix'/share/exportgate/patterns/*.yml"
check "  ... the man page" test -f "$prefix/share/man/man1/exportgate.1"
check "  ... the hook templates" test -x "$prefix/share/exportgate/hook/pre-receive"
check "install.sh --prefix a second time succeeds" "$TOP/install.sh" --prefix "$prefix"

gated="$SRV/installed.git"
git init -q --bare "$gated"
git -C "$gated" remote add --mirror=push mirror "$DE_URL"
check "install.sh --repo with that prefix" \
	inst --prefix "$prefix" --repo "$gated" --policy "$POLICY"
check "  ... the hook calls the installed binary" \
	grep -qF "EXPORTGATE_BIN='$prefix/bin/exportgate'" "$gated/hooks/pre-receive"
check "a benign push through the installed gate is accepted" pushto "$gated"
if mkfixture controlled; then
	rejected \
		"the controlled fixture is rejected by the installed gate (DE mirror)" \
		"$WORK/controlled" installed HEAD:refs/heads/geo
else
	fail "the controlled fixture builds (tests/fixtures/mkrepo.sh)"
fi

check "install.sh --uninstall --prefix removes the binary" \
	"$TOP/install.sh" --uninstall --prefix "$prefix"
check "  ... bin/exportgate, packs and man page are gone" \
	bash -c "test ! -e '$prefix/bin/exportgate' && test ! -e '$prefix/share/exportgate' && test ! -e '$prefix/share/man/man1/exportgate.1'"
git -C "$src" commit -q --allow-empty -m "after uninstall"
expect_exit 1 "with the gate uninstalled, its hook fails closed" pushto "$gated"
