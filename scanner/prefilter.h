/* prefilter.h: one pass of a multi-literal matcher choosing which regexes run. */
#ifndef EG_PREFILTER_H
#define EG_PREFILTER_H

#include <stddef.h>

#include "bitset.h"

struct eg_sigset;
struct eg_prefilter;

/*
 * Build an Aho-Corasick automaton over every pattern's prefilter literals,
 * case-folded.  *out is owned by the caller (eg_prefilter_free()).
 */
int eg_prefilter_build(struct eg_prefilter **out, const struct eg_sigset *set);
void eg_prefilter_free(struct eg_prefilter *pf);

/*
 * Set in `candidates` (EG_BITSET_WORDS(npatterns) words, cleared by the
 * caller) the bit of every pattern one of whose literals occurs in `buf`,
 * and of every pattern that has no literal.  Can't fail.
 */
void eg_prefilter_scan(const struct eg_prefilter *pf, const unsigned char *buf,
		       size_t len, eg_word *candidates);

#endif
