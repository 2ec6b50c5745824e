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
/* The same for a repository's own object folder (not its alternates). */
void eg_packidx_open_repository(struct eg_packidx **out, git_repository *repo);
void eg_packidx_free(struct eg_packidx *idx);

/*
 * A rank that sorts objects in the order they lie on disk (pack, then
 * offset); UINT64_MAX for an object in no indexed pack.  Thread-safe.
 */
uint64_t eg_packidx_rank(const struct eg_packidx *idx, const git_oid *oid);

/* A rank is the pack's number in the top 16 bits, the offset below. */
#define EG_PACKIDX_OFFSET_MASK	((1ull << 48) - 1)
#define EG_PACKIDX_PACK(rank)	((size_t)((rank) >> 48))
#define EG_PACKIDX_OFFSET(rank) ((rank)&EG_PACKIDX_OFFSET_MASK)

/*
 * The CRC-32 the index gives the bytes of the pack entry that starts at
 * `rank` (its header and zlib data): 0 and *crc, or -1 when no entry
 * starts there.  Thread-safe; the first call on a pack sorts its entries
 * by offset, which costs 16 bytes an object.
 */
int eg_packidx_crc(const struct eg_packidx *idx, uint64_t rank, uint32_t *crc);

/* The path of pack number `pack` (its .pack file), or NULL; borrowed. */
const char *eg_packidx_pack_path(const struct eg_packidx *idx, size_t pack);

#endif
