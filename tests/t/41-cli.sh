#!/bin/bash
# 41-cli.sh: the command line people expect: every command's --help and a
# hint on a bad flag, --version, the text report, --baseline, the rules
# commands, and make install / uninstall into a DESTDIR.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$EG" ]; then
	fail "build/exportgate exists (run make; the CLI tests need it)"
	exit 0
fi

# no_stdin CMD...: run with nothing on stdin, as the hooks read it.
no_stdin() { "$@" < /dev/null; }

# --- help and bad flags ------------------------------------------------------

for cmd in scan rules pre-receive pre-push audit; do
	expect_exit 0 "$cmd --help: exit 0" no_stdin "$EG" "$cmd" --help
	check "... its usage on stdout, nothing on stderr" \
		sh -c 'grep -q "^usage: exportgate $1" "$2" && test ! -s "$3"' \
		_ "$cmd" "$TMP/prev.out" "$TMP/prev.err"
	cp "$TMP/prev.out" "$TMP/$cmd-help.out"
	expect_exit 0 "help $cmd: exit 0" no_stdin "$EG" help "$cmd"
	check "... prints what $cmd --help prints" \
		cmp "$TMP/prev.out" "$TMP/$cmd-help.out"
done
check "scan --help fits in 80 columns" \
	sh -c '! awk "length > 80" "$1" | grep -q .' _ "$TMP/scan-help.out"
for opt in --all --rev --tree --worktree --dir --rules --policy --format \
	--output --baseline --jobs --max-blob-size --fail-on --progress \
	--no-progress --no-color; do
	grep -q -- "$opt" "$TMP/scan-help.out" || missing_opt="${missing_opt:-} $opt"
done
check "scan --help names every option" test -z "${missing_opt:-}"

expect_exit 0 "--help: exit 0" "$EG" --help
check "... the commands on stdout" \
	sh -c 'grep -q "exportgate scan" "$1" && grep -q "rules list" "$1" &&
		grep -q "pre-receive" "$1" && grep -q "audit verify" "$1"' \
	_ "$TMP/prev.out"
expect_exit 2 "no command: exit 2" "$EG"
check "... with the usage on stderr" grep -q "^usage:" "$TMP/prev.err"
expect_exit 2 "an unknown command: exit 2" "$EG" frobnicate
check "... naming it, with a hint" \
	sh -c 'grep -q "unknown command .frobnicate." "$1" &&
		grep -q "exportgate --help" "$1"' _ "$TMP/prev.err"

expect_exit 2 "scan --frobnicate: exit 2" "$EG" scan --frobnicate
check "... naming the option and 'exportgate scan --help'" \
	sh -c 'grep -q -- "--frobnicate" "$1" &&
		grep -q "exportgate scan --help" "$1" && test ! -s "$2"' \
	_ "$TMP/prev.err" "$TMP/prev.out"
expect_exit 2 "scan --rev without its value: exit 2" "$EG" scan --rev
check "... saying that it needs a value" \
	grep -q -- "'--rev' needs a value" "$TMP/prev.err"
expect_exit 2 "scan --format yaml: exit 2" "$EG" scan --format yaml .
check "... listing the formats" grep -q "text, json, sarif, markdown" \
	"$TMP/prev.err"
expect_exit 2 "scan --all --tree HEAD: one scope only, exit 2" \
	"$EG" scan --all --tree HEAD .
expect_exit 2 "rules list --frobnicate: exit 2" "$EG" rules list --frobnicate
check "... with a hint" grep -q "exportgate rules --help" "$TMP/prev.err"
expect_exit 2 "rules frobnicate: exit 2" "$EG" rules frobnicate
expect_exit 2 "rules alone: exit 2, usage on stderr" "$EG" rules
for sub in list check explain test; do
	expect_exit 0 "rules $sub --help: exit 0" "$EG" rules "$sub" --help
	check "... usage on stdout" grep -q "^usage: exportgate rules" \
		"$TMP/prev.out"
done
expect_exit 2 "pre-receive --frobnicate: exit 2" \
	no_stdin "$EG" pre-receive --frobnicate
check "... naming the option, with the usage" \
	sh -c 'grep -q -- "--frobnicate" "$1" && grep -q "usage" "$1"' \
	_ "$TMP/prev.err"
expect_exit 2 "pre-push --frobnicate: exit 2" \
	no_stdin "$EG" pre-push --frobnicate origin /nowhere
check "... naming the option" grep -q -- "--frobnicate" "$TMP/prev.err"
expect_exit 2 "audit verify --frobnicate: exit 2" \
	"$EG" audit verify --frobnicate
