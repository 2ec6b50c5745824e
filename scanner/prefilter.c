/* prefilter.c: a trie of case-folded literals, entered where one may start. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "prefilter.h"
#include "sigset.h"

#define MAX_CELLS  0x80000000u /* states * classes, as uint32_t indexes */
#define GRAM_SHIFT 18
#define GRAM_BITS  (1u << GRAM_SHIFT)

/*
 * The first `gram` (2 to 4) bytes of the little-endian word v, each with
 * bit 0x20 set: that folds ASCII letters to lower case, and the other
 * bytes consistently, which is all a filter needs.  Hashed to GRAM_SHIFT
 * bits.
 */
static uint32_t gram_hash(uint32_t v, unsigned gram)
{
	v &= 0xffffffffu >> (8 * (4 - gram));
	v |= 0x20202020u;
	return (v * 0x9e3779b1u) >> (32 - GRAM_SHIFT);
}

/* The (up to) 4 bytes at p, as a little-endian word. */
static uint32_t load_le32(const unsigned char *p, size_t n)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8;

	if (n > 2)
		v |= (uint32_t)p[2] << 16;
	if (n > 3)
		v |= (uint32_t)p[3] << 24;
	return v;
}

/*
 * Invariant: `trie` holds the literals' goto function over byte classes
 * (class 0 is every byte no literal uses): entry s * nclasses + c is the
 * state after byte class c in state s, 0 for none (no edge leads back to
 * the root, state 0).  `out` of a state lists, from out_start[s] to
 * out_start[s + 1], the patterns one of whose literals is exactly that
 * state's path.  Every literal starts where the skip filter's bit is set,
 * so walking the trie from those places alone finds every occurrence.
 */
struct eg_prefilter {
	unsigned char cls[256];
	unsigned nclasses;
	uint32_t *trie; /* nstates * nclasses */
	uint32_t nstates;
	uint32_t *out_start;
	uint32_t *out;
	eg_word *always; /* patterns without literals */
	/*
	 * The skip filter: bit gram_hash() of the first `gram` bytes of every
	 * literal; 0 when some literal is a single byte (no skipping).
	 */
	unsigned gram;
	unsigned char grams[GRAM_BITS / 8];
	size_t words;
	size_t longest; /* the longest literal's length */
};

/*
 * Invariant: for each pattern that was a candidate and not one of the
 * prefilter's `always` ones, lists[k] says where its places start in
 * `at`, in the order eg_prefilter_scan() found them; there was no
 * overflow, so they are every place.
 */
struct eg_prefilter_memo {
	const struct eg_prefilter *pf;
	size_t len; /* of the content scanned */
	struct memo_list {
		uint32_t pattern, first, n;
	} * lists;
	size_t nlists;
	size_t *at;
};

struct trie {
	uint32_t *next; /* nstates * nclasses, 0 = none (root is 0) */
	uint32_t nstates, alloc;
	uint32_t **outs; /* per state, pattern list */
	uint32_t *nouts, *aouts;
};

static uint32_t trie_add_state(struct trie *t, unsigned nclasses)
{
	if (t->nstates == t->alloc) {
		uint32_t n = t->alloc ? t->alloc * 2 : 64;

		t->next = eg_xrealloc(t->next, (size_t)n * nclasses * 4);
		t->outs = eg_xrealloc(t->outs, (size_t)n * sizeof(*t->outs));
		t->nouts = eg_xrealloc(t->nouts, (size_t)n * 4);
		t->aouts = eg_xrealloc(t->aouts, (size_t)n * 4);
		t->alloc = n;
	}
	memset(t->next + (size_t)t->nstates * nclasses, 0, nclasses * 4);
	t->outs[t->nstates] = NULL;
	t->nouts[t->nstates] = 0;
	t->aouts[t->nstates] = 0;
	return t->nstates++;
}

