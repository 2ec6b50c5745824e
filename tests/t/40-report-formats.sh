#!/bin/bash
# 40-report-formats.sh: SARIF that the official schema accepts, a Markdown
# review that keeps its tables whatever the file names, and a man page that
# renders.
. "$(dirname "$0")/lib.sh"

SCHEMA="$TOP/../shared/schemas/sarif-schema-2.1.0.json"
MAN="$TOP/docs/exportgate.1"

# --- the man page -----------------------------------------------------------

if command -v man > /dev/null 2>&1; then
	check "man -l docs/exportgate.1 renders" \
		sh -c 'MANWIDTH=80 MANPAGER=cat man -l "$1" > "$2" 2> "$2.err" &&
			! grep -q . "$2.err" && grep -q "^EXIT STATUS" "$2"' \
		_ "$MAN" "$TMP/man.txt"
	missing=""
	for word in "scan" "--all" "--rev" "--tree" "--worktree" "--dir" \
		"--rules" "--policy" "--format" "--output" "--baseline" \
		"--jobs" "--max-blob-size" "--fail-on" "--progress" \
		"--no-progress" "--no-color" "rules list" "rules check" \
		"rules explain" "rules test" "pre-receive" "pre-push" \
		"audit verify" "exportgate.policy" "/etc/exportgate/policy.yml" \
		"unknown_destination" "approvals" "audit_log" "on_error" \
		"deadline_ms" "override" "NO_COLOR" "EXPORTGATE_POLICY" \
		"GL_PROJECT_PATH" "GL_USERNAME" "GITHUB_REPO_NAME" \
		"GITHUB_USER_LOGIN" "GITEA_REPO_USER" "GITEA_REPO_NAME" \
		"GITEA_PUSHER_NAME" "REMOTE_USER" "USER" "GIT_PUSH_OPTION_"; do
		grep -qF -- "$word" "$TMP/man.txt" || missing="$missing $word"
	done
	check "the man page names every command, option, key and variable" \
		test -z "$missing"
	[ -z "$missing" ] || echo "     missing:$missing"
	for code in 0 1 2 3; do
		check "the man page explains exit status $code" \
			grep -qE "^ +$code +[A-Z]" "$TMP/man.txt"
	done
else
	echo "note: man is not installed (install.sh --deps installs man-db);" \
		"the man page was not rendered"
fi
if command -v groff > /dev/null 2>&1; then
	check "groff -man -ww finds nothing to warn about" \
		sh -c 'out=$(groff -man -Tutf8 -ww -z "$1" 2>&1) &&
			[ -z "$out" ] || { echo "$out"; exit 1; }' _ "$MAN"
fi

# --- reports from the binary ------------------------------------------------

if [ ! -x "$EG" ]; then
	fail "build/exportgate exists (run make; the report tests need it)"
	exit 0
fi
check "the SARIF 2.1.0 schema is at ../shared/schemas" test -f "$SCHEMA"
check "python3 has jsonschema" python3 -c "import jsonschema"

# sarif_valid FILE: valid against the official schema (Draft 7 validator),
# and within what GitHub code scanning ingests: relative URIs of unreserved
# characters and %XX only, lines from 1, a ruleId known to the driver.
cat > "$TMP/sarif_check.py" <<'EOF'
import json, re, sys
import jsonschema

schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc),
                key=lambda e: list(e.path))
for e in errors[:10]:
    print("schema:", "/".join(map(str, e.path)), e.message)
bad = len(errors)
uri_ok = re.compile(r"^(?:[A-Za-z0-9._~/-]|%[0-9A-F]{2})+$")
for run in doc["runs"]:
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    locs = []
    for res in run.get("results", []):
        if res["ruleId"] not in rules:
            print("unknown ruleId", res["ruleId"]); bad += 1
        if not res.get("locations"):
            print("result without a location", res["ruleId"]); bad += 1
        locs += res.get("locations", [])
    for inv in run.get("invocations", []):
        for n in inv.get("toolExecutionNotifications", []):
            locs += n.get("locations", [])
    for loc in locs:
        phys = loc["physicalLocation"]
        uri = phys["artifactLocation"]["uri"]
        if not uri_ok.match(uri) or uri.startswith("/"):
            print("not a relative, escaped URI:", repr(uri)); bad += 1
        region = phys.get("region")
        if region is not None and region.get("startLine", 0) < 1:
            print("region without a startLine >= 1:", uri); bad += 1
