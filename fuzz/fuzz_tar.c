/* fuzz_tar.c: libFuzzer target for a tar archive's member names. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* eg_tar_each(): a name is never longer than a GNU long name may be. */
static int check_name(const char *name, size_t len, void *arg)
{
	(void)arg;
	if (len > 4096 || (len && !name))
		abort();
	return 0;
}

/*
 * The input is the archive, plain or gzipped.  Whatever it holds, the
 * names are read within their bounds and inflating stops at the limit.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	eg_tar_each(data, size, 1u << 20, check_name, NULL);
	return 0;
}
