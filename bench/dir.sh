#!/bin/sh
# dir.sh: time `exportgate scan --dir` against ripgrep searching the same
# folder with the same regexes.
#
#   bench/dir.sh FOLDER [EXPORTGATE]
#
# The regexes are every pattern of the built-in packs (patterns/*.yml),
# given to ripgrep at once (-P: PCRE2, as exportgate uses; -i where the
# pattern asks), line by line as grep does.  Both read every file below
# FOLDER; each runs RUNS times (default 3) and the best time counts.
# Needs ripgrep and python3-yaml.
set -eu
dir=${1:?usage: bench/dir.sh FOLDER [EXPORTGATE]}
top=$(cd "$(dirname "$0")/.." && pwd)
eg=${2:-$top/build/exportgate}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$tmp" "$top"/patterns/*.yml <<'PY'
import re, sys, yaml
out = sys.argv[1]
plain, icase = [], []
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
                (icase if p.get("icase") else plain).append(text)
open(out + "/plain.txt", "w").write("\n".join(plain) + "\n")
open(out + "/icase.txt", "w").write("\n".join(icase) + "\n")
print("%d regexes (%d caseless)" % (len(plain) + len(icase), len(icase)))
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
	rg -P --no-messages --count -uu -f "$tmp/plain.txt" "$dir"
	[ -s "$tmp/icase.txt" ] &&
		rg -P -i --no-messages --count -uu -f "$tmp/icase.txt" "$dir"
	return 0
}

echo "folder: $dir ($(find "$dir" -type f | wc -l) files, $(du -sh "$dir" | cut -f1))"
r=$(best rg_run)
echo "ripgrep -P, the packs' regexes:      ${r}s"
e=$(best "$eg" scan --dir --no-progress --format json --output /dev/null "$dir")
echo "exportgate scan --dir:               ${e}s"
echo "ratio exportgate / ripgrep: $(echo "scale=4; $e / $r" | bc)  (target <= 1.5)"
