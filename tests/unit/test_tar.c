/* test_tar.c: the members of a tar archive, plain or compressed. */
#define ZLIB_CONST
#include <bzlib.h>
#include <lzma.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "tar.h"

/* A tar archive built in memory, and room to compress it. */
struct tar {
	unsigned char buf[1 << 15];
	size_t n;
	unsigned char gz[1 << 15];
	size_t ngz;
	unsigned char xz[1 << 15];
	size_t nxz;
	unsigned char bz[1 << 15];
	size_t nbz;
};

/* Add a member of `type` ('0' a file, 'L' a GNU long name) holding `data`. */
static void add(struct tar *t, const char *prefix, const char *name, char type,
		const char *data)
{
	unsigned char *h = t->buf + t->n;
	size_t len = strlen(data), i;
	unsigned sum = 0;

	memset(h, 0, 512);
	memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)len);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memcpy(h + 345, prefix, strlen(prefix));
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	memcpy(h + 512, data, len);
	t->n += 512 + (len + 511) / 512 * 512;
}

/* End the archive with two zero blocks; its size. */
static size_t finish(struct tar *t)
{
	memset(t->buf + t->n, 0, 1024);
	t->n += 1024;
	return t->n;
}

/* The archive gzipped, as `tar czf` writes it; its size. */
static size_t gzip(struct tar *t)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	zs.next_in = t->buf;
	zs.avail_in = (uInt)t->n;
	zs.next_out = t->gz;
	zs.avail_out = sizeof(t->gz);
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	t->ngz = zs.total_out;
	deflateEnd(&zs);
	return t->ngz;
}

/* The archive as `tar cJf` writes it; its size. */
static size_t xz(struct tar *t)
{
	t->nxz = 0;
	assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL,
						 t->buf, t->n, t->xz, &t->nxz,
						 sizeof(t->xz)),
			 LZMA_OK);
	return t->nxz;
}

/* The archive as `tar cjf` writes it; its size. */
static size_t bzip2(struct tar *t)
{
	unsigned n = sizeof(t->bz);

	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)t->bz, &n,
						  (char *)t->buf,
						  (unsigned)t->n, 9, 0, 0),
			 BZ_OK);
	t->nbz = n;
	return t->nbz;
}

struct seen {
	char names[512];
	unsigned n, stop_at;
	int read; /* take each member's content and note it */
};

static int note(const struct eg_tar_member *m, void *data)
{
	struct seen *s = data;

	strncat(s->names, m->name, m->name_len);
	if (s->read) {
		char *content = eg_tar_content(m, 64);

		strcat(s->names, "=");
		strcat(s->names, content ? content : "(null)");
		free(content);
	}
	strcat(s->names, ";");
	return ++s->n == s->stop_at ? 5 : 0;
}

static int ignore(const struct eg_tar_member *m, void *data)
{
	(void)m;
	(void)data;
	return 0;
}

/* Read every member's content, whatever it is. */
static int read_all(const struct eg_tar_member *m, void *data)
{
	(void)data;
	free(eg_tar_content(m, 1 << 20));
	return 0;
}

static char long_name[302];

static size_t sdist(struct tar *t)
{
	memset(t, 0, sizeof(*t));
	memset(long_name, 'd', 296);
	memcpy(long_name + 296, "/a.py", 5);
	add(t, "", "pkg-1.0/PKG-INFO", '0', "Name: pkg\n");
	add(t, "pkg-1.0", "pkg/train.py", '0', "model.fit(x, y)\n");
	add(t, "", "././@LongLink", 'L', long_name);
	add(t, "", "dddd", '0', "x = 1\n");
	add(t, "pkg-1.0", "data", '5', "");
	return finish(t);
}

/* Walk `t` (`len` bytes) plain, gzipped, xz'd, bzip2'd: each gives `want`. */
static void walk_each_codec(struct tar *t, size_t len, int read,
			    const char *want)
{
	const unsigned char *streams[] = {t->buf, t->gz, t->xz, t->bz};
	size_t lens[] = {len, gzip(t), xz(t), bzip2(t)}, i;

	for (i = 0; i < 4; i++) {
		struct seen s = {.read = read};

		assert_int_equal(
			eg_tar_each(streams[i], lens[i], 1 << 20, note, &s), 0);
		assert_string_equal(s.names, want);
	}
}

static void names_in_order_in_each_codec(void **state)
{
	static struct tar t;
	static char want[1024];
	size_t len = sdist(&t);

	(void)state;
	/* a GNU long name is the next member's, which is no folder */
	snprintf(want, sizeof(want),
		 "pkg-1.0/PKG-INFO;pkg-1.0/pkg/train.py;%s;pkg-1.0/data;",
		 long_name);
	walk_each_codec(&t, len, 0, want);
}

/*
 * A member's content when asked for, within the limit given, and the walk
 * goes on after it whether it was read or not; a folder has none.
 */
