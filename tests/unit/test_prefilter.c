/* test_prefilter.c: a delta's result scanned from its base's memo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bitset.h"
#include "delta.h"
#include "error.h"
#include "kind.h"
#include "prefilter.h"
#include "sigset.h"

/* Literals of 4 to 15 bytes, some sharing a start, one case-folded. */
static const char pack[] =
	"pack: {id: t, version: 1}\n"
	"signatures:\n"
	"  - id: S\n"
	"    criteria:\n"
	"      - id: a\n"
	"        patterns:\n"
	"          - {id: rio, literal: 'rasterio'}\n"
	"          - {id: ras, literal: 'rast'}\n"
	"          - {id: back, literal: 'loss.backward()'}\n"
	"          - {id: conv, regex: '(?i)conv2d'}\n"
	"          - {id: nolit, regex: '[xyz]{3}\\d'}\n"
	"    controlled: {all: [a]}\n";

/* Pieces the random contents are made of: literals, halves, filler. */
static const char *const pieces[] = {"rasterio", "raster",
				     "io",	 "rast",
				     "loss.",	 "backward()",
				     "Conv2D",	 "conv",
				     "2d",	 "xx",
				     " ",	 "\n",
				     "r",	 "loss.backward()",
				     "CONV2d",	 "as",
				     "terio"};

struct fixture {
	struct eg_sigset *set;
	const struct eg_prefilter *pf;
	size_t words;
};

static int setup(void **state)
{
	static struct fixture f;

	f.set = eg_sigset_new();
	if (eg_sigset_add_buffer(f.set, "t.yml", pack, strlen(pack)) ||
	    eg_sigset_compile(f.set))
		return -1;
	f.pf = eg_sigset_prefilter(f.set, EG_KIND_PYTHON);
	f.words = EG_BITSET_WORDS(f.set->npatterns);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	eg_sigset_free(f->set);
	return 0;
}

/* What one scan found: candidates and places, owned. */
struct found {
	eg_word cand[4];
	struct eg_prefilter_places *places;
};

static void found_init(struct found *o, const struct fixture *f)
{
	memset(o->cand, 0, sizeof(o->cand));
	o->places = calloc(f->set->npatterns, sizeof(*o->places));
	assert_non_null(o->places);
}

static void found_free(struct found *o, const struct fixture *f)
{
	size_t i;

	for (i = 0; i < f->set->npatterns; i++)
		free(o->places[i].at);
	free(o->places);
}

static void assert_same(const struct fixture *f, const struct found *a,
			const struct found *b)
{
	size_t i;

	assert_memory_equal(a->cand, b->cand, f->words * sizeof(eg_word));
	for (i = 0; i < f->set->npatterns; i++) {
		if (!eg_bit_test(a->cand, i))
			continue;
		assert_int_equal(a->places[i].n, b->places[i].n);
		assert_int_equal(a->places[i].overflow, b->places[i].overflow);
		if (a->places[i].n)
			assert_memory_equal(a->places[i].at, b->places[i].at,
					    a->places[i].n * sizeof(size_t));
	}
}

static size_t random_text(unsigned char *buf, size_t room)
{
	size_t n = 0;

	while (n < room) {
		const char *p =
			pieces[rand() % (sizeof(pieces) / sizeof(*pieces))];
		size_t l = strlen(p);

		if (l > room - n)
			l = room - n;
		memcpy(buf + n, p, l);
		n += l;
	}
	return n;
}

/*
 * A delta's result: runs copied from `base` (sometimes shorter than the
 * longest literal, sometimes cut inside one) and random inserts.
 */
static size_t random_version(unsigned char *out, size_t room,
			     const unsigned char *base, size_t base_len,
			     struct eg_delta_copy *copies, size_t *ncopies)
{
	size_t n = 0;

	*ncopies = 0;
	while (n < room) {
		size_t l = 1 + (size_t)rand() % 40;

		if (l > room - n)
			l = room - n;
		if (rand() % 3) {
			size_t from = (size_t)rand() % base_len;

			if (l > base_len - from)
				l = base_len - from;
			memcpy(out + n, base + from, l);
			copies[*ncopies].to = n;
			copies[*ncopies].from = from;
			copies[*ncopies].len = l;
			(*ncopies)++;
		} else {
			random_text(out + n, l);
		}
		n += l;
	}
	return n;
}

