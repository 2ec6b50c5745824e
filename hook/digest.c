/* digest.c: SHA-256 in hex, with libcrypto's EVP interface. */
#include <string.h>

#include <openssl/evp.h>

#include "error.h"
#include "digest.h"

int eg_digest_sha256(char out[EG_DIGEST_HEX], const void *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	if (!EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL) ||
	    mdlen != 32)
		return eg_error_set(EG_ERROR, "SHA-256 failed in libcrypto");
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = digits[md[i] >> 4];
		out[2 * i + 1] = digits[md[i] & 15];
	}
	out[2 * mdlen] = '\0';
	return 0;
}

int eg_digest_is_hex(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}
