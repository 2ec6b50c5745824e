#!/bin/bash
# 32-hostile.sh: a repository cannot configure, weaken or hijack the gate.
#  1. Files in the content that look like configuration (.exportgate.yml, a
#     policy, approvals, a baseline, signature packs, .gitattributes, a
#     committed git config) change nothing: the controlled fixture with them
#     is still found by scan and still rejected by the gate.
#  2. Neither scan nor the hooks run a program named by the repository:
#     core.fsmonitor, filter drivers, core.hooksPath, diff.external,
#     core.pager and friends point at a script that leaves a marker file;
#     after scan --all, --worktree, --tree, --dir, pre-receive and pre-push
#     the marker does not exist.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/20-gatelib.sh"
need_binary
TRANSPORT=file
write_policy
mkfixture controlled || {
	fail "the fixtures build (tests/fixtures/mkrepo.sh)"
	exit 0
}
export USER=mallory
scan() { timeout 120 "$EG" scan --no-progress "$@"; }

# --- 1. configuration-looking files in the content ----------------------------
h="$WORK/hostile-content"
rm -rf "$h" && git clone -q "$WORK/controlled" "$h"
scan --format json --output "$TMP/base.json" "$WORK/controlled"
permissive_policy='jurisdiction: CA
destinations: [{url: "*", jurisdiction: CA}]
unknown_destination: allow
signatures:
  "0D521.1": {controlled: ignore, review: ignore, permitted: [US, CA, DE, CN, RU]}
on_error: accept
override: {push_option: "exportgate.override", users: ["*", mallory]}
audit_log: /dev/null'
(
	cd "$h" || exit 1
	printf '%s\n' "$permissive_policy" > .exportgate.yml
	mkdir -p .exportgate/rules etc/exportgate patterns
	printf '%s\n' "$permissive_policy" > .exportgate/policy.yml
	printf '%s\n' "$permissive_policy" > etc/exportgate/policy.yml
	printf '%s\n' "$permissive_policy" > policy.yml
	for c in $(git rev-list --all) $(git rev-list --all | sed 's/$/^{tree}/' |
		git cat-file --batch-check='%(objectname)' 2> /dev/null); do
		printf -- '- {signature: "0D521.1", repository: "*", content: %s, ticket: EXP-1, approver: me, basis: GOV, expires: 2099-12-31}\n' "$c"
	done > approvals.yml
	cp approvals.yml .exportgate/approvals.yml
	cp "$TMP/base.json" .exportgate-baseline.json
	cp "$TMP/base.json" .exportgate/baseline.json
	# A pack that would replace the built-in one, were packs read from here.
	cat > .exportgate/rules/0d521.yml <<'EOF'
pack: {id: eccn-0d521, version: "9.9.9"}
signatures:
  - id: "0D521.1"
    status: expired
    permitted: [US, CA, DE]
    criteria:
      - {id: never, patterns: [{id: never, literal: "this-never-occurs-anywhere"}]}
    controlled: never
EOF
	cp .exportgate/rules/0d521.yml patterns/0d521.yml
	cat > .gitattributes <<'EOF'
* filter=x diff=x merge=x -text binary export-ignore
* linguist-vendored linguist-generated linguist-documentation
*.py -diff exportgate=ignore
EOF
	printf '[exportgate]\n\tpolicy = .exportgate.yml\n[core]\n\thooksPath = .\n' > config
	mkdir -p dotgit && cp config dotgit/config
	printf '*\n' > .exportgateignore
	git add -A && git commit -qm "configuration for the gate, from the repository"
) || fail "the hostile-content repository is built"

expect_exit 1 "scan still finds the controlled history beside configuration-looking files" \
	scan --format json --output "$TMP/h.json" "$h"
check "  ... at level controlled, with the built-in pack's version" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert any(f["signature"] == "0D521.1" and f["level"] == "controlled" for f in d["findings"]), d["findings"]
assert all(p["version"] != "9.9.9" for p in d["packs"]), d["packs"]' "$TMP/h.json"
expect_exit 1 "scan --worktree of it still finds at least a review" \
	scan --worktree --fail-on review "$h"
new_bare hostile-content de
rejected "the gate still rejects the controlled history with those files" \
	"$h" hostile-content HEAD:refs/heads/main
stderr_has "  ... naming 0D521" '0D521'
rc=0
push_opts "$h" hostile-content exportgate.override=EXP-1 HEAD:refs/heads/main || rc=$?
check "an override by a user the policy does not list is still refused" test "$rc" -ne 0

# Replace refs and grafts do not hide history: git replace swaps the
# controlled commits for the first, harmless one, for git's own commands.
r="$WORK/hostile-replace"
rm -rf "$r" && git clone -q "$WORK/controlled" "$r"
first=$(git -C "$r" rev-list --max-parents=0 HEAD)
for c in $(git -C "$r" rev-list HEAD --not "$first"); do
	git -C "$r" replace -f "$c" "$first"
done
check "  (git itself now shows one harmless commit)" \
	test "$(git -C "$r" rev-list HEAD | wc -l)" -eq 1
expect_exit 1 "scan --all ignores replace refs: the controlled history is found" \
	scan "$r"
new_bare hostile-replace de
rejected "the gate rejects a push that brings replace refs along" \
	"$r" hostile-replace 'refs/replace/*:refs/replace/*' HEAD:refs/heads/main

