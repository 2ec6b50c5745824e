/* fuzz_tar.c: libFuzzer target for a tar archive's members. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * eg_tar_each(): a name is never longer than a GNU long name may be, and
 * every other member's content is read: it is as long as its header says.
 */
static int check_member(const struct eg_tar_member *m, void *arg)
{
	unsigned *n = arg;
	char *content;

	if (m->name_len > 4096 || (m->name_len && !m->name))
		abort();
	if ((*n)++ % 2)
		return 0;
	content = eg_tar_content(m, 1u << 16);
	if (content && (!m->regular || strlen(content) > m->size ||
			content[m->size] != '\0'))
		abort();
	free(content);
	return 0;
}

/*
 * The input is the archive, plain or gzipped.  Whatever it holds, the
 * names and contents are read within their bounds and inflating stops at
 * the limit.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned n = 0;

	eg_tar_each(data, size, 1u << 20, check_member, &n);
	return 0;
}