check "... naming the option, with the usage" \
	sh -c 'grep -q -- "--frobnicate" "$1" && grep -q "usage" "$1"' \
	_ "$TMP/prev.err"

# --- --version ---------------------------------------------------------------

expect_exit 0 "--version: exit 0" "$EG" --version
cp "$TMP/last.out" "$TMP/version.out"
VERSION=$(cat "$TOP/VERSION" 2> /dev/null || echo 0.0.0)
check "... the version and the git describe it was built from" \
	grep -qE "^exportgate $VERSION \\(([0-9a-f]{7,}|v?[0-9][^ ]*)(-dirty)?\\)$" \
	"$TMP/version.out"
check "... and each library's version" \
	sh -c 'grep -qE "libgit2 [0-9]+\.[0-9]+\.[0-9]+" "$1" &&
		grep -qE "pcre2 [0-9]+\.[0-9]+" "$1" &&
		grep -qE "libyaml [0-9]+\.[0-9]+" "$1" &&
		grep -qE "jansson [0-9]+\.[0-9]+" "$1" &&
		grep -qE "OpenSSL [0-9]+\.[0-9]+" "$1"' _ "$TMP/version.out"
if command -v pkg-config > /dev/null 2>&1; then
	check "... libgit2 the one the build found" \
		grep -qF "libgit2 $(pkg-config --modversion libgit2)" \
		"$TMP/version.out"
fi

# --- the text report ----------------------------------------------------------

check "mkrepo.sh builds the controlled repository" \
	sh -c 'bash "$1" controlled "$2" > "$3"' _ "$FIXTURES/mkrepo.sh" \
	"$TMP/controlled" "$TMP/controlled.ids"
. "$TMP/controlled.ids"
R="$TMP/controlled"
commits=$(git -C "$R" rev-list --all | wc -l)

# at DIR CMD...: run CMD in DIR.
at() {
	local dir=$1
	shift
	(cd "$dir" && "$@")
}

expect_exit 1 "scan from the folder above: exit 1" \
	at "$TMP" "$EG" scan --no-progress controlled
T="$TMP/report.txt"
cp "$TMP/last.out" "$T"
check "a header names the target relative to here, and the scope" \
	grep -qx "Scanned controlled: every commit of every ref" "$T"
check "one heading for the signature, with ECCN, status and count" \
	grep -qx "0D521.1 (ECCN 0D521, active): 1 finding" "$T"
check "the finding: level and first commit" \
	grep -qx "  CONTROLLED  first commit $first_controlled" "$T"
check "... its author and date" \
	grep -qxE " +by Fixture Author <author@example.com> on 2024-01-01" "$T"
cat > "$TMP/criteria.py" <<'EOF'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
seen, bad = {}, 0
for i, l in enumerate(lines):
    m = re.match(r"^  ([\u2713\u2717]) (\w+): ", l)
    if not m:
        continue
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    counted = re.match(r"^      holds in \d+ files?$", nxt) is not None
    if counted:
        nxt = lines[i + 2]
    if (m.group(1) == "\u2713") != counted:
        print("criterion", m.group(2), m.group(1), "count line:", nxt)
        bad += 1
    has = re.match(r"^      \S.*:\d+( \((weak|installed)\))?(  |$)", nxt) is not None
    seen[m.group(2)] = m.group(1)
    if (m.group(1) == "\u2713") != has:
        print("criterion", m.group(2), m.group(1), "evidence line:", nxt)
        bad += 1
want = {"geospatial": "\u2713", "gui": "\u2713", "sampling": "\u2717",
        "normalization": "\u2713", "cnn": "\u2713", "training": "\u2713",
        "rotation": "\u2713"}
if seen != want:
    print("criteria", seen); bad += 1
sys.exit(1 if bad else 0)
EOF
check "criteria marked ✓ with their evidence as path:line, ✗ without" \
	python3 "$TMP/criteria.py" "$T"
check "the rotation criterion's evidence is the file the tip deleted" \
	grep -qE "^      detect_rotated.py:[0-9]+  " "$T"
"$EG" scan --no-progress --format json --output "$TMP/r.json" "$R"
fp=$(json_get "$TMP/r.json" 'd["findings"][0]["fingerprint"]' 2> /dev/null)
check "the fingerprint, as in the JSON report" \
	grep -qx "  fingerprint ${fp:-none}" "$T"
check "the caveat" grep -qx "A match is an indicator for people to classify, not a legal classification." "$T"
check "a one-line summary at the end: levels, commits, blobs, size" \
	sh -c 'tail -n 1 "$1" | grep -qE "^1 controlled, 0 review; $2 commits, [0-9]+ blobs \([0-9.]+ (bytes|KiB)\) scanned$"' \
	_ "$T" "$commits"