static void contents_read_when_asked(void **state)
{
	static struct tar t;
	struct seen plain = {.read = 1};
	static char want[1024];
	size_t len = sdist(&t);

	(void)state;
	snprintf(want, sizeof(want),
		 "pkg-1.0/PKG-INFO=Name: pkg\n;"
		 "pkg-1.0/pkg/train.py=model.fit(x, y)\n;%s=x = 1\n;"
		 "pkg-1.0/data=(null);",
		 long_name);
	walk_each_codec(&t, len, 1, want);

	/* over the member limit: skipped, and the next one read */
	memset(&t, 0, sizeof(t));
	add(&t, "", "big.py", '0',
	    "# seventy bytes of a member, more than the sixty-four bytes asked for\n");
	add(&t, "", "small.py", '0', "y = 2\n");
	len = finish(&t);
	memset(&plain, 0, sizeof(plain));
	plain.read = 1;
	assert_int_equal(eg_tar_each(t.buf, len, 1 << 20, note, &plain), 0);
	assert_string_equal(plain.names, "big.py=(null);small.py=y = 2\n;");
}

static void a_nonzero_answer_stops_the_walk(void **state)
{
	static struct tar t;
	struct seen s = {.stop_at = 2};

	(void)state;
	sdist(&t);
	gzip(&t);
	assert_int_equal(eg_tar_each(t.gz, t.ngz, 1 << 20, note, &s), 5);
	assert_string_equal(s.names, "pkg-1.0/PKG-INFO;pkg-1.0/pkg/train.py;");
}

static void limits_damage_and_foreign_input_give_minus_one(void **state)
{
	static struct tar t;
	size_t len = sdist(&t), cut;
	struct seen s = {.n = 0};

	(void)state;
	/* inflating past the limit the caller sets */
	gzip(&t);
	assert_int_equal(eg_tar_each(t.gz, t.ngz, 1024, note, &s), -1);
	assert_string_equal(s.names, "pkg-1.0/PKG-INFO;");

	/* a header whose checksum no longer holds */
	t.buf[512 + 512 + 3] ^= 1;
	memset(&s, 0, sizeof(s));
	assert_int_equal(eg_tar_each(t.buf, len, 1 << 20, note, &s), -1);
	assert_string_equal(s.names, "pkg-1.0/PKG-INFO;");
	t.buf[512 + 512 + 3] ^= 1;

	/*
	 * Cut anywhere: never read past the end.  Gzipped, the stream may
	 * give the whole archive before its trailer is cut off.
	 */
	for (cut = 0; cut < t.ngz; cut++) {
		unsigned char *copy = malloc(cut ? cut : 1);
		int rc;

		memcpy(copy, t.gz, cut);
		rc = eg_tar_each(copy, cut, 1 << 20, ignore, NULL);
		assert_true(rc == -1 || (rc == 0 && cut > t.ngz - 16));
		rc = eg_tar_each(copy, cut, 1 << 20, read_all, NULL);
		assert_true(rc == -1 || (rc == 0 && cut > t.ngz - 16));
		free(copy);
	}
	for (cut = 0; cut < len - 1024; cut += 100) {
		unsigned char *copy = malloc(cut ? cut : 1);

		memcpy(copy, t.buf, cut);
		assert_int_equal(eg_tar_each(copy, cut, 1 << 20, ignore, NULL),
				 -1);
		assert_int_equal(
			eg_tar_each(copy, cut, 1 << 20, read_all, NULL), -1);
		free(copy);
	}

	/* not a tar: a gzipped volume, and text */
	memset(&t, 0, sizeof(t));
	memset(t.buf, 'v', 2048);
	t.n = 2048;
	gzip(&t);
	assert_int_equal(eg_tar_each(t.gz, t.ngz, 1 << 20, ignore, NULL), -1);
	assert_int_equal(eg_tar_each((const unsigned char *)"import torch", 12,
				     1 << 20, ignore, NULL),
			 -1);
}

/* xz and bzip2 as gzip: the caller's limit, and cut anywhere. */
static void xz_and_bzip2_limited_and_cut(void **state)
{
	static struct tar t;
	unsigned char *streams[2];
	size_t lens[2], i, cut;
	struct seen s = {.n = 0};

	(void)state;
	sdist(&t);
	streams[0] = t.xz;
	lens[0] = xz(&t);
	streams[1] = t.bz;
	lens[1] = bzip2(&t);
	for (i = 0; i < 2; i++) {
		memset(&s, 0, sizeof(s));
		assert_int_equal(
			eg_tar_each(streams[i], lens[i], 1024, note, &s), -1);
		assert_string_equal(s.names, "pkg-1.0/PKG-INFO;");
		for (cut = 0; cut < lens[i]; cut++) {
			unsigned char *copy = malloc(cut ? cut : 1);
			int rc;

			memcpy(copy, streams[i], cut);
			rc = eg_tar_each(copy, cut, 1 << 20, read_all, NULL);
			/* the end blocks may come out before the trailer */
			assert_true(rc == -1 ||
				    (rc == 0 && cut > lens[i] - 64));
			free(copy);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_in_order_in_each_codec),
		cmocka_unit_test(contents_read_when_asked),
		cmocka_unit_test(a_nonzero_answer_stops_the_walk),
		cmocka_unit_test(
			limits_damage_and_foreign_input_give_minus_one),
		cmocka_unit_test(xz_and_bzip2_limited_and_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
