/* rmarkdown.c: the code chunks of an R Markdown document. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "rmarkdown.h"

int eg_rmarkdown_named(const char *name)
{
	size_t len = strlen(name);

	return len > 4 && !strcasecmp(name + len - 4, ".Rmd");
}

/* After a fence's backticks: whether its info string names a language. */
static int opens_code(const unsigned char *p, const unsigned char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p < end && (*p == '{' || isalpha(*p));
}

char *eg_rmarkdown_code(const unsigned char *buf, size_t len)
{
	char *out = eg_xmalloc(len + 1);
	const unsigned char *line = buf, *end = buf + len;
	enum { PROSE, CODE, OUTPUT } state = PROSE;

	while (line < end) {
		const unsigned char *nl =
			memchr(line, '\n', (size_t)(end - line));
		const unsigned char *stop = nl ? nl : end, *p = line;
		size_t at = (size_t)(line - buf), n = (size_t)(stop - line);
		int fence;

		while (p < stop && p - line < 4 && (*p == ' ' || *p == '\t'))
			p++;
		fence = stop - p >= 3 && !memcmp(p, "```", 3);
		if (state == CODE && !fence)
			memcpy(out + at, line, n);
		else
			memset(out + at, ' ', n);
		if (fence)
			state = state != PROSE		  ? PROSE
				: opens_code(p + 3, stop) ? CODE
							  : OUTPUT;
		if (nl)
			out[at + n] = '\n';
		line = nl ? nl + 1 : end;
	}
	out[len] = '\0';
	return out;
}