static void add_out(struct trie *t, uint32_t s, uint32_t pattern)
{
	uint32_t i;

	for (i = 0; i < t->nouts[s]; i++)
		if (t->outs[s][i] == pattern)
			return;
	if (t->nouts[s] == t->aouts[s]) {
		t->aouts[s] = t->aouts[s] ? t->aouts[s] * 2 : 2;
		t->outs[s] = eg_xrealloc(t->outs[s], t->aouts[s] * 4);
	}
	t->outs[s][t->nouts[s]++] = pattern;
}

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

int eg_prefilter_build(struct eg_prefilter **out, const struct eg_sigset *set,
		       unsigned kinds)
{
	struct eg_prefilter *pf = eg_xcalloc(1, sizeof(*pf));
	struct trie t = {0};
	uint32_t s, total;
	size_t i, j;
	unsigned c, nc = 1;

	pf->gram = 4;
	for (i = 0; i < set->npatterns; i++)
		for (j = 0; (set->patterns[i].kinds & kinds) &&
			    j < set->patterns[i].nprefilter;
		     j++) {
			size_t l = strlen(set->patterns[i].prefilter[j]);

			if (l > pf->longest)
				pf->longest = l;
			if (l < pf->gram)
				pf->gram = l < 2 ? 0 : (unsigned)l;
		}
	pf->words = EG_BITSET_WORDS(set->npatterns);
	pf->always = eg_xcalloc(pf->words ? pf->words : 1, sizeof(eg_word));
	for (i = 0; i < set->npatterns; i++)
		for (j = 0; (set->patterns[i].kinds & kinds) &&
			    j < set->patterns[i].nprefilter;
		     j++)
			for (const char *p = set->patterns[i].prefilter[j]; *p;
			     p++) {
				unsigned char b = fold((unsigned char)*p);

				if (!pf->cls[b]) {
					pf->cls[b] = (unsigned char)nc++;
					if (b >= 'a' && b <= 'z')
						pf->cls[b - 32] = pf->cls[b];
				}
			}
	/* more than 255 distinct bytes cannot happen: classes fit a byte */
	pf->nclasses = nc;
	trie_add_state(&t, nc);
	for (i = 0; i < set->npatterns; i++) {
		const struct eg_pattern *p = &set->patterns[i];

		if (!(p->kinds & kinds))
			continue;
		if (!p->nprefilter) {
			eg_bit_set(pf->always, i);
			continue;
		}
		for (j = 0; j < p->nprefilter; j++) {
			const unsigned char *l =
				(const unsigned char *)p->prefilter[j];

			if (pf->gram) {
				uint32_t h = gram_hash(load_le32(l, pf->gram),
						       pf->gram);

				pf->grams[h / 8] |=
					(unsigned char)(1u << (h % 8));
			}
			s = 0;
			for (const char *q = p->prefilter[j]; *q; q++) {
				c = pf->cls[fold((unsigned char)*q)];
				if (!t.next[(size_t)s * nc + c]) {
					uint32_t n = trie_add_state(&t, nc);

					t.next[(size_t)s * nc + c] = n;
				}
				s = t.next[(size_t)s * nc + c];
			}
			add_out(&t, s, (uint32_t)i);
		}
	}
	if ((uint64_t)t.nstates * nc >= MAX_CELLS)
		return eg_error_set(EG_ECONFIG, "too many prefilter literals");
	pf->trie = t.next;
	pf->nstates = t.nstates;
	pf->out_start = eg_xcalloc((size_t)t.nstates + 1, 4);
	for (total = 0, s = 0; s < t.nstates; s++) {
		pf->out_start[s] = total;
		total += t.nouts[s];
	}
	pf->out_start[t.nstates] = total;
	pf->out = eg_xcalloc(total ? total : 1, 4);
	for (s = 0; s < t.nstates; s++) {
		if (t.nouts[s])
			memcpy(pf->out + pf->out_start[s], t.outs[s],
			       t.nouts[s] * 4);
		free(t.outs[s]);
	}
	free(t.outs);
	free(t.nouts);
	free(t.aouts);
	*out = pf;
	return 0;
}

