/* prefilter.h: one pass of a multi-literal matcher choosing which regexes run.
 */
#ifndef EG_PREFILTER_H
#define EG_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "bitset.h"
#include "delta.h"

struct eg_sigset;
struct eg_prefilter;

/*
 * Build a trie of the prefilter literals, case-folded, of the patterns that
 * apply to one of `kinds` (EG_KIND_* bits), with a skip filter over their
 * first bytes.  *out is owned by the caller (eg_prefilter_free()).
 */
int eg_prefilter_build(struct eg_prefilter **out, const struct eg_sigset *set,
		       unsigned kinds);
/*
 * Check that eg_prefilter_build() will fit every subset of the set's
 * literals; EG_ECONFIG when it would not.
 */
int eg_prefilter_check(const struct eg_sigset *set);
void eg_prefilter_free(struct eg_prefilter *pf);

/*
 * Where a pattern's literals start in a buffer, in order: every place, up
 * to a bound that keeps a hostile blob from costing memory.  `at` is
 * owned; free it when the matcher goes.
 */
#define EG_PREFILTER_PLACES 4096
struct eg_prefilter_places {
	uint32_t n;	   /* places recorded, at most EG_PREFILTER_PLACES */
	uint32_t overflow; /* more places than recorded */
	size_t *at;
	size_t alloc;
};

/*
 * Set in `candidates` (EG_BITSET_WORDS(npatterns) words, cleared by the
 * caller) the bit of every pattern one of whose literals occurs in `buf`,
 * and of every pattern that has no literal.  When `places` is not NULL
 * (one per pattern), it
 * records where those literals start (a pattern's count restarts when its
 * bit is first set).  Can't fail.
 */
void eg_prefilter_scan(const struct eg_prefilter *pf, const unsigned char *buf,
		       size_t len, eg_word *candidates,
		       struct eg_prefilter_places *places);

/*
 * What eg_prefilter_scan() found in a content, kept so that a later
 * version made from it by a delta is only searched where it differs.
 */
struct eg_prefilter_memo;

/*
 * Keep in *out the places eg_prefilter_scan(pf, ..., len, candidates,
 * places) found, for a set of `npatterns`.  Returns the bytes *out takes,
 * which the caller owns (eg_prefilter_memo_free()), or 0 with *out NULL
 * when some pattern had more places than were recorded.  Can't fail.
 */
size_t eg_prefilter_memo_new(struct eg_prefilter_memo **out,
			     const struct eg_prefilter *pf, size_t len,
			     const eg_word *candidates,
			     const struct eg_prefilter_places *places,
			     size_t npatterns);
/*
 * Set `candidates` and `places` as eg_prefilter_scan() with `pf` set them
 * on the content `memo` was kept from.  -1 when `memo` is NULL or was not
 * kept from a scan with `pf`.
 */
int eg_prefilter_memo_restore(const struct eg_prefilter_memo *memo,
			      const struct eg_prefilter *pf,
			      eg_word *candidates,
			      struct eg_prefilter_places *places);
/* Takes a void * to be a pack reader's note free (packfile.h). */
void eg_prefilter_memo_free(void *memo);

/*
 * eg_prefilter_scan() of `buf`, a delta's result that copies `copies` from
 * a base whose scan `base` kept: only the bytes the delta inserted, and
 * the last bytes of each copy, are searched; the base's places inside the
 * copies are taken as they are.  The outcome is the same as a whole scan.
 * A NULL `base`, one kept by another prefilter, or copies that do not fit
 * it, make it a whole scan.  `places` must not be NULL.
 */
void eg_prefilter_scan_delta(const struct eg_prefilter *pf,
			     const unsigned char *buf, size_t len,
			     const struct eg_prefilter_memo *base,
			     const struct eg_delta_copy *copies, size_t ncopies,
			     eg_word *candidates,
			     struct eg_prefilter_places *places);

#endif
