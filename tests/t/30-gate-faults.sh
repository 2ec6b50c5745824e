#!/bin/bash
# 30-gate-faults.sh: the gate fails closed.  A deadline passed, an audit log
# that cannot be written, a missing or malformed policy, malformed approvals,
# a corrupt or missing object in the history a push builds on: each rejects
# the push with one line on stderr ("exportgate: push rejected: ...") and
# leaves the refs as they were.  on_error: accept is the only way to fail
# open, for a failure to do the work alone, and it is on record.  A torn audit record is reported and sealed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/20-gatelib.sh"
need_binary
TRANSPORT=file
mkfixture benign || {
	fail "the fixtures build (tests/fixtures/mkrepo.sh)"
	exit 0
}
b="$WORK/benign"
export USER=tester

# The policy of 20-gatelib.sh with KEY's line replaced: policy_with KEY LINE.
policy_with() {
	write_policy
	grep -v "^$1:" "$POLICY" > "$POLICY.new"
	printf '%s\n' "$2" >> "$POLICY.new"
	mv "$POLICY.new" "$POLICY"
}

# failed_closed WHAT REGEX FROM NAME REFSPEC...: the push is rejected by the
# hook, the refs are unchanged, and stderr has exactly one rejection line
# that matches REGEX (grep -Ei).
failed_closed() {
	local what=$1 re=$2 n
	shift 2
	rejected "$what: the push is rejected, refs untouched" "$@"
	grep 'exportgate: push rejected: ' "$TMP/push.err" >> "$TMP/reasons.txt"
	n=$(grep -c 'exportgate: push rejected: ' "$TMP/push.err")
	if [ "$n" -eq 1 ] && grep 'exportgate: push rejected: ' "$TMP/push.err" |
		grep -Eiq -- "$re"; then
		pass "$what: one line says why (/$re/)"
	else
		fail "$what: one line says why (/$re/; $n rejection lines)"
		sed 's/^/     err: /' "$TMP/push.err" | head -25
	fi
}

# A benign repository with one more commit on top, to push onto a server
# that already has the benign history.
next_commit() {
	local from=$1 name=$2
	rm -rf "$WORK/$name"
	git clone -q "$from" "$WORK/$name" &&
		echo "notes $name" > "$WORK/$name/notes-$name.txt" &&
		git -C "$WORK/$name" add . &&
		git -C "$WORK/$name" commit -qm "$name"
}

# --- the deadline --------------------------------------------------------------
# A repository big enough that its scan takes more than 1 ms.
big="$WORK/big"
if [ ! -d "$big" ]; then
	git init -q "$big"
	for i in $(seq 1 400); do
		printf 'import os\n# file %d\nprint(os.getcwd(), %d)\n' "$i" "$i" \
			> "$big/m$i.py"
	done
	git -C "$big" add . && git -C "$big" commit -qm "400 modules"
fi
policy_with deadline_ms "deadline_ms: 1"
new_bare deadline
failed_closed "deadline_ms: 1" 'deadline' "$big" deadline HEAD:refs/heads/main
check "  ... and the rejection is on record" \
	bash -c "tail -1 '$AUDIT' | grep -q '\"decision\": *\"reject\"'"

# --- the audit log -------------------------------------------------------------
# Whatever happens, leave no mount and no immutable file behind.
undo() {
	umount "$TMP/fullfs" 2> /dev/null
	chattr -i "$TMP/ro/audit.jsonl" 2> /dev/null
	stop_servers
}
trap undo EXIT
policy_with audit_log "audit_log: /dev/full"
new_bare full
failed_closed "audit_log: /dev/full (a device, not a log file)" 'audit log' \
	"$b" full HEAD:refs/heads/main

: > "$TMP/a-file"
policy_with audit_log "audit_log: $TMP/a-file/audit.jsonl"
new_bare notdir
failed_closed "audit_log under a regular file" 'audit log' \
	"$b" notdir HEAD:refs/heads/main

