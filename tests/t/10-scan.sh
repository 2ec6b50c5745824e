#!/bin/bash
# 10-scan.sh: exportgate scan on synthetic repositories, with the built-in
# 0D521 pack (and the model packs on the weights fixture): the first
# satisfying commit, its evidence, each scope, exit codes, and bad input.
. "$(dirname "$0")/lib.sh"

fx() { bash "$FIXTURES/mkrepo.sh" "$1" "$TMP/$1" > "$TMP/$1.ids" && . "$TMP/$1.ids"; }
report() { json_get "$TMP/r.json" "$1"; }
scan() { "$EG" scan --no-progress "$@"; }

fx controlled
expect_exit 1 "the controlled history is found (exit 1)" \
	scan --format json --output "$TMP/r.json" "$TMP/controlled"
check "one finding, at level controlled" \
	test "$(report "len(d['findings'])")" = 1 -a \
	"$(report "d['findings'][0]['level']")" = controlled
check "it names the first commit whose tree meets all criteria" \
	test "$(report "d['findings'][0]['commit']")" = "$first_controlled"
check "... not the tip, where a later commit deleted a file again" \
	test "$first_controlled" != "$tip"
check "signature, ECCN and scope are as the SPEC says" \
	test "$(report "d['findings'][0]['signature']")" = 0D521.1 -a \
	"$(report "d['findings'][0]['eccn']")" = 0D521 -a \
	"$(report "d['findings'][0]['scope']")" = repository
check "every criterion of the regulation holds, each with evidence" \
	test "$(report "all(c['met'] and c['evidence'] for c in d['findings'][0]['criteria'] if c['id'] not in ('sampling', 'geospatial-mention', 'medical-imaging'))")" = True
check "the rotation criterion's evidence is the file the tip deleted" \
	test "$(report "[e['path'] for c in d['findings'][0]['criteria'] if c['id']=='rotation' for e in c['evidence']][0]")" = detect_rotated.py
check "evidence has line, column, blob and excerpt" \
	test "$(report "all(e['line'] > 0 and e['column'] > 0 and len(e['blob']) == 40 and e['excerpt'] for c in d['findings'][0]['criteria'] for e in c['evidence'])")" = True
check "the summary counts every commit" \
	test "$(report "d['summary']['commits']")" = "$(git -C "$TMP/controlled" rev-list --all | wc -l)"
check "packs are listed with version and sha256" \
	test "$(report "len(d['packs'][0]['sha256'])")" = 64

expect_exit 0 "--tree on the tip, which no longer has every criterion: no controlled finding" \
	scan --fail-on controlled --tree HEAD --format json --output "$TMP/r.json" "$TMP/controlled"
check "... it is at review level there, on the tip commit" \
	test "$(report "d['findings'][0]['level']")" = review -a \
	"$(report "d['findings'][0]['commit']")" = "$tip"
expect_exit 1 "--tree on the first controlled commit finds it" \
	scan --tree "$first_controlled" "$TMP/controlled"
expect_exit 0 "--rev over commits before the fourth criterion: nothing at controlled" \
	scan --fail-on controlled --rev "$first_controlled~1" "$TMP/controlled"
expect_exit 1 "--rev of a range that adds the last criterion finds it" \
	scan --rev "$first_controlled~1..$first_controlled" "$TMP/controlled"

mkdir -p "$TMP/sub-dir-cwd"
expect_exit 1 "a folder inside a work tree scans its repository" \
	sh -c "mkdir -p '$TMP/controlled/configs' && cd '$TMP/controlled/configs' && '$EG' scan --no-progress"
git clone -q --bare "$TMP/controlled" "$TMP/controlled.git"
expect_exit 1 "a bare repository" scan "$TMP/controlled.git"

git -C "$TMP/controlled" checkout -q "$first_controlled" 2> /dev/null
rm -rf "$TMP/plain" && cp -r "$TMP/controlled" "$TMP/plain" && rm -rf "$TMP/plain/.git"
expect_exit 1 "--dir judges a plain folder as one snapshot" \
	scan --dir --format json --output "$TMP/r.json" "$TMP/plain"
check "... with no commit in the finding" \
	test "$(report "'commit' in d['findings'][0]")" = False
expect_exit 1 "a folder outside git defaults to --dir" scan "$TMP/plain"
git -C "$TMP/controlled" checkout -q main 2> /dev/null
expect_exit 0 "--worktree of the tip (rotation file deleted): not controlled" \
	scan --fail-on controlled --worktree "$TMP/controlled"
cp "$TMP/plain/detect_rotated.py" "$TMP/controlled/"
expect_exit 1 "--worktree sees an untracked file" \
	scan --fail-on controlled --worktree "$TMP/controlled"
rm "$TMP/controlled/detect_rotated.py"

for j in 1 4; do
	scan --jobs $j --format json --output "$TMP/jobs$j.json" "$TMP/controlled"
done
check "--jobs 1 and --jobs 4 give identical JSON" cmp "$TMP/jobs1.json" "$TMP/jobs4.json"
EXPORTGATE_SPLIT_HISTORY=2 scan --jobs 4 --format json \
	--output "$TMP/split.json" "$TMP/controlled"
