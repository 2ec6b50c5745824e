/* fuzz_utf16.c: libFuzzer target for reading UTF-16 text as UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf16.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is the file.  Whatever it holds, text read from it is
 * NUL-terminated at the length given, holds no NUL before it, and takes
 * at most three bytes for every two it decodes.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = 0;
	char *text = eg_utf16_text(data, size, &len);

	if (!text)
		return 0;
	if (text[len] != '\0' || memchr(text, 0, len) || len > size / 2 * 3)
		abort();
	free(text);
	return 0;
}