# A full disk, for real: a 64 KiB tmpfs filled up (where mounting works).
mkdir -p "$TMP/fullfs"
if mount -t tmpfs -o size=64k,mode=0755 exportgate-test "$TMP/fullfs" 2> /dev/null; then
	: > "$TMP/fullfs/audit.jsonl"
	head -c 1048576 /dev/zero > "$TMP/fullfs/filler" 2> /dev/null
	policy_with audit_log "audit_log: $TMP/fullfs/audit.jsonl"
	new_bare enospc
	failed_closed "audit_log on a full disk (ENOSPC)" 'audit log.*(space|write)' \
		"$b" enospc HEAD:refs/heads/main
	check "  ... and the log is left empty, not half-written" \
		test ! -s "$TMP/fullfs/audit.jsonl"
	umount "$TMP/fullfs"
else
	echo "     (cannot mount a tmpfs here; the file size limit below stands in for a full disk)"
fi

# A write that fails half-way: a file size limit (EFBIG, with SIGXFSZ
# ignored as a daemon would) leaves room for git's small objects but not
# for the record; the log must be cut back to what it was.
write_policy
rm -rf "$WORK/tiny" && git init -q "$WORK/tiny" && echo tiny > "$WORK/tiny/t.txt" &&
	git -C "$WORK/tiny" add . && git -C "$WORK/tiny" commit -qm tiny
new_bare efbig
accepted "file size limit: a first push is recorded" "$WORK/tiny" efbig HEAD:refs/heads/main
head -1 "$AUDIT" > "$TMP/one.jsonl" && mv "$TMP/one.jsonl" "$AUDIT"
cp "$AUDIT" "$TMP/audit.before"
echo more > "$WORK/tiny/u.txt" && git -C "$WORK/tiny" add . &&
	git -C "$WORK/tiny" commit -qm more
# The results file is over the limit too: the verdict goes to a new one.
: > "$TMP/efbig.results"
(
	trap '' XFSZ
	ulimit -f 1
	EG_RESULTS=$TMP/efbig.results
	failed_closed "an append over the file size limit (EFBIG)" 'audit log' \
		"$WORK/tiny" efbig HEAD:refs/heads/main
)
check "  ... (its verdict was recorded)" test -s "$TMP/efbig.results"
cat "$TMP/efbig.results" >> "$EG_RESULTS"
check "  ... and the log is cut back to what it was" cmp "$AUDIT" "$TMP/audit.before"
expect_exit 0 "  ... and still verifies" "$EG" audit verify "$AUDIT"

# Root can write anywhere but to an immutable file (where chattr works).
mkdir -p "$TMP/ro"
: > "$TMP/ro/audit.jsonl"
if chattr +i "$TMP/ro/audit.jsonl" 2> /dev/null; then
	policy_with audit_log "audit_log: $TMP/ro/audit.jsonl"
	new_bare immutable
	failed_closed "an immutable audit log (chattr +i)" 'audit log' \
		"$b" immutable HEAD:refs/heads/main
	chattr -i "$TMP/ro/audit.jsonl"
elif [ "$(id -u)" -ne 0 ]; then
	chmod 0444 "$TMP/ro/audit.jsonl"
	policy_with audit_log "audit_log: $TMP/ro/audit.jsonl"
	new_bare readonly
	failed_closed "a read-only audit log" 'audit log' \
		"$b" readonly HEAD:refs/heads/main
else
	echo "     (chattr +i is not supported here; /dev/full and ENOTDIR cover the log)"
fi

# --- the policy and the approvals ---------------------------------------------
write_policy
new_bare nopolicy
rm -f "$POLICY"
failed_closed "a missing policy" 'policy' "$b" nopolicy HEAD:refs/heads/main

write_policy
new_bare badpolicy
policy_with deadline_ms "deadline_ms: soon"
failed_closed "a policy with a bad value" 'policy\.yml:[0-9]+:[0-9]+' \
	"$b" badpolicy HEAD:refs/heads/main
policy_with on_error "on_error: maybe"
failed_closed "a policy with a bad on_error" 'on_error' \
	"$b" badpolicy HEAD:refs/heads/main
