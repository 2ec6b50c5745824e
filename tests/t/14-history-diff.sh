#!/bin/bash
# 14-history-diff.sh: a folder's new version is judged beside its last one
# (scanner/lastdir.h).  On a random history of adds, edits, deletions,
# moves and files turned into folders, every prefix of the history must get
# the level and first commit that judging each commit alone (--tree) gives.
. "$(dirname "$0")/lib.sh"

cat > "$TMP/pack.yml" << 'EOF2'
pack: {id: diff, version: "1"}
signatures:
  - id: H
    criteria:
      - {id: a, patterns: [{id: a, literal: "alpha-mark"}]}
      - {id: b, patterns: [{id: b, literal: "beta-mark"}]}
      - {id: c, patterns: [{id: c, literal: "gamma-mark"}]}
    controlled: {all: [a, b, c]}
    review: {at_least: 2, of: [a, b, c]}
  - id: F
    scope: file
    criteria:
      - {id: g, patterns: [{id: g, literal: "plain 9"}]}
    controlled: g
EOF2

# 60 commits of three random operations each, from a fixed seed
python3 - "$TMP/repo" << 'EOF2'
import os, random, shutil, subprocess, sys
repo = sys.argv[1]
rng = random.Random(14)
os.makedirs(repo)
git = lambda *a: subprocess.run(["git", "-C", repo, *a], check=True,
                                 stdout=subprocess.DEVNULL)
git("init", "-q")
dirs = ["", "d0/", "d1/", "d1/sub/", "zz/"]
names = ["f%02d.c" % i for i in range(40)] + ["a.c", "a.c.c", "a-c.c", "b.c"]
marks = ["alpha-mark", "beta-mark", "gamma-mark"]
files = {}  # path -> content

def content():
    if rng.random() < 0.2:
        return "x %s y\n" % rng.choice(marks)
    return "plain %d\n" % rng.randrange(1000)

def write(path, text):
    full = os.path.join(repo, path)
    if os.path.isdir(full):
        shutil.rmtree(full)
    os.makedirs(os.path.dirname(full) or repo, exist_ok=True)
    with open(full, "w") as f:
        f.write(text)

for n in range(60):
    for _ in range(3):
        op = rng.random()
        live = sorted(files)
        if op < 0.45 or not live:
            path = rng.choice(dirs) + rng.choice(names)
            if any(p.startswith(path + "/") for p in files):
                continue
            if any(path.startswith(p + "/") for p in files):
                continue
            files[path] = content()
            write(path, files[path])
        elif op < 0.65:
            path = rng.choice(live)
            del files[path]
            os.remove(os.path.join(repo, path))
        elif op < 0.85:
            path = rng.choice(live)
            dest = rng.choice(dirs) + os.path.basename(path)
            if dest in files or any(p.startswith(dest + "/") for p in files) \
               or any(dest.startswith(p + "/") for p in files):
                continue
            files[dest] = files.pop(path)
            os.remove(os.path.join(repo, path))
            write(dest, files[dest])
        else:
            # a file becomes a folder of the same name
            path = rng.choice(live)
            inner = path + "/inner.c"
            files[inner] = files.pop(path)
            os.remove(os.path.join(repo, path))
            write(inner, files[inner])
    subprocess.run(["git", "-C", repo, "add", "-A"], check=True)
    git("commit", "-q", "--allow-empty", "-m", "c%d" % n)
EOF2

level() {
	"$EG" scan --no-progress --rules "$TMP/pack.yml" --format json \
		--output "$TMP/one.json" "$@" "$TMP/repo"
	json_get "$TMP/one.json" \
		"next((f['level'] for f in d['findings'] if f['signature'] == 'H'), 'none')"
}

# the oracle: each commit judged alone
git -C "$TMP/repo" rev-list --reverse HEAD > "$TMP/commits"
: > "$TMP/levels"
while read -r c; do
	echo "$c $(level --tree "$c")" >> "$TMP/levels"
