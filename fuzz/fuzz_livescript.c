/* fuzz_livescript.c: libFuzzer target for reading a MATLAB live script. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "livescript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is the archive.  Whatever it holds, the code read from it is
 * NUL-terminated at the length given, and ends each paragraph with a
 * newline.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	char *code = eg_livescript_code(data, size, &len);

	if (!code)
		return 0;
	if (code[len] != '\0' || (len && code[len - 1] != '\n'))
		abort();
	free(code);
	return 0;
}