write_policy "signatures_extra: {}"
failed_closed "a policy with an unknown key" 'signatures_extra' \
	"$b" badpolicy HEAD:refs/heads/main
printf 'jurisdiction: US\njurisdiction: DE\n' > "$POLICY"
failed_closed "a policy with a key given twice" 'duplicate' \
	"$b" badpolicy HEAD:refs/heads/main
printf '\0\377\376garbage' > "$POLICY"
failed_closed "a policy that is binary garbage" 'policy' \
	"$b" badpolicy HEAD:refs/heads/main

# A rules folder whose packs sit a folder down loads no signature: a gate
# that judged with none would accept everything.
mkdir -p "$TMP/norules/geo" && cp "$TOP/patterns/0d521.yml" "$TMP/norules/geo/"
write_policy "rules: [$TMP/norules]"
new_bare norules
failed_closed "policy rules: a folder with no pack at its top" \
	"no signature pack .* in $TMP/norules" "$b" norules HEAD:refs/heads/main

write_policy
new_bare badapprovals
printf -- '- signature: "0D521.1"\n  content: [not, an, id]\n' > "$APPROVALS"
failed_closed "malformed approvals" 'approvals\.yml:[0-9]+' \
	"$b" badapprovals HEAD:refs/heads/main
before=$(refs "$SRV/badapprovals.git")
push_opts "$b" badapprovals exportgate.on_error=accept HEAD:refs/heads/main
check "  ... and a push option cannot make it fail open" \
	test "$?" -ne 0 -a "$before" = "$(refs "$SRV/badapprovals.git")"
printf -- '- {signature: "0D521.1", repository: "*", content: xyz, ticket: T, approver: a, basis: GOV, expires: 2099-12-31}\n' \
	> "$APPROVALS"
failed_closed "an approval whose content is not an object id" 'approvals' \
	"$b" badapprovals HEAD:refs/heads/main
rm -f "$APPROVALS"
failed_closed "an approvals file that is missing" 'approvals' \
	"$b" badapprovals HEAD:refs/heads/main
echo "[]" > "$APPROVALS"
chmod o+w "$APPROVALS"
failed_closed "an approvals file every account may write" \
	'approvals\.yml: writable by every account' \
	"$b" badapprovals HEAD:refs/heads/main
push_opts "$b" badapprovals exportgate.on_error=accept HEAD:refs/heads/main
check "  ... and a push option cannot make it fail open" \
	test "$?" -ne 0 -a "$before" = "$(refs "$SRV/badapprovals.git")"
chmod o-w "$APPROVALS"
write_policy
chmod o+w "$POLICY"
failed_closed "a policy every account may write" \
	'policy\.yml: writable by every account' \
	"$b" badapprovals HEAD:refs/heads/main
chmod o-w "$POLICY"
# ... or one in a folder where every account may put another in its place
chmod o+w "$TMP"
failed_closed "a policy in a folder every account may write" \
	"policy\.yml: in $TMP, which every account" \
	"$b" badapprovals HEAD:refs/heads/main
chmod +t "$TMP"
accepted "  ... but not when the folder is sticky, as /tmp is" \
	"$b" badapprovals HEAD:refs/heads/main
chmod o-w,-t "$TMP"
# A site's own pack, named by the policy, is trusted only as the policy is.
mkdir -p "$TMP/sitepacks"
cat > "$TMP/sitepacks/site.yml" <<'EOF'
pack: {id: site-test, version: "0.0.1"}
signatures:
  - id: "SITE.1"
    title: "Calls the site's secret"
    eccn: "0D521"
    status: active
    criteria:
      - id: secret
        title: "Secret"
        patterns: [{id: secret, regex: 'site_secret_call\('}]
    controlled: {all: [secret]}
EOF
write_policy "rules: [$TMP/sitepacks]"
new_bare sitepacks
chmod o+w "$TMP/sitepacks/site.yml"
failed_closed "a pack of the policy's that every account may write" \
	'site\.yml: writable by every account' \
	"$b" sitepacks HEAD:refs/heads/main