# --- 2. programs named by the repository's configuration ----------------------
marker="$TMP/marker"
evil="$TMP/evil.sh"
cat > "$evil" <<EOF
#!/bin/sh
echo "\$0 \$* (parent: \$(cat /proc/\$PPID/comm 2> /dev/null))" >> "$marker"
cat
EOF
chmod +x "$evil"
mkdir -p "$TMP/evil-hooks"
for hk in pre-receive post-receive update pre-push post-checkout post-index-change \
	reference-transaction fsmonitor-watchman pre-commit; do
	ln -sf "$evil" "$TMP/evil-hooks/$hk"
done

# hostile_config REPO: settings that make git run $evil.
hostile_config() {
	local k
	for k in core.fsmonitor core.pager core.editor core.sshCommand \
		core.askPass core.alternateRefsCommand diff.external \
		filter.x.clean filter.x.smudge filter.x.process \
		diff.x.command diff.x.textconv merge.x.driver \
		credential.helper gpg.program sequence.editor pager.log \
		uploadpack.packObjectsHook; do
		git -C "$1" config "$k" "$evil"
	done
	git -C "$1" config filter.x.required true
	git -C "$1" config core.hooksPath "$TMP/evil-hooks"
	git -C "$1" config core.untrackedCache true
	git -C "$1" config index.skipHash false
}

# A work tree with a dirty, an untracked and a filtered file, configured
# last: building it with git would run the programs itself.
w="$WORK/hostile-config"
rm -rf "$w" && git clone -q "$WORK/controlled" "$w"
printf '* filter=x diff=x merge=x\n' > "$w/.gitattributes"
git -C "$w" add .gitattributes && git -C "$w" commit -qm attributes
echo "# changed" >> "$w/train.py"
cp "$FIXTURES/src/detect_rotated.py" "$w/untracked_rotation.py"
hostile_config "$w"
rm -f "$marker"

for args in "--all" "--worktree" "--tree HEAD" "--rev HEAD~2..HEAD" "--dir"; do
	# shellcheck disable=SC2086
	scan $args --format json --output "$TMP/s.json" "$w" > /dev/null 2>&1
	rc=$?
	check "scan $args of a repository configured to run programs: exit 0-3 ($rc)" \
		test "$rc" -le 3
	check "  ... and nothing it names was run (no marker)" test ! -e "$marker"
done
expect_exit 1 "scan --worktree reads the untracked file itself (no filter): controlled" \
	scan --worktree --format json --output "$TMP/wt.json" "$w"
check "  ... with the untracked file as evidence" grep -q untracked_rotation.py "$TMP/wt.json"

# The hooks in-process.  pre-receive: as git runs it, GIT_DIR set, in a
# bare repository with those settings that has the pushed objects but no
# ref to them yet (as in git's quarantine).
q="$SRV/hostile-quarantine.git"
rm -rf "$q" && git init -q --bare "$q"
git -C "$q" remote add --mirror=push mirror "$DE_URL"
git -C "$WORK/controlled" rev-list --objects --all |
	git -C "$WORK/controlled" pack-objects -q --stdout |
	git -C "$q" unpack-objects -q
hostile_config "$q"
printf '* filter=x\n' > "$q/info/attributes"
z=0000000000000000000000000000000000000000
printf '%s %s refs/heads/hostile\n' "$z" "$(git -C "$WORK/controlled" rev-parse HEAD)" |
	GIT_DIR="$q" timeout 120 "$EG" pre-receive --policy "$POLICY" > /dev/null 2> "$TMP/pr.err"
rc=$?
check "pre-receive in a repository configured to run programs rejects controlled history (exit $rc)" \
	test "$rc" -eq 1
check "  ... and runs none of them (no marker)" test ! -e "$marker"
# pre-push from the work tree, to a remote it has no tracking refs of.
printf 'refs/heads/main %s refs/heads/main %s\n' "$(git -C "$w" rev-parse HEAD)" "$z" |
	(cd "$w" && timeout 120 "$EG" pre-push mirror "$DE_URL" --policy "$POLICY") > /dev/null 2> "$TMP/pp.err"
rc=$?
check "pre-push in that clone refuses the push to DE (exit $rc)" test "$rc" -eq 1
check "  ... and runs none of them (no marker)" test ! -e "$marker"

# A real push into a gated server whose repository has the same settings
# but two that git itself acts on: core.hooksPath (git would skip the gate)
# and core.alternateRefsCommand (git's connectivity check runs it), of
# content whose .gitattributes names the filter, from a clone whose own
# hooks are git's business (so the clean one, $h).
new_bare hostile-server de
hostile_config "$SRV/hostile-server.git"
git -C "$SRV/hostile-server.git" config --unset core.hooksPath
git -C "$SRV/hostile-server.git" config --unset core.alternateRefsCommand
rm -f "$marker"
rejected "a gated push into a server repository configured to run programs is rejected" \
	"$h" hostile-server HEAD:refs/heads/main
check "  ... and nothing was run (no marker)" test ! -e "$marker"
if [ -e "$marker" ]; then
	sed 's/^/     marker: /' "$marker"
fi

# The control: git itself does run these programs, so a missing marker
# above means exportgate ran none, not that the trap was broken.
rm -f "$marker"
git -C "$w" diff --ext-diff HEAD~1 -- .gitattributes > /dev/null 2>&1 < /dev/null
check "(control) git diff runs diff.external, leaving the marker" test -e "$marker"
