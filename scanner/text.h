/* text.h: making arbitrary bytes safe to print as UTF-8. */
#ifndef EG_TEXT_H
#define EG_TEXT_H

#include <stddef.h>

/*
 * Length of the valid UTF-8 sequence at s (at most `left` bytes, `left` >= 1),
 * 1 to 4, or 0 when it is not one: overlong forms, surrogates and code points
 * past U+10FFFF are refused as JSON parsers refuse them.  Can't fail.
 */
size_t eg_utf8_len(const unsigned char *s, size_t left);

/* eg_utf8_len(), and the code point in *cp when the sequence is valid. */
size_t eg_utf8_decode(const unsigned char *s, size_t left, unsigned *cp);

/*
 * The characters (Unicode code points) in len bytes of s, each byte that is
 * not valid UTF-8 counted as one, as eg_utf8_copy() writes it.  Can't fail.
 */
size_t eg_utf8_chars(const unsigned char *s, size_t len);

/*
 * Append to dst at *n one UTF-8 sequence from s, or U+FFFD for an invalid
 * byte, and return how many bytes of s it consumed.  Control characters
 * are copied as they are: JSON escapes them, and a name keeps its tab.
 * dst must have room for 3 more bytes.  Can't fail.
 */
size_t eg_utf8_copy(char *dst, size_t *n, const unsigned char *s, size_t len);

/*
 * eg_utf8_copy() for text that must stay on one line (an excerpt, a line
 * of the text report): a control character becomes a space.
 */
size_t eg_utf8_line_copy(char *dst, size_t *n, const unsigned char *s,
			 size_t len);

/* A valid UTF-8 copy of s, control characters kept; caller frees. */
char *eg_utf8_dup(const char *s);

/* eg_utf8_dup() on one line, control characters as spaces; caller frees. */
char *eg_utf8_line_dup(const char *s);

/*
 * Whether a code point changes how the text around it is shown while
 * showing nothing itself: the C1 controls and the bidirectional controls
 * (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), with
 * which a name such as "rtl<U+202E>gnp.c" reads "rtlc.png" ("Trojan
 * Source", CVE-2021-42574).
 */
int eg_unicode_hides(unsigned cp);

/*
 * eg_utf8_line_dup() for a terminal: what eg_unicode_hides() also becomes
 * U+FFFD, so that a name or an excerpt reads as its bytes are.  Caller
 * frees.
 */
char *eg_utf8_shown_dup(const char *s);

/*
 * Write the code point cp (at most U+10FFFF) to out as UTF-8 and return
 * how many bytes it took, 1 to 4.  Can't fail.
 */
size_t eg_utf8_put(unsigned char out[4], unsigned cp);

#endif
