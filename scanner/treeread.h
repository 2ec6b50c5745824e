/* treeread.h: a tree's entries, read from the packs without libgit2's parse. */
#ifndef EG_TREEREAD_H
#define EG_TREEREAD_H

#include <stddef.h>

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
};

/*
 * Step *at through a tree's data up to `end`: 1 with *e filled, 0 at the
 * end, -1 (with a message, EG_EGIT) when the entry is malformed.
 */
int eg_tree_next(const unsigned char **at, const unsigned char *end,
		 struct eg_tree_entry *e);

#endif
