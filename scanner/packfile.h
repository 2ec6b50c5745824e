/* packfile.h: read objects straight from the packs, resolving deltas once. */
#ifndef EG_PACKFILE_H
#define EG_PACKFILE_H

#include <stddef.h>

#include <git2.h>

#include "delta.h"
#include "packidx.h"

/*
 * libgit2 resolves a delta chain from its base each time it reads an
 * object, so reading a family of versions costs the square of its depth.
 * A pack reader keeps the objects it resolved lately, so that reading in
 * pack order (where git writes a delta's base before the delta) applies
 * each delta once.  One reader per thread; the index is shared read-only.
 */
struct eg_pack_reader;

/*
 * A caller's notes on the blobs a reader resolves, kept with them in its
 * cache: what the caller learns from a blob's content, made from what it
 * learnt of the delta's base when the blob is a delta on a noted one, so
 * that only what a version changes costs anything.
 */
struct eg_pack_notes {
	/*
	 * The note on blob `data`, made from `base`, the note on the base
	 * of the delta that made it (NULL: from nothing), and the stretches
	 * the delta copied from that base.  NULL when there is none; its
	 * size in *bytes.
	 */
	void *(*make)(void *arg, const unsigned char *data, size_t len,
		      const void *base, const struct eg_delta_copy *copies,
		      size_t ncopies, size_t *bytes);
	void (*free)(void *note);
	void *arg;
};

/*
 * A reader of the packs `idx` names, keeping up to `cache_bytes` of
 * resolved objects and their notes (`notes`: NULL for none).  *out is the
 * caller's (eg_pack_reader_free()); `idx` and `notes` must outlive it.
 * Cannot fail.
 */
void eg_pack_reader_new(struct eg_pack_reader **out,
			const struct eg_packidx *idx, size_t cache_bytes,
			const struct eg_pack_notes *notes);
void eg_pack_reader_free(struct eg_pack_reader *r);

/*
 * Read object `oid`: its type, size and content (borrowed, valid until the
 * next call on this reader).  Returns 1 with only *size set when the object
 * is larger than `max_size` (0: no limit).  Returns -1 without a message
 * when the object is in no indexed pack, or when anything in its pack
 * entry or delta chain does not add up: the caller then asks libgit2,
 * which says what is wrong.
 */
int eg_pack_read(struct eg_pack_reader *r, const git_oid *oid, size_t max_size,
		 git_object_t *type, const unsigned char **data, size_t *size);

/*
 * eg_pack_read(), for a caller that keeps what it reads: *data is the
 * caller's (free()), and the object is not cached unless it was already:
 * the next object such a caller reads is seldom based on this one.
 */
int eg_pack_take(struct eg_pack_reader *r, const git_oid *oid,
		 git_object_t *type, unsigned char **data, size_t *size);

/*
 * After eg_pack_read(): the note on the object read, or NULL; borrowed
 * until the next call on the reader.
 */
const void *eg_pack_note(const struct eg_pack_reader *r);

#endif
