/* zipbuild.h: zip archives built in memory, for the tests that read them. */
#ifndef EG_ZIPBUILD_H
#define EG_ZIPBUILD_H

#define ZLIB_CONST
#include <stdint.h>
#include <string.h>

#include <zlib.h>

/* cmocka.h comes first: a failure to deflate fails the test. */

/* A zip archive built in memory: members, then the central directory. */
struct zip {
	unsigned char buf[1 << 16];
	size_t n;
	unsigned char dir[1 << 12];
	size_t ndir;
	unsigned entries;
};

static inline void zipbuild_put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static inline void zipbuild_put32(unsigned char *p, uint32_t v)
{
	zipbuild_put16(p, v & 0xffff);
	zipbuild_put16(p + 2, v >> 16);
}

/* Add member `name` holding `len` bytes of `data`, deflated or stored. */
static inline void zipbuild_add_data(struct zip *z, const char *name,
				     const void *data, size_t len, int deflated,
				     unsigned flags)
{
	size_t nlen = strlen(name), clen = len;
	unsigned char *local = z->buf + z->n, *cd = z->dir + z->ndir;
	uint32_t crc = (uint32_t)crc32(0, (const Bytef *)data, (uInt)len);

	memset(local, 0, 30);
	memcpy(local, "PK\3\4", 4);
	zipbuild_put16(local + 26, (unsigned)nlen);
	memcpy(local + 30, name, nlen);
	if (deflated) {
		z_stream zs;

		memset(&zs, 0, sizeof(zs));
		assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8,
					      Z_DEFAULT_STRATEGY),
				 Z_OK);
		zs.next_in = (const Bytef *)data;
		zs.avail_in = (uInt)len;
		zs.next_out = local + 30 + nlen;
		zs.avail_out = (uInt)(sizeof(z->buf) - z->n - 30 - nlen);
		assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
		clen = zs.total_out;
		deflateEnd(&zs);
	} else {
		memcpy(local + 30 + nlen, data, len);
	}
	zipbuild_put16(local + 8, flags);
	zipbuild_put16(local + 10, deflated ? 8 : 0);
	zipbuild_put32(local + 14, crc);
	zipbuild_put32(local + 18, (uint32_t)clen);
	zipbuild_put32(local + 22, (uint32_t)len);

	memset(cd, 0, 46);
	memcpy(cd, "PK\1\2", 4);
	zipbuild_put16(cd + 8, flags);
	zipbuild_put16(cd + 10, deflated ? 8 : 0);
	zipbuild_put32(cd + 16, crc);
	zipbuild_put32(cd + 20, (uint32_t)clen);
	zipbuild_put32(cd + 24, (uint32_t)len);
	zipbuild_put16(cd + 28, (unsigned)nlen);
	zipbuild_put32(cd + 42, (uint32_t)z->n);
	memcpy(cd + 46, name, nlen);
	z->ndir += 46 + nlen;
	z->n += 30 + nlen + clen;
	z->entries++;
}

/* Add member `name` holding the string `data`, deflated or stored. */
static inline void zipbuild_add(struct zip *z, const char *name,
				const char *data, int deflated, unsigned flags)
{
	zipbuild_add_data(z, name, data, strlen(data), deflated, flags);
}

/* Append the central directory and its end record; the archive's size. */
static inline size_t zipbuild_finish(struct zip *z)
{
	unsigned char *end;

	memcpy(z->buf + z->n, z->dir, z->ndir);
	end = z->buf + z->n + z->ndir;
	memset(end, 0, 22);
	memcpy(end, "PK\5\6", 4);
	zipbuild_put16(end + 8, z->entries);
	zipbuild_put16(end + 10, z->entries);
	zipbuild_put32(end + 12, (uint32_t)z->ndir);
	zipbuild_put32(end + 16, (uint32_t)z->n);
	return z->n + z->ndir + 22;
}

#endif
