/* fuzz_policy.c: libFuzzer target for the gate's policy parser. */
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A policy that parses is also asked the questions the gate asks of it. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eg_policy *p = NULL;

	if (eg_policy_parse(&p, "/etc/exportgate/fuzz.yml", (const char *)data,
			    size) == 0) {
		(void)eg_policy_jurisdiction(
			p, "ssh://git@mirror.example.de/a.git");
		(void)eg_policy_jurisdiction(p,
					     "https://u:pw@git.example.ca/x");
		(void)eg_policy_signature(p, "0D521.1");
		eg_policy_free(p);
	}
	eg_error_clear();
	return 0;
}