int eg_prefilter_check(const struct eg_sigset *set)
{
	uint64_t bytes = 1;
	size_t i, j;

	/* a state per literal byte at most, and at most 257 byte classes */
	for (i = 0; i < set->npatterns; i++)
		for (j = 0; j < set->patterns[i].nprefilter; j++)
			bytes += strlen(set->patterns[i].prefilter[j]);
	if (bytes * 257 >= MAX_CELLS)
		return eg_error_set(EG_ECONFIG, "too many prefilter literals");
	return 0;
}

void eg_prefilter_free(struct eg_prefilter *pf)
{
	if (!pf)
		return;
	free(pf->trie);
	free(pf->out_start);
	free(pf->out);
	free(pf->always);
	free(pf);
}

/*
 * The first place in [i, end) where a literal may start, or end: where the
 * skip filter has the gram there.  The 4 bytes at each place are there.
 */
static size_t skip_to_gram(const struct eg_prefilter *pf,
			   const unsigned char *buf, size_t i, size_t end)
{
	const unsigned char *grams = pf->grams;
	const uint32_t mask = 0xffffffffu >> (8 * (4 - pf->gram));

	for (; i < end; i++) {
		uint32_t h = (((load_le32(buf + i, 4) & mask) | 0x20202020u) *
			      0x9e3779b1u) >>
			     (32 - GRAM_SHIFT);

		if ((grams[h / 8] >> (h % 8)) & 1)
			break;
	}
	return i;
}

static void record(struct eg_prefilter_places *pl, eg_word *candidates,
		   uint32_t pattern, size_t at)
{
	if (!eg_bit_test(candidates, pattern)) {
		eg_bit_set(candidates, pattern);
		pl->n = pl->overflow = 0;
	}
	if (pl->n >= EG_PREFILTER_PLACES) {
		pl->overflow = 1;
		return;
	}
	EG_GROW(pl->at, pl->alloc, pl->n + 1);
	pl->at[pl->n++] = at;
}

/* The literals of buf[0, len) that start in [from, to), in order. */
static void scan_starts(const struct eg_prefilter *pf, const unsigned char *buf,
			size_t len, size_t from, size_t to, eg_word *candidates,
			struct eg_prefilter_places *places)
{
	const uint32_t *trie = pf->trie;
	const unsigned char *cls = pf->cls;
	const unsigned nc = pf->nclasses;
	/* where the skip filter can look: the last 3 bytes all count */
	const size_t skippable = !pf->gram || len < 4 ? 0
				 : len - 3 < to	      ? len - 3
						      : to;
	size_t i, j;

	for (i = from; i < to; i++) {
		uint32_t s = 0, k;

		if (i < skippable) {
			i = skip_to_gram(pf, buf, i, skippable);
			if (i >= to)
				break;
		}
		/* the literals that start at i */
		for (j = i; j < len && (s = trie[(size_t)s * nc + cls[buf[j]]]);
		     j++)
			for (k = pf->out_start[s]; k < pf->out_start[s + 1];
			     k++)
				if (places)
					record(&places[pf->out[k]], candidates,
					       pf->out[k], i);
				else
					eg_bit_set(candidates, pf->out[k]);
	}
}

void eg_prefilter_scan(const struct eg_prefilter *pf, const unsigned char *buf,
		       size_t len, eg_word *candidates,
		       struct eg_prefilter_places *places)
{
	eg_bits_or(candidates, pf->always, pf->words);
	if (pf->nstates > 1)
		scan_starts(pf, buf, len, 0, len, candidates, places);
}

