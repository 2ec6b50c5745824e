/*
 * tar.c: the members of a tar archive, plain or compressed by gzip, xz or
 * bzip2.
 */
#define ZLIB_CONST
#include <bzlib.h>
#include <limits.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "error.h"
#include "tar.h"

#define BLOCK	      512
#define XZ_MEMLIMIT   (256u << 20) /* xz -9 needs 65 MiB */
#define LONG_MAX_NAME 4096

/* How the archive's bytes are compressed, by their first bytes. */
enum codec { PLAIN, GZIP, XZ, BZIP2 };

/*
 * The archive's bytes in order: `buf` itself, or what decompressing it
 * gives.  `total` counts the bytes given out, which may not pass `max`.
 * One decoder is in use, the one of `codec`.
 */
struct eg_tar_stream {
	const unsigned char *buf;
	size_t len, pos, total, max;
	enum codec codec;
	z_stream zs;
	lzma_stream xz;
	bz_stream bz;
	size_t left; /* of the current member's content, not yet taken */
	int damaged; /* eg_tar_content() ran short */
};

static enum codec codec_of(const unsigned char *buf, size_t len)
{
	static const unsigned char xz_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0};

	if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b)
		return GZIP;
	if (len >= sizeof(xz_magic) && !memcmp(buf, xz_magic, sizeof(xz_magic)))
		return XZ;
	if (len >= 4 && !memcmp(buf, "BZh", 3) && buf[3] >= '1' &&
	    buf[3] <= '9')
		return BZIP2;
	return PLAIN;
}

static int start(struct eg_tar_stream *r)
{
	/* each decoder reads at most 4 GiB at a call; a blob is smaller */
	unsigned in = r->len > UINT_MAX ? UINT_MAX : (unsigned)r->len;

	switch (r->codec) {
	case PLAIN:
		return 0;
	case GZIP:
		if (inflateInit2(&r->zs, 16 + MAX_WBITS) != Z_OK)
			return -1;
		r->zs.next_in = r->buf;
		r->zs.avail_in = in;
		return 0;
	case XZ:
		r->xz = (lzma_stream)LZMA_STREAM_INIT;
		/* a stream needing more than XZ_MEMLIMIT is damaged */
		if (lzma_stream_decoder(&r->xz, XZ_MEMLIMIT, 0) != LZMA_OK)
			return -1;
		r->xz.next_in = r->buf;
		r->xz.avail_in = r->len;
		return 0;
	case BZIP2:
		if (BZ2_bzDecompressInit(&r->bz, 0, 0) != BZ_OK)
			return -1;
		r->bz.next_in = (char *)r->buf; /* bzlib reads, never writes */
		r->bz.avail_in = in;
		return 0;
	}
	return -1;
}

static void stop(struct eg_tar_stream *r)
{
	if (r->codec == GZIP)
		inflateEnd(&r->zs);
	else if (r->codec == XZ)
		lzma_end(&r->xz);
	else if (r->codec == BZIP2)
		BZ2_bzDecompressEnd(&r->bz);
}

/*
 * Decompress up to `want` bytes into `dst`; how many came out, 0 when the
 * stream ended or holds no more input, -1 when it is damaged.
 */
static long pull(struct eg_tar_stream *r, unsigned char *dst, size_t want)
{
	int rc;

	switch (r->codec) {
	case GZIP:
		r->zs.next_out = dst;
		r->zs.avail_out = (uInt)want;
		rc = inflate(&r->zs, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
			return -1;
		return (long)(want - r->zs.avail_out);
	case XZ:
		r->xz.next_out = dst;
		r->xz.avail_out = want;
		rc = lzma_code(&r->xz, LZMA_RUN);
		if (rc != LZMA_OK && rc != LZMA_STREAM_END &&
		    rc != LZMA_BUF_ERROR)
			return -1;
		return (long)(want - r->xz.avail_out);
	case BZIP2:
		r->bz.next_out = (char *)dst;
		r->bz.avail_out = (unsigned)want;
		rc = BZ2_bzDecompress(&r->bz);
		if (rc != BZ_OK && rc != BZ_STREAM_END)
			return -1;
		return (long)(want - r->bz.avail_out);
	case PLAIN:
		break;
	}
	return -1;
}

/* Give the next `n` bytes to `dst`, or drop them when it is NULL; -1 short. */
static int take(struct eg_tar_stream *r, unsigned char *dst, size_t n)
{
	unsigned char scratch[16384];

	if (n > r->max - r->total)
		return -1;
	r->total += n;
	if (r->codec == PLAIN) {
		if (n > r->len - r->pos)
			return -1;
		if (dst)
			memcpy(dst, r->buf + r->pos, n);
		r->pos += n;
		return 0;
	}
	while (n) {
		size_t want = n;
		long got;

		if (want > sizeof(scratch))
			want = dst ? (want > UINT_MAX ? UINT_MAX : want)
				   : sizeof(scratch);
		got = pull(r, dst ? dst : scratch, want);
		if (got <= 0)
			return -1;
		n -= (size_t)got;
		if (dst)
			dst += got;
	}
	return 0;
}

/* An octal field of `len` bytes, NUL- or blank-ended; -1 when it is not. */
static long long octal(const unsigned char *p, size_t len)
{
	long long v = 0;
	size_t i = 0;

	while (i < len && p[i] == ' ')
		i++;
	if (i == len || p[i] < '0' || p[i] > '7')
		return -1;
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v > (1ll << 40))
			return -1;
		v = v * 8 + (p[i] - '0');
	}
	return i == len || p[i] == ' ' || p[i] == '\0' ? v : -1;
}

