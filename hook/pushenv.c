/* pushenv.c: the pushing user and the push options, from the environment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "policy.h"
#include "pushenv.h"

static int printable(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || n >= max)
			return 0;
	return n > 0;
}

const char *eg_pushenv_user(void)
{
	static const char *const vars[] = {"GL_USERNAME", "GITHUB_USER_LOGIN",
					   "GITEA_PUSHER_NAME", "REMOTE_USER",
					   "USER"};
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && printable(v, 256))
			return v;
	}
	return NULL;
}

/* The value of "name=value" or a bare "name" (""), or NULL. */
static const char *option_value(const char *opt, const char *name)
{
	size_t len = strlen(name);

	if (strncmp(opt, name, len))
		return NULL;
	if (!opt[len])
		return "";
	return opt[len] == '=' ? opt + len + 1 : NULL;
}

int eg_pushenv_override(char **ticket, const char *option)
{
	const char *count = getenv("GIT_PUSH_OPTION_COUNT");
	char *end, var[64];
	long n, i;

	*ticket = NULL;
	if (!count)
		return 0;
	n = strtol(count, &end, 10);
	if (end == count || *end || n < 0 || n > EG_PUSHENV_MAX_OPTIONS)
		return eg_error_set(EG_EUSAGE,
				    "GIT_PUSH_OPTION_COUNT '%s' is not a count "
				    "of at most %d",
				    count, EG_PUSHENV_MAX_OPTIONS);
	for (i = 0; i < n; i++) {
		const char *opt, *value;

		snprintf(var, sizeof(var), "GIT_PUSH_OPTION_%ld", i);
		opt = getenv(var);
		if (!opt)
			return eg_error_set(EG_EUSAGE, "%s is missing", var);
		value = option_value(opt, option);
		if (!value)
			value = option_value(opt, EG_POLICY_DEFAULT_OVERRIDE);
		if (!value)
			continue;
		*ticket = eg_xstrdup(
			printable(value, EG_PUSHENV_MAX_TICKET) ? value : "");
		return 0;
	}
	return 0;
}