check "every line fits in 80 columns" \
	python3 -c '
import sys
long = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n")
        if len(l) > 80]
sys.exit("\n".join(long) if long else 0)' "$T"
check "no colour when stdout is not a terminal" \
	sh -c '! grep -q "$(printf "\033")" "$1"' _ "$T"

expect_exit 1 "scan . inside the repository" at "$R" "$EG" scan --no-progress .
check "... names it '.'" grep -qx "Scanned .: every commit of every ref" \
	"$TMP/prev.out"
mkdir -p "$R/configs"
expect_exit 1 "scan from a folder inside the work tree" \
	at "$R/configs" "$EG" scan --no-progress
check "... names the repository by its absolute path (it is not below here)" \
	grep -qx "Scanned $(cd "$R" && pwd -P): every commit of every ref" \
	"$TMP/prev.out"
expect_exit 1 "scan a target outside the current folder" \
	at "$HOME" "$EG" scan --no-progress "$R"
check "... names it by its absolute path" \
	grep -qx "Scanned $(cd "$R" && pwd -P): every commit of every ref" \
	"$TMP/prev.out"
expect_exit 0 "--tree HEAD --fail-on controlled: the review finding at the tip" \
	at "$TMP" "$EG" scan --no-progress --fail-on controlled --tree HEAD \
	controlled
check "... 'one snapshot', REVIEW and the tip commit" \
	sh -c 'grep -qx "Scanned controlled: one snapshot" "$1" &&
		grep -qE "^  REVIEW +commit $2$" "$1" &&
		tail -n 1 "$1" | grep -q "^0 controlled, 1 review; 1 commit, "' \
	_ "$TMP/prev.out" "$tip"

# Findings grouped by signature: two file-scope findings under one heading.
cat > "$TMP/group.yml" <<'EOF'
pack: {id: group-test, version: "0.0.1"}
signatures:
  - id: "GRP.1"
    title: "Calls alpha and beta in one file"
    eccn: "0D521"
    status: active
    scope: file
    criteria:
      - id: alpha
        title: "Alpha"
        patterns: [{id: alpha, regex: 'alpha_call\('}]
      - id: beta
        title: "Beta"
        patterns: [{id: beta, regex: 'beta_call\('}]
    controlled: {all: [alpha, beta]}
  - id: "GRP.2"
    title: "Calls gamma"
    eccn: "0D521"
    status: contested
    scope: repository
    criteria:
      - id: gamma
        title: "Gamma"
        patterns: [{id: gamma, regex: 'gamma_call\('}]
    controlled: {all: [gamma]}
EOF
G="$TMP/group"
mkdir -p "$G/src"
printf 'alpha_call(1)\nbeta_call(2)\n' > "$G/src/one.py"
printf 'beta_call(2)\nalpha_call(1)\n' > "$G/src/two.py"
printf 'gamma_call(3)\n' > "$G/three.py"
printf 'hello\n' > "$G/readme.txt"
git -C "$G" init -q && git -C "$G" add -A && git -C "$G" commit -qm group
expect_exit 1 "a pack with a file-scope and a repository-scope signature" \
	at "$G" "$EG" scan --no-progress --rules "$TMP/group.yml"
cp "$TMP/last.out" "$TMP/group.txt"
check "one heading per signature, with its number of findings" \
	sh -c '[ "$(grep -c "^GRP\.[12] " "$1")" = 2 ] &&
		grep -qx "GRP.1 (ECCN 0D521, active): 2 findings" "$1" &&
		grep -qx "GRP.2 (ECCN 0D521, contested): 1 finding" "$1"' \
	_ "$TMP/group.txt"
check "the file-scope findings under their heading, each with its file" \
	python3 -c '
import sys
t = open(sys.argv[1], encoding="utf-8").read()
g1, g2 = t.index("GRP.1 ("), t.index("GRP.2 (")
one, two = t.index("file src/one.py"), t.index("file src/two.py")
sys.exit(0 if g1 < one < g2 and g1 < two < g2 else "not grouped:\n" + t)' \
	"$TMP/group.txt"
check "the summary counts both signatures' findings" \
	sh -c 'tail -n 1 "$1" | grep -q "^3 controlled, 0 review; 1 commit, "' \
	_ "$TMP/group.txt"

