/* text.c: making arbitrary bytes safe to print as UTF-8. */
#include <string.h>

#include "error.h"
#include "text.h"

size_t eg_utf8_copy(char *dst, size_t *n, const unsigned char *s, size_t len)
{
	size_t need, i;
	unsigned c = s[0];

	if (c < 0x80) {
		dst[(*n)++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
		return 1;
	}
	need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
	if (c > 0xf4)
		need = 0;
	for (i = 1; need && i < need; i++)
		if (i >= len || (s[i] & 0xc0) != 0x80)
			need = 0;
	/* overlong or surrogate three-byte forms */
	if (need == 3 &&
	    ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0)))
		need = 0;
	if (need == 4 &&
	    ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90)))
		need = 0;
	if (!need) {
		memcpy(dst + *n, "\xef\xbf\xbd", 3);
		*n += 3;
		return 1;
	}
	memcpy(dst + *n, s, need);
	*n += need;
	return need;
}

char *eg_utf8_dup(const char *s)
{
	size_t len = strlen(s), n = 0, i = 0;
	char *out = eg_xmalloc(len * 3 + 1);

	while (i < len)
		i += eg_utf8_copy(out, &n, (const unsigned char *)s + i,
				  len - i);
	out[n] = '\0';
	return out;
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
