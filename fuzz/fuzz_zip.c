/* fuzz_zip.c: libFuzzer target for a zip archive's central directory. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* eg_zip_each(): every member lies inside the input; read it whole. */
static int read_member(const struct eg_zip_member *m, void *arg)
{
	const uint8_t *data = ((const uint8_t *const *)arg)[0];
	const uint8_t *end = ((const uint8_t *const *)arg)[1];
	char *bytes;

	if ((const uint8_t *)m->name < data ||
	    (const uint8_t *)m->name + m->name_len > end)
		abort();
	if (m->data && (m->data < data || m->data + m->csize > end))
		abort();
	bytes = eg_zip_extract(m, 1u << 20);
	if (bytes && (bytes[m->size] != '\0' || m->size > (1u << 20)))
		abort();
	free(bytes);
	return 0;
}

/*
 * The input is the archive.  Whatever it holds, each member is named and
 * located inside it, and a member read is NUL-terminated at its size.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *bounds[2] = {data, data + size};

	eg_zip_each(data, size, read_member, (void *)bounds);
	return 0;
}