static void delta_scan_equals_whole_scan(void **state)
{
	struct fixture *f = *state;
	static unsigned char base[600], version[600];
	static struct eg_delta_copy copies[600];
	int round;

	srand(521);
	for (round = 0; round < 3000; round++) {
		size_t base_len = 1 + (size_t)rand() % sizeof(base), len,
		       ncopies;
		struct found b, whole, delta, restored;
		struct eg_prefilter_memo *memo, *vmemo;

		random_text(base, base_len);
		len = random_version(version, 1 + (size_t)rand() % 600, base,
				     base_len, copies, &ncopies);
		found_init(&b, f);
		found_init(&whole, f);
		found_init(&delta, f);
		found_init(&restored, f);
		eg_prefilter_scan(f->pf, base, base_len, b.cand, b.places);
		assert_int_not_equal(
			eg_prefilter_memo_new(&memo, f->pf, base_len, b.cand,
					      b.places, f->set->npatterns),
			0);
		eg_prefilter_scan(f->pf, version, len, whole.cand,
				  whole.places);
		eg_prefilter_scan_delta(f->pf, version, len, memo, copies,
					ncopies, delta.cand, delta.places);
		assert_same(f, &whole, &delta);
		/* a memo kept gives back what was found */
		eg_prefilter_memo_new(&vmemo, f->pf, len, delta.cand,
				      delta.places, f->set->npatterns);
		assert_int_equal(eg_prefilter_memo_restore(vmemo, f->pf,
							   restored.cand,
							   restored.places),
				 0);
		assert_same(f, &whole, &restored);
		eg_prefilter_memo_free(memo);
		eg_prefilter_memo_free(vmemo);
		found_free(&b, f);
		found_free(&whole, f);
		found_free(&delta, f);
		found_free(&restored, f);
	}
}

/* Copies that do not fit the base, or another prefilter's memo: whole. */
static void unfit_memo_means_whole_scan(void **state)
{
	struct fixture *f = *state;
	const unsigned char base[] = "import rasterio\n";
	const unsigned char version[] = "rasterio rast";
	struct eg_delta_copy bad = {0, 7, 64};
	struct found b, whole, delta, other;
	struct eg_prefilter_memo *memo;

	found_init(&b, f);
	found_init(&whole, f);
	found_init(&delta, f);
	found_init(&other, f);
	eg_prefilter_scan(f->pf, base, sizeof(base) - 1, b.cand, b.places);
	eg_prefilter_memo_new(&memo, f->pf, sizeof(base) - 1, b.cand, b.places,
			      f->set->npatterns);
	eg_prefilter_scan(f->pf, version, sizeof(version) - 1, whole.cand,
			  whole.places);
	eg_prefilter_scan_delta(f->pf, version, sizeof(version) - 1, memo, &bad,
				1, delta.cand, delta.places);
	assert_same(f, &whole, &delta);
	assert_int_equal(whole.places[1].n, 2); /* rast twice */
	/* the documentation kind's prefilter did not keep this memo */
	assert_int_equal(eg_prefilter_memo_restore(
				 memo,
				 eg_sigset_prefilter(f->set, EG_KIND_TEXT),
				 other.cand, other.places),
			 -1);
	eg_prefilter_memo_free(memo);
	found_free(&b, f);
	found_free(&whole, f);
	found_free(&delta, f);
	found_free(&other, f);
}

/* More places than are recorded: no memo, since the rest are unknown. */
static void overflow_keeps_no_memo(void **state)
{
	struct fixture *f = *state;
	size_t len = (EG_PREFILTER_PLACES + 1) * 5;
	unsigned char *buf = malloc(len);
	struct found b;
	struct eg_prefilter_memo *memo = (void *)1;
	size_t i;

	assert_non_null(buf);
	for (i = 0; i < len; i += 5)
		memcpy(buf + i, "rast ", 5);
	found_init(&b, f);
	eg_prefilter_scan(f->pf, buf, len, b.cand, b.places);
	assert_int_equal(b.places[1].overflow, 1);
	assert_int_equal(eg_prefilter_memo_new(&memo, f->pf, len, b.cand,
					       b.places, f->set->npatterns),
			 0);
	assert_null(memo);
	found_free(&b, f);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delta_scan_equals_whole_scan),
		cmocka_unit_test(unfit_memo_means_whole_scan),
		cmocka_unit_test(overflow_keeps_no_memo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
