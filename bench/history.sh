#!/bin/sh
# history.sh: time a full-history scan against git reading the same history.
#
#   bench/history.sh GITDIR [EXPORTGATE]
#
# Runs, one after the other on the same machine, over branches and tags:
#   git rev-list --objects | git cat-file --batch-check | git cat-file --batch
#     (every reachable blob read once: what any scanner must at least read)
#   git log -p -U0 --full-history --branches --tags
#     (what a patch-based scanner pays at the least)
#   exportgate scan --rev '--branches --tags' with the default packs
# and prints the times, exportgate's peak RSS and the two ratios.
set -eu
repo=${1:?usage: bench/history.sh GITDIR [EXPORTGATE]}
eg=${2:-$(dirname "$0")/../build/exportgate}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

echo "repository: $repo"
echo "commits: $(git -C "$repo" rev-list --branches --tags | wc -l)"
echo "machine: $(nproc) CPUs, $(free -g | awk '/^Mem/{print $2}') GiB"

t0=$(now)
git -C "$repo" rev-list --objects --branches --tags | cut -d' ' -f1 |
	git -C "$repo" cat-file --batch-check='%(objectname) %(objecttype)' |
	awk '$2 == "blob" { print $1 }' |
	git -C "$repo" cat-file --batch > /dev/null
t1=$(now)
catfile=$(secs "$t0" "$t1")
echo "git cat-file --batch (all blobs):      ${catfile}s"

t0=$(now)
git -C "$repo" log -p -U0 --full-history --branches --tags > /dev/null
t1=$(now)
logp=$(secs "$t0" "$t1")
echo "git log -p -U0 --full-history:         ${logp}s"

t0=$(now)
/usr/bin/time -f '%M' -o "$out/rss" "$eg" scan --rev '--branches --tags' \
	--no-progress --format json --output "$out/report.json" "$repo" || true
t1=$(now)
scan=$(secs "$t0" "$t1")
rss=$(tail -n 1 "$out/rss")
echo "exportgate scan (default packs):       ${scan}s, peak RSS $((rss / 1024)) MiB"
python3 - "$out/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
print("  %d commits, %d blobs, %d bytes, %d findings, incomplete=%s" %
      (s["commits"], s["blobs"], s["bytes"], s["findings"], s["incomplete"]))
PY
echo "ratio scan / cat-file:  $(echo "scale=2; $scan / $catfile" | bc)  (target <= 1.0)"
echo "ratio scan / log -p:    $(echo "scale=2; $scan / $logp" | bc)  (target <= 0.5)"
