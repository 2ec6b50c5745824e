/* updates.c: reading, strictly, the ref updates git hands a hook. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "error.h"
#include "updates.h"

int eg_updates_is_zero(const char *hex)
{
	return *hex && strspn(hex, "0") == strlen(hex);
}

static int is_oid(const char *s, size_t len)
{
	return (len == 40 || len == 64) && strspn(s, "0123456789abcdef") >= len;
}

static int is_refname(const char *s)
{
	int valid = 0;

	return git_reference_name_is_valid(&valid, s) == 0 && valid;
}

/* A field without spaces or control characters: a ref or an id. */
static int is_token(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

/* Split `line` at single spaces into exactly `n` fields. */
static int split(char **fields, size_t n, char *line)
{
	size_t i;

	for (i = 0; i < n; i++) {
		fields[i] = line;
		line = strchr(line, ' ');
		if (i + 1 < n) {
			if (!line)
				return -1;
			*line++ = '\0';
		}
	}
	return line ? -1 : 0;
}

static int parse_line(struct eg_update *u, char *line, int push)
{
	size_t nfields = push ? 4 : 3, i, len;
	const char *old, *new, *ref;
	char *f[4];

	if (split(f, nfields, line) < 0)
		return -1;
	for (i = 0; i < nfields; i++)
		if (!is_token(f[i]))
			return -1;
	/* "<old> <new> <ref>", or "<lref> <new> <ref> <old>" for pre-push. */
	old = push ? f[3] : f[0];
	new = f[1];
	ref = f[2];
	len = strlen(new);
	if (!is_oid(old, strlen(old)) || !is_oid(new, len) ||
	    strlen(old) != len || !is_refname(ref))
		return -1;
	memcpy(u->old_hex, old, len + 1);
	memcpy(u->new_hex, new, len + 1);
	u->deleted = eg_updates_is_zero(new);
	u->ref = eg_xstrdup(ref);
	u->local_ref = push ? eg_xstrdup(f[0]) : NULL;
	return 0;
}

static int read_lines(struct eg_updates *out, FILE *in, int push)
{
	char buf[EG_UPDATES_MAX_LINE + 2];
	size_t lineno = 0, len;

	while (fgets(buf, sizeof(buf), in)) {
		lineno++;
		len = strlen(buf);
		if (len && buf[len - 1] == '\n')
			buf[--len] = '\0';
		else if (!feof(in))
			return eg_error_set(EG_EUSAGE,
					    "input line %zu: longer than %d "
					    "bytes",
					    lineno, EG_UPDATES_MAX_LINE);
		if (out->n >= EG_UPDATES_MAX)
			return eg_error_set(EG_EUSAGE,
					    "more than %d ref updates in one "
					    "push",
					    EG_UPDATES_MAX);
		EG_GROW(out->items, out->alloc, out->n + 1);
		memset(&out->items[out->n], 0, sizeof(out->items[out->n]));
		if (parse_line(&out->items[out->n], buf, push) < 0)
			return eg_error_set(
				EG_EUSAGE, "input line %zu is not \"%s\"",
				lineno,
				push ? "<local ref> <local sha> <remote ref> "
				       "<remote sha>"
				     : "<old> <new> <ref>");
		out->n++;
	}
	if (ferror(in))
		return eg_error_set(EG_EIO, "cannot read the ref updates");
	return 0;
}

int eg_updates_read_receive(struct eg_updates *out, FILE *in)
{
	return read_lines(out, in, 0);
}

int eg_updates_read_push(struct eg_updates *out, FILE *in)
{
	return read_lines(out, in, 1);
}

void eg_updates_release(struct eg_updates *updates)
{
	size_t i;

	for (i = 0; i < updates->n; i++) {
		free(updates->items[i].ref);
		free(updates->items[i].local_ref);
	}
	free(updates->items);
	updates->items = NULL;
	updates->n = updates->alloc = 0;
}
