/* packidx.h: where objects lie in a repository's packs, to read in order. */
#ifndef EG_PACKIDX_H
#define EG_PACKIDX_H

#include <stdint.h>

#include <git2.h>

struct eg_packidx;

/*
 * Map the version 2 pack indexes in `objects_dir`/pack.  *out is the
 * caller's (eg_packidx_free()); a folder without packs gives an empty
 * index.  Cannot fail: an index it cannot read is left out.
 */
void eg_packidx_open(struct eg_packidx **out, const char *objects_dir);
void eg_packidx_free(struct eg_packidx *idx);

/*
 * A rank that sorts objects in the order they lie on disk (pack, then
 * offset); UINT64_MAX for an object in no indexed pack.  Thread-safe.
 */
uint64_t eg_packidx_rank(const struct eg_packidx *idx, const git_oid *oid);

#endif