sys.exit(1 if bad else 0)
EOF
sarif_valid() {
	python3 "$TMP/sarif_check.py" "$SCHEMA" "$1"
}

# md_tables_intact FILE: strict UTF-8, and every row of every table has as
# many cells as its header, counting '|' as GitHub does (not after '\').
cat > "$TMP/md_check.py" <<'EOF'
import re, sys

text = open(sys.argv[1], "rb").read().decode("utf-8")
def cells(line):
    return len(re.findall(r"(?<!\\)\|", line))
bad, header = 0, None
for n, line in enumerate(text.split("\n"), 1):
    if not line.startswith("|"):
        header = None
        continue
    if header is None:
        header = cells(line)
    elif cells(line) != header:
        print("line %d has %d cell pipes, its header %d: %r"
              % (n, cells(line), header, line)); bad += 1
sys.exit(1 if bad else 0)
EOF
md_tables_intact() {
	python3 "$TMP/md_check.py" "$1"
}

# --- hostile file names, content not scanned, no commit ---------------------

cat > "$TMP/pack.yml" <<'EOF'
pack:
  id: report-formats-test
  version: "0.0.1"
  title: "Synthetic pack for the report format tests"
signatures:
  - id: "FMT.1"
    title: "Synthetic signature"
    eccn: "0D521"
    citation: "Synthetic citation 85 FR 459"
    status: active
    effective: 2020-01-06
    permitted: [US]
    scope: repository
    criteria:
      - id: alpha
        title: "Alpha"
        regulation: "1. Alpha | with a pipe"
        patterns:
          - id: alpha
            regex: 'alpha_call\('
      - id: beta
        title: "Beta"
        regulation: "2. Beta"
        patterns:
          - id: beta
            regex: 'beta_call\('
      - id: gamma
        title: "Gamma"
        regulation: "3. Gamma"
        patterns:
          - id: gamma
            regex: 'gamma_call\('
    controlled: {at_least: 2, of: [alpha, beta, gamma]}
    review: {any: [alpha, beta, gamma]}
EOF
E="$TMP/evil"
evil=$'src/ev|il `x` \n name\xff.py'
mkdir -p "$E/src"
printf 'x = alpha_call(1)  # a | b `c`\n' > "$E/$evil"
printf 'y = beta_call(2)\n' > "$E/src/beta.py"
head -c 4096 /dev/zero | tr '\0' 'a' > "$E/big file.txt"
git -C "$E" init -q && git -C "$E" add -A &&
	git -C "$E" commit -qm "hostile names"

expect_exit 1 "a repository with hostile file names is reported" \
	"$EG" scan --all --no-progress --rules "$TMP/pack.yml" \
	--max-blob-size 1024 --format sarif --output "$TMP/evil.sarif" "$E"
check "its SARIF validates, URIs escaped" sarif_valid "$TMP/evil.sarif"
check "the hostile path is percent-encoded byte for byte" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
uris = [l["physicalLocation"]["artifactLocation"]["uri"]
        for r in d["runs"][0]["results"] for l in r["locations"]]
want = "src/ev%7Cil%20%60x%60%20%0A%20name%FF.py"
sys.exit(0 if want in uris else "%s not in %s" % (want, uris))' \
	"$TMP/evil.sarif"
check "content not scanned is a tool execution notification" \
	python3 -c '
import json, sys
inv = json.load(open(sys.argv[1]))["runs"][0]["invocations"][0]
notes = inv["toolExecutionNotifications"]
assert any(l["physicalLocation"]["artifactLocation"]["uri"] ==
           "big%20file.txt" for n in notes for l in n.get("locations", []))
assert inv["properties"]["incomplete"] is True' "$TMP/evil.sarif"

expect_exit 1 "the same as markdown" \
	"$EG" scan --all --no-progress --rules "$TMP/pack.yml" \
	--max-blob-size 1024 --format markdown --output "$TMP/evil.md" "$E"
