/* fuzz_match.c: libFuzzer target for the blob matcher with the built-in packs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bitset.h"
#include "error.h"
#include "kind.h"
#include "match.h"
#include "sigset.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct eg_sigset *set;
static struct eg_matcher *matcher;
static eg_word *criteria;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	set = eg_sigset_new();
	if (eg_sigset_add_builtin(set) || eg_sigset_compile(set))
		abort();
	matcher = eg_matcher_new(set);
	criteria = calloc(EG_BITSET_WORDS(set->ncriteria) + 1, sizeof(eg_word));
	if (!criteria)
		abort();
	return 0;
}

/*
 * The input is a file name, a newline, and the file's content, so the
 * fuzzer chooses the kind (train.py, label.ui, model.onnx, ...) as well.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size < 256 ? size : 256);
	char name[257] = "file.py";
	const uint8_t *body = data;
	size_t len = size;
	struct eg_blob_result *r = NULL;
	const char *base;

	if (nl) {
		memcpy(name, data, (size_t)(nl - data));
		name[nl - data] = '\0';
		body = nl + 1;
		len = size - (size_t)(nl - data) - 1;
	}
	base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	eg_match_buffer(&r, matcher, eg_kind_from_name(name, strlen(name)),
			name, body, len);
	if (r) {
		memset(criteria, 0,
		       EG_BITSET_WORDS(set->ncriteria) * sizeof(eg_word));
		eg_match_criteria(set, r, base, criteria);
		eg_blob_result_free(r);
	}
	return 0;
}
