#!/bin/bash
# 26-audit.sh: every push decision leaves one record in the audit log, the
# log is a hash chain that `exportgate audit verify` checks, and editing or
# dropping a record breaks it. Concurrent pushes keep the chain intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/20-gatelib.sh"
need_binary
write_policy
mkfixture controlled && mkfixture benign && mkfixture split3 || {
	fail "the fixtures build (tests/fixtures/mkrepo.sh)"
	exit 0
}
c="$WORK/controlled"
b="$WORK/benign"
TRANSPORT=file
export USER=carol
rm -f "$AUDIT"

new_bare audit-de de
new_bare audit-ca ca
new_bare audit-split de
accepted "benign content accepted (decision 1)" "$b" audit-de HEAD:refs/heads/main
rejected "controlled content rejected (decision 2)" "$c" audit-de HEAD:refs/heads/geo
accepted "controlled content accepted towards CA (decision 3)" "$c" audit-ca HEAD:refs/heads/main
accepted "split3 accepted with a warning (decision 4)" "$WORK/split3" audit-split HEAD:refs/heads/main
export USER=alice
rc=0
push_opts "$c" audit-de exportgate.override=EXP-1 HEAD:refs/heads/geo || rc=$?
check "an override by alice is accepted (decision 5)" test "$rc" -eq 0
export USER=carol

check "one audit record per decision" test "$(audit_records)" -eq 5
check "every record is JSON with a decision and the previous record's hash" \
	python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    r = json.loads(line)
    assert "decision" in r and "prev" in r, (n, sorted(r))' "$AUDIT"

rec() { sed -n "${1}p" "$AUDIT"; }
check "the rejection's record names the signature" bash -c "sed -n 2p '$AUDIT' | grep -q '0D521.1'"
check "  ... and the repository" bash -c "sed -n 2p '$AUDIT' | grep -q 'audit-de'"
check "  ... and the ref pushed" bash -c "sed -n 2p '$AUDIT' | grep -q 'refs/heads/geo'"
check "  ... and the DE destination" bash -c "sed -n 2p '$AUDIT' | grep -q '\"DE\"'"
check "the records name the pushing user" bash -c "sed -n 1p '$AUDIT' | grep -q '\"carol\"'"
check "the override's record names the ticket and the user" \
	bash -c "sed -n 5p '$AUDIT' | grep -q 'EXP-1' && sed -n 5p '$AUDIT' | grep -q '\"alice\"'"
check "accepted and rejected decisions differ in the log" \
	python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert r[0]["decision"] != r[1]["decision"], (r[0]["decision"], r[1]["decision"])' "$AUDIT"

expect_exit 0 "exportgate audit verify passes on the intact log" "$EG" audit verify "$AUDIT"

# Editing one record (accept for reject) breaks the chain at that point.
cp "$AUDIT" "$TMP/edited.jsonl"
python3 - "$TMP/edited.jsonl" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
i = 1  # the second record, the rejection
new = lines[i].replace("reject", "accept", 1)
if new == lines[i]:
    new = lines[i].replace("0D521.1", "0D521.2", 1)
lines[i] = new
open(p, "w").write("\n".join(lines))
PY
check "  (the edit changed the record)" bash -c "! cmp -s '$AUDIT' '$TMP/edited.jsonl'"
expect_exit 1 "audit verify fails on a log with an edited record" \
	"$EG" audit verify "$TMP/edited.jsonl"
cat "$TMP/last.out" "$TMP/last.err" > "$TMP/verify.msg"
check "  ... and names the broken record" grep -Eq '\b[23]\b' "$TMP/verify.msg"

sed 3d "$AUDIT" > "$TMP/dropped.jsonl"
expect_exit 1 "audit verify fails on a log with a record removed" \
	"$EG" audit verify "$TMP/dropped.jsonl"

# The chain alone cannot show a tail cut off or rewritten: the head the
# hook sends to syslog, kept out of the log's reach, does.
head=$(sha256sum < <(tail -n 1 "$AUDIT" | tr -d '\n') | cut -c1-64)
expect_exit 0 "audit verify --head: the chain reaches the last head" \
	"$EG" audit verify --head "$head" "$AUDIT"
check "  ... and says it is the last line" \
	grep -q "head $head (line $(grep -c '' "$AUDIT"))" "$TMP/prev.out"
sed '$d' "$AUDIT" > "$TMP/cut.jsonl"
expect_exit 0 "a log with its last record cut still chains" \
	"$EG" audit verify "$TMP/cut.jsonl"
expect_exit 1 "  ... but does not reach the head kept elsewhere" \
	"$EG" audit verify --head "$head" "$TMP/cut.jsonl"