check "markdown with hostile names: valid UTF-8, every table row intact" \
	md_tables_intact "$TMP/evil.md"
check "markdown: the '|' of the path escaped, the newline made visible" \
	grep -qF 'src/ev\|il `x` ␊ name�.py:1' "$TMP/evil.md"
check "markdown: a criterion that does not hold is marked ✗" \
	grep -q '^| ✗ | Gamma' "$TMP/evil.md"
check "markdown: the scan says it is incomplete, and why" \
	sh -c 'grep -q "scan is incomplete" "$1" &&
		grep -q "^| .big file.txt. |" "$1"' _ "$TMP/evil.md"

expect_exit 1 "the same as JSON" \
	"$EG" scan --all --no-progress --rules "$TMP/pack.yml" \
	--max-blob-size 1024 --format json --output "$TMP/evil.json" "$E"
check "JSON: the hostile path exactly, its newline kept, its 0xff U+FFFD" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
paths = {e["path"] for f in d["findings"] for c in f["criteria"]
         for e in c["evidence"]}
want = "src/ev|il `x` \n name\ufffd.py"
sys.exit(0 if want in paths else "%r not in %r" % (want, paths))' \
	"$TMP/evil.json"

T="$TMP/tabs"
mkdir -p "$T"
printf 'x = alpha_call(1)\n' > "$T/$(printf 'train\tstep.py')"
printf 'y = beta_call(2)\n' > "$T/train step.py"
git -C "$T" init -q && git -C "$T" add -A && git -C "$T" commit -qm tabs
expect_exit 1 "a file named with a tab beside one named with a space" \
	"$EG" scan --all --no-progress --rules "$TMP/pack.yml" \
	--format json --output "$TMP/tabs.json" "$T"
check "JSON: two files, each by its own name" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
paths = sorted(e["path"] for f in d["findings"] for c in f["criteria"]
               for e in c["evidence"])
sys.exit(0 if paths == ["train\tstep.py", "train step.py"] else paths)' \
	"$TMP/tabs.json"
expect_exit 1 "the text report of it" \
	"$EG" scan --all --no-progress --rules "$TMP/pack.yml" "$T"
check "text: each piece of evidence on a line of its own" \
	sh -c '[ "$(grep -c "^ *train step.py:1" "$1")" -eq 2 ]' _ \
	"$TMP/prev.out"

# A right-to-left override makes "rtl<U+202E>gnp.c" read "rtlc.png" on a
# terminal (CVE-2021-42574): the text report shows U+FFFD in its place.
T="$TMP/rtl"
mkdir -p "$T"
printf 'x = alpha_call(1)\ny = beta_call(2)\n' > "$T/$(printf 'rtl\342\200\256gnp.py')"
expect_exit 1 "a file named with a right-to-left override" \
	"$EG" scan --dir --no-progress --rules "$TMP/pack.yml" "$T"
check "text: the override shown as U+FFFD, never as itself" \
	sh -c 'grep -q "rtl�gnp.py" "$1" && ! grep -q "$(printf "\342\200\256")" "$1"' _ \
	"$TMP/prev.out"

expect_exit 1 "--dir: the folder alone, no commit" \
	"$EG" scan --dir --no-progress --rules "$TMP/pack.yml" \
	--format sarif --output "$TMP/dir.sarif" "$E"
check "--dir SARIF validates, with no commit in it" \
	sh -c 'python3 "$1" "$2" "$3" &&
		python3 -c "
