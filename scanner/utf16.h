/* utf16.h: text written in UTF-16, read as UTF-8. */
#ifndef EG_UTF16_H
#define EG_UTF16_H

#include <stddef.h>

/*
 * Windows writes text in UTF-16 where a user does not ask otherwise:
 * PowerShell 5's `pip freeze > requirements.txt`, and its
 * `echo "# name" >> README.md`, which appends a UTF-16 line to a UTF-8
 * README.  The NUL bytes of such a file make it look binary (git shows it
 * so), and its words would be lost to every pattern.
 *
 * A file is UTF-16 text when it starts with a byte-order mark, or when
 * its bytes up to its first NUL are text and from the character before
 * that NUL (little-endian) or from that NUL (big-endian), a byte-order
 * mark or not, to its end it is UTF-16: an even number of bytes (but for
 * one line feed an editor may add at the end), every code unit a
 * character of text (no control character but tab, line feed, form feed
 * and carriage return; no U+FFFE or U+FFFF), every surrogate paired.
 * Random binary data fails this within a few bytes.
 */

/*
 * The text of `buf` (`len` bytes) in UTF-8 when it is UTF-16 text as
 * above: the bytes before the UTF-16 as they are, then each character
 * of it as UTF-8, a byte-order mark dropped; NUL-terminated, its length
 * in *out, and the caller frees it.  Lines are those of the file;
 * columns count characters, as in any text (a character beyond U+FFFF is
 * one, where UTF-16 has two units).  NULL when `buf` is not UTF-16 text.
 */
char *eg_utf16_text(const unsigned char *buf, size_t len, size_t *out);

#endif
