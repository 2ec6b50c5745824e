/* treeread.c: a tree's entries, read from the packs without libgit2's parse. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "treeread.h"

/* eg_tree_next() points into the raw ids */
_Static_assert(sizeof(git_oid) == GIT_OID_RAWSZ, "git_oid is its raw bytes");

int eg_tree_read(unsigned char **data, size_t *size,
		 struct eg_pack_reader *packs, git_odb *odb, const git_oid *id)
{
	const unsigned char *raw;
	git_odb_object *obj = NULL;
	git_object_t type;

	*data = NULL;
	if (packs && !eg_pack_take(packs, id, &type, data, size)) {
		if (type == GIT_OBJECT_TREE)
			return 0;
		free(*data);
		*data = NULL;
		goto not_a_tree;
	}
	if (git_odb_read(&obj, odb, id) < 0)
		return eg_error_set_git("missing or unreadable tree");
	type = git_odb_object_type(obj);
	raw = git_odb_object_data(obj);
	*size = git_odb_object_size(obj);
	if (type != GIT_OBJECT_TREE)
		goto not_a_tree;
	*data = eg_xmalloc(*size ? *size : 1);
	memcpy(*data, raw, *size);
	git_odb_object_free(obj);
	return 0;
not_a_tree:
	git_odb_object_free(obj);
	return eg_error_set(EG_EGIT,
			    "missing or unreadable tree: a %s, not a tree",
			    git_object_type2string(type));
}

/*
 * Old trees have modes like 100664: read them as libgit2 does (the owner's
 * execute bit makes an executable file of anything but a folder).
 */
static git_filemode_t normalize_mode(unsigned mode)
{
	if ((mode & 0170000) == 0040000)
		return GIT_FILEMODE_TREE;
	if (mode & 0100)
		return GIT_FILEMODE_BLOB_EXECUTABLE;
	if ((mode & 0170000) == 0160000)
		return GIT_FILEMODE_COMMIT;
	if ((mode & 0170000) == 0120000)
		return GIT_FILEMODE_LINK;
	return GIT_FILEMODE_BLOB;
}

int eg_tree_next(const unsigned char **at, const unsigned char *end,
		 struct eg_tree_entry *e)
{
	const unsigned char *p = *at, *nul;
	unsigned mode = 0;

	if (p == end)
		return 0;
	while (p < end && *p >= '0' && *p <= '7' && mode <= 0177777)
		mode = mode << 3 | (unsigned)(*p++ - '0');
	/* a mode libgit2 would refuse (over 16 bits) is malformed here too */
	if (p == *at || p >= end || mode > 0177777 || *p++ != ' ')
		goto bad;
	nul = memchr(p, '\0', (size_t)(end - p));
	if (!nul || nul == p || (size_t)(end - nul) < 1 + GIT_OID_RAWSZ)
		goto bad;
	e->name = (const char *)p;
	e->name_len = (size_t)(nul - p);
	/* a git_oid is its raw bytes */
	e->oid = (const git_oid *)(nul + 1);
	e->mode = normalize_mode(mode);
	e->raw = *at;
	*at = nul + 1 + GIT_OID_RAWSZ;
	e->raw_len = (size_t)(*at - e->raw);
	return 1;
bad:
	return eg_error_set(EG_EGIT, "malformed tree entry");
}

int eg_tree_entry_cmp(const struct eg_tree_entry *a,
		      const struct eg_tree_entry *b)
{
	size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
	int c = memcmp(a->name, b->name, n);
	unsigned ca, cb;

	if (c)
		return c;
	ca = n < a->name_len		    ? (unsigned char)a->name[n]
	     : a->mode == GIT_FILEMODE_TREE ? '/'
					    : 0;
	cb = n < b->name_len		    ? (unsigned char)b->name[n]
	     : b->mode == GIT_FILEMODE_TREE ? '/'
					    : 0;
	return (int)ca - (int)cb;
}
