#!/bin/bash
# 12-valgrind.sh: valgrind's memcheck finds no error and no leak in a scan of
# the synthetic controlled repository (whole history, a snapshot, the work
# tree, a folder, every report format), in the gate's pre-receive on a real
# push (accepted and rejected) and pre-push, and in audit verify.
# Skipped, with a note and no result, where valgrind is absent
# (./install.sh --deps installs it) or the binary is built with the
# sanitizers (ASan and valgrind cannot share a process; ASan checks it then).
. "$(dirname "$0")/lib.sh"

if ! command -v valgrind > /dev/null 2>&1; then
	echo "     (valgrind is not installed: skipped; ./install.sh --deps installs it)"
	exit 0
fi
if [ ! -x "$EG" ]; then
	fail "build/exportgate exists (run make)"
	exit 0
fi
if grep -aq __asan_init "$EG" || grep -aq __ubsan_handle "$EG"; then
	echo "     (build/exportgate is built with sanitizers: valgrind skipped)"
	exit 0
fi

VG_LOGS="$TMP/vg"
mkdir -p "$VG_LOGS"
# The valgrind command; each process logs to a file of its own.
VG=(timeout 600 valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect,possible
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=9
	--track-fds=no --child-silent-after-fork=yes)

# clean NAME: every valgrind log named NAME.* reports no error and no leak.
clean() {
	local name=$1 f bad=0 n=0
	for f in "$VG_LOGS/$name".*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		# --quiet: a log with any line but the command's is a report.
		if grep -q '^==[0-9]*== [A-Za-z]' "$f"; then
			bad=1
			sed 's/^/     vg: /' "$f" | head -30
		fi
	done
	if [ "$n" -eq 0 ]; then
		fail "$name: valgrind ran (no log)"
	elif [ "$bad" -eq 0 ]; then
		pass "$name: valgrind reports no error and no leak ($n process(es))"
	else
		fail "$name: valgrind reports errors or leaks"
	fi
}

# vg NAME WANT-EXIT ARGS...: run exportgate ARGS under valgrind.
vg() {
	local name=$1 want=$2
	shift 2
	expect_exit "$want" "$name: exit $want under valgrind" \
		"${VG[@]}" --log-file="$VG_LOGS/$name.%p" "$EG" "$@"
	clean "$name"
}

repo="$TMP/controlled"
bash "$FIXTURES/mkrepo.sh" controlled "$repo" > "$TMP/ids" || {
	fail "mkrepo.sh controlled builds the synthetic repository"
	exit 0
}
cp "$FIXTURES/src/detect_rotated.py" "$repo/untracked_rotation.py"

vg "scan --all" 1 scan --no-progress "$repo"
vg "scan --all --jobs 4 --format json" 1 scan --no-progress --jobs 4 \
	--format json --output "$TMP/r.json" "$repo"
vg "scan --tree HEAD --format sarif" 0 scan --no-progress --tree HEAD \
	--fail-on controlled \
	--format sarif --output "$TMP/r.sarif" "$repo"
vg "scan --worktree --format markdown" 1 scan --no-progress --worktree \
	--format markdown --output "$TMP/r.md" "$repo"
vg "scan --dir" 1 scan --no-progress --dir "$repo"
vg "scan of a missing path (an error path)" 2 scan --no-progress "$TMP/none"
vg "rules list" 0 rules list

# The gate: a real push into a bare repository whose hook runs the binary
# under valgrind; valgrind's exit 9 would reject the push.
. "$(dirname "$0")/20-gatelib.sh"
cat > "$TMP/vg-exportgate" <<EOF
#!/bin/sh
exec timeout 300 valgrind --quiet --leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=9 \
	--log-file="$VG_LOGS/\$1.%p" "$EG" "\$@"
EOF
chmod +x "$TMP/vg-exportgate"
write_policy
mkfixture benign || exit 0
GATE_BIN="$TMP/vg-exportgate"
new_bare vg-de de
accepted "pre-receive under valgrind: benign content accepted" \
	"$WORK/benign" vg-de HEAD:refs/heads/main
rejected "pre-receive under valgrind: controlled history rejected" \
	"$repo" vg-de HEAD:refs/heads/geo
check "  ... by the gate, not by valgrind" \
	bash -c "grep -q 0D521 '$TMP/push.err' && ! grep -q '^==' '$TMP/push.err'"
clean pre-receive
z=0000000000000000000000000000000000000000
printf 'refs/heads/main %s refs/heads/main %s\n' "$(git -C "$repo" rev-parse HEAD)" "$z" |
	(cd "$repo" && "${VG[@]}" --log-file="$VG_LOGS/pre-push.%p" "$EG" \
		pre-push mirror "$DE_URL" --policy "$POLICY") > /dev/null 2>&1
check "pre-push under valgrind refuses controlled history to DE (exit 1)" test $? -eq 1
clean pre-push
vg "audit verify" 0 audit verify "$AUDIT"
