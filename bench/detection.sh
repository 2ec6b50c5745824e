#!/bin/bash
# detection.sh: how signature 0D521.1 does on real repositories.
#
#   bench/detection.sh [MIRROR_DIR]
#
# For each line `owner/name expected why` of bench/corpus.txt whose git
# directory MIRROR_DIR/<owner>+<name>/repo exists (default MIRROR_DIR
# /work/.mirror, as the search tool's fetch lays it out), runs
#   build/exportgate scan --all --format json --no-progress
# with the built-in packs and the default --max-blob-size, times it, and prints
# a markdown table (repository, HEAD, expected, got, criteria met, first
# commit and the folder when judged on one, seconds, OK/MISS/FALSE ALARM),
# then precision and recall per level
# and the counts.  Lines whose repository is not fetched are listed, not
# scanned.
#
# expected: flag (review or controlled wanted), tolerate (review acceptable,
# controlled not), clean (nothing at review or above).  Controlled is expected
# nowhere: a controlled finding is a false alarm unless the why text carries
# the marker [all four].
#
# The criteria that hold at HEAD are shown for every repository (column "at
# HEAD"), and in full for a miss, from a second scan of HEAD with a copy of
# patterns/0d521.yml whose review condition is "any criterion" (needs PyYAML;
# skipped without it).  That copy is read from patterns/ now, while the main
# scan uses the pack built into the binary; the header says so when the two
# are not the same file (an EXPORTGATE built from another commit, or a pack
# being edited in the checkout).  The "criteria met" column is
# the snapshot of the finding: the oldest commit that reached its level.
#
# Environment: EXPORTGATE (binary, default build/exportgate), CORPUS (default
# bench/corpus.txt), JOBS (passed as --jobs when set), KEEP (a directory to
# keep the JSON reports in), REV (what to print as the exportgate commit when
# EXPORTGATE was built from another checkout, e.g. a clean export of HEAD).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mirror=${1:-/work/.mirror}
eg=${EXPORTGATE:-$here/build/exportgate}
corpus=${CORPUS:-$here/bench/corpus.txt}
[[ -x "$eg" ]] || { echo "detection.sh: no $eg (run make first)" >&2; exit 2; }
[[ -r "$corpus" ]] || { echo "detection.sh: no $corpus" >&2; exit 2; }
[[ -d "$mirror" ]] || { echo "detection.sh: no mirror directory $mirror" >&2; exit 2; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# A private copy: a `make` elsewhere during the run must not swap the binary
# between two repositories.
cp "$eg" "$out/exportgate"
eg=$out/exportgate
rev=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo "?")
if [[ -n "${REV:-}" ]]; then
	rev=$REV
elif [[ -n "$(git -C "$here" status --porcelain -- patterns scanner 2>/dev/null)" ]]; then
	rev="$rev (patterns/ or scanner/ modified in the work tree)"
fi
jobs=()
[[ -n "${JOBS:-}" ]] && jobs=(--jobs "$JOBS")

# A diagnostic copy of the 0D521 pack: same criteria, review = any criterion.
# It is made from a copy of the checkout's file taken now, which the end
# compares with the pack built into the binary.
diag=
if cp "$here/patterns/0d521.yml" "$out/diag-src.yml" 2>/dev/null &&
	python3 - "$out/diag-src.yml" "$out/diag.yml" <<'PY' 2>/dev/null
import json, sys
import yaml
pack = yaml.safe_load(open(sys.argv[1]))
pack["pack"]["id"] = pack["pack"]["id"] + "-diagnostic"
keep = []
for sig in pack["signatures"]:
    if sig["id"] != "0D521.1":
        continue
    sig["controlled"] = {"all": [c["id"] for c in sig["criteria"]]}
    sig["review"] = {"any": [c["id"] for c in sig["criteria"]]}
    keep.append(sig)
pack["signatures"] = keep
# JSON is a subset of YAML: no re-quoting of the regexes to get wrong.
json.dump(pack, open(sys.argv[2], "w"), indent=1, default=str)
PY
then
	"$eg" rules check "$out/diag.yml" >/dev/null 2>&1 && diag=$out/diag.yml
fi

now() { date +%s.%N; }