C="$TMP/clean"
mkdir -p "$C" && printf 'print("hello")\n' > "$C/hello.py"
git -C "$C" init -q && git -C "$C" add -A && git -C "$C" commit -qm clean
expect_exit 0 "a clean repository: exit 0" \
	at "$TMP" "$EG" scan --no-progress clean
check "... 'No findings', with what was scanned" \
	sh -c 'tail -n 1 "$1" | grep -qx "No findings; 1 commit, 1 blob (15 bytes) scanned"' \
	_ "$TMP/prev.out"
expect_exit 0 "--dir on a plain folder: exit 0" \
	at "$TMP" "$EG" scan --no-progress --dir clean
check "... 'a plain folder', counted in files" \
	sh -c 'grep -qx "Scanned clean: a plain folder" "$1" &&
		tail -n 1 "$1" | grep -qx "No findings; 1 file (15 bytes) scanned"' \
	_ "$TMP/prev.out"
head -c 4096 /dev/zero | tr '\0' 'a' > "$C/big.txt"
git -C "$C" add -A && git -C "$C" commit -qm big
expect_exit 3 "a blob over --max-blob-size: incomplete, exit 3" \
	at "$TMP" "$EG" scan --no-progress --max-blob-size 1k clean
check "... listed as not scanned, with its object, and INCOMPLETE at the end" \
	sh -c 'grep -qx "Not scanned (1):" "$1" &&
		grep -q "^  big.txt: larger than --max-blob-size" "$1" &&
		grep -qE "^      object [0-9a-f]{40}$" "$1" &&
		tail -n 1 "$1" | grep -q "; INCOMPLETE, 1 not scanned$"' \
	_ "$TMP/prev.out"

# --- --baseline ---------------------------------------------------------------

expect_exit 1 "scan to a JSON report" \
	"$EG" scan --no-progress --format json --output "$TMP/base.json" "$R"
expect_exit 0 "rescan with that report as --baseline: exit 0" \
	"$EG" scan --no-progress --baseline "$TMP/base.json" \
	--format json --output "$TMP/rescan.json" "$R"
check "... and no findings" \
	test "$(json_get "$TMP/rescan.json" 'len(d["findings"])')" = 0
expect_exit 0 "the text report with --baseline says No findings" \
	"$EG" scan --no-progress --baseline "$TMP/base.json" "$R"
check "... in its summary" grep -q "^No findings; " "$TMP/prev.out"

git -C "$R" checkout -q main 2> /dev/null || true
printf '\nMore words for the README, nothing to match.\n' >> "$R/README.md"
git -C "$R" -c user.name=Other -c user.email=other@example.com \
	commit -qam "an unrelated edit"
expect_exit 1 "after an unrelated commit the finding is still there" \
	"$EG" scan --no-progress --format json --output "$TMP/after.json" "$R"
check "... with the same fingerprint" \
	test "$(json_get "$TMP/after.json" '[f["fingerprint"] for f in d["findings"]]')" = \
	"$(json_get "$TMP/base.json" '[f["fingerprint"] for f in d["findings"]]')"
expect_exit 0 "... so the baseline still hides it: exit 0" \
	"$EG" scan --no-progress --baseline "$TMP/base.json" "$R"

# A baseline of the review-level history does not hide the controlled finding.
expect_exit 1 "a baseline of the history before the controlled commit" \
	"$EG" scan --no-progress --format json --output "$TMP/early.json" \
	--rev "$first_review" "$R"
expect_exit 1 "... leaves what is new reported: exit 1" \
	"$EG" scan --no-progress --baseline "$TMP/early.json" \
	--format json --output "$TMP/new.json" "$R"
check "... the controlled finding, not the ones already in the baseline" \
	python3 -c '
import json, sys
old = {f["fingerprint"] for f in json.load(open(sys.argv[1]))["findings"]}
new = json.load(open(sys.argv[2]))["findings"]
assert old, "the early baseline has no finding"
assert new and not old & {f["fingerprint"] for f in new}, new
assert any(f["level"] == "controlled" for f in new), new' \
	"$TMP/early.json" "$TMP/new.json"

printf '{"findings": [' > "$TMP/broken.json"
expect_exit 2 "a baseline that is not JSON: exit 2" \
	"$EG" scan --no-progress --baseline "$TMP/broken.json" "$R"
check "... naming the file, and nothing reported" \
	sh -c 'grep -qF "$1" "$2" && test ! -s "$3"' _ "$TMP/broken.json" \
	"$TMP/prev.err" "$TMP/prev.out"
printf '{"tool": {"name": "something else"}}\n' > "$TMP/other.json"
expect_exit 2 "JSON that is not an exportgate report: exit 2" \
	"$EG" scan --no-progress --baseline "$TMP/other.json" "$R"