check "  ... and says so" grep -q "does not reach head $head" "$TMP/prev.out"
expect_exit 2 "audit verify --head that is not a SHA-256: exit 2" \
	"$EG" audit verify --head 1234 "$AUDIT"

# Four pushes at once: four more records, the chain still intact.
pids=()
for i in 1 2 3 4; do
	new_bare "audit-par$i" de
done
for i in 1 2 3 4; do
	timeout "$PUSH_TIMEOUT" git -C "$b" push "$(url_of "audit-par$i")" \
		HEAD:refs/heads/main > "$TMP/par$i.out" 2>&1 < /dev/null &
	pids+=($!)
done
ok=0
for pid in "${pids[@]}"; do
	wait "$pid" && ok=$((ok + 1))
done
check "four concurrent benign pushes are accepted" test "$ok" -eq 4
check "  ... four more records" test "$(audit_records)" -eq 9
expect_exit 0 "  ... and the chain verifies" "$EG" audit verify "$AUDIT"

# Git allows any byte but NUL in a ref name, and a push option may carry any
# byte too; the record holds them as U+FFFD, and each decision stands.
bad=$(printf 'x\377')
git -C "$b" branch -f "$bad" HEAD
new_bare audit-bytes de
before=$(audit_records)
accepted "a benign push to a branch whose name is not UTF-8 is accepted" \
	"$b" audit-bytes "refs/heads/$bad:refs/heads/$bad"
rejected "controlled content to a branch named in Latin-1 is rejected" \
	"$c" audit-bytes "HEAD:refs/heads/$(printf 'r\351sum\351')"
rc=0
push_opts "$b" audit-bytes "$(printf 'exportgate.override=T\377')" \
	HEAD:refs/heads/main || rc=$?
check "a benign push with an override ticket that is not UTF-8 is accepted" \
	test "$rc" -eq 0
check "  ... three more records" test "$(audit_records)" -eq $((before + 3))
check "  ... with the bytes as U+FFFD, and the decisions taken" python3 -c '
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])][-3:]
assert r[0]["refs"][0]["name"] == "refs/heads/x\ufffd", r[0]["refs"]
assert r[0]["decision"] == "accept", r[0]["decision"]
assert r[1]["refs"][0]["name"] == "refs/heads/r\ufffdsum\ufffd", r[1]["refs"]
assert r[1]["decision"] == "reject", r[1]["decision"]
assert r[2]["override"]["ticket"] == "T\ufffd", r[2]["override"]
assert r[2]["decision"] == "accept", r[2]["decision"]' "$AUDIT"
expect_exit 0 "  ... and the chain verifies" "$EG" audit verify "$AUDIT"

# A pusher chooses how many refs a push has and how long their names are:
# 1,000 refs of 1,000 bytes do not fit in a record listed in full.  The
# record lists the first ones, counts them all and hashes them all, so the
# rejection is on record and a benign push still goes in.
seg=$(printf 'x%.0s' $(seq 240))
for w in "$b" "$c"; do
	for i in $(seq 1000); do
		echo "create refs/heads/long/$seg/$seg/$seg/$seg/b$i HEAD"
	done | git -C "$w" update-ref --stdin
done
long_refs_record() {
	python3 - "$AUDIT" "$1" "$2" <<'PY'
import hashlib, json, subprocess, sys
line = open(sys.argv[1], "rb").read().splitlines()[-1]
r = json.loads(line)
assert r["decision"] == sys.argv[3], r["decision"]
assert r["refs_count"] == 1000, r.get("refs_count")
assert 0 < len(r["refs"]) < 1000, len(r["refs"])
out = subprocess.run(["git", "-C", sys.argv[2], "for-each-ref",
                      "--format=%(objectname) %(refname)", "refs/heads/long"],
                     capture_output=True, text=True, check=True).stdout
every = "".join("%s %s %s\n" % ("0" * 40, o, n)
                for o, n in (l.split(" ", 1) for l in out.splitlines()))
assert r["refs_sha256"] == hashlib.sha256(every.encode()).hexdigest()
assert len(line) <= 1 << 20, len(line)
PY
}
new_bare audit-long de
before=$(audit_records)
rejected "controlled content to 1,000 refs with long names is rejected" \
	"$c" audit-long 'refs/heads/long/*:refs/heads/long/*'
check "  ... and recorded, listing some refs and counting and hashing all" \
	long_refs_record "$c" reject
check "  ... in one record" test "$(audit_records)" -eq $((before + 1))
accepted "benign content to 1,000 refs with long names is accepted" \
	"$b" audit-long 'refs/heads/long/*:refs/heads/long/*'
check "  ... and recorded the same way" long_refs_record "$b" accept
expect_exit 0 "  ... and the chain verifies" "$EG" audit verify "$AUDIT"
