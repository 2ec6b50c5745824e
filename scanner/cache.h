/* cache.h: blob and tree results kept between scans (the gate's pushes). */
#ifndef EG_CACHE_H
#define EG_CACHE_H

#include "oidmap.h"
#include "results.h"
#include "sigset.h"

/* A cache file's first 8 bytes: its format, changed with it (cache.c). */
#define EG_CACHE_MAGIC "EGCACHEF"

/*
 * Add to `trees` (tree -> struct eg_tree_info) and `blobs` ((blob, kind) ->
 * struct eg_blob_info) what the cache file at `path` holds for this
 * compiled set; entries already there are kept.  A missing, corrupt or
 * foreign file adds nothing: the cache is only ever a shortcut.  The maps
 * own what is added (free as the walker frees its own).  Can't fail.
 */
void eg_cache_load(const char *path, const struct eg_sigset *set,
		   struct eg_oidmap *trees, struct eg_oidmap *blobs);

/*
 * Write every complete tree a push started from (marked old) and every blob
 * read without trouble to `path`, through a temporary file renamed into
 * place, so that a reader never sees half a file and concurrent writers
 * leave one whole cache.  Returns 0 or EG_EIO; the caller may ignore a
 * failure.
 */
int eg_cache_save(const char *path, const struct eg_sigset *set,
		  const struct eg_oidmap *trees, const struct eg_oidmap *blobs);

#endif
