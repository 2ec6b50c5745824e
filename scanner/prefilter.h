/* prefilter.h: one pass of a multi-literal matcher choosing which regexes run.
 */
#ifndef EG_PREFILTER_H
#define EG_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "bitset.h"

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
 * Where a pattern's literals end in a buffer: every place, up to a bound
 * that keeps a hostile blob from costing memory.  `at` is owned; free it
 * when the matcher goes.
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
 * records where those literals end (a pattern's count restarts when its bit
 * is first set).  Can't fail.
 */
void eg_prefilter_scan(const struct eg_prefilter *pf, const unsigned char *buf,
		       size_t len, eg_word *candidates,
		       struct eg_prefilter_places *places);

#endif
