# redirect_delta.py GITDIR: in GITDIR's one pack, point a delta at another
# entry of its base's type and size, keeping the header's length, and print
# the delta's object id.  Exits 1 when the pack has no such pair.
import glob
import subprocess
import sys

gitdir = sys.argv[1]
idx = glob.glob(gitdir + "/objects/pack/*.idx")[0]
pack = idx[:-4] + ".pack"

entries = {}  # id: (type, offset, base id or None)
verify = subprocess.run(["git", "verify-pack", "-v", idx],
                        capture_output=True, text=True, check=True).stdout
for line in verify.splitlines():
    f = line.split()
    if len(f) in (5, 7) and len(f[0]) == 40:
        entries[f[0]] = (f[1], int(f[4]), f[6] if len(f) == 7 else None)

sizes = {}
check = subprocess.run(["git", "--git-dir", gitdir, "cat-file",
                        "--batch-all-objects",
                        "--batch-check=%(objectname) %(objectsize)"],
                       capture_output=True, text=True, check=True).stdout
for line in check.splitlines():
    oid, size = line.split()
    sizes[oid] = int(size)

data = bytearray(open(pack, "rb").read())


def base_offset_field(at):
    """Where an OFS_DELTA entry's base offset lies, and its value."""
    i = at
    while data[i] & 0x80:
        i += 1
    start = i = i + 1
    c = data[i]
    value = c & 0x7F
    while c & 0x80:
        i += 1
        c = data[i]
        value = ((value + 1) << 7) | (c & 0x7F)
    return start, i + 1, value


def encode_offset(v):
    out = [v & 0x7F]
    v >>= 7
    while v:
        v -= 1
        out.insert(0, 0x80 | (v & 0x7F))
        v >>= 7
    return bytes(out)


for oid, (kind, at, base) in sorted(entries.items(), key=lambda e: e[1][1]):
    if base is None or (data[at] >> 4) & 7 != 6:
        continue
    start, end, _ = base_offset_field(at)
    for other, (okind, oat, _) in entries.items():
        if other == base or okind != kind or oat >= at or \
                sizes[other] != sizes[base]:
            continue
        field = encode_offset(at - oat)
        if len(field) != end - start:
            continue
        data[start:end] = field
        open(pack, "wb").write(data)
        print(oid)
        sys.exit(0)
sys.exit(1)