check "... and so does a history listed in two parts, judged from their tapes" \
	cmp "$TMP/jobs1.json" "$TMP/split.json"

fx benign
expect_exit 0 "a benign repository: exit 0" \
	scan --format json --output "$TMP/r.json" "$TMP/benign"
check "... and no findings at all" test "$(report "len(d['findings'])")" = 0
# --worktree is the work tree as it is: a tracked file deleted there is
# not in it, and a FIFO or a symbolic link in a file's place is not read
# (nor waited on), as --dir skips them.
rm "$TMP/benign/app.py"
expect_exit 0 "--worktree: a tracked file deleted from the work tree is not in it" \
	scan --worktree "$TMP/benign"
git -C "$TMP/benign" checkout -q -- app.py
rm "$TMP/benign/store.c" && mkfifo "$TMP/benign/store.c"
ln -s /dev/zero "$TMP/benign/zeros"
expect_exit 0 "--worktree: a FIFO in a tracked file's place and a link are skipped" \
	timeout 20 "$EG" scan --no-progress --worktree "$TMP/benign"
rm "$TMP/benign/store.c" "$TMP/benign/zeros"
git -C "$TMP/benign" checkout -q -- store.c
# A file that is there but cannot be read leaves the scan incomplete, and
# so do the files of a folder that can be listed but not searched.
if [ "$(id -u)" -ne 0 ]; then
	as_user=
elif command -v setpriv > /dev/null; then
	as_user="setpriv --reuid=65534 --regid=65534 --clear-groups"
else
	as_user=skip
fi
if [ "$as_user" != skip ]; then
	rm -rf "$TMP/unreadable" && cp -r "$TMP/benign" "$TMP/unreadable"
	rm -rf "$TMP/unreadable/.git" && chmod 000 "$TMP/unreadable/app.py"
	expect_exit 3 "--dir: a file that cannot be read: incomplete (exit 3)" \
		$as_user "$EG" scan --no-progress --dir "$TMP/unreadable"
	check "... naming it and why" \
		grep -q "app.py: cannot read: Permission denied" "$TMP/prev.out"
	chmod 644 "$TMP/unreadable/app.py" && chmod 0666 "$TMP/unreadable/static"
	expect_exit 3 "--dir: a folder that can be listed but not searched: incomplete" \
		$as_user "$EG" scan --no-progress --dir "$TMP/unreadable"
	chmod 0755 "$TMP/unreadable/static"
else
	echo "     (as root without setpriv: no file root cannot read)"
fi
fx microscopy
expect_exit 0 "microscopy with every criterion but the geospatial one: nothing at review" \
	scan --format json --output "$TMP/r.json" "$TMP/microscopy"
fx mention
expect_exit 0 "the imagery named only in a test's comments: nothing at review" \
	scan --rev "$mention_in_test" "$TMP/mention"
expect_exit 1 "every criterion, the imagery named only in comments: review" \
	scan --format json --output "$TMP/r.json" "$TMP/mention"
check "... at review, not controlled, geospatial-mention held and geospatial not" \
	test "$(report "d['findings'][0]['level'] + ' ' + ' '.join(c['id'] for c in d['findings'][0]['criteria'] if c['met'])")" = \
	"review geospatial-mention gui normalization cnn training rotation"
check "... and counted in its one product file and its one test file" \
	test "$(report "[(c['files'], c['weak_files']) for c in d['findings'][0]['criteria'] if c['id'] == 'geospatial-mention']")" = "[(1, 1)]"
scan --no-color "$TMP/mention" > "$TMP/mention.txt"
check "... which the text report says" \
	grep -q "holds in 1 file, and 1 vendored, docs or test file" "$TMP/mention.txt"
fx generic
expect_exit 1 "a generic library, then a loader of remote-sensing scenes: review" \
	scan --format json --output "$TMP/r.json" "$TMP/generic"
check "... first named where the loader comes, with it as the evidence" \
	test "$(report "d['findings'][0]['commit']")" = "$first_review" -a \
	"$(report "sorted({e['path'] for c in d['findings'][0]['criteria'] if c['id'] == 'geospatial' for e in c['evidence']})")" = "['datasets/scenes.py']"
expect_exit 0 "... and before it, the suite and the README's tutorials: nothing" \
	scan --rev "$first_review~1" "$TMP/generic"
fx pathology
expect_exit 1 "a pathology toolkit that loses its slide reader: review" \
	scan --format json --output "$TMP/r.json" "$TMP/pathology"
check "... first where the reader is gone, medical-imaging not met" \
	test "$(report "d['findings'][0]['commit']")" = "$first_review" -a \
	"$(report "[c['met'] for c in d['findings'][0]['criteria'] if c['id'] == 'medical-imaging']")" = "[False]"
check "... counter-evidence marked so in JSON, apart in the text report" \
	test "$(report "[c.get('counter') for c in d['findings'][0]['criteria'] if c['id'] in ('medical-imaging', 'cnn')]")" = "[None, True]"
scan --no-color "$TMP/pathology" > "$TMP/pathology.txt" || true
check "... where it is not seen, and is no criterion marked missing" \
	sh -c 'grep -q "^  · counter-evidence medical-imaging: not seen$" "$1" &&
		! grep -q "✗ medical-imaging" "$1"' _ "$TMP/pathology.txt"