done < "$TMP/commits"
check "the random history reaches review and controlled somewhere" \
	sh -c "grep -q ' review$' '$TMP/levels' && grep -q ' controlled$' '$TMP/levels'"

# windows of six commits: the walk judges five new trees beside older ones
rank() { case $1 in controlled) echo 2 ;; review) echo 1 ;; *) echo 0 ;; esac; }
mapfile -t rows < "$TMP/levels"
: > "$TMP/wrong"
for ((end = 7; end <= ${#rows[@]}; end++)); do
	best=none first=
	for ((i = end - 6; i < end; i++)); do
		set -- ${rows[i]}
		if [ "$(rank "$2")" -gt "$(rank "$best")" ]; then
			best=$2 first=$1
		fi
	done
	set -- ${rows[end - 1]}
	got=$(level --rev "$1~6..$1")
	gotc=$(json_get "$TMP/one.json" \
		"next((f['commit'] for f in d['findings'] if f['signature'] == 'H'), '')")
	[ "$got $gotc" = "$best $first" ] ||
		echo "window ending at commit $end: got $got $gotc, wanted $best $first" >> "$TMP/wrong"
	# listed in two parts on two threads, as a long history is, and
	# judged from the two tapes
	got=$(EXPORTGATE_SPLIT_HISTORY=2 level --jobs 2 --rev "$1~6..$1")
	gotc=$(json_get "$TMP/one.json" \
		"next((f['commit'] for f in d['findings'] if f['signature'] == 'H'), '')")
	[ "$got $gotc" = "$best $first" ] ||
		echo "window ending at commit $end, in two parts: got $got $gotc, wanted $best $first" >> "$TMP/wrong"
done
check "every window of six commits gets the level and first commit of its commits judged alone" \
	sh -c "cat '$TMP/wrong'; test ! -s '$TMP/wrong'"
check "... and the levels change often along the history" \
	test "$(awk '{print $2}' "$TMP/levels" | uniq | wc -l)" -ge 6
"$EG" scan --no-progress --rules "$TMP/pack.yml" --format json --jobs 1 \
	--output "$TMP/alone.json" "$TMP/repo"
EXPORTGATE_SPLIT_HISTORY=2 "$EG" scan --no-progress --rules "$TMP/pack.yml" \
	--format json --jobs 2 --output "$TMP/split.json" "$TMP/repo"
check "the whole history listed in two parts and judged from their tapes gives the report of --jobs 1" \
	cmp "$TMP/alone.json" "$TMP/split.json"
check "... file findings first met in either part included" \
	test "$(json_get "$TMP/alone.json" \
		"sum(f['signature'] == 'F' for f in d['findings'])")" -ge 3
check "the whole history: controlled, first where the commits judged alone say" \
	test "$(level --rev HEAD) $(json_get "$TMP/one.json" \
		"next(f['commit'] for f in d['findings'] if f['signature'] == 'H')")" = \
	"controlled $(awk '$2 == "controlled" {print $1; exit}' "$TMP/levels")"

# A criterion gone from a file must go from its folder: a version judged
# beside the last one takes the notes of the entries it kept, and only
# those (here the run "a.c" is followed by the changed "b.c").
R="$TMP/gone"
git init -q "$R"
printf 'plain 1\n' > "$R/a.c"
printf 'x alpha-mark y\n' > "$R/b.c"
git -C "$R" add -A && git -C "$R" commit -q -m "alpha only"
printf 'plain 2\n' > "$R/b.c"
printf 'x beta-mark y\n' > "$R/c.c"
git -C "$R" add -A && git -C "$R" commit -q -m "beta only"
for jobs in 1 2; do
	"$EG" scan --no-progress --rules "$TMP/pack.yml" --format json \
		--jobs $jobs --output "$TMP/gone.json" "$R"
	check "criteria that held at different times do not add up (--jobs $jobs)" \
		test "$(json_get "$TMP/gone.json" \
			"sum(f['signature'] == 'H' for f in d['findings'])")" = 0
done