: > "$out/runs.tsv"
: > "$out/missing.txt"
n=0
group=
while read -r repo expected why; do
	if [[ "$repo" == "#=" ]]; then
		group="$expected${why:+ $why}"
		continue
	fi
	[[ -z "$repo" || "$repo" == \#* ]] && continue
	case "$expected" in flag | tolerate | clean) ;; *)
		echo "detection.sh: $repo: expected must be flag, tolerate or clean, not '$expected'" >&2
		exit 2 ;;
	esac
	dir=$mirror/${repo/\//+}/repo
	[[ -d "$dir/.git" ]] && dir=$dir/.git
	if ! head=$(git --git-dir="$dir" rev-parse --short HEAD 2>/dev/null); then
		echo "$repo" >> "$out/missing.txt"
		continue
	fi
	n=$((n + 1))
	json=$out/$n.json
	echo "scanning $repo ..." >&2
	t0=$(now)
	rc=0
	"$eg" scan --all --format json --no-progress "${jobs[@]}" --output "$json" "$dir" \
		2> "$out/$n.err" || rc=$?
	t1=$(now)
	secs=$(python3 -c "print('%.1f' % ($t1 - $t0))")
	diagjson=
	if [[ -n "$diag" ]]; then
		# which criteria hold at HEAD?
		"$eg" scan --tree HEAD --rules "$diag" --fail-on never --format json --no-progress \
			"${jobs[@]}" --output "$out/$n.diag.json" "$dir" 2>/dev/null || true
		[[ -s "$out/$n.diag.json" ]] && diagjson=$out/$n.diag.json
	fi
	if [[ -n "${KEEP:-}" ]]; then
		mkdir -p "$KEEP"
		cp "$json" "$KEEP/${repo/\//+}.json" 2>/dev/null || true
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$repo" "$expected" "$head" "$secs" "$rc" \
		"$json" "$out/$n.err" "$diagjson" "$group" "$why" >> "$out/runs.tsv"
done < "$corpus"

python3 - "$out/runs.tsv" "$out/missing.txt" "$eg" "$rev" "${diag:+$out/diag-src.yml}" <<'PY'
import json, subprocess, sys

SIG = "0D521.1"
RANK = {"none": 0, "review": 1, "controlled": 2}

runs = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
missing = [l.strip() for l in open(sys.argv[2]) if l.strip()]
eg = sys.argv[3]
rev = sys.argv[4]
diagsrc = sys.argv[5]


def short(s, n=90):
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def cell(s):
    return s.replace("|", "\\|")


def evidence(crit):
    ev = crit.get("evidence") or []
    if not ev:
        return ""
    e = ev[0]
    weak = " (installed)" if e.get("installed") else " (weak)" if e.get("weak") else ""
    return "%s:%s `%s` [%s]%s" % (e["path"], e["line"], cell(short(e.get("excerpt", ""), 80)),
                                 e.get("pattern", "?"), weak)


def crit_line(c):
    ev = evidence(c)
    return "%s %s%s" % ("✓" if c.get("met") else "✗", c["id"], ": " + ev if ev else "")


rows, notes, pack = [], [], None
for repo, expected, head, secs, rc, jpath, epath, diag, group, why in runs:
    rc = int(rc)
    try:
        r = json.load(open(jpath))
    except Exception:
        err = short(open(epath, errors="replace").read(), 200)
        rows.append(dict(repo=repo, head=head, expected=expected, got="error", met="",
                         first="", secs=secs, result="ERROR", unscanned="", finding=None,
                         group=group))
        notes.append((repo, "ERROR", "exit %d: %s" % (rc, err), []))
        continue
    if pack is None:
        pack = [p for p in r.get("packs", []) if p.get("id") == "eccn-0d521"]
    found = sorted((f for f in r.get("findings", []) if f.get("signature") == SIG),
                   key=lambda f: -RANK.get(f.get("level"), 0))
    best = found[0] if found else None
    got = best["level"] if best else "none"
    met = [c["id"] for c in best["criteria"] if c.get("met")] if best else []
    first = "; ".join("%s %s%s" % (f["level"], f.get("commit", "")[:10],
                                   " in " + f["folder"] if f.get("folder") else "")
                      for f in found)
    allfour = "[all four]" in why
    if expected == "flag":
        result = "OK" if got != "none" else "MISS"
    elif expected == "tolerate":
        result = "OK"
    else:
        result = "OK" if got == "none" else "FALSE ALARM"
    if got == "controlled" and not allfour:
        result = "FALSE ALARM (controlled)" if result == "OK" else result + " (controlled)"
    s = r.get("summary", {})
    uns = len(s.get("unscanned") or [])
    try:
        d = json.load(open(diag)) if diag else {}
        df = [f for f in d.get("findings", []) if f.get("signature") == SIG]
    except Exception:
        df = []
    athead = " ".join(c["id"] for c in df[0]["criteria"] if c.get("met")) if df else ""
    rows.append(dict(repo=repo, head=head, expected=expected, got=got, met=" ".join(met),
                     athead=athead or ("—" if diag else "?"),
                     first=first, secs=secs, result=result, unscanned=str(uns),
                     finding=best, allfour=allfour, commits=s.get("commits", 0), group=group,
                     incomplete=s.get("incomplete", False)))
    if result != "OK":
        lines = []
        if best:
            for c in best["criteria"]:
                lines.append(crit_line(c))
        elif diag:
            if df:
                lines.append("at HEAD (diagnostic scan, review = any criterion):")
                for c in df[0]["criteria"]:
                    lines.append(crit_line(c))
            else:
                lines.append("at HEAD (diagnostic scan): no criterion holds")
        notes.append((repo, result, "expected %s, got %s" % (expected, got), lines))

try:
    desc = subprocess.run([eg, "--version"], capture_output=True, text=True).stdout.strip()
except Exception:
    desc = "?"
import datetime
print("date: %s" % datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
print("exportgate commit: %s" % rev)
print("exportgate: %s" % short(desc, 120))
if pack:
    print("pack: %s %s sha256 %s" % (pack[0]["id"], pack[0]["version"], pack[0]["sha256"][:16]))
    # The diagnostic copy comes from the checkout, the scan from the
    # binary: say so when they are not the same pack.
    if diagsrc:
        import hashlib
        h = hashlib.sha256(open(diagsrc, "rb").read()).hexdigest()
        if h != pack[0]["sha256"]:
            msg = ("diagnostic pack: patterns/0d521.yml sha256 %s (as the run began) is "
                   "not the binary's; the column \"at HEAD\" is that file's" % h[:16])
            print(msg)
            print("detection.sh: " + msg, file=sys.stderr)
print()
print("| repository | HEAD | expected | got | criteria met | at HEAD | first commit of the finding | seconds | result |")
print("|---|---|---|---|---|---|---|---:|---|")
for x in rows:
    extra = ""
    if x.get("unscanned") not in ("", "0"):
        extra = " (%s unscanned)" % x["unscanned"]
    print("| %s | %s | %s | %s | %s | %s | %s | %s%s | %s |" % (
        x["repo"], x["head"], x["expected"], x["got"], x["met"] or "—", x.get("athead", "?"),
        x["first"] or "—", x["secs"], extra, x["result"]))
print()


def ratio(a, b):
    return "%.2f (%d/%d)" % (a / b, a, b) if b else "n/a (0/0)"


def review_level(sel, label):
    # review-or-above: flag is positive, clean negative, tolerate is neither.
    pos = [x for x in sel if x["expected"] == "flag"]
    neg = [x for x in sel if x["expected"] == "clean"]
    tol = [x for x in sel if x["expected"] == "tolerate"]
    tp = sum(1 for x in pos if x["got"] != "none")
    fp = sum(1 for x in neg if x["got"] != "none")
    print("**review-or-above%s** (flag positive, clean negative, tolerate not counted): "
          "precision %s, recall %s; TP %d, FN (miss) %d, FP (false alarm) %d, TN %d; "
          "tolerate: %d, %d of them at review" % (
              label, ratio(tp, tp + fp), ratio(tp, len(pos)), tp, len(pos) - tp, fp,
              len(neg) - fp, len(tol), sum(1 for x in tol if x["got"] == "review")))
    print()
    return pos, neg, tol


ok = [x for x in rows if x["got"] != "error"]
pos, neg, tol = review_level(ok, "")
groups = []
for x in ok:
    if x["group"] and x["group"] not in groups:
        groups.append(x["group"])
if len(groups) > 1:
    for g in groups:
        review_level([x for x in ok if x["group"] == g], ", " + g)
cpos = [x for x in ok if x.get("allfour")]
ctp = sum(1 for x in cpos if x["got"] == "controlled")
cfp = sum(1 for x in ok if x["got"] == "controlled" and not x.get("allfour"))
print("**controlled** (positive only where all four criteria were judged present, "
      "[all four] in corpus.txt: %d): precision %s, recall %s; controlled findings %d, "
      "false alarms %d" % (len(cpos), ratio(ctp, ctp + cfp), ratio(ctp, len(cpos)),
                           ctp + cfp, cfp))
print()
total = sum(float(x["secs"]) for x in rows)
print("counts: %d scanned (%d flag, %d tolerate, %d clean), %d errors, %d OK, "
      "%d MISS, %d FALSE ALARM; %.0f s of scanning" % (
          len(rows), len(pos), len(tol), len(neg),
          sum(1 for x in rows if x["got"] == "error"),
          sum(1 for x in rows if x["result"] == "OK"),
          sum(1 for x in rows if x["result"].startswith("MISS")),
          sum(1 for x in rows if "FALSE ALARM" in x["result"]), total))
if missing:
    print()
    print("not fetched, not scanned: " + ", ".join(missing))
if notes:
    print()
    print("### Misses, false alarms and errors")
    for repo, result, what, lines in notes:
        print()
        print("- **%s**: %s (%s)" % (repo, result, what))
        for l in lines:
            print("  - %s" % l)
PY