expect_exit 0 "... and while it reads whole-slide images, rasterio or not: nothing" \
	scan --rev "$first_review~1" "$TMP/pathology"
fx collection
expect_exit 1 "a collection gains an aerial-imagery tutorial: review" \
	scan --format json --output "$TMP/r.json" "$TMP/collection"
check "... judged on that folder alone, its first commit, the folder named" \
	test "$(report "len(d['findings'])")" = 1 -a \
	"$(report "d['findings'][0]['commit']")" = "$first_review" -a \
	"$(report "d['findings'][0]['folder']")" = aerial_segmentation/
check "... its evidence all from inside it, medical-imaging not met there" \
	test "$(report "sorted({e['path'].split('/')[0] for c in d['findings'][0]['criteria'] for e in c['evidence']})")" = "['aerial_segmentation']" -a \
	"$(report "[c['met'] for c in d['findings'][0]['criteria'] if c['id'] == 'medical-imaging']")" = "[False]"
expect_exit 0 "... and before it, a slide tutorial beside rasterio, a trainer in notebooks/ and one in a package: nothing" \
	scan --rev "$first_review~1" "$TMP/collection"
expect_exit 1 "... a plain folder of it is judged the same way" \
	scan --dir --format json --output "$TMP/r.json" "$TMP/collection"
check "... naming the same folder" \
	test "$(report "d['findings'][0]['folder']")" = aerial_segmentation/
scan --no-color "$TMP/collection" > "$TMP/collection.txt" || true
check "... which the text report says" \
	grep -q "REVIEW *folder aerial_segmentation/" "$TMP/collection.txt"
# both_jobs REPO WHAT FOUND EXPECTED: a full scan of REPO with one job and
# with two (the reading walk and the taped one) reports exactly EXPECTED,
# the (level, commit, folder) of each finding.
both_jobs() {
	for j in 1 2; do
		expect_exit 1 "$2 (--jobs $j)" \
			scan --jobs $j --format json --output "$TMP/r.json" "$TMP/$1"
		check "... $3 (--jobs $j)" \
			test "$(report "[(f['level'], f['commit'], f.get('folder')) for f in d['findings']]")" = "$4"
	done
}
fx portfolio
both_jobs portfolio "a project's README counts at the top of its folder, not deeper" \
	"review from the commit that moves the same tree up" "[('review', '$first_review', None)]"
check "... its README the geospatial evidence" \
	test "$(report "[e['path'] for c in d['findings'][0]['criteria'] if c['id'] == 'geospatial' for e in c['evidence']]")" = "['ships/README.md']"
expect_exit 0 "... a folder down, a note: nothing" \
	scan --tree "$deep" "$TMP/portfolio"
expect_exit 0 "... in src/, which serves the project around it: nothing" \
	scan --tree "$part" "$TMP/portfolio"
w=$TMP/portfolio-dir
mkdir -p "$w/ships"
cp "$FIXTURES/src/forms/readme_aerial/README.md" "$FIXTURES/src/train.py" "$w/ships/"
expect_exit 1 "... a plain folder is judged the same way: at the top of a folder, review" \
	scan --dir "$w"
mkdir "$w/archive" && mv "$w/ships" "$w/archive/"
expect_exit 0 "... a folder down, nothing" \
	scan --dir "$w"
# Windows writes text in UTF-16: a README saved so, and a README whose
# imagery is named only in a line PowerShell appended in UTF-16.
w=$TMP/utf16
mkdir -p "$w/whole" "$w/appended"
python3 -c 'import sys; open(sys.argv[2], "wb").write(open(sys.argv[1], encoding="utf-8").read().encode("utf-16"))' \
	"$FIXTURES/src/forms/readme_aerial/README.md" "$w/whole/README.md"
{ printf '# roofnet\n\nA small U-Net.\n'
  python3 -c 'import sys; sys.stdout.buffer.write("# Roofs in aerial imagery\r\n".encode("utf-16-le"))'
} > "$w/appended/README.md"
cp "$FIXTURES/src/train.py" "$w/whole/"
cp "$FIXTURES/src/train.py" "$w/appended/"
for d in whole appended; do
	expect_exit 1 "a README in UTF-16 ($d) is read: review" \
		scan --format json --output "$TMP/r.json" --dir "$w/$d"
	check "... the README the geospatial evidence ($d)" \
		test "$(report "[e['path'] for c in d['findings'][0]['criteria'] if c['id'] == 'geospatial' for e in c['evidence']]")" = "['README.md']"
done
# A Python program need not be named .py: executable scripts whose first
# line names the interpreter (through env, with its options, or by path),
# and Windows .pyw scripts, are Python.
w=$TMP/scripts
for d in env path pyw; do
	git init -q "$w/$d" && mkdir "$w/$d/bin"
done
for f in geo_io train augment detect_rotated label_tool; do
	{ echo '#!/usr/bin/env -S python3 -u'; cat "$FIXTURES/src/$f.py"; } > "$w/env/bin/$f"
	{ echo '#! /usr/local/bin/python3.11'; cat "$FIXTURES/src/$f.py"; } > "$w/path/bin/$f"
	cp "$FIXTURES/src/$f.py" "$w/pyw/bin/$f.pyw"
