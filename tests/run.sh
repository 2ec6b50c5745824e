#!/bin/sh
# run.sh: run the unit test programs given as arguments, then every shell
# test in tests/t/, and close with "N passed, N failed".
#
#   EG_TESTS="t/1*"   run only the shell tests matching this glob
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
# Outside the work tree, so that no test's folder is inside a repository,
# and one per run, so that runs side by side do not meet.
out=${EG_TEST_ROOT:-${TMPDIR:-/tmp}/exportgate-tests.$$}
rm -rf "$out" && mkdir -p "$out"
results="$out/results"
: > "$results"
export EG_RESULTS="$results" EG_TEST_ROOT="$out"

for prog in "$@"; do
	log="$out/$(basename "$prog").log"
	if "$prog" > "$log" 2>&1; then
		echo "ok   unit $(basename "$prog")"
		echo pass >> "$results"
	else
		echo "FAIL unit $(basename "$prog") (see $log)"
		sed 's/^/     /' "$log" | tail -20
		echo fail >> "$results"
	fi
done

for t in tests/${EG_TESTS:-t/[0-9]*.sh}; do
	[ -f "$t" ] || continue
	echo "# $t"
	bash "$t" || { echo "FAIL $t exited $?"; echo fail >> "$results"; }
done

pass=$(grep -c '^pass' "$results")
fail=$(grep -c '^fail' "$results")
echo "$pass passed, $fail failed"
# keep what failed to look at; a clean run leaves nothing behind
[ "$fail" -eq 0 ] && [ -z "${EG_TEST_KEEP:-}" ] && rm -rf "$out"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
