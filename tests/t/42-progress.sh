#!/bin/bash
# 42-progress.sh: the progress line and the colours, which depend on whether
# stderr and stdout are terminals; run under a pseudo-terminal with
# script(1) from util-linux.  EXPORTGATE_PROGRESS_MS=0 draws the line at
# every step instead of every 200 ms, so that a small repository shows it.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$EG" ]; then
	fail "build/exportgate exists (run make; the progress tests need it)"
	exit 0
fi

# A history of 400 commits over 40 files, made in one go by fast-import.
N=400
R="$TMP/long"
git init -q "$R"
for i in $(seq 1 $N); do
	body=$(printf 'def step_%d(x):\n    return x + %d\n' "$i" "$i")
	printf 'commit refs/heads/main\n'
	printf 'author A U Thor <author@example.com> %d +0000\n' $((1700000000 + i))
	printf 'committer A U Thor <author@example.com> %d +0000\n' $((1700000000 + i))
	printf 'data %d\nstep %d\n' $((${#i} + 5)) "$i"
	printf 'M 100644 inline src/mod%d.py\ndata %d\n%s\n' $((i % 40)) \
		$((${#body} + 1)) "$body"
done | git -C "$R" fast-import --quiet
git -C "$R" checkout -q -f main
check "a repository of $N commits to scan" \
	test "$(git -C "$R" rev-list --all | wc -l)" = $N

mkrepo_ok=0
bash "$FIXTURES/mkrepo.sh" controlled "$TMP/controlled" > /dev/null &&
	mkrepo_ok=1
check "mkrepo.sh builds the controlled repository" test $mkrepo_ok = 1

export EG R TMP N

# --- stderr not a terminal -----------------------------------------------------

expect_exit 0 "--progress with stderr a file: exit 0" \
	env EXPORTGATE_PROGRESS_MS=0 "$EG" scan --progress --jobs 1 "$R"
cp "$TMP/last.err" "$TMP/forced.err"
cp "$TMP/last.out" "$TMP/forced.out"
check "... the line is drawn: carriage return, erase, 'commits'" \
	grep -q "$(printf '\r\033\\[K')exportgate: .*commits" "$TMP/forced.err"
cat > "$TMP/lines.py" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8", newline="").read()
draws = [d for d in text.split("\r\x1b[K") if d]
want = sys.argv[2:]
bad = [w for w in want if not any(re.search(w, d) for d in draws)]
if bad:
    sys.exit("no line matching %s among %d, e.g. %r"
             % (bad, len(draws), draws[-2:]))
long = [d for d in draws if len(d) > 79]
if long:
    sys.exit("wider than 79 columns: %r" % long[0])
if not text.endswith("\r\x1b[K"):
    sys.exit("the line is not cleared at the end")
EOF
check "... with commits done of the total, blobs, bytes, rate and ETA" \
	python3 "$TMP/lines.py" "$TMP/forced.err" \
	"^exportgate: judging commits: [0-9]+/$N, ETA [0-9]+[smh].*, [0-9]+/s, [0-9]+ blobs, [0-9.]+ (bytes|KiB|MiB)$"
check "... each line narrower than the terminal, and cleared at the end" \
	python3 "$TMP/lines.py" "$TMP/forced.err"
check "... and the report on stdout untouched" \
	sh -c '! grep -q "$(printf "\r")" "$1" &&
		tail -n 1 "$1" | grep -q "^No findings; $2 commits"' \
	_ "$TMP/forced.out" "$N"

expect_exit 0 "--progress with several jobs: exit 0" \
	env EXPORTGATE_PROGRESS_MS=0 "$EG" scan --progress --jobs 4 "$R"
check "... the line is drawn and names the commits" \
	python3 "$TMP/lines.py" "$TMP/prev.err" "commits"
cp "$TMP/prev.err" "$TMP/jobs.err"
check "... first listing and reading the blobs, then judging the commits" \
	python3 "$TMP/lines.py" "$TMP/jobs.err" \
	"^exportgate: reading blobs: [0-9]+/$N(, ETA [^,]+)?, [0-9.]+ (bytes|KiB|MiB) at [0-9.]+ (bytes|KiB|MiB)/s, of $N commits$" \
	"^exportgate: judging commits: "

expect_exit 0 "by default, with stderr a file: exit 0" \
	env EXPORTGATE_PROGRESS_MS=0 "$EG" scan "$R"
check "... no progress line at all" test ! -s "$TMP/prev.err"

expect_exit 0 "--dir --progress: exit 0" \
	env EXPORTGATE_PROGRESS_MS=0 "$EG" scan --dir --progress "$R/src"
check "... the line counts files" \
	python3 "$TMP/lines.py" "$TMP/prev.err" "^exportgate: reading files: [0-9]+"

# --- under a pseudo-terminal ---------------------------------------------------

if ! script -qfec true /dev/null < /dev/null > /dev/null 2>&1; then
	echo "note: script(1) from util-linux is missing or has no pty;" \
		"the terminal tests were not run"
	exit 0
fi

# pty CMD: run the shell command CMD with stdin, stdout and stderr on a
# pseudo-terminal; what it printed is on stdout.
pty() {
	script -qfec "$1" /dev/null < /dev/null
}
ERASE=$(printf '\r\033\\[K')

pty 'EXPORTGATE_PROGRESS_MS=0 "$EG" scan "$R"' > "$TMP/pty.out"
check "on a terminal the line is drawn by default" \
	grep -q "$ERASE"'exportgate: .*commits' "$TMP/pty.out"
check "... and the report follows it" \
	grep -q "^No findings; $N commits" "$TMP/pty.out"
pty 'EXPORTGATE_PROGRESS_MS=0 "$EG" scan --no-progress "$R"' > "$TMP/pty-no.out"
check "--no-progress on a terminal: no progress line" \
	sh -c '! grep -q "$(printf "\033")\[K" "$1" && ! grep -q "commits:" "$1" &&
		grep -q "^No findings" "$1"' _ "$TMP/pty-no.out"
pty 'EXPORTGATE_PROGRESS_MS=0 "$EG" scan "$R" 2> "$TMP/pty-file.err"' \
	> "$TMP/pty-file.out"
check "stdout a terminal but stderr a file: no progress line anywhere" \
	sh -c 'test ! -s "$1" && ! grep -q "$(printf "\033")\[K" "$2" &&
		grep -q "^No findings" "$2"' \
	_ "$TMP/pty-file.err" "$TMP/pty-file.out"

# --- colours -------------------------------------------------------------------

if [ $mkrepo_ok = 1 ]; then
	export C="$TMP/controlled"
	ESC=$(printf '\033')
	pty 'env -u NO_COLOR TERM=xterm "$EG" scan --no-progress "$C"' \
		> "$TMP/colour.out"
	check "on a terminal the report has colours" \
		grep -q "${ESC}\\[1m${ESC}\\[31mCONTROLLED" "$TMP/colour.out"
	pty 'env -u NO_COLOR TERM=xterm "$EG" scan --no-progress --no-color "$C"' \
		> "$TMP/nocolor.out"
	check "--no-color: none" \
		sh -c '! grep -q "$(printf "\033")" "$1" && grep -q "^  CONTROLLED" "$1"' \
		_ "$TMP/nocolor.out"
	pty 'NO_COLOR=1 TERM=xterm "$EG" scan --no-progress "$C"' \
		> "$TMP/nocolor-env.out"
	check "NO_COLOR=1: none" \
		sh -c '! grep -q "$(printf "\033")" "$1" && grep -q "^  CONTROLLED" "$1"' \
		_ "$TMP/nocolor-env.out"
	pty 'env -u NO_COLOR TERM=dumb "$EG" scan --no-progress "$C"' \
		> "$TMP/dumb.out"
	check "TERM=dumb: none" \
		sh -c '! grep -q "$(printf "\033")" "$1" && grep -q "^  CONTROLLED" "$1"' \
		_ "$TMP/dumb.out"
	pty 'env -u NO_COLOR TERM=xterm "$EG" scan --no-progress --output "$TMP/colour-file.txt" "$C"' \
		> /dev/null
	check "--output FILE on a terminal: none in the file" \
		sh -c '! grep -q "$(printf "\033")" "$1" && grep -q "^  CONTROLLED" "$1"' \
		_ "$TMP/colour-file.txt"
	pty 'env -u NO_COLOR TERM=xterm "$EG" scan --no-progress --format json "$C"' \
		> "$TMP/colour-json.out"
	check "--format json on a terminal: no colours" \
		sh -c '! grep -q "$(printf "\033")" "$1" && grep -q "\"findings\"" "$1"' \
		_ "$TMP/colour-json.out"
fi
