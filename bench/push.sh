#!/bin/bash
# push.sh: the time a gated push adds, against the same push ungated.
#
#   bench/push.sh GITDIR [RUNS]
#
# Makes two bare copies of GITDIR (hard links, so fast), gates one with
# install.sh (one DE mirror, default packs), then RUNS times (default 5,
# after one warm-up) commits one small change and pushes it to both, each
# push timed on its own.  Prints the medians and their ratio.
set -eu
src=${1:?usage: bench/push.sh GITDIR [RUNS]}
runs=${2:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
eg="$top/build/exportgate"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
git config --global user.name Bench
git config --global user.email bench@example.com

git clone -q --bare "$src" "$work/plain.git"
git clone -q --bare "$src" "$work/gated.git"
git -C "$work/gated.git" remote add --mirror=push mirror \
	ssh://git@mirror.example.de/bench.git
cat > "$work/policy.yml" <<POLICY
jurisdiction: US
destinations:
  - {url: "ssh://git@mirror.example.de/*", jurisdiction: DE}
audit_log: $work/audit.jsonl
POLICY
"$top/install.sh" --repo "$work/gated.git" --bin "$eg" \
	--policy "$work/policy.yml" > /dev/null
branch=$(git -C "$work/plain.git" symbolic-ref --short HEAD)
git clone -q --shared --branch "$branch" "$work/plain.git" "$work/clone"
echo "repository: $src ($(git -C "$src" for-each-ref | wc -l) refs)"

now() { date +%s.%N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
: > "$work/plain.t"
: > "$work/gated.t"
for i in $(seq 0 "$runs"); do
	echo "bench $i" >> "$work/clone/bench-file.txt"
	git -C "$work/clone" add bench-file.txt
	git -C "$work/clone" commit -qm "bench $i"
	for repo in plain gated; do
		t0=$(now)
		git -C "$work/clone" push -q "$work/$repo.git" \
			"HEAD:refs/heads/bench" 2> "$work/push.err" ||
			{ cat "$work/push.err"; exit 1; }
		t1=$(now)
		# the first push of each is the warm-up
		[ "$i" -gt 0 ] && echo "$t1 - $t0" | bc >> "$work/$repo.t"
	done
done
p=$(median < "$work/plain.t")
g=$(median < "$work/gated.t")
echo "push without the gate (median of $runs): ${p}s"
echo "push with the gate (median of $runs):    ${g}s"
echo "ratio gated / plain: $(echo "scale=2; $g / $p" | bc)  (target <= 1.5)"
echo "audit records: $(wc -l < "$work/audit.jsonl")"