/* A ustar header: its magic, and the checksum over it with blanks for it. */
static int is_header(const unsigned char *h)
{
	long long sum = 0, want = octal(h + 148, 8);
	size_t i;

	if (memcmp(h + 257, "ustar", 5) || want < 0)
		return 0;
	for (i = 0; i < BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : h[i];
	return sum == want;
}

static int all_zero(const unsigned char *h)
{
	size_t i;

	for (i = 0; i < BLOCK; i++)
		if (h[i])
			return 0;
	return 1;
}

char *eg_tar_content(const struct eg_tar_member *m, size_t max)
{
	struct eg_tar_stream *r = m->stream;
	unsigned char *out;

	if (!m->regular || m->size > max || r->left != m->size)
		return NULL;
	out = eg_xmalloc(m->size + 1);
	if (take(r, out, m->size)) {
		r->damaged = 1;
		free(out);
		return NULL;
	}
	r->left = 0;
	out[m->size] = '\0';
	return (char *)out;
}

/* A regular file: '0', an old tar's NUL, or '7' (contiguous). */
static int is_regular(unsigned char type)
{
	return type == '0' || type == '\0' || type == '7';
}

static int each(struct eg_tar_stream *r,
		int (*fn)(const struct eg_tar_member *m, void *data),
		void *data)
{
	unsigned char h[BLOCK];
	char name[LONG_MAX_NAME];
	size_t long_len = 0; /* a GNU long name for the next member */
	int rc;

	for (;;) {
		struct eg_tar_member m = {.stream = r};
		long long size;
		size_t padded, n, pre;

		if (take(r, h, BLOCK))
			return -1;
		if (all_zero(h))
			return 0;
		if (!is_header(h) || (size = octal(h + 124, 12)) < 0)
			return -1;
		padded = ((size_t)size + BLOCK - 1) / BLOCK * BLOCK;
		if (h[156] == 'L') { /* GNU: the next member's long name */
			n = (size_t)size < sizeof(name) ? (size_t)size
							: sizeof(name);
			if (take(r, (unsigned char *)name, n) ||
			    take(r, NULL, padded - n))
				return -1;
			long_len = strnlen(name, n);
			continue;
		}
		if (h[156] != 'x' && h[156] != 'g') { /* not pax attributes */
			if (!long_len) {
				pre = strnlen((const char *)h + 345, 155);
				memcpy(name, h + 345, pre);
				n = pre;
				if (pre)
					name[n++] = '/';
				memcpy(name + n, h,
				       strnlen((const char *)h, 100));
				n += strnlen((const char *)h, 100);
			} else {
				n = long_len;
			}
			long_len = 0;
			m.name = name;
			m.name_len = n;
			m.size = (size_t)size;
			m.regular = is_regular(h[156]);
			r->left = m.size;
			rc = fn(&m, data);
			if (r->damaged)
				return -1;
			if (rc)
				return rc;
			/* what eg_tar_content() did not take */
			padded -= m.size - r->left;
		}
		r->left = 0;
		if (take(r, NULL, padded))
			return -1;
	}
}

int eg_tar_each(const unsigned char *buf, size_t len, size_t max,
		int (*fn)(const struct eg_tar_member *m, void *data),
		void *data)
{
	struct eg_tar_stream r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.buf = buf;
	r.len = len;
	r.max = max;
	r.codec = codec_of(buf, len);
	if (r.codec == PLAIN && (len < BLOCK || memcmp(buf + 257, "ustar", 5)))
		return -1;
	if (start(&r))
		return -1;
	rc = each(&r, fn, data);
	stop(&r);
	return rc;
}
