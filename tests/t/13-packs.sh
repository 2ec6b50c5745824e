#!/bin/bash
# 13-packs.sh: every criterion of the shipped packs, both ways, on the
# synthetic samples of tests/fixtures (exportgate rules test), and the
# packs as installed files pass rules check.
. "$(dirname "$0")/lib.sh"

check "every criterion holds on its samples and not on its near misses" \
	sh "$FIXTURES/check_packs.sh" "$EG"
grep -E "^[0-9]+ passed, [0-9]+ failed" "$TMP/last.out" | sed 's/^/     rules test: /'
for pack in "$TOP"/patterns/*.yml; do
	expect_exit 0 "rules check $(basename "$pack")" "$EG" rules check "$pack"
done
check "the built-in packs are the files in patterns/ (same SHA-256)" sh -c '
	for f in "$1"/patterns/*.yml; do
		sum=$(sha256sum "$f" | cut -c1-64)
		"$2" scan --dir --format json --no-progress "$3" |
			grep -q "\"sha256\": \"$sum\"" || exit 1
	done' _ "$TOP" "$EG" "$TMP"
