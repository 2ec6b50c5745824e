/* report_text.c: the report for people on a terminal. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "report.h"
#include "text.h"

struct style {
	const char *bold, *red, *yellow, *green, *dim, *reset;
};

static const struct style plain = {"", "", "", "", "", ""};
static const struct style ansi = {"\033[1m", "\033[31m", "\033[33m",
				  "\033[32m", "\033[2m", "\033[0m"};

static void print_safe(FILE *out, const char *s)
{
	char *u = eg_utf8_dup(s ? s : "");

	fputs(u, out);
	free(u);
}

static void print_finding(FILE *out, const struct eg_report *r,
			  const struct eg_finding *f, const struct style *st)
{
	size_t i;
	const char *color = f->level == EG_LEVEL_CONTROLLED ? st->red
							    : st->yellow;

	fprintf(out, "%s%s%s%s  %s (ECCN %s, %s)\n", st->bold, color,
		f->level == EG_LEVEL_CONTROLLED ? "CONTROLLED" : "REVIEW",
		st->reset, f->sig->id, f->sig->eccn ? f->sig->eccn : "-",
		eg_status_name(f->sig->status));
	fprintf(out, "  ");
	print_safe(out, f->sig->title);
	fputc('\n', out);
	if (f->commit[0] && r->scope != EG_TARGET_DIR &&
	    r->scope != EG_TARGET_WORKTREE) {
		char date[32] = "";
		time_t t = (time_t)f->time;

		if (f->time)
			strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&t));
		fprintf(out, "  first commit %s", f->commit);
		if (f->author) {
			fputs(" by ", out);
			print_safe(out, f->author);
		}
		if (date[0])
			fprintf(out, " on %s", date);
		fputc('\n', out);
	}
	if (f->path) {
		fputs("  file ", out);
		print_safe(out, f->path);
		fputc('\n', out);
	}
	for (i = 0; i < f->ncriteria; i++) {
		const struct eg_criterion_result *c = &f->criteria[i];
		size_t k;

		fprintf(out, "  %s%s%s %s: ", c->met ? st->green : st->dim,
			c->met ? "\u2713" : "\u2717", st->reset,
			c->criterion->id);
		print_safe(out, c->criterion->title ? c->criterion->title : "");
		fputc('\n', out);
		for (k = 0; k < c->nevidence; k++) {
			const struct eg_evidence *e = &c->evidence[k];

			fputs("      ", out);
			print_safe(out, e->path);
			fprintf(out, ":%u%s  ", e->line, e->weak ? " (weak)" : "");
			fputs(st->dim, out);
			print_safe(out, e->excerpt);
			fputs(st->reset, out);
			fputc('\n', out);
		}
	}
	fprintf(out, "  fingerprint %s\n\n", f->fingerprint);
}

int eg_report_write_text(const struct eg_report *r, FILE *out,
			 const struct eg_output_opts *opts)
{
	const struct style *st = opts->color ? &ansi : &plain;
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		print_finding(out, r, &r->findings[i], st);
	if (r->nunscanned) {
		fprintf(out, "%sNot scanned%s (%zu):\n", st->bold, st->reset,
			r->nunscanned);
		for (i = 0; i < r->nunscanned && i < 20; i++) {
			fputs("  ", out);
			print_safe(out, r->unscanned[i].path);
			fprintf(out, " %s: ", r->unscanned[i].blob);
			print_safe(out, r->unscanned[i].reason);
			fputc('\n', out);
		}
		if (r->nunscanned > 20)
			fprintf(out, "  ... and %zu more (see --format json)\n",
				r->nunscanned - 20);
	}
	fprintf(out,
		"%zu controlled, %zu review; %llu commits, %llu blobs, %llu bytes scanned%s\n",
		eg_report_count(r, EG_LEVEL_CONTROLLED),
		eg_report_count(r, EG_LEVEL_REVIEW), r->commits, r->blobs,
		r->bytes, r->incomplete ? "; INCOMPLETE" : "");
	if (r->nfindings)
		fputs("A match is an indicator for people to classify, not a "
		      "legal classification.\n",
		      out);
	return ferror(out) ? eg_error_set(EG_EIO, "cannot write the report")
			   : 0;
}