check "... naming the file" grep -qF "$TMP/other.json" "$TMP/prev.err"
expect_exit 2 "a baseline that does not exist: exit 2" \
	"$EG" scan --no-progress --baseline "$TMP/missing.json" "$R"
check "... naming the file" grep -qF "$TMP/missing.json" "$TMP/prev.err"

# --- --output -----------------------------------------------------------------

expect_exit 2 "--output in a folder that does not exist: exit 2" \
	"$EG" scan --no-progress --format json \
	--output "$TMP/no/such/dir/r.json" "$R"
check "... naming the path, and nothing reported" \
	sh -c 'grep -qF "$1" "$2" && test ! -s "$3"' _ "$TMP/no/such/dir/r.json" \
	"$TMP/prev.err" "$TMP/prev.out"
expect_exit 2 "a scan that fails: exit 2" \
	"$EG" scan --no-progress --rev no-such-rev --format json \
	--output "$TMP/failed.json" "$R"
check "... leaves no empty report behind" test ! -e "$TMP/failed.json"
echo "an older report" > "$TMP/older.json"
expect_exit 2 "a scan that fails over an older report: exit 2" \
	"$EG" scan --no-progress --rev no-such-rev --format json \
	--output "$TMP/older.json" "$R"
check "... keeps the older report as it was" \
	grep -qx "an older report" "$TMP/older.json"
cp "$TMP/base.json" "$TMP/same.json"
expect_exit 0 "--output naming the --baseline file: exit 0" \
	"$EG" scan --no-progress --baseline "$TMP/same.json" \
	--format json --output "$TMP/same.json" "$R"
check "... the file then holds the new report, with no findings" \
	test "$(json_get "$TMP/same.json" 'len(d["findings"])')" = 0
if [ -w /dev/full ]; then
	expect_exit 3 "--output on a full disk: the report is lost, exit 3" \
		"$EG" scan --no-progress --output /dev/full "$R"
fi

# --- rules list | check | explain | test -------------------------------------

expect_exit 0 "rules list: exit 0" "$EG" rules list
check "... a header and the built-in 0D521.1 with its columns" \
	sh -c 'grep -qE "^ID +ECCN +STATUS +SCOPE +PACK +TITLE$" "$1" &&
		grep -qE "^0D521\.1 +0D521 +active +repository +eccn-0d521 +Geospatial" "$1"' \
	_ "$TMP/prev.out"
expect_exit 0 "rules list --rules FILE: that pack's signatures" \
	"$EG" rules list --rules "$TMP/group.yml"
check "... only those" \
	sh -c 'grep -q "^GRP.1 .* file .*group-test" "$1" &&
		grep -q "^GRP.2 .*contested" "$1" && ! grep -q "^0D521" "$1"' \
	_ "$TMP/prev.out"

# A folder of packs is read at its top only: one holding none is a mistake
# (the packs a folder down, a wrong path), and a scan with no signatures
# would find nothing and look clean.
mkdir -p "$TMP/nopack/geo" && cp "$TMP/group.yml" "$TMP/nopack/geo/"
expect_exit 2 "scan --rules a folder with no pack at its top: exit 2" \
	"$EG" scan --no-progress --rules "$TMP/nopack" "$R"
check "... naming the folder, and nothing reported" \
	sh -c 'grep -qF "no signature pack (*.yml, *.yaml) in $1" "$2" &&
		test ! -s "$3"' _ "$TMP/nopack" "$TMP/prev.err" "$TMP/prev.out"
expect_exit 2 "rules list --rules that folder: exit 2" \
	"$EG" rules list --rules "$TMP/nopack"
check "... naming it" grep -qF "no signature pack (*.yml, *.yaml) in $TMP/nopack" \
	"$TMP/prev.err"
expect_exit 2 "rules explain with --rules that folder: exit 2" \
	"$EG" rules explain GRP.1 --rules "$TMP/nopack"
expect_exit 2 "rules check on that folder: exit 2" \
	"$EG" rules check "$TMP/nopack"
expect_exit 0 "... while its subfolder holding the pack is fine" \
	"$EG" rules list --rules "$TMP/nopack/geo"

expect_exit 0 "rules check on a good pack: exit 0" \
	"$EG" rules check "$TMP/group.yml"
check "... ok, with its counts" \
	grep -q "group.yml: ok, 2 signatures, 3 criteria, 3 patterns" \
	"$TMP/prev.out"
