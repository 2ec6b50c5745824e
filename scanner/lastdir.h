/* lastdir.h: the last version of each folder judged, to judge the next by
 * difference. */
#ifndef EG_LASTDIR_H
#define EG_LASTDIR_H

#include <stddef.h>

#include "bitset.h"
#include "treeread.h"

/*
 * Consecutive commits change few entries of a folder, so a new version of
 * a folder is judged by walking it beside the last version judged at the
 * same path: an entry identical there (mode, name and id) contributes what
 * it did then, without a lookup.
 */
struct eg_lastdir {
	unsigned char *tree; /* raw tree (see treeread.h), owned; NULL: none */
	size_t size;
	size_t n;	/* entries */
	size_t *offs;	/* where each entry starts, and offs[n] = size; owned */
	eg_word *notes; /* what the walker keeps per entry, or NULL; owned */
};

struct eg_lastdirs {
	struct lastdir_slot *slots;
	size_t size, count;
};

/*
 * What eg_lastdir_walk() says of the entries of a new version, in order:
 * either `count` entries, from byte `off`, the same byte for byte as the
 * last version's entries from `last_k`; or (last_k SIZE_MAX) one entry `e`
 * that the last version did not have as it is.
 */
struct eg_lastdir_step {
	size_t off, count, last_k;
	const struct eg_tree_entry *e;
};

typedef int (*eg_lastdir_fn)(void *arg, const struct eg_lastdir_step *step);

/*
 * Walk `tree`, a new version of a folder (raw, `size` bytes), beside its
 * last version: runs of bytes the two share are found with one comparison
 * and given whole; elsewhere the entries are merged by name in git's tree
 * order.  *offs (the caller's) gets where each entry starts and, last,
 * `size`; *n the number of entries.  Stops at `fn`'s first nonzero return
 * and returns it; returns EG_EGIT, with a message, at a malformed entry.
 */
int eg_lastdir_walk(const struct eg_lastdir *last, const unsigned char *tree,
		    size_t size, eg_lastdir_fn fn, void *arg, size_t **offs,
		    size_t *n);

/*
 * Make a whole, well-formed new version the last one, taking `tree`,
 * `offs` and `notes` (NULL when the walker keeps none).
 */
void eg_lastdir_keep(struct eg_lastdir *last, unsigned char *tree, size_t size,
		     size_t *offs, size_t n, eg_word *notes);

/*
 * The record for folder `path` (`len` bytes), made empty when there is
 * none.  It stays where it is until eg_lastdirs_clear().  Can't fail.
 */
struct eg_lastdir *eg_lastdir_at(struct eg_lastdirs *map, const char *path,
				 size_t len);

/* Free every record and the table. */
void eg_lastdirs_clear(struct eg_lastdirs *map);

#endif
