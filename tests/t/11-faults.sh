#!/bin/bash
# 11-faults.sh: the scanner on broken, odd and hostile input.  Each case
# names the outcome a user relies on: an exit code, an unscanned entry,
# valid JSON, no hang.
. "$(dirname "$0")/lib.sh"

cat > "$TMP/pack.yml" <<'EOF2'
pack: {id: faults, version: "1"}
signatures:
  - id: "T.1"
    scope: repository
    criteria:
      - {id: a, patterns: [{id: a, literal: "alpha-criterion"}]}
      - {id: b, patterns: [{id: b, literal: "beta-criterion"}]}
    controlled: {all: [a, b]}
EOF2
scan() { "$EG" scan --no-progress --rules "$TMP/pack.yml" "$@"; }
summary() { json_get "$TMP/r.json" "d['summary']$1"; }

# a repository with a few commits to break
mkrepo() {
	rm -rf "$1" && git init -q "$1" && (
		cd "$1" &&
			echo alpha-criterion > a.c && git add . && git commit -qm one &&
			echo beta-criterion > b.c && git add . && git commit -qm two &&
			echo filler > c.c && git add . && git commit -qm three
	)
}

# --- missing and corrupt objects ---------------------------------------------
mkrepo "$TMP/missing"
blob=$(git -C "$TMP/missing" rev-parse HEAD:b.c)
rm -f "$TMP/missing/.git/objects/${blob:0:2}/${blob:2}"
expect_exit 3 "a missing blob makes the scan incomplete (exit 3)" \
	scan --format json --output "$TMP/r.json" "$TMP/missing"
check "the missing blob is listed as unscanned, with its path" \
	test "$(summary "['unscanned'][0]['blob']")" = "$blob" -a \
	"$(summary "['unscanned'][0]['path']")" = b.c

mkrepo "$TMP/corrupt"
blob=$(git -C "$TMP/corrupt" rev-parse HEAD:a.c)
f="$TMP/corrupt/.git/objects/${blob:0:2}/${blob:2}"
chmod u+w "$f" && printf 'garbage' > "$f"
expect_exit 3 "a corrupt loose object: exit 3" scan "$TMP/corrupt"
check "... and the object is named" grep -q "$blob" "$TMP/prev.out"

