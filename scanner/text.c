/* text.c: making arbitrary bytes safe to print as UTF-8. */
#include <string.h>

#include "error.h"
#include "text.h"

size_t eg_utf8_decode(const unsigned char *s, size_t left, unsigned *cp)
{
	unsigned c;
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

size_t eg_utf8_len(const unsigned char *s, size_t left)
{
	unsigned cp;

	return eg_utf8_decode(s, left, &cp);
}

size_t eg_utf8_chars(const unsigned char *s, size_t len)
{
	size_t i = 0, n, chars = 0;

	while (i < len) {
		n = eg_utf8_len(s + i, len - i);
		i += n ? n : 1;
		chars++;
	}
	return chars;
}

size_t eg_utf8_copy(char *dst, size_t *n, const unsigned char *s, size_t len)
{
	size_t need = eg_utf8_len(s, len);

	if (!need) {
		memcpy(dst + *n, "\xef\xbf\xbd", 3);
		*n += 3;
		return 1;
	}
	memcpy(dst + *n, s, need);
	*n += need;
	return need;
}

size_t eg_utf8_line_copy(char *dst, size_t *n, const unsigned char *s,
			 size_t len)
{
	if (s[0] < 0x20 || s[0] == 0x7f) {
		dst[(*n)++] = ' ';
		return 1;
	}
	return eg_utf8_copy(dst, n, s, len);
}

int eg_unicode_hides(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e ||
	       cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static size_t shown_copy(char *dst, size_t *n, const unsigned char *s,
			 size_t len)
{
	unsigned cp;
	size_t need = eg_utf8_decode(s, len, &cp);

	if (need && eg_unicode_hides(cp)) {
		memcpy(dst + *n, "\xef\xbf\xbd", 3);
		*n += 3;
		return need;
	}
	return eg_utf8_line_copy(dst, n, s, len);
}

static char *dup_with(const char *s,
		      size_t (*copy)(char *, size_t *, const unsigned char *,
				     size_t))
{
	size_t len = strlen(s), n = 0, i = 0;
	char *out = eg_xmalloc(len * 3 + 1);

	while (i < len)
		i += copy(out, &n, (const unsigned char *)s + i, len - i);
	out[n] = '\0';
	return out;
}

char *eg_utf8_dup(const char *s)
{
	return dup_with(s, eg_utf8_copy);
}

char *eg_utf8_line_dup(const char *s)
{
	return dup_with(s, eg_utf8_line_copy);
}

char *eg_utf8_shown_dup(const char *s)
{
	return dup_with(s, shown_copy);
}

size_t eg_utf8_put(unsigned char out[4], unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}