chmod o-w "$TMP/sitepacks/site.yml"
chmod 777 "$TMP/sitepacks"
failed_closed "a pack of the policy's in a folder every account may write" \
	"site\.yml: in $TMP/sitepacks, which every account" \
	"$b" sitepacks HEAD:refs/heads/main
chmod 755 "$TMP/sitepacks"
accepted "  ... and accepted once the folder is the administrator's again" \
	"$b" sitepacks HEAD:refs/heads/main
write_policy

# --- objects the push needs that the server cannot read -------------------------
# The server has the benign history; a push on top of it is judged on its
# whole tree, so the gate reads blobs of that history too.
write_policy
corrupt_blob() { # corrupt_blob BARE PATH-IN-TREE missing|garbage
	local bare=$1 blob f
	blob=$(git -C "$bare" rev-parse "refs/heads/main:$2")
	f="$bare/objects/${blob:0:2}/${blob:2}"
	if [ ! -f "$f" ]; then
		# Packed on receipt: unpack everything so it can be damaged.
		git -C "$bare" repack -adq &&
			mv "$bare"/objects/pack/*.pack "$TMP/unpack.pack" &&
			rm -f "$bare"/objects/pack/* &&
			git -C "$bare" unpack-objects -q < "$TMP/unpack.pack"
	fi
	[ -f "$f" ] || return 1
	chmod u+w "$f"
	case $3 in
	missing) rm -f "$f" ;;
	garbage) printf 'garbage' > "$f" ;;
	esac
}
# The history is there before the gate is installed, as on a server that
# adopts exportgate, so the gate has no results of its own for it.
for how in missing garbage; do
	bare="$SRV/obj-$how.git"
	rm -rf "$bare" && git init -q --bare "$bare"
	check "$how object: the benign history is pushed before the gate" \
		git -C "$b" push -q "$(url_of "obj-$how")" HEAD:refs/heads/main
	"$TOP/install.sh" --repo "$bare" --bin "${GATE_BIN:-$EG}" \
		--policy "$POLICY" > "$TMP/install.log" 2>&1 ||
		sed 's/^/     /' "$TMP/install.log"
	if corrupt_blob "$SRV/obj-$how.git" README.md "$how"; then
		next_commit "$b" "next-$how"
		failed_closed "a $how object in the history the push builds on" \
			'[0-9a-f]{7,}|object|incomplete|not scanned' \
			"$WORK/next-$how" "obj-$how" HEAD:refs/heads/main
	else
		fail "$how object: the README blob could be damaged on the server"
	fi
done

# --- pre-push, on an engineer's machine ---------------------------------------
# The same faults refuse a push from a clone whose pre-push hook is the
# gate: one "exportgate: push refused: " line, nothing sent.
write_policy
pp="$WORK/pp-clone"
rm -rf "$pp" && git clone -q "$b" "$pp"
git init -q --bare "$TMP/dest/mirror-us/radar.git"
git -C "$pp" remote add us "file://$TMP/dest/mirror-us/radar.git"
"$TOP/install.sh" --pre-push "$pp" --bin "$EG" --policy "$POLICY" > "$TMP/install.log" 2>&1 ||
	sed 's/^/     /' "$TMP/install.log"
refused() { # WHAT REGEX
	local rc=0
	timeout "$PUSH_TIMEOUT" git -C "$pp" push us HEAD:refs/heads/main \
		> "$TMP/push.out" 2> "$TMP/push.err" < /dev/null || rc=$?
	grep 'exportgate: push refused: ' "$TMP/push.err" >> "$TMP/reasons.txt"
	if [ "$rc" -ne 0 ] && [ -z "$(refs "$TMP/dest/mirror-us/radar.git")" ] &&
		[ "$(grep -c 'exportgate: push refused: ' "$TMP/push.err")" -eq 1 ] &&
		grep 'exportgate: push refused: ' "$TMP/push.err" | grep -Eiq -- "$2"; then
		pass "pre-push, $1: refused in one line (/$2/), nothing sent"
	else
		fail "pre-push, $1: refused in one line (/$2/), nothing sent (exit $rc)"
		sed 's/^/     err: /' "$TMP/push.err" | head -10
	fi
}
rm -f "$POLICY"
refused "a missing policy" 'policy'
printf 'jurisdiction: [US\n' > "$POLICY"
refused "a malformed policy" 'policy\.yml:[0-9]+'
write_policy "rules: [$TMP/norules]"
refused "policy rules: a folder with no pack" 'no signature pack'
write_policy
cp "$big"/*.py "$pp/" && git -C "$pp" add -A && git -C "$pp" commit -qm big
blob=$(git -C "$pp" rev-parse HEAD:m1.py)
rm -f "$pp/.git/objects/${blob:0:2}/${blob:2}"
refused "a missing object in the clone" 'incomplete|not scanned|object'
write_policy

# --- on_error: accept ----------------------------------------------------------
# It lets a push through a failure to do the work (here the deadline), on
# record; never a wrong policy, pack or approvals file, nor what the pusher
# controls: those reject whatever on_error says.
rm -f "$AUDIT"
# policy_edit SED-SCRIPT: the policy of 20-gatelib.sh, edited.
policy_edit() {
	write_policy
	sed -e "$1" "$POLICY" > "$POLICY.new" && mv "$POLICY.new" "$POLICY"
}
policy_edit 's/^on_error: reject/on_error: accept/; s/^deadline_ms: .*/deadline_ms: 1/'
new_bare fail-open
before=$(audit_records)
accepted "on_error: accept lets a push through a deadline passed" \
	"$big" fail-open HEAD:refs/heads/main
stderr_has "  ... with a warning that says so" 'on_error: accept'
check "  ... and records it: decision accept, with the error" python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert r["decision"] == "accept", r["decision"]
assert "deadline" in r.get("error", ""), r.get("error")' "$AUDIT"
check "  ... one record more" test "$(audit_records)" -eq $((before + 1))

policy_with on_error "on_error: accept"
printf 'not: [a list\n' > "$APPROVALS"
new_bare accept-config
failed_closed "on_error: accept and malformed approvals" 'approvals' \
	"$b" accept-config HEAD:refs/heads/main
echo "[]" > "$APPROVALS"
policy_edit "s/^on_error: reject/on_error: accept\nrules: [${TMP//\//\\/}\/no-such-pack.yml]/"
failed_closed "on_error: accept and a pack the policy names that is missing" \
	'no-such-pack' "$b" accept-config HEAD:refs/heads/main
policy_with on_error "on_error: accept"
tree=$(git -C "$b" rev-parse 'HEAD^{tree}')
failed_closed "on_error: accept and a ref to a tree" 'tree.*not a commit' \
	"$b" accept-config "$tree:refs/tags/a-tree"
before=$(refs "$SRV/accept-config.git")
(
	cd "$b" && timeout "$PUSH_TIMEOUT" git push $(printf -- '-o x%.0s ' $(seq 101)) \
		"$(url_of accept-config)" HEAD:refs/heads/main
) > "$TMP/push.out" 2> "$TMP/push.err"
check "on_error: accept and 101 push options: rejected, refs untouched" \
	test "$?" -ne 0 -a "$before" = "$(refs "$SRV/accept-config.git")"

# main_at_tree REPO TREE: REPO's main is a commit of TREE, made by hand.
main_at_tree() {
	git -C "$1" update-ref refs/heads/main \
		"$(git -C "$1" -c user.name=T -c user.email=t@example.com \
			commit-tree -m "made by hand" "$2")"
}

# Content made past the scanner's limits (a tree 1,030 levels deep) leaves
# the scan incomplete by the pusher's making: no policy lets it through.
deep="$WORK/deep-tree"
if [ ! -d "$deep" ]; then
	git init -q "$deep"
	blob=$(printf 'x = 1\n' | git -C "$deep" hash-object -w --stdin)
	t=$(printf '100644 blob %s\tx.py\n' "$blob" | git -C "$deep" mktree)
	for i in $(seq 1030); do
		t=$(printf '040000 tree %s\td\n' "$t" | git -C "$deep" mktree)
	done
	main_at_tree "$deep" "$t"
fi
policy_edit 's/^on_error: reject/on_error: accept/'
new_bare deep-accept
failed_closed "on_error: accept and a tree 1,030 levels deep" \
	'scan is incomplete' "$deep" deep-accept main:refs/heads/main
# A tree entry git takes without receive.fsckObjects (a mode past 16 bits)
# leaves the rest of its tree unread: the pusher made that too.
bad="$WORK/bad-tree"
if [ ! -d "$bad" ]; then
	git init -q "$bad"
	blob=$(printf 'x = 1\n' | git -C "$bad" hash-object -w --stdin)
	python3 -c '
import sys
b = bytes.fromhex(sys.argv[1])
sys.stdout.buffer.write(b"1000644 a\0" + b + b"100644 x.py\0" + b)' "$blob" > "$TMP/tree.bin"
	t=$(git -C "$bad" hash-object -t tree --literally -w "$TMP/tree.bin")
	main_at_tree "$bad" "$t"
fi
policy_edit 's/^on_error: reject/on_error: accept/'
new_bare bad-accept
failed_closed "on_error: accept and a malformed tree entry" \
	'scan is incomplete' "$bad" bad-accept main:refs/heads/main
# Source code zipped so that it can't be read (compressed by bzip2) leaves
# the scan incomplete by the pusher's making as well: it never passes
# unseen.
zc="$WORK/zipped-code"
if [ ! -d "$zc" ]; then
	git init -q "$zc"
	python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_BZIP2) as z:
    z.writestr("labels/README.md", "# labels\n")
    z.writestr("src/train.py", open(sys.argv[2]).read())' \
		"$zc/release.zip" "$TOP/tests/fixtures/src/train.py"
	git -C "$zc" add -A
	git -C "$zc" -c user.name=T -c user.email=t@example.com \
		commit -qm "code, zipped"
