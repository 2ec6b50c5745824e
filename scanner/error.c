/* error.c: per-thread error messages and allocation that cannot fail. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "error.h"

static _Thread_local char last_message[1024];

int eg_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	return code;
}

const char *eg_error_git_message(void)
{
	const git_error *e = git_error_last();

	return e && e->message ? e->message : "unknown error";
}

int eg_error_set_git_code(int code, const char *what)
{
	return eg_error_set(code, "%s: %s", what, eg_error_git_message());
}

int eg_error_set_git(const char *what)
{
	return eg_error_set_git_code(EG_EGIT, what);
}

const char *eg_error_last(void)
{
	return last_message[0] ? last_message : "unknown error";
}

void eg_error_clear(void)
{
	last_message[0] = '\0';
}

static void *check(void *p)
{
	if (!p) {
		fputs("exportgate: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *eg_xmalloc(size_t size)
{
	return check(malloc(size ? size : 1));
}

void *eg_xcalloc(size_t nmemb, size_t size)
{
	return check(calloc(nmemb ? nmemb : 1, size ? size : 1));
}

void *eg_xrealloc(void *ptr, size_t size)
{
	return check(realloc(ptr, size ? size : 1));
}

char *eg_xstrdup(const char *s)
{
	return check(strdup(s));
}

char *eg_xstrndup(const char *s, size_t n)
{
	return check(strndup(s, n));
}

void eg_xgrow(void **ptr, size_t *alloc, size_t need, size_t size)
{
	size_t n = *alloc;

	if (need <= n)
		return;
	n = n < 8 ? 8 : n;
	while (n < need) {
		if (n > ((size_t)-1 / 2) / size)
			check(NULL);
		n *= 2;
	}
	*ptr = eg_xrealloc(*ptr, n * size);
	*alloc = n;
}
