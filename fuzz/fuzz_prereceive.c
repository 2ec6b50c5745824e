/* fuzz_prereceive.c: libFuzzer target for the pre-receive hook's standard
 * input. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "updates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input is what git writes on the hook's standard input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_updates u = EG_UPDATES_INIT;
	FILE *in;

	/* glibc's fmemopen() refuses an empty buffer; an empty stdin is EOF. */
	in = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	if (!in)
		return 0;
	(void)eg_updates_read_receive(&u, in);
	fclose(in);
	eg_updates_release(&u);
	eg_error_clear();
	return 0;
}
