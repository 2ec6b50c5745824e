/* livescript.c: the code of a MATLAB live script, from its zip archive. */
#define ZLIB_CONST
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "error.h"
#include "livescript.h"
#include "text.h"

#define DOCUMENT     "matlab/document.xml"
#define DOCUMENT_MAX (64u << 20)

/* Where a member's bytes are, as its central directory entry says. */
struct member {
	const unsigned char *data;
	size_t csize, size;
	unsigned method;
	uint32_t crc;
};

/* Text being built: `n` bytes of `alloc`, owned by whoever builds it. */
struct text {
	char *buf;
	size_t n, alloc;
};

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int eg_livescript_named(const char *name)
{
	size_t len = strlen(name);

	return (len > 4 && !strcasecmp(name + len - 4, ".mlx")) ||
	       (len > 6 && !strcasecmp(name + len - 6, ".mlapp"));
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

/* Fill *m from central directory entry `cd`; -1 when it can't be read. */
static int member_at(const unsigned char *buf, size_t len,
		     const unsigned char *cd, struct member *m)
{
	size_t local = le32(cd + 42), data;

	if (le16(cd + 8) & 1) /* encrypted */
		return -1;
	m->method = le16(cd + 10);
	m->crc = le32(cd + 16);
	m->csize = le32(cd + 20);
	m->size = le32(cd + 24);
	if (m->csize == 0xffffffffu || m->size == 0xffffffffu ||
	    local == 0xffffffffu) /* zip64 */
		return -1;
	if (local > len || len - local < 30 || memcmp(buf + local, "PK\3\4", 4))
		return -1;
	data = local + 30 + le16(buf + local + 26) + le16(buf + local + 28);
	if (data > len || m->csize > len - data)
		return -1;
	m->data = buf + data;
	return 0;
}

static int find_document(const unsigned char *buf, size_t len, struct member *m)
{
	const unsigned char *end_record = find_end_record(buf, len), *p, *end;
	size_t nlen = strlen(DOCUMENT), off, size, i, n;

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
		size_t name_len, entry;

		if (end - p < 46 || memcmp(p, "PK\1\2", 4))
			return -1;
		name_len = le16(p + 28);
		entry = 46 + name_len + le16(p + 30) + le16(p + 32);
		if ((size_t)(end - p) < entry)
			return -1;
		if (name_len == nlen && !memcmp(p + 46, DOCUMENT, nlen))
			return member_at(buf, len, p, m);
		p += entry;
	}
	return -1;
}

