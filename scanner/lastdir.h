/* lastdir.h: the last version of each folder judged, to judge the next by
 * difference. */
#ifndef EG_LASTDIR_H
#define EG_LASTDIR_H

#include <stddef.h>

#include "bitset.h"

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
	eg_word *notes; /* per entry: `stride` words the walker chose; owned */
};

struct eg_lastdirs {
	struct lastdir_slot *slots;
	size_t size, count;
};

/*
 * The record for folder `path` (`len` bytes), made empty when there is
 * none.  It stays where it is until eg_lastdirs_clear().  Can't fail.
 */
struct eg_lastdir *eg_lastdir_at(struct eg_lastdirs *map, const char *path,
				 size_t len);

/* Free every record and the table. */
void eg_lastdirs_clear(struct eg_lastdirs *map);

#endif
