/* fuzz_audit.c: libFuzzer target for `exportgate audit verify`'s reader. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "audit.h"
#include "error.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[] = "/tmp/exportgate-fuzz-audit.XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd;

	(void)argc;
	(void)argv;
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	unlink(path); /* each input makes it anew and removes it */
	return 0;
}

/* The input is an audit log: records, torn lines, anything. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_audit_check check;
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	(void)eg_audit_verify(path, &check);
	unlink(path);
	eg_error_clear();
	return 0;
}
