#!/bin/bash
# 31-gate-load.sh: the gate under concurrent pushes.  Pushes to different
# branches of one repository and to different repositories, all sharing one
# audit log, run at once: each is decided as it would be alone, each
# decision is recorded exactly once, every line of the log is one whole JSON
# record, and the chain verifies.  One push of 2,000 tags is one record.
#
#   EG_LOAD_PUSHES=N   pushes per round (default 8); three rounds run
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/20-gatelib.sh"
need_binary
TRANSPORT=file
N=${EG_LOAD_PUSHES:-8}
write_policy
mkfixture benign && mkfixture controlled || {
	fail "the fixtures build (tests/fixtures/mkrepo.sh)"
	exit 0
}
rm -f "$AUDIT"
export USER=loadtester

# Worker i pushes from its own clone: odd workers the controlled fixture
# (rejected by a DE-mirrored repository), even ones benign history with a
# commit of their own (accepted).
for i in $(seq 1 "$N"); do
	w="$WORK/w$i"
	rm -rf "$w"
	if [ $((i % 2)) -eq 1 ]; then
		git clone -q "$WORK/controlled" "$w"
	else
		git clone -q "$WORK/benign" "$w" &&
			echo "worker $i" > "$w/worker-$i.txt" &&
			git -C "$w" add . && git -C "$w" commit -qm "worker $i"
	fi
done

# round NAME REPO-OF-I: push from every worker at once to the repository
# "$(REPO-OF-I i)" and branch NAME-i; $TMP/NAME-i.rc holds each exit code.
round() {
	local name=$1 repo_of=$2 i pids=() start
	start=$(date +%s%N)
	for i in $(seq 1 "$N"); do
		(
			timeout "$PUSH_TIMEOUT" git -C "$WORK/w$i" push \
				"$(url_of "$($repo_of "$i")")" "HEAD:refs/heads/$name-$i" \
				> "$TMP/$name-$i.out" 2>&1 < /dev/null
			echo $? > "$TMP/$name-$i.rc"
		) &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	echo "     $name: $N concurrent pushes in $((($(date +%s%N) - start) / 1000000)) ms"
	echo "$name $N $((($(date +%s%N) - start) / 1000000))" >> "$TMP/timings"
}

# decided NAME REPO-OF-I: each push of the round was decided as alone.
decided() {
	local name=$1 repo_of=$2 i rc bare bad=0 want
	for i in $(seq 1 "$N"); do
		rc=$(cat "$TMP/$name-$i.rc" 2> /dev/null || echo none)
		bare="$SRV/$($repo_of "$i").git"
		if [ $((i % 2)) -eq 1 ]; then
			if [ "$rc" = 0 ] || ! grep -q "pre-receive hook declined" "$TMP/$name-$i.out" ||
				git -C "$bare" rev-parse -q --verify "refs/heads/$name-$i" > /dev/null; then
				echo "     push $name-$i (controlled) was not rejected cleanly (exit $rc)"
				bad=1
			fi
		else
			want=$(git -C "$WORK/w$i" rev-parse HEAD)
			if [ "$rc" != 0 ] || [ "$(git -C "$bare" rev-parse -q --verify "refs/heads/$name-$i")" != "$want" ]; then
				echo "     push $name-$i (benign) was not accepted (exit $rc)"
				sed 's/^/     /' "$TMP/$name-$i.out" | head -10
				bad=1
			fi
		fi
	done
	[ "$bad" -eq 0 ]
}

one_repo() { echo load-one; }
many_repos() { echo "load-many-$1"; }

new_bare load-one de
for i in $(seq 1 "$N"); do
	new_bare "load-many-$i" de
done

round same one_repo
check "$N concurrent pushes to branches of one repository: each decided as alone" \
	decided same one_repo
round multi many_repos
check "$N concurrent pushes to $N repositories: each decided as alone" \
	decided multi many_repos

# records: every line is a JSON record; each push (its ref name is unique)
# is in exactly one, with the decision it got.
check "the audit log has one record per push: $((2 * N))" \
	test "$(audit_records)" -eq $((2 * N))
check "every line is one whole JSON record; each push recorded exactly once, with its decision" \
	python3 - "$AUDIT" "$N" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
data = open(path, "rb").read()
assert data.endswith(b"\n"), "the log does not end with a newline"
seen = {}
for no, line in enumerate(data.split(b"\n")[:-1], 1):
    r = json.loads(line)  # raises on an interleaved or cut line
    assert isinstance(r, dict) and "prev" in r, no
    for ref in r.get("refs", []):
        seen.setdefault(ref["name"], []).append(r["decision"])
for name in ("same", "multi"):
    for i in range(1, n + 1):
        ref = "refs/heads/%s-%d" % (name, i)
        want = "reject" if i % 2 else "accept"
        assert seen.get(ref) == [want], (ref, seen.get(ref), want)
assert len(seen) == 2 * n, sorted(seen)
PY
expect_exit 0 "exportgate audit verify passes on the log the concurrent pushes wrote" \
	"$EG" audit verify "$AUDIT"
check "  ... and counts every record" grep -q "$((2 * N)) records" "$TMP/prev.out"

# A torn record at the end, as a crash mid-append leaves it, then a round
# of concurrent pushes: exactly one of them seals it, the chain verifies.
printf '{"prev": "0000", "decision": "acc' >> "$AUDIT"
expect_exit 1 "a torn record fails audit verify" "$EG" audit verify "$AUDIT"
round after many_repos
check "$N concurrent pushes after the crash: each decided as alone" \
	decided after many_repos
check "  ... $N records more, after the fragment" \
	test "$(grep -c '' "$AUDIT")" -eq $((3 * N + 1))
expect_exit 0 "  ... and the chain verifies, the fragment sealed once" \
	"$EG" audit verify "$AUDIT"
check "  ... by exactly one record" python3 -c '
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
sealing = [l for l in lines if l.startswith(b"{") and b"\"torn\"" in l and json.loads(l).get("torn")]
assert len(sealing) == 1, len(sealing)' "$AUDIT"

# One push of many refs at once: 2,000 tags (a mirror push of every tag
# looks like this).  One decision, one record that counts them all.
w="$WORK/w2"
printf 'create refs/tags/load-%04d HEAD\n' $(seq 1 2000) | git -C "$w" update-ref --stdin
new_bare load-tags de
before=$(audit_records)
start=$(date +%s%N)
accepted "a push of 2,000 tags at once is accepted" "$w" load-tags 'refs/tags/load-*:refs/tags/load-*'
echo "     2,000 refs in one push: $((($(date +%s%N) - start) / 1000000)) ms"
check "  ... all 2,000 tags are on the server" \
	test "$(git -C "$SRV/load-tags.git" for-each-ref refs/tags | wc -l)" -eq 2000
check "  ... in one record, counting every ref, listing at most 1,000" python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert r["decision"] == "accept", r["decision"]
assert r["refs_count"] == 2000, r.get("refs_count")
assert 0 < len(r["refs"]) <= 1000, len(r["refs"])' "$AUDIT"
check "  ... one record more" test "$(audit_records)" -eq $((before + 1))
expect_exit 0 "  ... and the chain still verifies" "$EG" audit verify "$AUDIT"
