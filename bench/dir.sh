#!/bin/sh
# dir.sh: time `exportgate scan --dir` against ripgrep searching the same
# folder with the same regexes.
#
#   bench/dir.sh FOLDER [EXPORTGATE]
#
# The regexes are every pattern of the built-in packs (patterns/*.yml),
# given to ripgrep at once (-P: PCRE2, as exportgate uses; -i where the
# pattern asks), line by line as grep does.  When PCRE2 finds them too
# large for one alternation they go in as few groups as compile, one
# ripgrep run each, and the runs' times add up.  Both read every file
# below FOLDER; each runs RUNS times (default 3) and the best time counts.
# A ripgrep error stops the script.  Needs ripgrep and python3-yaml.
set -eu
dir=${1:?usage: bench/dir.sh FOLDER [EXPORTGATE]}
top=$(cd "$(dirname "$0")/.." && pwd)
eg=${2:-$top/build/exportgate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" "$top"/patterns/*.yml <<'PY'
import re, subprocess, sys, yaml
out = sys.argv[1]
regexes = {False: [], True: []}
for path in sys.argv[2:]:
    pack = yaml.safe_load(open(path))
    for sig in pack["signatures"]:
        for crit in sig["criteria"]:
            for p in crit["patterns"]:
                if "regex" in p:
                    text = p["regex"]
                elif "literal" in p:
                    text = re.escape(p["literal"])
                else:
                    continue
                regexes[bool(p.get("icase"))].append(text)

def compiles(group, icase):
    open(out + "/try.txt", "w").write("\n".join(group) + "\n")
    args = ["rg", "-P", "-f", out + "/try.txt", "/dev/null"]
    if icase:
        args.insert(2, "-i")
    return subprocess.run(args, capture_output=True).returncode != 2

n = 0
for icase, texts in regexes.items():
    group = []
    for text in texts:
        if group and not compiles(group + [text], icase):
            n += 1
            open("%s/group-%d-%d.txt" % (out, n, icase), "w").write(
                "\n".join(group) + "\n")
            group = []
        group.append(text)
    if group:
        n += 1
        open("%s/group-%d-%d.txt" % (out, n, icase), "w").write(
            "\n".join(group) + "\n")
print("%d regexes (%d caseless) in %d ripgrep run(s)" %
      (len(regexes[False]) + len(regexes[True]), len(regexes[True]), n))
PY

best() {
	b=
	for _ in $(seq 1 "${RUNS:-3}"); do
		t0=$(date +%s.%N)
		"$@" > /dev/null 2>&1 || true
		t=$(echo "$(date +%s.%N) - $t0" | bc)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

rg_run() {
	for g in "$tmp"/group-*.txt; do
		case $g in *-1.txt) i=-i ;; *) i= ;; esac
		rg -P $i --no-messages --count -uu -f "$g" "$dir" > /dev/null
		[ $? -ne 2 ] || return 2
	done
	return 0
}

# fail now, not silently in the timing loop
rg_run || { echo "dir.sh: ripgrep failed on the packs' regexes" >&2; exit 2; }
echo "folder: $dir ($(find "$dir" -type f | wc -l) files, $(du -sh "$dir" | cut -f1))"
r=$(best rg_run)
echo "ripgrep -P, the packs' regexes:      ${r}s"
e=$(best "$eg" scan --dir --no-progress --format json --output /dev/null "$dir")
echo "exportgate scan --dir:               ${e}s"
echo "ratio exportgate / ripgrep: $(echo "scale=4; $e / $r" | bc)  (target <= 1.5)"
