/* treeread.h: a tree's entries, read from the packs without libgit2's parse. */
#ifndef EG_TREEREAD_H
#define EG_TREEREAD_H

#include <stddef.h>
#include <string.h>

#include <git2.h>

#include "packfile.h"

/*
 * Read tree `id` through `packs` (NULL: libgit2 only), or through `odb`
 * when the pack reader cannot.  *data is the caller's (free()), the tree's
 * raw form: entries "<octal mode> <name>\0<20-byte id>".  Fails with
 * EG_EGIT and a message when the object is missing, unreadable or not a
 * tree.
 */
int eg_tree_read(unsigned char **data, size_t *size,
		 struct eg_pack_reader *packs, git_odb *odb, const git_oid *id);

struct eg_tree_entry {
	const char *name; /* NUL-terminated, inside the tree's data */
	size_t name_len;
	const git_oid *oid; /* inside the tree's data */
	git_filemode_t mode;
	const unsigned char *raw; /* the whole entry, as stored */
	size_t raw_len;
};

/*
 * Step *at through a tree's data up to `end`: 1 with *e filled, 0 at the
 * end, -1 (with a message, EG_EGIT) when the entry is malformed.
 */
int eg_tree_next(const unsigned char **at, const unsigned char *end,
		 struct eg_tree_entry *e);

/*
 * Compare two entries in git's tree order (names as bytes, a folder's as
 * if it ended in '/'): <0, 0 or >0.
 */
int eg_tree_entry_cmp(const struct eg_tree_entry *a,
		      const struct eg_tree_entry *b);

/* Whether two entries are the same: mode, name and id, byte for byte. */
static inline int eg_tree_entry_same(const struct eg_tree_entry *a,
				     const struct eg_tree_entry *b)
{
	return a->raw_len == b->raw_len && !memcmp(a->raw, b->raw, a->raw_len);
}

#endif
