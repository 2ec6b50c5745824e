/* zip.c: the members of a zip archive, read from its central directory. */
#define ZLIB_CONST
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "error.h"
#include "zip.h"

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The end-of-central-directory record, which only a comment may follow. */
static const unsigned char *find_end_record(const unsigned char *buf,
					    size_t len)
{
	size_t i, stop;

	if (len < 22)
		return NULL;
	stop = len - 22 > 0xffff ? len - 22 - 0xffff : 0;
	for (i = len - 22;; i--) {
		if (!memcmp(buf + i, "PK\5\6", 4) &&
		    i + 22 + le16(buf + i + 20) == len)
			return buf + i;
		if (i == stop)
			return NULL;
	}
}

/* Where the bytes of central directory entry `cd` start, or NULL. */
static const unsigned char *locate(const unsigned char *buf, size_t len,
				   const unsigned char *cd, size_t csize)
{
	size_t local = le32(cd + 42), data;

	if (le16(cd + 8) & 1) /* encrypted */
		return NULL;
	if (csize == 0xffffffffu || le32(cd + 24) == 0xffffffffu ||
	    local == 0xffffffffu) /* zip64 */
		return NULL;
	if (local > len || len - local < 30 || memcmp(buf + local, "PK\3\4", 4))
		return NULL;
	data = local + 30 + le16(buf + local + 26) + le16(buf + local + 28);
	if (data > len || csize > len - data)
		return NULL;
	return buf + data;
}

int eg_zip_each(const unsigned char *buf, size_t len,
		int (*fn)(const struct eg_zip_member *m, void *data),
		void *data)
{
	const unsigned char *end_record = find_end_record(buf, len), *p, *end;
	size_t off, size, i, n;
	int rc;

	if (!end_record)
		return -1;
	n = le16(end_record + 10);
	size = le32(end_record + 12);
	off = le32(end_record + 16);
	if (off > len || size > len - off)
		return -1;
	p = buf + off;
	end = p + size;
	for (i = 0; i < n; i++) {
		struct eg_zip_member m;
		size_t entry;

		if (end - p < 46 || memcmp(p, "PK\1\2", 4))
			return -1;
		m.name_len = le16(p + 28);
		entry = 46 + m.name_len + le16(p + 30) + le16(p + 32);
		if ((size_t)(end - p) < entry)
			return -1;
		m.name = (const char *)p + 46;
		m.method = le16(p + 10);
		m.crc = le32(p + 16);
		m.csize = le32(p + 20);
		m.size = le32(p + 24);
		m.data = locate(buf, len, p, m.csize);
		if ((rc = fn(&m, data)))
			return rc;
		p += entry;
	}
	return 0;
}

char *eg_zip_extract(const struct eg_zip_member *m, size_t max)
{
	unsigned char *out;
	z_stream zs;
	int rc;

	if (!m->data || m->size > max)
		return NULL;
	out = eg_xmalloc(m->size + 1);
	if (m->method == 0 && m->csize == m->size) {
		memcpy(out, m->data, m->size);
	} else if (m->method == 8) {
		memset(&zs, 0, sizeof(zs));
		if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
			goto fail;
		zs.next_in = m->data;
		zs.avail_in = (uInt)m->csize;
		zs.next_out = out;
		zs.avail_out = (uInt)m->size;
		rc = inflate(&zs, Z_FINISH);
		inflateEnd(&zs);
		if (rc != Z_STREAM_END || zs.total_out != m->size)
			goto fail;
	} else {
		goto fail;
	}
	if (crc32(0, out, (uInt)m->size) != m->crc)
		goto fail;
	out[m->size] = '\0';
	return (char *)out;
fail:
	free(out);
	return NULL;
}