done
for d in env path pyw; do
	git -C "$w/$d" add -A && git -C "$w/$d" commit -qm scripts
	expect_exit 1 "Python scripts not named .py are Python ($d): controlled" \
		scan --fail-on controlled --format json --output "$TMP/r.json" "$w/$d"
	check "... and so in a plain folder ($d)" \
		test "$(scan --dir --format json "$w/$d" | json_get /dev/stdin "d['findings'][0]['level']")" = controlled
done
fx lifted
both_jobs lifted "a top-level folder's tree that becomes the root is judged as the root" \
	"its folder's README counts there" "[('review', '$first_review', None)]"
fx unwrapped
both_jobs unwrapped "a top-level folder's tree that becomes the root: its folders judged alone" \
	"the aerial tutorial at review" "[('review', '$first_review', 'aerial_segmentation/')]"
fx livescript
expect_exit 1 "MATLAB live scripts: the one that trains makes review" \
	scan --format json --output "$TMP/r.json" "$TMP/livescript"
check "... with the network and its training read inside train.mlx" \
	test "$(report "d['findings'][0]['commit']")" = "$first_review" -a \
	"$(report "sorted({(e['path'], e['line']) for c in d['findings'][0]['criteria'] if c['id'] == 'training' for e in c['evidence']})")" = "[('train.mlx', 12)]"
expect_exit 0 "... and before it, a README on land cover and a script that plots: nothing" \
	scan --rev "$first_review~1" "$TMP/livescript"
w=$TMP/broken-mlx
mkdir -p "$w"
head -c 300 "$TMP/livescript/train.mlx" > "$w/train.mlx"
expect_exit 3 "a live script that can't be read: the scan is incomplete" \
	scan --format json --output "$TMP/r.json" --dir "$w"
check "... and says which file and why" \
	test "$(report "[(u['path'], u['reason']) for u in d['summary']['unscanned']]")" = \
	"[('train.mlx', 'MATLAB live script: no readable matlab/document.xml')]"
