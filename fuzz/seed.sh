#!/bin/sh
# seed.sh: make the fuzzers' seed corpora from the project's own fixtures.
#
#   fuzz/seed.sh DIR    writes DIR/<target>/<n> for each fuzz target
#
# Seeds come only from files in this repository (signature packs, the YAML
# in the docs and tests, tests/fixtures/src); nothing is fetched, and the
# corpora live under build/, never committed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=$1
for t in sigset policy approvals prereceive prepush match cache audit packfile \
	livescript zip tar utf16; do
	mkdir -p "$out/$t"
done

# put TARGET < content (a pipeline's subshell cannot keep a counter)
put() {
	cat > "$(mktemp "$out/$1/seed-XXXXXX")"
}

# YAML blocks of a Markdown file, one file each: yaml_blocks FILE TARGET
yaml_blocks() {
	awk -v dir="$out/$2" -v base="$(basename "$1" .md)" '
		/^ *```yaml/ { on = 1; k++; f = dir "/" base "-" k; next }
		/^ *```/ { on = 0; next }
		on { print > f }
	' "$1"
}

# Signature packs: the shipped ones and the example in the docs.
for f in "$top"/patterns/*.yml; do
	put sigset < "$f"
done
yaml_blocks "$top/docs/SIGNATURES.md" sigset
yaml_blocks "$top/README.md" sigset

# Policies: the docs' examples and the gate tests' policy.
yaml_blocks "$top/docs/SERVERS.md" policy
yaml_blocks "$top/README.md" policy
awk '/cat > "\$POLICY" <<EOF/ { on = 1; next } on && /^EOF/ { exit } on' \
	"$top/tests/t/20-gatelib.sh" |
	sed 's/\$DE_URL/ssh:\/\/git@mirror.example.de\/geo\/radar.git/;
	     s/\$APPROVALS/approvals.yml/; s/\$AUDIT/audit.jsonl/' | put policy
printf 'jurisdiction: US\n' | put policy
printf 'jurisdiction: DE\nunknown_destination: allow\non_error: accept\ndeadline_ms: 1\nrules: [extra.yml]\ncontact: compliance@example.com\n' |
	put policy

# Approvals: the shapes the gate tests write.
cat <<'Y' | put approvals
- signature: "0D521.1"
  repository: "geo/*"
  content: 4b825dc642cb6eb9a060e54bf8d69288fbee4904
  ticket: EXP-42
  approver: compliance@example.com
  basis: "licence D123456"
  expires: 2027-12-31
Y
printf '[]\n' | put approvals
printf -- '- {signature: "0D521.1", repository: "*", content: %s, ticket: T, approver: a, basis: GOV, expires: 2021-01-31}\n' \
	4b825dc642cb6eb9a060e54bf8d69288fbee4904 | put approvals

# Hook standard input, as git writes it.
z=0000000000000000000000000000000000000000
a=4b825dc642cb6eb9a060e54bf8d69288fbee4904
b=e69de29bb2d1d6434b8b29ae775ad8c2e48c5391
printf '%s %s refs/heads/main\n' "$z" "$a" | put prereceive
printf '%s %s refs/heads/main\n%s %s refs/tags/v1\n%s %s refs/heads/old\n' \
	"$a" "$b" "$z" "$b" "$b" "$z" | put prereceive
printf '%s %s refs/heads/main\n' \
	"$z$z" "$(printf '%s' "$a$a" | cut -c1-64)" | put prereceive
printf 'refs/heads/main %s refs/heads/main %s\n' "$a" "$z" | put prepush
printf 'refs/heads/x %s refs/heads/y %s\n(delete) %s refs/heads/gone %s\n' \
	"$a" "$b" "$z" "$b" | put prepush

# The matcher: "name\ncontent", from the synthetic fixture sources.
find "$top/tests/fixtures/src" -type f | sort | while read -r f; do
	{ basename "$f"; cat "$f"; } | put match
done
printf 'model.onnx\n\010\001\022\004onnx' | put match
printf 'weights.pt\nPK\003\004archive/data.pkl' | put match
# MATLAB live scripts: the zip around a fixture's document, deflated and
# stored; for fuzz_match after a name, for fuzz_livescript alone
live_script() {
	python3 -c '
import io, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", int(sys.argv[2])) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("matlab/document.xml", open(sys.argv[1]).read())
sys.stdout.buffer.write(b.getvalue())' "$@"
}
for f in livescript_train.xml livescript_plot.xml; do
	for method in 8 0; do
		{ echo train.mlx; live_script "$top/tests/fixtures/src/forms/$f" $method; } |
			put match
		live_script "$top/tests/fixtures/src/forms/$f" $method | put livescript
		live_script "$top/tests/fixtures/src/forms/$f" $method | put zip
	done
done
# Source code zipped, which the matcher names as unscanned
python3 -c '
import io, sys, zipfile
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("__MACOSX/._train.py", "")
    z.writestr("src/train.py", open(sys.argv[1]).read())
sys.stdout.buffer.write(b.getvalue())' "$top/tests/fixtures/src/train.py" > "$out/zip.tmp"
put zip < "$out/zip.tmp"
{ echo release.zip; cat "$out/zip.tmp"; } | put match
rm -f "$out/zip.tmp"
# ... and tarred, plain and gzipped
tar -C "$top/tests/fixtures" -cf - src/train.py src/geo_io.py | put tar
tar -C "$top/tests/fixtures" -czf - src/train.py src/geo_io.py > "$out/tar.tmp"
put tar < "$out/tar.tmp"
{ echo pkg-1.0.tar.gz; cat "$out/tar.tmp"; } | put match
# ... compressed by xz and by bzip2
for z in xz bz2; do
	python3 -c '
import io, sys, tarfile
b = io.BytesIO()
with tarfile.open(fileobj=b, mode="w:" + sys.argv[1]) as t:
    t.add(sys.argv[2] + "/src/train.py", arcname="src/train.py")
sys.stdout.buffer.write(b.getvalue())' "$z" "$top/tests/fixtures" > "$out/tar.tmp"
	put tar < "$out/tar.tmp"
done
rm -f "$out/tar.tmp"
# UTF-16 text: a README written whole with a mark, and a line appended
# without one; for fuzz_match after a name, for fuzz_utf16 alone
utf16() {
	python3 -c '
import sys
text = open(sys.argv[1], encoding="utf-8").read()
if sys.argv[2] == "whole":
    sys.stdout.buffer.write(text.encode("utf-16"))
else:
    sys.stdout.buffer.write(text.encode() + "# appended\r\n".encode(sys.argv[2]))' "$@"
}
for how in whole utf-16-le utf-16-be; do
	{ echo README.md; utf16 "$top/tests/fixtures/src/forms/readme_aerial/README.md" $how; } |
		put match
	utf16 "$top/tests/fixtures/src/forms/readme_aerial/README.md" $how | put utf16
done
printf 'big.bin\nversion https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize 12\n' \
	"$a$a" | put match

# An audit log: three chained records, then a torn line sealed by a fourth.
prev=0000000000000000000000000000000000000000000000000000000000000000
log=$(mktemp "$out/audit/seed-XXXXXX")
for d in accept reject accept; do
	line=$(printf '{"prev": "%s", "time": "2026-01-01T00:00:00Z", "decision": "%s", "refs": [{"name": "refs/heads/main"}]}' "$prev" "$d")
	printf '%s\n' "$line" >> "$log"
	prev=$(printf '%s' "$line" | sha256sum | cut -c1-64)
done
cp "$log" "$(mktemp "$out/audit/seed-XXXXXX")"
frag='{"prev": "'$prev'", "decis'
printf '%s\n' "$frag" >> "$log"
fprev=$(printf '%s' "$frag" | sha256sum | cut -c1-64)
printf '{"prev": "%s", "torn": {"bytes": %d, "prev": "%s"}, "decision": "reject"}\n' \
	"$fprev" "${#frag}" "$prev" >> "$log"
printf '{"prev": "%s", "decision": "acc' "$prev" | put audit

# Cache file bodies (fuzz_cache.c adds the header and the checksum): counts
# of trees and blobs as little-endian u64, then the entries.
oid='\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024'
u64_0='\000\000\000\000\000\000\000\000'
u64_1='\001\000\000\000\000\000\000\000'
printf "$u64_0$u64_0" | put cache
printf "$u64_1$u64_0$oid\377\000\000\000\000\000\000\000" | put cache
printf "$u64_0$u64_1$oid\002\000\000\000\000" | put cache
printf "$u64_0$u64_1$oid\002\000\000\000\001\002\000\000\000\000$u64_1\001\000\000\000\000\000\000\000\003\000\000\000\004\000\000\000\005\000x = 1\004\000a.py" |
	put cache

# Pack bodies (fuzz_packfile.c adds the header and the index): two bytes
# giving where the second object starts, the CRCs of the two entries, then
# a blob and a delta on it (or a tree and a blob).
python3 - "$out/packfile" << 'PY'
import os, sys, zlib
def header(kind, size):
    b = [(kind << 4) | (size & 15)]
    size >>= 4
    while size:
        b[-1] |= 0x80
        b.append(size & 0x7f)
        size >>= 7
    return bytes(b)
blob = header(3, 5) + zlib.compress(b"hello")
delta = bytes([5, 11, 0x90, 5, 6]) + b" world"
ofs = header(6, len(delta)) + bytes([len(blob)]) + zlib.compress(delta)
tree = b"100644 a.py\0" + b"\x01" * 20
whole_tree = header(2, len(tree)) + zlib.compress(tree)
def seed(first, second):
    return (len(first).to_bytes(2, "big") +
            zlib.crc32(first).to_bytes(4, "big") +
            zlib.crc32(second).to_bytes(4, "big") + first + second)
for i, body in enumerate([seed(blob, ofs), seed(whole_tree, blob)]):
    with open(os.path.join(sys.argv[1], "seed-%d" % i), "wb") as f:
        f.write(body)
PY