size_t eg_prefilter_memo_new(struct eg_prefilter_memo **out,
			     const struct eg_prefilter *pf, size_t len,
			     const eg_word *candidates,
			     const struct eg_prefilter_places *places,
			     size_t npatterns)
{
	struct eg_prefilter_memo *memo;
	size_t i, n = 0, total = 0;

	*out = NULL;
	for (i = 0; i < npatterns; i++) {
		if (!eg_bit_test(candidates, i) || eg_bit_test(pf->always, i))
			continue;
		if (places[i].overflow)
			return 0;
		n++;
		total += places[i].n;
	}
	memo = eg_xcalloc(1, sizeof(*memo));
	memo->pf = pf;
	memo->len = len;
	memo->lists = eg_xmalloc((n ? n : 1) * sizeof(*memo->lists));
	memo->at = eg_xmalloc((total ? total : 1) * sizeof(*memo->at));
	for (total = 0, i = 0; i < npatterns; i++) {
		struct memo_list *l = &memo->lists[memo->nlists];

		if (!eg_bit_test(candidates, i) || eg_bit_test(pf->always, i))
			continue;
		l->pattern = (uint32_t)i;
		l->first = (uint32_t)total;
		l->n = places[i].n;
		memcpy(memo->at + total, places[i].at, l->n * sizeof(size_t));
		total += l->n;
		memo->nlists++;
	}
	*out = memo;
	return sizeof(*memo) + n * sizeof(*memo->lists) +
	       total * sizeof(*memo->at);
}

int eg_prefilter_memo_restore(const struct eg_prefilter_memo *memo,
			      const struct eg_prefilter *pf,
			      eg_word *candidates,
			      struct eg_prefilter_places *places)
{
	size_t k;

	if (!memo || memo->pf != pf)
		return -1;
	eg_bits_or(candidates, pf->always, pf->words);
	for (k = 0; k < memo->nlists; k++) {
		const struct memo_list *l = &memo->lists[k];
		struct eg_prefilter_places *pl = &places[l->pattern];

		eg_bit_set(candidates, l->pattern);
		EG_GROW(pl->at, pl->alloc, l->n);
		memcpy(pl->at, memo->at + l->first, l->n * sizeof(size_t));
		pl->n = l->n;
		pl->overflow = 0;
	}
	return 0;
}

void eg_prefilter_memo_free(void *memo)
{
	struct eg_prefilter_memo *m = memo;

	if (!m)
		return;
	free(m->lists);
	free(m->at);
	free(m);
}

/* Record the base's places that start in [from, end) at `shift` on. */
static void copy_places(const struct eg_prefilter_memo *base, size_t from,
			size_t end, size_t to, eg_word *candidates,
			struct eg_prefilter_places *places)
{
	size_t k;

	for (k = 0; k < base->nlists; k++) {
		const struct memo_list *l = &base->lists[k];
		const size_t *at = base->at + l->first;
		size_t lo = 0, hi = l->n;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (at[mid] < from)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < l->n && at[lo] < end; lo++)
			record(&places[l->pattern], candidates, l->pattern,
			       at[lo] - from + to);
	}
}

void eg_prefilter_scan_delta(const struct eg_prefilter *pf,
			     const unsigned char *buf, size_t len,
			     const struct eg_prefilter_memo *base,
			     const struct eg_delta_copy *copies, size_t ncopies,
			     eg_word *candidates,
			     struct eg_prefilter_places *places)
{
	const size_t longest = pf->longest;
	size_t i, at = 0;

	for (i = 0; base && base->pf == pf && i < ncopies; i++)
		if (copies[i].from > base->len ||
		    copies[i].len > base->len - copies[i].from ||
		    copies[i].to <
			    (i ? copies[i - 1].to + copies[i - 1].len : 0) ||
		    copies[i].len > len - copies[i].to)
			break;
	if (!base || base->pf != pf || i < ncopies) {
		eg_prefilter_scan(pf, buf, len, candidates, places);
		return;
	}
	eg_bits_or(candidates, pf->always, pf->words);
	if (pf->nstates == 1)
		return;
	for (i = 0; i < ncopies; i++) {
		const struct eg_delta_copy *c = &copies[i];
		size_t tail = c->to;

		/* what the delta inserted before this copy */
		scan_starts(pf, buf, len, at, c->to, candidates, places);
		/* a literal starting this far in ends inside the copy */
		if (c->len >= longest) {
			copy_places(base, c->from,
				    c->from + c->len - longest + 1, c->to,
				    candidates, places);
			tail = c->to + c->len - longest + 1;
		}
		/* the last bytes, where a literal may run past the copy */
		scan_starts(pf, buf, len, tail, c->to + c->len, candidates,
			    places);
		at = c->to + c->len;
	}
	scan_starts(pf, buf, len, at, len, candidates, places);
}