# Code archived is code committed: a zip or a tarball of it is matched as
# its members, and what of it can't be read is named, never passed unseen.
w=$TMP/zipped
mkdir -p "$w"
python3 -c '
import sys, zipfile
with zipfile.ZipFile(sys.argv[1] + "/code.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("src/train.py", open(sys.argv[2]).read())
with zipfile.ZipFile(sys.argv[1] + "/notes.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("notes/README.md", "# notes\n")' "$w" "$FIXTURES/src/train.py"
mkdir -p "$TMP/sdist/pkg-1.0/pkg" "$TMP/scenes"
cp "$FIXTURES/src/geo_io.py" "$TMP/sdist/pkg-1.0/pkg/"
tar -C "$TMP/sdist" -czf "$w/pkg-1.0.tar.gz" pkg-1.0
echo 'a,b' > "$TMP/scenes/labels.csv"
tar -C "$TMP" -cf "$w/scenes.tar" scenes
expect_exit 1 "a zip and a tarball of source code: matched as their members" \
	scan --format json --output "$TMP/r.json" --dir "$w"
check "... the evidence names the archive, its member and the member's line" \
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["summary"]["incomplete"] and not d["summary"]["unscanned"], d["summary"]
ev = {c["id"]: c["evidence"] for c in d["findings"][0]["criteria"]}
where = lambda c: sorted({(e["path"], e.get("member"), e["line"]) for e in ev[c]})
assert ("pkg-1.0.tar.gz", "pkg-1.0/pkg/geo_io.py", 3) in where("geospatial"), where("geospatial")
assert ("code.zip", "src/train.py", 29) in where("training"), where("training")
lines = [l.rstrip("\n") for l in open(sys.argv[2])]
assert lines[28].strip().startswith([e for e in ev["training"] if e["line"] == 29][0]["excerpt"][:12])' \
	"$TMP/r.json" "$FIXTURES/src/train.py"
check "... and the text report as path!member:line" \
	sh -c '"$1" scan --no-progress --dir "$2" | grep -q "code.zip!src/train.py:29"' \
	_ "$EG" "$w"
# The same source distribution compressed by xz, then by bzip2
for z in xz bz2; do
	v=$TMP/zipped-$z
	mkdir -p "$v"
	cp "$w/code.zip" "$v/"
	python3 -c '
import sys, tarfile
with tarfile.open(sys.argv[1], "w:" + sys.argv[3]) as t:
    t.add(sys.argv[2], arcname="pkg-1.0")' \
		"$v/pkg-1.0.tar.$z" "$TMP/sdist/pkg-1.0" "$z"
	expect_exit 1 "a tarball of source code compressed by $z: matched" \
		scan --format json --output "$TMP/r.json" --dir "$v"
	check "... its member named in the evidence" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["summary"]["incomplete"], d["summary"]
ev = {c["id"]: c["evidence"] for c in d["findings"][0]["criteria"]}
got = {(e["path"], e.get("member"), e["line"]) for e in ev["geospatial"]}
assert (sys.argv[2], "pkg-1.0/pkg/geo_io.py", 3) in got, got' \
		"$TMP/r.json" "pkg-1.0.tar.$z"
done
# A member compressed by bzip2, and an archive of code in an archive
python3 -c '
import io, sys, zipfile
with zipfile.ZipFile(sys.argv[1] + "/bz.zip", "w", zipfile.ZIP_BZIP2) as z:
    z.writestr("src/train.py", "x = 1\n")
inner = io.BytesIO()
with zipfile.ZipFile(inner, "w") as z:
    z.writestr("geo.py", "import rasterio\n")
with zipfile.ZipFile(sys.argv[1] + "/nested.zip", "w") as z:
    z.writestr("dist/inner.whl", inner.getvalue())' "$w"
rm "$w/code.zip" "$w/pkg-1.0.tar.gz"
expect_exit 3 "archived code that can't be read: the scan is incomplete" \
	scan --format json --output "$TMP/r.json" --dir "$w"
check "... and names each archive and why, not the zip of notes nor the tar of labels" \
	test "$(report "sorted((u['path'], u['reason']) for u in d['summary']['unscanned'])")" = \
	"[('bz.zip', 'archive of source code: a member encrypted, compressed other than by deflate, or damaged'), ('nested.zip', 'archive of source code inside an archive: members not read (commit them unpacked)')]"
rm "$w/bz.zip" "$w/nested.zip"
expect_exit 0 "... and archives of notes and labels alone: nothing, complete" \
	scan --dir "$w"
w=$TMP/weak-only
mkdir -p "$w/tests"
cp "$FIXTURES/src/geo_io.py" "$FIXTURES/src/train.py" "$w/"
cp "$FIXTURES/src/chips.py" "$w/tests/test_chips.py"
scan --no-color --dir "$w" > "$TMP/weak-only.txt"
check "a criterion held in one test file only: counted, and not counted" \
	grep -qx "      only in 1 vendored, docs or test file: not counted" "$TMP/weak-only.txt"
check "... beside those held in product code" \
	grep -qx "      holds in 1 file" "$TMP/weak-only.txt"
mkdir -p "$w/env/lib/site-packages/pkg"
cp "$FIXTURES/src/chips.py" "$w/env/lib/site-packages/pkg/chips.py"
scan --no-color --dir "$w" > "$TMP/weak-only.txt"
check "... and in a file of installed packages too: counted apart" \
	grep -qx "      only in 1 vendored, docs or test file and 1 installed file: not counted" "$TMP/weak-only.txt"
check "... its evidence marked installed, after the weak file's" \
	sh -c "grep -A2 'only in 1 vendored' '$TMP/weak-only.txt' | tail -1 | grep -q '^      env/lib/site-packages/pkg/chips.py:7 (installed)'"
scan --format json --output "$TMP/r.json" --dir "$w" || true
check "... and in JSON: weak_files, installed_files, and each evidence's weak and installed flags" \
	test "$(report "[(c['weak_files'], c['installed_files'], [(e.get('weak', False), e.get('installed', False)) for e in c['evidence']]) for c in d['findings'][0]['criteria'] if c['id'] == 'sampling']")" = "[(1, 1, [(True, False), (True, True)])]"
rm -r "$w/tests"
cp "$FIXTURES/src/geo_io.py" "$w/env/lib/site-packages/pkg/geo_io.py"
scan --no-color --dir "$w" > "$TMP/weak-only.txt"
check "a criterion held below installed packages alone: counted, and not counted" \
	grep -qx "      only in 1 installed file: not counted" "$TMP/weak-only.txt"
check "... and one held in product code and there: both counted" \
	grep -qx "      holds in 1 file, and 1 installed file" "$TMP/weak-only.txt"
scan --format markdown --output "$TMP/weak-only.md" --dir "$w" || true
check "... the same in markdown, installed evidence marked so" \
	sh -c "grep -qF '*(only in 1 installed file: not counted)*' '$TMP/weak-only.md' &&
		grep -qF '*(holds in 1 file, and 1 installed file)*' '$TMP/weak-only.md' &&
		grep -qF '*(installed package: another project'\''s code)*' '$TMP/weak-only.md' &&
		! grep -qF '*(weak:' '$TMP/weak-only.md'"
scan --format sarif --output "$TMP/weak-only.sarif" --dir "$w" || true
check "... and in SARIF: the installed location says so, weak and installed" \
	test "$(json_get "$TMP/weak-only.sarif" "sorted({(l['properties']['weak'], l['properties']['installed'], '[installed package' in l['message']['text']) for r in d['runs'][0]['results'] for l in r.get('relatedLocations', []) + r.get('locations', []) if 'properties' in l and 'installed' in l['properties']})")" = "[(False, False, False), (True, True, True)]"
fx review
expect_exit 1 "geospatial training (a geospatial deep-learning training project): review" \
	scan --format json --output "$TMP/r.json" "$TMP/review"
check "... at level review, first commit named" \
	test "$(report "d['findings'][0]['level']")" = review -a \
	"$(report "d['findings'][0]['commit']")" = "$first_review"
expect_exit 0 "geospatial, normalization and rotation without training: nothing" \
	scan --rev "$first_review~1" "$TMP/review"
expect_exit 0 "--fail-on controlled lets a review finding exit 0" \
	scan --fail-on controlled "$TMP/review"
fx weights
expect_exit 1 "weights beside geospatial code, then training code: MODEL.1" \
	scan --format json --output "$TMP/r.json" "$TMP/weights"
check "... controlled, first where the training code came, not the tip" \
	test "$(report "[(f['level'], f['commit']) for f in d['findings'] if f['signature'] == 'MODEL.1']")" = "[('controlled', '$first_controlled')]" -a \
	"$first_controlled" != "$tip"
check "... each weights file a 4E091.1 finding of its own" \
	test "$(report "sorted(f['path'] for f in d['findings'] if f['signature'] == '4E091.1')")" = \
	"['models/chipnet.onnx', 'models/chipnet.pt', 'models/chipnet.safetensors', 'models/detector_weights.h5']"
expect_exit 1 "... and before the training code" \
	scan --rev "$first_review" --format json --output "$TMP/r.json" "$TMP/weights"
check "... review, weights and geospatial code alone" \
	test "$(report "[(f['level'], f['commit']) for f in d['findings'] if f['signature'] == 'MODEL.1']")" = "[('review', '$first_review')]"
# A blob is read once, whatever its paths; a file-scope signature is still
# judged at each path that may change its finding: a shard name given by a
# rename, and a second copy of a weights file, are each reported.
git init -q "$TMP/moved"
tm() { git -C "$TMP/moved" -c user.name=T -c user.email=t@example.com "$@"; }
cp "$TMP/weights/models/chipnet.safetensors" "$TMP/moved/model.safetensors"
tm add -A && tm commit -qm one
tm mv model.safetensors model-00001-of-00002.safetensors && tm commit -qm two
mkdir "$TMP/moved/copy"
cp "$TMP/moved/model-00001-of-00002.safetensors" "$TMP/moved/copy/chip.safetensors"
tm add -A && tm commit -qm three
expect_exit 1 "a weights file renamed to a shard's name, then copied" \
	scan --format json --output "$TMP/r.json" "$TMP/moved"
check "... a finding at each of its three paths, the shard controlled" \
	test "$(report "sorted((f['path'], f['level']) for f in d['findings'] if f['signature'] == '4E091.1')")" = \
	"[('copy/chip.safetensors', 'review'), ('model-00001-of-00002.safetensors', 'controlled'), ('model.safetensors', 'review')]"
check "... and one blob read" test "$(report "d['summary']['blobs']")" = 1
# A folder copied or renamed whole keeps its tree: its criteria are known,
# and it is walked again for the blobs judged at each path.
cat > "$TMP/word.yml" <<'EOF2'
pack: {id: word, version: "1"}
signatures:
  - id: "W.1"
    scope: file
    criteria:
      - {id: w, patterns: [{id: w, literal: "ZORKWORD"}]}
    controlled: {all: [w]}
EOF2
git init -q "$TMP/copied"
tc() { git -C "$TMP/copied" -c user.name=T -c user.email=t@example.com "$@"; }
mkdir -p "$TMP/copied/d"
echo 'x = ZORKWORD' > "$TMP/copied/d/a.py"
tc add -A && tc commit -qm one
tc mv d e && tc commit -qm two
mkdir -p "$TMP/copied/f/g" && cp -r "$TMP/copied/e" "$TMP/copied/f/g/"
tc add -A && tc commit -qm three
expect_exit 1 "a folder renamed, then copied whole" \
	scan --rules "$TMP/word.yml" --format json --output "$TMP/r.json" "$TMP/copied"
check "... a finding at each of the blob's three paths" \
	test "$(report "sorted(f['path'] for f in d['findings'])")" = \
	"['d/a.py', 'e/a.py', 'f/g/e/a.py']"

# A notebook only a lax parser would take is read as it is, not skipped;
# one in UTF-16 is placed by its text.
mkdir -p "$TMP/nb"
printf '{"cells": [{"cell_type": "code" "source": ["x = ZORKWORD()\\n"]}]}\n' \
	> "$TMP/nb/lax.ipynb"
expect_exit 1 "a notebook a strict JSON parser refuses: read as text" \
	scan --dir --rules "$TMP/word.yml" --format json --output "$TMP/r.json" "$TMP/nb"
python3 -c '
import sys
text = "{\n \"cells\": [{\"cell_type\": \"code\", \"source\": [\n  \"\\t\\tx = ZORKWORD\\n\"]}]}\n"
open(sys.argv[1], "wb").write(b"\xff\xfe" + text.encode("utf-16-le"))' "$TMP/nb/lax.ipynb"
expect_exit 1 "a notebook in UTF-16" \
	scan --dir --rules "$TMP/word.yml" --format json --output "$TMP/r.json" "$TMP/nb"
check "... its hit at the file's line and column" \
	test "$(report "[(e['line'], e['column']) for f in d['findings'] for c in f['criteria'] for e in c['evidence']]")" = "[(3, 12)]"

# paths: globs match the base name, in history and in a plain folder; a
# glob with a "/" is refused, as a subtree's criteria are known once,
# wherever it is.
cat > "$TMP/globs.yml" <<'EOF2'
pack: {id: globs, version: "1"}
signatures:
  - id: "G.1"
    scope: file
    criteria:
      - {id: a, patterns: [{id: a, regex: 'ALPHA\d+', paths: ["x*.txt"]}]}
    controlled: {all: [a]}
EOF2
git init -q "$TMP/globs"
mkdir -p "$TMP/globs/secret/deep" "$TMP/globs/other"
for f in secret/x.txt secret/deep/x2.txt other/y.txt secret/x.md; do
	echo 'ALPHA1 BETA' > "$TMP/globs/$f"
done
git -C "$TMP/globs" add -A &&
	git -C "$TMP/globs" -c user.name=T -c user.email=t@example.com commit -qm globs
for how in --all --dir; do
	expect_exit 1 "paths: a glob on the base name ($how)" \
		scan $how --rules "$TMP/globs.yml" --format json --output "$TMP/r.json" "$TMP/globs"
	check "... in any folder, and no other name" \
		test "$(report "sorted(f['path'] for f in d['findings'])")" = \
		"['secret/deep/x2.txt', 'secret/x.txt']"
done
sed 's#"x\*.txt"#"secret/*"#' "$TMP/globs.yml" > "$TMP/globs2.yml"
expect_exit 2 "paths: a glob with a slash is refused: exit 2" \
	"$EG" rules check "$TMP/globs2.yml"
check "... at its place, saying why" \
	grep -q "globs2.yml:6:.*'secret/.' holds a '/'" "$TMP/prev.err"
fx notebook
expect_exit 1 "training inside a notebook's code cell counts" \
	scan --format json --output "$TMP/r.json" "$TMP/notebook"
check "... with evidence in the notebook" \
	test "$(report "any(e['path'].endswith('.ipynb') for c in d['findings'][0]['criteria'] for e in c['evidence'])")" = True
check "... at the notebook file's own lines and columns" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().split("\n")
ev = [e for f in d["findings"] for c in f["criteria"] for e in c["evidence"]
      if e["path"].endswith(".ipynb")]
assert ev
for e in ev:
    line = lines[e["line"] - 1]
    start = line.index(e["excerpt"].strip()[:8])
    assert start < e["column"] <= len(line), (e, line)' "$TMP/r.json" "$TMP/notebook/notebooks/train.ipynb"

# --- refs that lead to no commit -----------------------------------------------
# A tag may name a tree (git.git's v2.6.11-tree) or a blob.  A revision walk
# steps over such refs, yet `git push --tags` and a mirror publish what they
# hold: --all judges the tree as a snapshot of its own, the blob as a file.
tg() { git -C "$TMP/tagged" -c user.name=T -c user.email=t@example.com "$@"; }
git clone -q "$TMP/benign" "$TMP/tagged"
tg fetch -q "$TMP/controlled" main:refs/tmp/controlled
tg fetch -q "$TMP/weights" main:refs/tmp/weights
ctree=$(tg rev-parse "$(sed -n 's/^first_controlled=//p' "$TMP/controlled.ids")^{tree}")
wblob=$(tg rev-parse refs/tmp/weights:models/chipnet.pt)
tg update-ref -d refs/tmp/controlled
tg update-ref -d refs/tmp/weights
expect_exit 0 "a benign repository holding a controlled tree no ref leads to: clean" \
	scan "$TMP/tagged"
tg tag -a -m snapshot snap-tree "$ctree"
expect_exit 1 "--all finds a controlled tree an annotated tag leads to" \
	scan --format json --output "$TMP/r.json" "$TMP/tagged"
check "... one controlled finding, naming the tree and no commit" \
	test "$(report "[(f['level'], f['content'], 'commit' in f) for f in d['findings']]")" = \
	"[('controlled', '$ctree', False)]"
check "... the summary counts the commits alone" \
	test "$(report "d['summary']['commits']")" = "$(tg rev-list --all | wc -l)"
scan --jobs 4 --format json --output "$TMP/tagged4.json" "$TMP/tagged"
check "... the same report with --jobs 4" cmp "$TMP/r.json" "$TMP/tagged4.json"
expect_exit 1 "--rev --tags finds it too" scan --rev --tags "$TMP/tagged"
expect_exit 0 "--rev --branches does not walk the tags" \
	scan --rev --branches "$TMP/tagged"
tg tag -d snap-tree > /dev/null
tg tag snap-light "$ctree"
expect_exit 1 "--all finds it under a lightweight tag" scan "$TMP/tagged"
tg tag -d snap-light > /dev/null
tg tag -a -m weights weights-blob "$wblob"
expect_exit 1 "--all judges a blob a tag leads to as a file" \
	scan --format json --output "$TMP/r.json" "$TMP/tagged"
check "... a 4E091.1 finding from its magic bytes, naming the tag and no commit" \
	test "$(report "[(f['signature'], f['content'], f['path'], 'commit' in f) for f in d['findings']]")" = \
	"[('4E091.1', '$wblob', 'refs/tags/weights-blob', False)]"
tg tag -d weights-blob > /dev/null
gone=$(printf 'object %s\ntype tree\ntag gone\ntagger T <t@example.com> 1704067200 +0000\n\ngone\n' \
	1234567890123456789012345678901234567890 |
	tg hash-object -t tag -w --literally --stdin)
tg update-ref refs/tags/gone "$gone"
expect_exit 3 "a tag of an object not present leaves the scan incomplete" \
	scan --format json --output "$TMP/r.json" "$TMP/tagged"
check "... and names the tag as not scanned" \
	test "$(report "[u['path'] for u in d['summary']['unscanned']]")" = "['refs/tags/gone']"

# --- bad input -----------------------------------------------------------------
printf 'pack: {id: x, version: "1"}\nsignatures:\n  - id: S\n    criteria:\n      - id: c\n        patterns: [{id: p, regex: "a(b"}]\n    controlled: c\n' > "$TMP/bad.yml"
expect_exit 2 "a bad regex in a signature file: exit 2" \
	scan --rules "$TMP/bad.yml" "$TMP/benign"
check "... naming file:line:column and pcre2's message" \
	grep -q "bad.yml:6:.*missing closing parenthesis" "$TMP/prev.err"
check "... and nothing was scanned" test ! -s "$TMP/prev.out"
printf 'pack: {id: x, version: "1"}\nsignatures:\n  - id: S\n    criterion: []\n' > "$TMP/bad2.yml"
expect_exit 2 "an unknown key: exit 2" scan --rules "$TMP/bad2.yml" "$TMP/benign"
check "... naming the key and its place" grep -q "bad2.yml:4:5: unknown signature key 'criterion'" "$TMP/prev.err"
printf 'pack: {id: x, version: "1"}\nsignatures:\n  - id: S\n    criteria:\n      - id: c\n        patterns: [{id: p, literal: x}]\n    controlled: {all: [c, nope]}\n' > "$TMP/bad3.yml"
expect_exit 2 "a condition naming an unknown criterion: exit 2" scan --rules "$TMP/bad3.yml" "$TMP/benign"
check "... naming it" grep -q "bad3.yml:7:.*unknown criterion 'nope'" "$TMP/prev.err"
printf 'pack: [oops\n' > "$TMP/bad4.yml"
expect_exit 2 "malformed YAML: exit 2" scan --rules "$TMP/bad4.yml" "$TMP/benign"
check "... with a line and column" grep -q "bad4.yml:[0-9]*:[0-9]*:" "$TMP/prev.err"
printf 'pack: {id: x, version: "1"}\nsignatures:\n  - id: S\n    criteria:\n      - id: c\n        patterns: [{id: p, regex: "a\\0b"}]\n    controlled: c\n' > "$TMP/bad5.yml"
expect_exit 2 "a NUL inside a pattern's string: exit 2, not a shorter regex" \
	scan --rules "$TMP/bad5.yml" "$TMP/benign"
check "... naming its place" grep -q "bad5.yml:6:35: a string holds a NUL" "$TMP/prev.err"
printf 'pack: {id: x, version: "1"}\nsignatures:\n  - id: S\n    criteria:\n      - id: c\n        patterns: [{id: p, regex: "caf\351"}]\n    controlled: c\n' > "$TMP/bad6.yml"
expect_exit 2 "a byte that is not UTF-8: exit 2" scan --rules "$TMP/bad6.yml" "$TMP/benign"
check "... at its line and column, not at 1:1" grep -q "bad6.yml:6:40: " "$TMP/prev.err"
python3 -c 'print("pack: {id: x, version: \"1\"}\nsignatures: " + "[" * 40000 + "]" * 40000)' > "$TMP/bad7.yml"
expect_exit 2 "lists nested 40,000 deep: exit 2, at once" \
	timeout 5 "$EG" rules check "$TMP/bad7.yml"
check "... saying so" grep -q "bad7.yml:2:.*nested deeper than" "$TMP/prev.err"
printf 'pack: {id: x, version: "1"}\nsignatures:\n  - id: S\n    permitted: [US, us]\n    criteria:\n      - id: c\n        patterns: [{id: p, literal: xxxx}]\n    controlled: c\n' > "$TMP/bad8.yml"
expect_exit 2 "a permitted jurisdiction no policy could name: exit 2" \
	scan --rules "$TMP/bad8.yml" "$TMP/benign"
check "... naming it at its place" grep -q "bad8.yml:4:21: 'us' is not a jurisdiction code" "$TMP/prev.err"
printf 'pack: {id: x, version: "1"}\nsignatures:\n  - id: ""\n    criteria:\n      - id: c\n        patterns: [{id: p, literal: xxxx}]\n    controlled: c\n' > "$TMP/bad9.yml"
expect_exit 2 "an empty signature id: exit 2" scan --rules "$TMP/bad9.yml" "$TMP/benign"
check "... at its place" grep -q "bad9.yml:3:9: an empty id" "$TMP/prev.err"
expect_exit 2 "not a repository with --all: exit 2" scan --all "$TMP/plain"
expect_exit 2 "a bad revision: exit 2" scan --rev no-such-rev "$TMP/benign"
expect_exit 2 "an unknown option: exit 2" scan --frobnicate
expect_exit 2 "an unknown format: exit 2" scan --format yaml "$TMP/benign"