mkrepo "$TMP/badpack"
git -C "$TMP/badpack" repack -adq
pack=$(ls "$TMP/badpack"/.git/objects/pack/*.pack)
chmod u+w "$pack"
size=$(stat -c %s "$pack")
printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' |
	dd of="$pack" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
scan --format json --output "$TMP/r.json" "$TMP/badpack"
rc=$?
check "a corrupt pack: never a clean exit 0 (got $rc)" test "$rc" -ne 0
check "... and a corrupt pack is reported, not passed over" \
	test "$(summary "['incomplete']")" = True -o "$rc" -eq 2

# --- unusual repositories ----------------------------------------------------
git init -q "$TMP/empty"
expect_exit 0 "an empty repository: exit 0, nothing found" scan "$TMP/empty"
git init -q --bare "$TMP/empty.git"
expect_exit 0 "an empty bare repository: exit 0" scan "$TMP/empty.git"
mkrepo "$TMP/full"
git -C "$TMP/full" symbolic-ref HEAD refs/heads/unborn
expect_exit 1 "an unborn HEAD: the other refs are still scanned" scan "$TMP/full"

git clone -q --depth 1 --branch main "file://$TMP/full" "$TMP/shallow" 2> /dev/null
expect_exit 1 "a shallow clone: the commits it has are scanned" scan "$TMP/shallow"
check "... and the history it lacks is named as not scanned" \
	grep -q "commit not present (shallow clone" "$TMP/prev.out"

mkrepo "$TMP/alt-src"
git clone -q --shared "$TMP/alt-src" "$TMP/alternates"
expect_exit 1 "a repository with alternates reads objects through them" \
	scan "$TMP/alternates"

mkrepo "$TMP/sub"
(cd "$TMP/sub" && git -c protocol.file.allow=always submodule add -q \
	"$TMP/alt-src" vendored-sub > /dev/null 2>&1 && git commit -qm sub)
expect_exit 1 "a submodule (gitlink) does not break the scan" \
	scan --format json --output "$TMP/r.json" "$TMP/sub"
check "... and is not followed: its blobs are not counted" \
	test "$(summary "['blobs']")" = 4

echo beta-criterion > "$TMP/outside.c"
rm -rf "$TMP/links" && git init -q "$TMP/links" && (
	cd "$TMP/links" && echo alpha-criterion > a.c &&
		ln -s /etc/passwd passwd && ln -s "$TMP/outside.c" b.c &&
		git add . && git commit -qm links
)
expect_exit 0 "symbolic links are not followed (their target is not read)" \
	scan "$TMP/links"
expect_exit 0 "... nor in --dir mode" scan --dir "$TMP/links"

# --- names that are not text -------------------------------------------------
rm -rf "$TMP/names" && git init -q "$TMP/names" && (
	cd "$TMP/names" &&
		echo alpha-criterion > "$(printf 'bad\377\376name.c')" &&
		echo beta-criterion > "$(printf 'new\nline\tand\033[31mesc.c')" &&
		git add . && git commit -qm names
)
expect_exit 1 "file names with invalid UTF-8 and control characters are scanned" \
	scan --format json --output "$TMP/r.json" "$TMP/names"
check "... and the JSON report stays valid" python3 -c \
	'import json,sys; d=json.load(open(sys.argv[1])); assert d["findings"]' \
	"$TMP/r.json"
check "... and the text report prints no raw escape from a name" \
	sh -c "'$EG' scan --no-progress --rules '$TMP/pack.yml' '$TMP/names' | grep -qv \$(printf '\033')"

# --- size limits -------------------------------------------------------------
rm -rf "$TMP/big" && git init -q "$TMP/big" && (
	cd "$TMP/big" && head -c 30000000 /dev/zero | tr '\0' 'x' > big.c &&
		echo alpha-criterion >> big.c && git add . && git commit -qm big
)
expect_exit 3 "a 30 MB blob over --max-blob-size 10M: exit 3" \
	scan --max-blob-size 10M --format json --output "$TMP/r.json" "$TMP/big"
check "... listed as unscanned with the reason" \
	sh -c "grep -q 'larger than --max-blob-size' '$TMP/r.json'"

mkdir -p "$TMP/sparse" && truncate -s 2G "$TMP/sparse/huge.bin" &&
	echo alpha-criterion > "$TMP/sparse/a.c"
start=$(date +%s)
expect_exit 3 "a 2 GB sparse file in --dir is listed, not read (exit 3)" \
	scan --dir --format json --output "$TMP/r.json" "$TMP/sparse"
check "... quickly" test $(($(date +%s) - start)) -lt 20
check "... with the file named" sh -c "grep -q huge.bin '$TMP/r.json'"

# --- shapes of trees -----------------------------------------------------------
rm -rf "$TMP/deep" && git init -q "$TMP/deep"
blob=$(echo alpha-criterion | git -C "$TMP/deep" hash-object -w --stdin)
tree=$(printf '100644 blob %s\ta.c\n' "$blob" | git -C "$TMP/deep" mktree)
for _ in $(seq 1 10000); do
	tree=$(printf '040000 tree %s\td\n' "$tree" | git -C "$TMP/deep" mktree)
done
commit=$(git -C "$TMP/deep" commit-tree -m deep "$tree")
git -C "$TMP/deep" update-ref refs/heads/main "$commit"
expect_exit 3 "a tree 10,000 levels deep: no crash, exit 3" \
	scan --format json --output "$TMP/r.json" "$TMP/deep"
check "... the depth is named as the reason" \
	sh -c "grep -q 'deeper than' '$TMP/r.json'"

rm -rf "$TMP/wide" && git init -q "$TMP/wide"
blob=$(echo beta-criterion | git -C "$TMP/wide" hash-object -w --stdin)
tree=$(awk -v b="$blob" 'BEGIN { for (i = 0; i < 1000000; i++)
	printf "100644 blob %s\tf%07d.c\n", b, i }' | git -C "$TMP/wide" mktree)
commit=$(git -C "$TMP/wide" commit-tree -m wide "$tree")
git -C "$TMP/wide" update-ref refs/heads/main "$commit"
start=$(date +%s)
expect_exit 0 "a tree with 1,000,000 entries is scanned" \
	scan --format json --output "$TMP/r.json" "$TMP/wide"
check "... in under a minute, its one blob read once" \
	test $(($(date +%s) - start)) -lt 60 -a "$(summary "['blobs']")" = 1

# --- hostile patterns and many signatures -------------------------------------
cat > "$TMP/evil.yml" <<'EOF2'
pack: {id: evil, version: "1"}
signatures:
  - id: "E.1"
    criteria:
      - {id: c, patterns: [{id: p, regex: '(a+)+$', prefilter: [aaaa]}]}
    controlled: c
EOF2
mkdir -p "$TMP/evil" && { head -c 5000 /dev/zero | tr '\0' a; echo b; } > "$TMP/evil/x.c"
start=$(date +%s)
expect_exit 3 "a catastrophic regex hits the match limit: exit 3, no hang" \
	timeout 60 "$EG" scan --dir --rules "$TMP/evil.yml" "$TMP/evil"
elapsed=$(($(date +%s) - start))
check "... and says so" grep -q "regex match limit hit" "$TMP/prev.out"
check "... in seconds" test "$elapsed" -lt 30

python3 - "$TMP/many.yml" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('pack: {id: many, version: "1"}\nsignatures:\n')
    for i in range(10000):
        f.write('  - id: "M.%d"\n    criteria:\n      - {id: c, patterns: '
                '[{id: p, literal: "marker-%05d-x"}]}\n    controlled: c\n' % (i, i))
PY
mkdir -p "$TMP/manydir" && echo "marker-09999-x marker-00042-x" > "$TMP/manydir/a.c"
expect_exit 1 "a signature file with 10,000 signatures loads and matches" \
	"$EG" scan --dir --format json --output "$TMP/r.json" --rules "$TMP/many.yml" "$TMP/manydir"
check "... exactly the two signatures whose literal is there" \
	test "$(summary "['findings']")" = 2