cp "$TMP/group.yml" "$TMP/broken.yml"
# line 13, column 28 is where the regex value starts
sed -i "s/regex: 'beta_call\\\\('/regex: 'beta_call('/" "$TMP/broken.yml"
expect_exit 2 "rules check on a pack with a bad regex: exit 2" \
	"$EG" rules check "$TMP/broken.yml"
check "... file:line:column: and pcre2's message" \
	grep -qE "^$TMP/broken.yml:14:[0-9]+: .*missing closing parenthesis" \
	"$TMP/prev.err"
printf 'pack: {id: x, version: "1"}\nsignatures:\n  - id: "A.1"\n    title: [unclosed\n' \
	> "$TMP/syntax.yml"
expect_exit 2 "rules check on malformed YAML: exit 2" \
	"$EG" rules check "$TMP/syntax.yml"
check "... file:line:column" grep -qE "^$TMP/syntax.yml:[0-9]+:[0-9]+: " \
	"$TMP/prev.err"
expect_exit 2 "rules check on a good and a bad file: exit 2" \
	"$EG" rules check "$TMP/group.yml" "$TMP/broken.yml"
check "... the good one still said ok" grep -q "group.yml: ok" "$TMP/prev.out"
expect_exit 2 "rules check on a missing file: exit 2" \
	"$EG" rules check "$TMP/nope.yml"
check "... naming it" grep -qF "$TMP/nope.yml" "$TMP/prev.err"
expect_exit 2 "rules check with no file: exit 2" "$EG" rules check

expect_exit 0 "rules explain 0D521.1: exit 0" "$EG" rules explain 0D521.1
cp "$TMP/last.out" "$TMP/explain.txt"
check "... the title, ECCN, status and citation" \
	sh -c 'grep -q "^0D521.1: Geospatial imagery software" "$1" &&
		grep -q "^  ECCN: *0D521$" "$1" &&
		grep -q "^  status: *active, effective 2020-01-06" "$1" &&
		grep -q "^  citation: *15 CFR 774" "$1" && grep -q "85 FR 459" "$1"' \
	_ "$TMP/explain.txt"
check "... every criterion with its regulation text and patterns" \
	sh -c 'for c in geospatial geospatial-mention gui sampling normalization cnn training rotation medical-imaging; do
		grep -q "^  $c: " "$1" || exit 1; done
		[ "$(grep -c "^    regulation: " "$1")" = 9 ] &&
		[ "$(grep -c "^    patterns: " "$1")" = 9 ]' _ "$TMP/explain.txt"
check "... counter-evidence said so, and the folders it lets be judged alone" \
	sh -c 'grep -A2 "^  medical-imaging: " "$1" | grep -q "^    counter-evidence: " &&
		[ "$(grep -c "^    counter-evidence: " "$1")" = 1 ] &&
		grep -q "^  scope: *repository (a whole snapshot; where counter-evidence holds it$" "$1"' \
	_ "$TMP/explain.txt"
check "... the controlled and review conditions" \
	sh -c 'grep -q "^Controlled when: all of (geospatial, gui, normalization, cnn, training,$" "$1" &&
		grep -q "^                 rotation)$" "$1" &&
		grep -q "^Review when: " "$1" &&
		grep -q "none of (medical-imaging))$" "$1"' _ "$TMP/explain.txt"
check "... in 80 columns, but for URLs" \
	sh -c '! grep -v "https://" "$1" | awk "length > 80" | grep -q .' \
	_ "$TMP/explain.txt"
expect_exit 0 "rules explain with --rules" \
	"$EG" rules explain GRP.1 --rules "$TMP/group.yml"
check "... explains that pack's signature" \
	grep -q "^  scope: *file" "$TMP/prev.out"
expect_exit 2 "rules explain of an unknown id: exit 2" \
	"$EG" rules explain NOPE.1
check "... naming it, pointing to rules list" \
	sh -c 'grep -q "NOPE.1" "$1" && grep -q "rules list" "$1"' \
	_ "$TMP/prev.err"
expect_exit 2 "rules explain with no id: exit 2" "$EG" rules explain

# A small pack with samples/<signature>/<criterion>/{match,nomatch}/.
P="$TMP/pack"
mkdir -p "$P"
cat > "$P/sample.yml" <<'EOF'
pack: {id: sample-pack, version: "0.1.0"}
signatures:
  - id: "S.1"
    title: "Sample signature"
    eccn: "0D521"
    status: active
    scope: file
    criteria:
      - id: alpha
        title: "Calls alpha"
        patterns: [{id: alpha-call, regex: '\balpha_call\s*\('}]
      - id: beta
        title: "Calls beta"
        patterns: [{id: beta-call, literal: 'beta_call('}]
    controlled: {all: [alpha, beta]}
