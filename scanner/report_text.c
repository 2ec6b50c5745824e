/* report_text.c: the report for people on a terminal, in 80 columns. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "progress.h"
#include "report.h"
#include "text.h"

#define WIDTH		    80
#define MAX_UNSCANNED_SHOWN 20
#define LEVEL_INDENT	    14 /* "  CONTROLLED  " */

struct style {
	const char *bold, *red, *yellow, *green, *dim, *reset;
};

static const struct style plain = {"", "", "", "", "", ""};
static const struct style ansi = {"\033[1m",  "\033[31m", "\033[33m",
				  "\033[32m", "\033[2m",  "\033[0m"};

/* Columns that n bytes of valid UTF-8 take, one per code point. */
static size_t columns(const char *s, size_t n)
{
	size_t i, cols = 0;

	for (i = 0; i < n && s[i]; i++)
		cols += ((unsigned char)s[i] & 0xc0) != 0x80;
	return cols;
}

static void print_safe(FILE *out, const char *s)
{
	char *u = eg_utf8_shown_dup(s ? s : "");

	fputs(u, out);
	free(u);
}

/* Print s made safe, in at most `max` columns (>= 1), "…" where it is cut. */
static void print_clipped(FILE *out, const char *s, size_t max)
{
	char *u = eg_utf8_shown_dup(s ? s : "");
	size_t i, cols = 0;

	if (columns(u, strlen(u)) > max) {
		for (i = 0; u[i]; i++) {
			if (((unsigned char)u[i] & 0xc0) == 0x80)
				continue;
			if (cols++ == max - 1)
				break;
		}
		u[i] = '\0';
		fputs(u, out);
		fputs("\u2026", out);
	} else {
		fputs(u, out);
	}
	free(u);
}

/*
 * Print s made safe, starting at column `col`, breaking between words so
 * that lines end before WIDTH; each further line starts with `indent`
 * spaces.  A word longer than a line is kept whole.  Ends the line.
 */
static void print_wrapped(FILE *out, const char *s, size_t col, size_t indent)
{
	char *u = eg_utf8_shown_dup(s ? s : "");
	const char *p = u;
	int line_empty = 1;

	while (*p) {
		size_t len, w;

		if (*p == ' ') {
			p++;
			continue;
		}
		len = strcspn(p, " ");
		w = columns(p, len);
		if (!line_empty && col + 1 + w > WIDTH) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
			line_empty = 1;
		}
		if (!line_empty) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, len, out);
		col += w;
		line_empty = 0;
		p += len;
	}
	fputc('\n', out);
	free(u);
}

/*
 * The target as the user would name it from here: relative when it is the
 * current folder or below it, else absolute.  The caller frees it.
 */
static char *target_display(const char *target)
{
	char *cwd = getcwd(NULL, 0), *real = realpath(target, NULL), *out;
	const char *t = real ? real : target;
	size_t n = cwd ? strlen(cwd) : 0, len;

	if (cwd && !strcmp(t, cwd))
		out = eg_xstrdup(".");
	else if (cwd && n > 1 && !strncmp(t, cwd, n) && t[n] == '/')
		out = eg_xstrdup(t + n + 1);
	else if (cwd && n == 1 && t[0] == '/' && t[1])
		out = eg_xstrdup(t + 1);
	else
		out = eg_xstrdup(t);
	len = strlen(out);
	while (len > 1 && out[len - 1] == '/')
		out[--len] = '\0';
	free(real);
	free(cwd);
	return out;
}

static const char *scope_words(enum eg_target_scope scope)
{
	switch (scope) {
	case EG_TARGET_ALL:
		return "every commit of every ref";
	case EG_TARGET_REV:
		return "the commits of a revision range";
	case EG_TARGET_TREE:
		return "one snapshot";
	case EG_TARGET_WORKTREE:
		return "the work tree as it is";
	case EG_TARGET_DIR:
		return "a plain folder";
	case EG_TARGET_PUSH:
		return "what a push brings in";
	}
	return "?";
}

static const char *plural(unsigned long long n, const char *one,
			  const char *many)
{
	return n == 1 ? one : many;
}

static int has_history(const struct eg_report *r)
{
	return r->scope != EG_TARGET_DIR && r->scope != EG_TARGET_WORKTREE;
}

static void print_header(FILE *out, const struct eg_report *r,
			 const struct style *st)
{
	char *target = target_display(r->target_path);

	fprintf(out, "%sScanned%s ", st->bold, st->reset);
	print_safe(out, target);
	fprintf(out, ": %s\n\n", scope_words(r->scope));
	free(target);
}