fi
new_bare zip-accept
failed_closed "on_error: accept and source code in a zip it can't read" \
	'release\.zip .*archive of source code.*other than by deflate' \
	"$zc" zip-accept HEAD:refs/heads/main
# Read, archived code is judged as code: a zip of a controlled project,
# mirrored to Germany, is rejected for what its members hold, and a zip of
# code that holds nothing passes.
zg="$WORK/zipped-geo"
if [ ! -d "$zg" ]; then
	git init -q "$zg"
	python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1] + "/project.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for f in sys.argv[2:]:
        z.write(f, "src/" + f.rsplit("/", 1)[1])
with zipfile.ZipFile(sys.argv[1] + "/tools.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("tools/util.py", "def add(a, b):\n    return a + b\n")' \
		"$zg" "$TOP"/tests/fixtures/src/{geo_io,train,label_tool,augment,detect_rotated}.py
	git -C "$zg" add tools.zip
	git -C "$zg" -c user.name=T -c user.email=t@example.com \
		commit -qm "tools, zipped"
	git -C "$zg" add project.zip
	git -C "$zg" -c user.name=T -c user.email=t@example.com \
		commit -qm "the project, zipped"
fi
new_bare zip-mirrored-by-policy
accepted "a zip of code that holds nothing is judged and passes" \
	"$zg" zip-mirrored-by-policy HEAD~1:refs/heads/main
rejected "a zip of a controlled project is rejected" \
	"$zg" zip-mirrored-by-policy HEAD:refs/heads/main
stderr_has "... for what its members hold, not as unscanned" \
	'0D521\.1.*controlled'
write_policy

# The gate keeps what it judged of the repository's trees between pushes
# (its cache).  A folder then copied whole to a new path is the same tree:
# it must be read again for the file findings of its new paths, cache or
# not.
cc="$WORK/cache-copy"
rm -rf "$cc" && git init -q "$cc"
tcc() { git -C "$cc" -c user.name=T -c user.email=t@example.com "$@"; }
mkdir -p "$cc/a/crypto"
cp "$TOP/tests/fixtures/src/crypto/aes_sbox.c" "$cc/a/crypto/"
echo one > "$cc/README.md"
tcc add -A && tcc commit -qm one
policy_edit 's/^  "0D521.1": .*/&\n  "5D002.1": {controlled: warn, review: warn}/'
new_bare cache-copy de
accepted "a cipher pushed while 5D002.1 only warns" "$cc" cache-copy HEAD:refs/heads/main
echo two > "$cc/README.md" && tcc commit -qam two
accepted "  ... and a README change after it (the gate's cache is written)" \
	"$cc" cache-copy HEAD:refs/heads/main
check "  ... the cache is there" \
	sh -c 'ls "$1"/exportgate/cache-*.bin' _ "$SRV/cache-copy.git"
mkdir -p "$cc/c" && cp -r "$cc/a/crypto" "$cc/c/" && tcc add -A && tcc commit -qm three
policy_edit 's/^  "0D521.1": .*/&\n  "5D002.1": {controlled: block, review: warn, permitted: [US]}/'
rejected "the folder copied whole to c/, 5D002.1 blocking: rejected with the cache" \
	"$cc" cache-copy HEAD:refs/heads/main
stderr_has "  ... naming the copy's path" 'c/crypto/aes_sbox.c'
write_policy

# A policy entry for a signature no pack defines ("0d521.1") would leave
# the pack's defaults in force, quietly: it is an error of the policy.
policy_edit 's/"0D521.1": {/"0d521.1": {/'
new_bare unknown-sig
failed_closed "a policy entry for a signature no pack defines" \
	"policy\.yml:[0-9]+:[0-9]+: no signature pack defines '0d521.1'" \
	"$b" unknown-sig HEAD:refs/heads/main

# The server records every decision: a policy without audit_log is wrong.
policy_edit '/^audit_log:/d'
new_bare no-log
failed_closed "a policy without audit_log" 'audit_log is missing' \
	"$b" no-log HEAD:refs/heads/main
write_policy

# --- a torn audit record -------------------------------------------------------
# A crash mid-append leaves a line without its newline; verify reports it,
# and the next append seals it, so the chain verifies again.
write_policy
new_bare torn
accepted "torn log: a first push is recorded" "$b" torn HEAD:refs/heads/main
expect_exit 0 "  ... the log verifies" "$EG" audit verify "$AUDIT"
printf '{"prev": "%s", "time": "2026-01-01T00:00:0' \
	"$(tail -1 "$AUDIT" | sha256sum | cut -c1-64)" >> "$AUDIT"
expect_exit 1 "a torn record (no newline) fails audit verify" \
	"$EG" audit verify "$AUDIT"
check "  ... which names it as torn, at its line" \
	grep -Eiq "torn|line $(grep -c '' "$AUDIT")" "$TMP/prev.out" "$TMP/prev.err"
records=$(grep -c '' "$AUDIT")
next_commit "$b" next-torn
accepted "a push after the crash is accepted and recorded" \
	"$WORK/next-torn" torn HEAD:refs/heads/main
check "  ... after the fragment, which now ends in a newline" \
	test "$(grep -c '' "$AUDIT")" -eq $((records + 1)) -a \
	"$(tail -c 1 "$AUDIT" | od -An -c | tr -d ' ')" = '\n'
expect_exit 0 "  ... and the chain verifies again (the fragment is sealed)" \
	"$EG" audit verify "$AUDIT"
check "  ... saying one torn record was sealed" \
	grep -Eiq "1 torn record" "$TMP/prev.out" "$TMP/prev.err"
check "the sealing record carries the fragment's length" python3 -c '
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
r = json.loads(lines[-2])
assert r["torn"]["bytes"] == len(lines[-3]), (r.get("torn"), len(lines[-3]))' \
	"$AUDIT"