EOF
for d in alpha/match alpha/nomatch beta/match beta/nomatch; do
	mkdir -p "$P/samples/S.1/$d"
done
printf 'x = alpha_call(1)\n' > "$P/samples/S.1/alpha/match/call.py"
printf 'x = alpha_call (2)\n' > "$P/samples/S.1/alpha/match/space.py"
printf 'x = my_alpha_call(1)\n' > "$P/samples/S.1/alpha/nomatch/prefix.py"
printf 'beta_call(2)\n' > "$P/samples/S.1/beta/match/call.py"
printf 'beta_caller = 1\n' > "$P/samples/S.1/beta/nomatch/name.py"
expect_exit 0 "rules test on a pack whose samples all pass: exit 0" \
	"$EG" rules test "$P"
check "... each sample ok, and the count" \
	sh -c '[ "$(grep -c "^ok " "$1")" = 5 ] &&
		tail -n 1 "$1" | grep -qx "5 passed, 0 failed"' _ "$TMP/prev.out"
printf 'y = alpha_call(3)\n' > "$P/samples/S.1/alpha/nomatch/oops.py"
expect_exit 1 "a nomatch sample that matches: exit 1" "$EG" rules test "$P"
check "... named as FAIL" \
	sh -c 'grep -q "^FAIL .*alpha/nomatch/oops.py: criterion alpha holds" "$1" &&
		tail -n 1 "$1" | grep -qx "5 passed, 1 failed"' _ "$TMP/prev.out"
rm "$P/samples/S.1/alpha/nomatch/oops.py"
printf 'nothing here\n' > "$P/samples/S.1/beta/match/miss.py"
expect_exit 1 "a match sample that does not match: exit 1" \
	"$EG" rules test "$P"
check "... named as FAIL" \
	grep -q "^FAIL .*beta/match/miss.py: criterion beta does not hold" \
	"$TMP/prev.out"
rm "$P/samples/S.1/beta/match/miss.py"
mkdir -p "$P/samples/S.1/alhpa/match"
expect_exit 1 "a sample folder naming no criterion (a typo): exit 1" \
	"$EG" rules test "$P"
check "... named as FAIL" grep -q "^FAIL .*alhpa: no criterion 'alhpa'" \
	"$TMP/prev.out"
rm -r "$P/samples/S.1/alhpa"
mkdir -p "$P/samples/S.1/alpha/matchs"
printf 'nothing here\n' > "$P/samples/S.1/alpha/matchs/miss.py"
printf 'nothing here\n' > "$P/samples/S.1/alpha/loose.py"
expect_exit 1 "a misspelt match/ folder and a file beside it (they never run): exit 1" \
	"$EG" rules test "$P"
check "... each named as FAIL" \
	sh -c 'grep -q "^FAIL .*alpha/matchs: not a match/ or nomatch/" "$1" &&
		grep -q "^FAIL .*alpha/loose.py: not a match/ or nomatch/" "$1"' _ \
	"$TMP/prev.out"
rm -r "$P/samples/S.1/alpha/matchs" "$P/samples/S.1/alpha/loose.py"
printf 'nothing here\n' > "$P/samples/S.1/alpha/match/.hidden.py"
expect_exit 1 "a dot-file sample is tested too: exit 1 when it fails" \
	"$EG" rules test "$P"
check "... named as FAIL" \
	grep -q "^FAIL .*alpha/match/.hidden.py: criterion alpha does not hold" \
	"$TMP/prev.out"
rm "$P/samples/S.1/alpha/match/.hidden.py"
mv "$P/samples/S.1/beta/match" "$P/beta-match"
ln -s "$P/beta-match" "$P/samples/S.1/beta/match"
expect_exit 0 "a match/ folder that is a symbolic link: its samples run, exit 0" \
	"$EG" rules test "$P"
check "... and it is not called stray" \
	sh -c '! grep -q "^FAIL" "$1" && grep -q "^ok  .*beta/match/call.py" "$1"' _ \
	"$TMP/prev.out"
rm "$P/samples/S.1/beta/match" && mv "$P/beta-match" "$P/samples/S.1/beta/match"
mkdir -p "$P/samples/S.1/alpha/match/two" "$P/samples/S.1/alpha/nomatch/two"
printf 'x = alpha_call(4)\n' > "$P/samples/S.1/alpha/match/two/call.py"
expect_exit 0 "a sample in a folder of match/, beside one of its name: exit 0" \
	"$EG" rules test "$P"