static void print_signature_heading(FILE *out, const struct eg_report *r,
				    size_t first, size_t n,
				    const struct style *st)
{
	const struct eg_signature *sig = r->findings[first].sig;

	fputs(st->bold, out);
	print_safe(out, sig->id);
	fprintf(out, "%s (ECCN %s, %s): %zu %s\n  ", st->reset,
		sig->eccn ? sig->eccn : "-", eg_status_name(sig->status), n,
		plural(n, "finding", "findings"));
	print_wrapped(out, sig->title, 2, 2);
}

/* Start the next line of a finding's origin, beside or under its level. */
static void origin_line(FILE *out, int *first)
{
	if (*first)
		fputs("  ", out);
	else
		fprintf(out, "\n%*s", LEVEL_INDENT, "");
	*first = 0;
}

/* Its file, "first commit <id>" and "by <author> on <date>". */
static void print_origin(FILE *out, const struct eg_report *r,
			 const struct eg_finding *f)
{
	char date[32] = "";
	time_t t = (time_t)f->time;
	struct tm tm;
	int first = 1;

	if (f->path) {
		origin_line(out, &first);
		fputs("file ", out);
		print_clipped(out, f->path, WIDTH - LEVEL_INDENT - 5);
	}
	if (f->folder) {
		origin_line(out, &first);
		fputs("folder ", out);
		print_clipped(out, f->folder, WIDTH - LEVEL_INDENT - 7);
	}
	if (f->commit[0] && has_history(r)) {
		origin_line(out, &first);
		/* one snapshot: its commit is the only one, not the first */
		fprintf(out, "%s %s",
			r->scope == EG_TARGET_TREE ? "commit" : "first commit",
			f->commit);
		if (f->time && gmtime_r(&t, &tm))
			strftime(date, sizeof(date), "%Y-%m-%d", &tm);
		if (f->author || date[0])
			origin_line(out, &first);
		if (f->author) {
			fputs("by ", out);
			print_safe(out, f->author);
		}
		if (date[0])
			fprintf(out, "%son %s", f->author ? " " : "", date);
	}
	fputc('\n', out);
}

static void print_evidence(FILE *out, const struct eg_evidence *e,
			   const struct style *st)
{
	char *path = eg_utf8_shown_dup(e->path ? e->path : "");
	char *member = e->member ? eg_utf8_shown_dup(e->member) : NULL;
	const char *mark = eg_where_name(e->where);
	char where[64];
	size_t used;

	snprintf(where, sizeof(where), ":%u%s%s%s", e->line, mark ? " (" : "",
		 mark ? mark : "", mark ? ")" : "");
	/* a member of an archive as Java names one in a jar: a.whl!b/c.py */
	fprintf(out, "      %s%s%s%s", path, member ? "!" : "",
		member ? member : "", where);
	used = 6 + columns(path, strlen(path)) + strlen(where) + 2;
	if (member)
		used += 1 + columns(member, strlen(member));
	if (e->excerpt && *e->excerpt) {
		fprintf(out, "  %s", st->dim);
		/* A long path still gets a glimpse of its line. */
		print_clipped(out, e->excerpt,
			      used < WIDTH - 24 ? WIDTH - used : 24);
		fputs(st->reset, out);
	}
	fputc('\n', out);
	free(path);
	free(member);
}

/*
 * In how many files a criterion holds, or that it holds only in weak files
 * or installed packages.
 */
static void print_files(FILE *out, const struct eg_finding *f,
			const struct eg_criterion_result *c,
			const struct style *st)
{
	if (c->weak_only) {
		fprintf(out, "      %s", st->dim);
		eg_report_print_not_counted(out, f, c);
		fprintf(out, "%s\n", st->reset);
	}
	if (!c->met || !eg_criterion_counted(f, c))
		return;
	fprintf(out, "      %s", st->dim);
	eg_report_print_held(out, c);
	fprintf(out, "%s\n", st->reset);
}

/*
 * Counter-evidence, after the criteria: not seen is what a finding
 * expects, so it is not a criterion missing.
 */
static void print_counter(FILE *out, const struct eg_finding *f,
			  const struct style *st)
{
	size_t i, k;

	for (i = 0; i < f->ncriteria; i++) {
		const struct eg_criterion_result *c = &f->criteria[i];

		if (!c->criterion->counter)
			continue;
		fprintf(out, "  %s%s counter-evidence%s ",
			c->met ? st->yellow : st->dim, c->met ? "!" : "\u00b7",
			st->reset);
		print_safe(out, c->criterion->id);
		fprintf(out, ": %s\n", c->met ? "seen" : "not seen");
		for (k = 0; k < c->nevidence; k++)
			print_evidence(out, &c->evidence[k], st);
	}
}

