#!/bin/sh
# run.sh: run libFuzzer targets built by `make fuzz-build`.
#
#   fuzz/run.sh SECONDS TARGET...
#
# Each target runs SECONDS on build/fuzz/corpus/TARGET (kept between runs,
# seeded by fuzz/seed.sh) and stops at its first crash, leak, timeout or
# sanitizer report; the input is saved as build/fuzz/crashes/TARGET-*.
# Prints one line per target and exits 1 when any target failed.
# FUZZ_DIR (default build/fuzz) is where the binaries, corpora and logs are,
# for long runs from a copy that a `make clean` cannot remove.
set -u
cd "$(dirname "$0")/.." || exit 2
dir=${FUZZ_DIR:-build/fuzz}
[ $# -ge 2 ] || {
	echo "usage: $0 SECONDS TARGET..." >&2
	exit 2
}
secs=$1
shift
# Seeds are made afresh for each run, in a folder of its own, so that runs
# of different targets can go on side by side.
seeds=$(mktemp -d "$dir/seeds.XXXXXX") || exit 2
trap 'rm -rf "$seeds"' EXIT
sh fuzz/seed.sh "$seeds" || exit 2
mkdir -p "$dir/crashes"
failed=0
for t in "$@"; do
	bin=$dir/fuzz_$t
	log=$dir/$t.log
	mkdir -p "$dir/corpus/$t"
	dict=
	[ -f "fuzz/$t.dict" ] && dict=-dict=fuzz/$t.dict
	# -timeout: one input taking this long is a hang, reported as a crash.
	"$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2560 \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/$t-" \
		$dict "$dir/corpus/$t" "$seeds/$t" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ "$rc" -eq 0 ]; then
		echo "ok   fuzz $t: ${secs}s, ${execs:-?} executions, $cov, no crash"
	else
		echo "FAIL fuzz $t: exit $rc after ${execs:-?} executions (see $log)"
		grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 | sed 's/^/     /'
		failed=1
	fi
done
exit $failed
