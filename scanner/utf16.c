/* utf16.c: text written in UTF-16, read as UTF-8 (utf16.h). */
#include "utf16.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "text.h"

static int text_char(unsigned c)
{
	if (c < 0x20)
		return c == '\t' || c == '\n' || c == '\f' || c == '\r';
	return c != 0xfffe && c != 0xffff;
}

static int text_bytes(const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!text_char(b[i]))
			return 0;
	return 1;
}

static unsigned unit_at(const unsigned char *b, int big)
{
	return big ? (unsigned)b[0] << 8 | b[1] : (unsigned)b[1] << 8 | b[0];
}

/*
 * The UTF-8 of the UTF-16 run `b` (`len` bytes) written to `o`, which
 * has room for 3 bytes per 2 of the run; its length, or (size_t)-1 when
 * the run is not UTF-16 text.
 */
static size_t decode_run(unsigned char *o, const unsigned char *b, size_t len,
			 int big)
{
	size_t i, n = 0;

	if (len % 2)
		return (size_t)-1;
	for (i = 0; i < len; i += 2) {
		unsigned c = unit_at(b + i, big), low;

		if (c >= 0xdc00 && c <= 0xdfff)
			return (size_t)-1;
		if (c >= 0xd800 && c <= 0xdbff) {
			if (i + 4 > len)
				return (size_t)-1;
			low = unit_at(b + i + 2, big);
			if (low < 0xdc00 || low > 0xdfff)
				return (size_t)-1;
			c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
			i += 2;
		} else if (!text_char(c)) {
			return (size_t)-1;
		} else if (c == 0xfeff && i == 0) {
			continue; /* the byte-order mark */
		}
		n += eg_utf8_put(o + n, c);
	}
	return n;
}

/* The text of `buf` with its UTF-16 from `start` on (utf16.h), or NULL. */
static char *decode(const unsigned char *buf, size_t len, size_t start, int big,
		    size_t *out)
{
	/* an editor's newline after the UTF-16, one byte */
	int newline = (len - start) % 2 && buf[len - 1] == '\n';
	unsigned char *text;
	size_t n;

	if (!text_bytes(buf, start))
		return NULL;
	text = eg_xmalloc(start + (len - start) / 2 * 3 + 2);
	memcpy(text, buf, start);
	n = decode_run(text + start, buf + start, len - start - newline, big);
	if (n == (size_t)-1) {
		free(text);
		return NULL;
	}
	if (newline)
		text[start + n++] = '\n';
	text[start + n] = '\0';
	*out = start + n;
	return (char *)text;
}

/* `at`, or the place of the byte-order mark `a b` just before it. */
static size_t with_mark(const unsigned char *buf, size_t at, unsigned char a,
			unsigned char b)
{
	return at >= 2 && buf[at - 2] == a && buf[at - 1] == b ? at - 2 : at;
}

char *eg_utf16_text(const unsigned char *buf, size_t len, size_t *out)
{
	const unsigned char *nul;
	char *text;
	size_t at;

	if (len >= 2 && buf[0] == 0xff && buf[1] == 0xfe)
		return decode(buf, len, 0, 0, out);
	if (len >= 2 && buf[0] == 0xfe && buf[1] == 0xff)
		return decode(buf, len, 0, 1, out);
	if (!(nul = memchr(buf, 0, len)))
		return NULL;
	at = (size_t)(nul - buf);
	/* little-endian: the NUL is the high byte of the character before */
	if (at && (text = decode(buf, len, with_mark(buf, at - 1, 0xff, 0xfe),
				 0, out)))
		return text;
	return decode(buf, len, with_mark(buf, at, 0xfe, 0xff), 1, out);
}
