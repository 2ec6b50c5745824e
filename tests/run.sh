#!/bin/sh
# run.sh: run the unit test programs given as arguments, then every shell
# test in tests/t/, and close with "N passed, N failed".
#
#   EG_TESTS="t/1*"   run only the shell tests matching this glob
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)
results="$top/tests/tmp/results"
mkdir -p "$top/tests/tmp"
: > "$results"
export EG_RESULTS="$results"

for prog in "$@"; do
	if "$prog" > "$top/tests/tmp/$(basename "$prog").log" 2>&1; then
		echo "ok   unit $(basename "$prog")"
		echo pass >> "$results"
	else
		echo "FAIL unit $(basename "$prog") (see tests/tmp/$(basename "$prog").log)"
		sed 's/^/     /' "$top/tests/tmp/$(basename "$prog").log" | tail -20
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
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
