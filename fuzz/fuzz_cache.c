/* fuzz_cache.c: libFuzzer target for the gate's result cache reader. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cache.h"
#include "error.h"
#include "match.h"
#include "oidmap.h"
#include "results.h"
#include "sigset.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct eg_sigset *set;
static char path[] = "/tmp/exportgate-fuzz-cache.XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	set = eg_sigset_new();
	if (eg_sigset_add_builtin(set) || eg_sigset_compile(set))
		abort();
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	unlink(path); /* each input makes it anew and removes it */
	return 0;
}

/*
 * The input is the body of a cache file: the harness adds the magic, the
 * signature set's digest and the SHA-256 trailer, so that every input gets
 * past the checks a damaged file fails and reaches the parser itself.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_oidmap trees = {0}, blobs = {0};
	struct eg_oidmap_entry *e;
	unsigned char *buf = malloc(72 + size + 32);
	FILE *f = fopen(path, "wb");

	if (!f || !buf)
		abort();
	memcpy(buf, EG_CACHE_MAGIC, 8);
	memcpy(buf + 8, set->sha256, 64);
	if (size)
		memcpy(buf + 72, data, size);
	if (!EVP_Digest(buf, 72 + size, buf + 72 + size, NULL, EVP_sha256(),
			NULL) ||
	    fwrite(buf, 1, 72 + size + 32, f) != 72 + size + 32 || fclose(f))
		abort();
	free(buf);
	eg_cache_load(path, set, &trees, &blobs);
	eg_oidmap_foreach(&blobs, e)
	{
		struct eg_blob_info *bi = e->value;

		eg_blob_result_free(bi->result);
		free(bi);
	}
	eg_oidmap_foreach(&trees, e) free(e->value);
	eg_oidmap_clear(&blobs);
	eg_oidmap_clear(&trees);
	unlink(path);
	eg_error_clear();
	return 0;
}
