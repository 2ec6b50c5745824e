/* digest.h: SHA-256 in hex, the one hash the gate writes down. */
#ifndef EG_DIGEST_H
#define EG_DIGEST_H

#include <stddef.h>

#define EG_DIGEST_HEX 65 /* 64 hex digits and NUL */

/* The 64 zeros that stand for "no previous record". */
#define EG_DIGEST_ZERO \
	"0000000000000000000000000000000000000000000000000000000000000000"

/*
 * Write the lower-case hex SHA-256 of `len` bytes at `buf` into `out`.
 * EG_ERROR when libcrypto fails.
 */
int eg_digest_sha256(char out[EG_DIGEST_HEX], const void *buf, size_t len);

/* Whether s is such a digest: 64 lower-case hex digits, nothing more. */
int eg_digest_is_hex(const char *s);

#endif
