/* fuzz_sigset.c: libFuzzer target for the signature pack parser and compiler.
 */
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "match.h"
#include "sigset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A pack that parses and compiles is also run over its own text, so the
 * prefilter and the regexes it built are exercised as well.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_sigset *set = eg_sigset_new();
	struct eg_matcher *m;
	struct eg_blob_result *r = NULL;

	if (eg_sigset_add_buffer(set, "fuzz.yml", (const char *)data, size) ==
		    0 &&
	    eg_sigset_compile(set) == 0) {
		m = eg_matcher_new(set);
		eg_match_buffer(&r, m, EG_KIND_PYTHON, "fuzz.py", data, size);
		eg_blob_result_free(r);
		eg_matcher_free(m);
	}
	eg_sigset_free(set);
	eg_error_clear();
	return 0;
}
