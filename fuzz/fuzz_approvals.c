/* fuzz_approvals.c: libFuzzer target for the approvals parser. */
#include <stddef.h>
#include <stdint.h>

#include "approvals.h"
#include "error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Approvals that parse are also searched, as the decision does. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const content[] = {
		"4b825dc642cb6eb9a060e54bf8d69288fbee4904",
		"0000000000000000000000000000000000000000",
	};
	struct eg_approvals *a = NULL;
	const struct eg_approval *found = NULL;

	if (eg_approvals_parse(&a, "approvals.yml", (const char *)data, size) ==
	    0) {
		(void)eg_approvals_find(&found, a, "0D521.1", "geo/radar",
					content, 2, "2026-01-01");
		eg_approvals_free(a);
	}
	eg_error_clear();
	return 0;
}