/* The member's bytes, inflated and checked, NUL-terminated; NULL if bad. */
static char *extract(const struct member *m)
{
	unsigned char *out;
	z_stream zs;
	int rc;

	if (m->size > DOCUMENT_MAX)
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

static void put(struct text *t, const char *s, size_t len)
{
	EG_GROW(t->buf, t->alloc, t->n + len + 1);
	memcpy(t->buf + t->n, s, len);
	t->n += len;
}

static void put_utf8(struct text *t, unsigned long c)
{
	unsigned char u[4];

	put(t, (const char *)u, eg_utf8_put(u, (unsigned)c));
}

/* Decode the XML entity at `p` (an '&'); the bytes it took, 0 if none. */
static size_t put_entity(struct text *t, const char *p, const char *end)
{
	static const struct {
		const char *name, *text;
	} named[] = {{"&lt;", "<"},
		     {"&gt;", ">"},
		     {"&amp;", "&"},
		     {"&quot;", "\""},
		     {"&apos;", "'"}};
	const char *semi =
		memchr(p, ';', end - p < 12 ? (size_t)(end - p) : 12);
	unsigned long c;
	char *stop;
	size_t i;

	if (!semi)
		return 0;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if ((size_t)(semi + 1 - p) == strlen(named[i].name) &&
		    !memcmp(p, named[i].name, (size_t)(semi + 1 - p))) {
			put(t, named[i].text, 1);
			return (size_t)(semi + 1 - p);
		}
	if (semi - p < 3 || p[1] != '#')
		return 0;
	if (p[2] == 'x' || p[2] == 'X')
		c = strtoul(p + 3, &stop, 16);
	else
		c = strtoul(p + 2, &stop, 10);
	if (stop != semi || p[2] == '-' || p[2] == '+' || !c || c > 0x10ffff)
		return 0;
	put_utf8(t, c);
	return (size_t)(semi + 1 - p);
}

/* The content of one <w:t> element, [p, end): CDATA and entities. */
static void put_run_text(struct text *t, const char *p, const char *end)
{
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p)), *amp, *stop;
		size_t took;

		if (lt == p) {
			if ((size_t)(end - p) >= 9 &&
			    !memcmp(p, "<![CDATA[", 9)) {
				p += 9;
				stop = memmem(p, (size_t)(end - p), "]]>", 3);
				put(t, p, (size_t)((stop ? stop : end) - p));
				p = stop ? stop + 3 : end;
			} else {
				stop = memchr(p, '>', (size_t)(end - p));
				p = stop ? stop + 1 : end;
			}
			continue;
		}
		stop = lt ? lt : end;
		while ((amp = memchr(p, '&', (size_t)(stop - p)))) {
			put(t, p, (size_t)(amp - p));
			took = put_entity(t, amp, stop);
			if (!took) {
				put(t, "&", 1);
				took = 1;
			}
			p = amp + took;
		}
		put(t, p, (size_t)(stop - p));
		p = stop;
	}
}

/* The next start tag `<name` in [p, end), its end after the '>'; NULL: none. */
static const char *next_tag(const char *p, const char *end, const char *name,
			    const char **tag_end)
{
	size_t nlen = strlen(name);

	while ((p = memmem(p, (size_t)(end - p), name, nlen))) {
		const char *gt;

		p += nlen;
		if (p == end || (*p != '>' && *p != ' ' && *p != '/'))
			continue;
		gt = memchr(p, '>', (size_t)(end - p));
		if (!gt)
			return NULL;
		*tag_end = gt + 1;
		return p - nlen;
	}
	return NULL;
}

/* Whether paragraph body [p, end) is styled "code". */
static int is_code(const char *p, const char *end)
{
	const char *tag_end, *tag = next_tag(p, end, "<w:pStyle", &tag_end);

	return tag && memmem(tag, (size_t)(tag_end - tag), "\"code\"", 6);
}

char *eg_livescript_code(const unsigned char *buf, size_t len, size_t *out)
{
	struct member m;
	struct text t = {NULL, 0, 0};
	const char *p, *end, *tag, *tag_end;
	char *xml;

	if (find_document(buf, len, &m) || !(xml = extract(&m)))
		return NULL;
	end = xml + m.size;
	for (p = xml; (tag = next_tag(p, end, "<w:p", &tag_end)); p = tag_end) {
		const char *close, *run, *run_end, *text_end;

		if (tag_end[-2] == '/') /* <w:p/> */
			continue;
		close = memmem(tag_end, (size_t)(end - tag_end), "</w:p>", 6);
		if (!close)
			close = end;
		if (is_code(tag_end, close)) {
			for (run = tag_end;
			     (run = next_tag(run, close, "<w:t", &run_end));
			     run = run_end) {
				if (run_end[-2] == '/') /* <w:t/> */
					continue;
				text_end = memmem(run_end,
						  (size_t)(close - run_end),
						  "</w:t>", 6);
				put_run_text(&t, run_end,
					     text_end ? text_end : close);
				run_end = text_end ? text_end + 6 : close;
			}
			put(&t, "\n", 1);
		}
		tag_end = close;
	}
	free(xml);
	if (!t.buf)
		t.buf = eg_xstrdup("");
	else
		t.buf[t.n] = '\0';
	*out = t.n;
	return t.buf;
}