import json, sys
run = json.load(open(sys.argv[1]))[\"runs\"][0]
assert \"versionControlProvenance\" not in run
assert all(\"commit\" not in r[\"properties\"] for r in run[\"results\"])
" "$3"' _ "$TMP/sarif_check.py" "$SCHEMA" "$TMP/dir.sarif"

C="$TMP/clean"
mkdir -p "$C" && printf 'print("hello")\n' > "$C/hello.py"
git -C "$C" init -q && git -C "$C" add -A && git -C "$C" commit -qm clean
expect_exit 0 "a clean repository: exit 0" \
	"$EG" scan --all --no-progress --rules "$TMP/pack.yml" \
	--format sarif --output "$TMP/clean.sarif" "$C"
check "its SARIF validates, with no results" \
	sh -c 'python3 "$1" "$2" "$3" &&
		python3 -c "
import json, sys
assert json.load(open(sys.argv[1]))[\"runs\"][0][\"results\"] == []
" "$3"' _ "$TMP/sarif_check.py" "$SCHEMA" "$TMP/clean.sarif"

# --- columns count characters, in every report ------------------------------

U="$TMP/accents"
mkdir -p "$U"
printf 'import os\n    \303\251\303\251\303\251\303\251 = 1; beta_call(2)\n' \
	> "$U/accents.py"
git -C "$U" init -q && git -C "$U" add -A && git -C "$U" commit -qm accents
expect_exit 1 "a hit after four accented letters: SARIF" \
	"$EG" scan --all --no-progress --rules "$TMP/pack.yml" \
	--format sarif --output "$TMP/accents.sarif" "$U"
expect_exit 1 "the same as JSON" \
	"$EG" scan --all --no-progress --rules "$TMP/pack.yml" \
	--format json --output "$TMP/accents.json" "$U"
check "its SARIF validates" sarif_valid "$TMP/accents.sarif"
check "column 15 in characters (not byte 19) in JSON and SARIF, said so" \
	python3 -c '
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
ev = json.load(open(sys.argv[2]))["findings"][0]["criteria"][1]["evidence"][0]
phys = run["results"][0]["locations"][0]["physicalLocation"]
assert run["columnKind"] == "unicodeCodePoints", run.get("columnKind")
assert (ev["line"], ev["column"]) == (2, 15), ev
assert phys["region"] == {"startLine": 2, "startColumn": 15}, phys
assert phys["contextRegion"]["snippet"]["text"] == ev["excerpt"], phys' \
	"$TMP/accents.sarif" "$TMP/accents.json"

# --- evidence inside an archive ---------------------------------------------

A="$TMP/archived"
mkdir -p "$A/dist"
python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("pkg/run.py", "import os\nx = alpha_call(1)\ny = beta_call(2)\n")' \
	"$A/dist/pkg-1.0-py3-none-any.whl"
for fmt in sarif json markdown text; do
	expect_exit 1 "a wheel whose member holds both criteria: $fmt" \
		"$EG" scan --dir --no-progress --rules "$TMP/pack.yml" \
		--format "$fmt" --output "$TMP/archived.$fmt" "$A"
done
check "its SARIF validates" sarif_valid "$TMP/archived.sarif"
check "SARIF and JSON name the member and its line, not a region of the archive" \
	python3 -c '
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
loc = run["results"][0]["locations"][0]
phys = loc["physicalLocation"]
assert phys["artifactLocation"]["uri"] == "dist/pkg-1.0-py3-none-any.whl", phys
assert "region" not in phys, phys
assert loc["properties"]["member"] == "pkg/run.py", loc["properties"]
assert loc["properties"]["memberLine"] == 2, loc["properties"]
assert "pkg/run.py, line 2" in loc["message"]["text"], loc["message"]
ev = json.load(open(sys.argv[2]))["findings"][0]["criteria"][0]["evidence"][0]
assert (ev["path"], ev["member"], ev["line"]) == ("dist/pkg-1.0-py3-none-any.whl", "pkg/run.py", 2), ev' \
	"$TMP/archived.sarif" "$TMP/archived.json"
check "markdown and text write archive!member:line" \
	sh -c 'grep -q "dist/pkg-1.0-py3-none-any.whl!pkg/run.py:2" "$1" &&
		grep -q "dist/pkg-1.0-py3-none-any.whl!pkg/run.py:2" "$2"' _ \
	"$TMP/archived.markdown" "$TMP/archived.text"

# --- the synthetic controlled repository ------------------------------------

if [ ! -f "$FIXTURES/mkrepo.sh" ]; then
	fail "tests/fixtures/mkrepo.sh exists (the report tests need it)"
	exit 0
fi
check "mkrepo.sh builds the controlled repository" \
	sh -c 'bash "$1" controlled "$2" > "$3"' _ "$FIXTURES/mkrepo.sh" \
	"$TMP/controlled" "$TMP/controlled.shas"
R="$TMP/controlled"

expect_exit 1 "scan --format sarif reports the controlled repository" \
	"$EG" scan --all --no-progress --format sarif \
	--output "$TMP/controlled.sarif" "$R"
check "the SARIF validates against the official 2.1.0 schema" \
	sarif_valid "$TMP/controlled.sarif"
expect_exit 1 "scan --format json reports the same" \
	"$EG" scan --all --no-progress --format json \
	--output "$TMP/controlled.json" "$R"

cat > "$TMP/sarif_vs_json.py" <<'EOF'
import json, re, sys

sarif = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))
ids = dict(l.strip().split("=", 1) for l in open(sys.argv[3]) if "=" in l)
run = sarif["runs"][0]
assert run["tool"]["driver"]["name"] == "exportgate"
results = [r for r in run["results"] if r["ruleId"] == "0D521.1"]
assert results, "no result for 0D521.1"
r = results[0]
assert r["level"] == "error", r["level"]
fp = r["partialFingerprints"]["exportgate/v1"]
assert re.fullmatch(r"[0-9a-f]{64}", fp), fp
assert fp in {f["fingerprint"] for f in report["findings"]}, \
    "SARIF fingerprint not in the JSON report"
assert r["properties"]["commit"] == ids.get("first_controlled",
                                           r["properties"]["commit"]), \
    "not the first commit where it holds"
assert r["properties"]["commit"] in ids.values(), "not a commit mkrepo made"
assert r["properties"]["criteria"]["met"], "no criteria met"
assert len(r["locations"]) >= 4, "fewer locations than criteria"
assert "\u2713" in r["message"]["text"], r["message"]["text"]
rule = [x for x in run["tool"]["driver"]["rules"] if x["id"] == "0D521.1"][0]
assert rule["properties"]["eccn"] == "0D521"
assert "citation" in rule["help"]["text"].lower() or \
    "CFR" in rule["help"]["text"], "no citation in the rule's help"
assert run["invocations"][0]["executionSuccessful"] is True
EOF
check "SARIF result: ruleId, level error, fingerprint of the JSON report, commit, locations" \
	python3 "$TMP/sarif_vs_json.py" "$TMP/controlled.sarif" \
	"$TMP/controlled.json" "$TMP/controlled.shas"

expect_exit 1 "scan --format markdown reports the controlled repository" \
	"$EG" scan --all --no-progress --format markdown \
	--output "$TMP/controlled.md" "$R"
MD="$TMP/controlled.md"
sha=$(json_get "$TMP/controlled.json" 'd["packs"][0]["sha256"]' 2> /dev/null)
commit=$(json_get "$TMP/controlled.json" \
	'[f["commit"] for f in d["findings"] if f["signature"]=="0D521.1"][0]' \
	2> /dev/null)
check "markdown: a section for the 0D521.1 finding at level controlled" \
	grep -qE '^### .*0D521\.1.*controlled' "$MD"
check "markdown: the criteria table, criteria marked as holding" \
	sh -c 'grep -q "^| Holds | Criterion | Regulation | Evidence |" "$1" &&
		grep -q "^| ✓ |" "$1"' _ "$MD"
check "markdown: counter-evidence in a table of its own, not seen" \
	sh -c 'grep -q "^| Seen | Counter-evidence | Regulation | Evidence |" "$1" &&
		grep -q "^| ✗ | Medical or pathology imaging" "$1" &&
		! sed -n "/^| Holds /,/^$/p" "$1" | grep -q medical-imaging' _ "$MD"
check "markdown: the first commit of the finding" grep -qF "$commit" "$MD"
check "markdown: the citation" grep -qF "85 FR 459" "$MD"
check "markdown: the pack SHA-256" grep -qF "${sha:-no pack hash}" "$MD"
check "markdown: the caveat" grep -qF \
	"A match is an indicator for people to classify, not a legal classification." \
	"$MD"
check "markdown: valid UTF-8, every table row intact" md_tables_intact "$MD"
