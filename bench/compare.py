#!/usr/bin/env python3
"""compare.py: the rows of a detection run that differ from an earlier one.

    bench/compare.py [--newest] OLD NEW

OLD and NEW are tables printed by bench/detection.sh; OLD may also be
docs/DETECTION.md, whose section "The full table" is read, or with
--newest every row of it, the first of each repository winning: the
sections are newest first and the full table counts as the oldest, so
each repository gets the latest row the document records (a group
first scanned after the full table has only its group's).  A session
fetches only a part of the corpus, so a run may cover some of its
repositories: the rows are matched by repository, and only those in both
are compared.  For each, the comparison is of HEAD, "got", "at HEAD" and
the result; a row whose HEAD differs is listed apart, since its snapshot
is not the one the old row judged.  Prints the changed rows, then the
counts; exits 1 when a row changed, 0 when none did, 2 on a usage error.
"""
import sys


def rows_of(text):
    """The table rows of `text`, in order, as (repository, cells)."""
    for line in text.split("\n"):
        if not line.startswith("| "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        # the header's first cell is "repository"; an owner may start so
        if len(cells) >= 9 and "/" in cells[0]:
            yield cells[0], cells


def table(path, newest=False):
    text = open(path, encoding="utf-8").read()
    if "\n## The full table" not in text:
        return dict(rows_of(text))
    before, after = text.split("\n## The full table", 1)
    full, _, groups = after.partition("\n### ")
    if not newest:
        return dict(rows_of(full))
    rows = {}
    for part in (before, groups, full):
        for repo, cells in rows_of(part):
            rows.setdefault(repo, cells)
    return rows


def main(argv):
    newest = len(argv) > 1 and argv[1] == "--newest"
    if newest:
        argv = argv[:1] + argv[2:]
    if len(argv) != 3:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    old, new = table(argv[1], newest), table(argv[2])
    both = [repo for repo in new if repo in old]
    moved = [repo for repo in both if old[repo][1] != new[repo][1]]
    changed = []
    for repo in both:
        o, n = old[repo], new[repo]
        if repo in moved:
            continue
        if (o[3], o[5], o[8]) != (n[3], n[5], n[8]):
            changed.append(repo)
            print(f"{repo}: {o[3]} {o[8]} (at HEAD: {o[5]})")
            print(f"{' ' * len(repo)}  -> {n[3]} {n[8]} (at HEAD: {n[5]})")
    for repo in moved:
        print(f"{repo}: HEAD {old[repo][1]} -> {new[repo][1]}, not compared")
    print(f"{len(both)} in both, {len(changed)} changed, "
          f"{len(moved)} at another HEAD, {len(new) - len(both)} only in "
          f"{argv[2]}")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