check "... tested under its folder" \
	sh -c 'grep -q "^ok  .*alpha/match/two/call.py: criterion alpha holds" "$1" &&
		tail -n 1 "$1" | grep -qx "6 passed, 0 failed"' _ "$TMP/prev.out"
printf 'y = alpha_call(5)\n' > "$P/samples/S.1/alpha/nomatch/two/call.py"
expect_exit 1 "a nomatch sample in a folder that matches: exit 1" \
	"$EG" rules test "$P"
check "... named as FAIL" grep -q \
	"^FAIL .*alpha/nomatch/two/call.py: criterion alpha holds" "$TMP/prev.out"
rm -r "$P/samples/S.1/alpha/match/two" "$P/samples/S.1/alpha/nomatch/two"
ln -s .. "$P/samples/S.1/alpha/match/loop"
expect_exit 1 "a link to the folder above among the samples: exit 1" \
	"$EG" rules test "$P"
check "... named as FAIL, not followed round" \
	sh -c 'grep -q "^FAIL .*alpha/match/loop: " "$1" &&
		[ "$(wc -l < "$1")" -lt 10 ]' _ "$TMP/prev.out"
rm "$P/samples/S.1/alpha/match/loop"
mkdir -p "$TMP/nosamples" && cp "$P/sample.yml" "$TMP/nosamples/"
expect_exit 2 "rules test on a pack without samples: exit 2" \
	"$EG" rules test "$TMP/nosamples"
check "... saying so" grep -q "no samples" "$TMP/prev.err"
mkdir -p "$TMP/badpack" && cp "$TMP/broken.yml" "$TMP/badpack/"
expect_exit 2 "rules test on an invalid pack: exit 2" \
	"$EG" rules test "$TMP/badpack"

# --- make install / uninstall -------------------------------------------------

D="$TMP/dest"
# -o build/exportgate: test the installation of the binary built already,
# whatever other work in progress would make it rebuild.
minstall() {
	make --no-print-directory -s -C "$TOP" -o build/exportgate "$@"
}
expect_exit 0 "make install DESTDIR=... PREFIX=/opt/eg: exit 0" \
	minstall install DESTDIR="$D" PREFIX=/opt/eg
check "the binary, the man page, the packs and the hook scripts" \
	sh -c 'test -x "$1/opt/eg/bin/exportgate" &&
		test -f "$1/opt/eg/share/man/man1/exportgate.1" &&
		test -x "$1/opt/eg/share/exportgate/hook/pre-receive" &&
		test -x "$1/opt/eg/share/exportgate/hook/pre-push" &&
		for p in "$2"/patterns/*.yml; do
			cmp "$p" "$1/opt/eg/share/exportgate/patterns/${p##*/}" || exit 1
		done' _ "$D" "$TOP"
check "the installed binary runs" "$D/opt/eg/bin/exportgate" --version
check "the installed packs validate" \
	sh -c '"$1" rules check "$2"/opt/eg/share/exportgate/patterns/*.yml' \
	_ "$EG" "$D"
check "the installed hook scripts call the installed binary, not DESTDIR" \
	sh -c 'for h in pre-receive pre-push; do
		f="$1/opt/eg/share/exportgate/hook/$h"
		grep -qx "EXPORTGATE_BIN=./opt/eg/bin/exportgate." "$f" &&
			sh -n "$f" || exit 1
	done' _ "$D"
if command -v man > /dev/null 2>&1; then
	check "the installed man page renders" \
		sh -c 'MANPAGER=cat man -l "$1" | grep -q "^EXIT STATUS"' \
		_ "$D/opt/eg/share/man/man1/exportgate.1"
fi
expect_exit 0 "make uninstall with the same DESTDIR and PREFIX: exit 0" \
	minstall uninstall DESTDIR="$D" PREFIX=/opt/eg
check "... leaves no file, and no exportgate folder" \
	sh -c 'test -z "$(find "$1" -type f -o -type l)" &&
		test -z "$(find "$1" -name "*exportgate*")"' _ "$D"
expect_exit 0 "make install with the default PREFIX into a DESTDIR" \
	minstall install DESTDIR="$TMP/dest2"
check "... goes to /usr/local" \
	sh -c 'test -x "$1/usr/local/bin/exportgate" &&
		grep -qx "EXPORTGATE_BIN=./usr/local/bin/exportgate." \
			"$1/usr/local/share/exportgate/hook/pre-receive"' \
	_ "$TMP/dest2"
minstall uninstall DESTDIR="$TMP/dest2" > /dev/null 2>&1
check "... and make uninstall removes it" \
	test -z "$(find "$TMP/dest2" -type f)"