static void print_finding(FILE *out, const struct eg_report *r,
			  const struct eg_finding *f, const struct style *st)
{
	int controlled = f->level == EG_LEVEL_CONTROLLED;
	size_t i, k;

	fprintf(out, "\n  %s%s%-10s%s", st->bold,
		controlled ? st->red : st->yellow,
		controlled ? "CONTROLLED" : "REVIEW", st->reset);
	print_origin(out, r, f);
	for (i = 0; i < f->ncriteria; i++) {
		const struct eg_criterion_result *c = &f->criteria[i];

		if (c->criterion->counter)
			continue;
		fprintf(out, "  %s%s%s ", c->met ? st->green : st->dim,
			c->met ? "\u2713" : "\u2717", st->reset);
		print_safe(out, c->criterion->id);
		fputs(": ", out);
		print_wrapped(
			out, c->criterion->title,
			6 + columns(c->criterion->id, strlen(c->criterion->id)),
			6);
		print_files(out, f, c, st);
		for (k = 0; k < c->nevidence; k++)
			print_evidence(out, &c->evidence[k], st);
	}
	print_counter(out, f, st);
	fprintf(out, "  %sfingerprint %s%s\n", st->dim, f->fingerprint,
		st->reset);
}

static void print_unscanned(FILE *out, const struct eg_report *r,
			    const struct style *st)
{
	size_t i;

	fprintf(out, "\n%sNot scanned%s (%zu):\n", st->bold, st->reset,
		r->nunscanned);
	for (i = 0; i < r->nunscanned && i < MAX_UNSCANNED_SHOWN; i++) {
		const struct eg_unscanned *u = &r->unscanned[i];
		const char *path = u->path && *u->path ? u->path : "(top)";

		fputs("  ", out);
		print_safe(out, path);
		fputs(": ", out);
		print_wrapped(out, u->reason, 4 + columns(path, strlen(path)),
			      6);
		if (u->blob[0])
			fprintf(out, "      %sobject %s%s\n", st->dim, u->blob,
				st->reset);
	}
	if (r->nunscanned > MAX_UNSCANNED_SHOWN)
		fprintf(out, "  ... and %zu more (see --format json)\n",
			r->nunscanned - MAX_UNSCANNED_SHOWN);
}

static void print_summary(FILE *out, const struct eg_report *r,
			  const struct style *st)
{
	size_t controlled = eg_report_count(r, EG_LEVEL_CONTROLLED);
	size_t review = eg_report_count(r, EG_LEVEL_REVIEW);
	const char *color = controlled	    ? st->red
			    : review	    ? st->yellow
			    : r->incomplete ? st->yellow
					    : st->green;
	char size[32];

	eg_progress_format_size(size, sizeof(size), r->bytes);
	fprintf(out, "%s%s", st->bold, color);
	if (r->nfindings)
		fprintf(out, "%zu controlled, %zu review", controlled, review);
	else
		fputs("No findings", out);
	fputs(st->reset, out);
	fputs("; ", out);
	if (has_history(r) || r->commits)
		fprintf(out, "%llu %s, ", r->commits,
			plural(r->commits, "commit", "commits"));
	fprintf(out, "%llu %s (%s) scanned", r->blobs,
		has_history(r) ? plural(r->blobs, "blob", "blobs")
			       : plural(r->blobs, "file", "files"),
		size);
	if (r->incomplete)
		fprintf(out, "; %sINCOMPLETE%s, %zu not scanned", st->bold,
			st->reset, r->nunscanned);
	fputc('\n', out);
}

int eg_report_write_text(const struct eg_report *r, FILE *out,
			 const struct eg_output_opts *opts)
{
	const struct style *st = opts->color ? &ansi : &plain;
	size_t i, j;

	print_header(out, r, st);
	/* Findings come sorted by signature: one heading for each run. */
	for (i = 0; i < r->nfindings; i = j) {
		for (j = i + 1; j < r->nfindings &&
				r->findings[j].sig == r->findings[i].sig;
		     j++)
			;
		print_signature_heading(out, r, i, j - i, st);
		for (; i < j; i++)
			print_finding(out, r, &r->findings[i], st);
		fputc('\n', out);
	}
	if (r->nfindings)
		fputs("A match is an indicator for people to classify, not a "
		      "legal classification.\n",
		      out);
	if (r->nunscanned)
		print_unscanned(out, r, st);
	print_summary(out, r, st);
	return ferror(out) ? eg_error_set(EG_EIO, "cannot write the report")
			   : 0;
}
