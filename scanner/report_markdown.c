/* report_markdown.c: the report as a review for legal counsel, in Markdown. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "report.h"
#include "text.h"

/* Beyond this many hits per criterion the JSON report has the rest. */
#define MAX_EVIDENCE 20

#define CHECK_MARK "\xe2\x9c\x93" /* U+2713 */
#define CROSS_MARK "\xe2\x9c\x97" /* U+2717 */

static const char caveat[] =
	"A match is an indicator for people to classify, not a legal "
	"classification. exportgate finds software whose code shows the "
	"technical features that an export control entry describes; whether "
	"the software is controlled, and whether it may be published or sent "
	"abroad, is for qualified people to decide.";

static const char *const scope_words[] = {
	[EG_TARGET_ALL] = "every commit reachable from any ref",
	[EG_TARGET_REV] = "the commits of a revision range",
	[EG_TARGET_TREE] = "one snapshot",
	[EG_TARGET_WORKTREE] = "the working tree, committed or not",
	[EG_TARGET_DIR] = "a plain folder",
	[EG_TARGET_PUSH] = "the commits of a push",
};

/*
 * The code point of the UTF-8 sequence at s (at most `left` bytes) in *cp,
 * and its length; an invalid byte is U+FFFD of length 1.
 */
static size_t utf8_next(const unsigned char *s, size_t left, unsigned *cp)
{
	size_t n = eg_utf8_decode(s, left, cp);

	if (n)
		return n;
	*cp = 0xfffd;
	return 1;
}

static void put_cp(FILE *f, unsigned cp)
{
	unsigned char u[4];

	fwrite(u, 1, eg_utf8_put(u, cp), f);
}

/*
 * What a reader should see for a code point: control characters as their
 * Unicode control pictures (a newline in a file name shows as U+240A and
 * cannot break a table row), and C1 controls and the bidirectional
 * overrides that can make a name read as another (CVE-2021-42574) as
 * U+FFFD.
 */
static unsigned visible(unsigned cp)
{
	if (cp < 0x20)
		return 0x2400 + cp;
	if (cp == 0x7f)
		return 0x2421;
	if (eg_unicode_hides(cp))
		return 0xfffd;
	return cp;
}

/*
 * Plain text: characters with a meaning in (GitHub) Markdown are escaped,
 * line breaks and tabs become spaces, so text never starts a block and
 * never leaves its table cell.
 */
static void md_text(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t left = strlen((const char *)p), n;
	unsigned cp;

	while (left) {
		n = utf8_next(p, left, &cp);
		p += n, left -= n;
		if (cp == '\n' || cp == '\r' || cp == '\t') {
			fputc(' ', f);
			continue;
		}
		if (cp && cp < 0x80 && strchr("\\`*_[]<>|#~&$!", (int)cp))
			fputc('\\', f);
		put_cp(f, visible(cp));
	}
}

/* The longest run of backticks in s. */
static size_t backtick_run(const char *s)
{
	size_t run = 0, longest = 0;

	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	return longest;
}

/*
 * A code span: its fence is one backtick longer than any run inside, with
 * a space either side when the text starts or ends with a backtick or a
 * space.  In a table cell each '|' is written "\|" (GitHub's table parser
 * unescapes it even inside code).  Empty text prints nothing.
 */
static void md_code(FILE *f, const char *s, int in_table)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t left = strlen(s), fence = backtick_run(s) + 1, n, i;
	int pad;
	unsigned cp;

	if (!left)
		return;
	pad = s[0] == '`' || s[0] == ' ' || s[left - 1] == '`' ||
	      s[left - 1] == ' ';
	for (i = 0; i < fence; i++)
		fputc('`', f);
	if (pad)
		fputc(' ', f);
	while (left) {
		n = utf8_next(p, left, &cp);
		p += n, left -= n;
		if (cp == '|' && in_table)
			fputc('\\', f);
		put_cp(f, visible(cp));
	}
	if (pad)
		fputc(' ', f);
	for (i = 0; i < fence; i++)
		fputc('`', f);
}

static void utc_text(char *buf, size_t size, long long when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(buf, size, "%lld", when);
}

/* Now, or SOURCE_DATE_EPOCH for a reproducible report. */
static long long report_time(void)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	if (env && *env) {
		t = strtoll(env, &end, 10);
		if (!*end && t >= 0)
			return t;
	}
	return (long long)time(NULL);
}

static const char *level_title(enum eg_level level)
{
	return level == EG_LEVEL_CONTROLLED ? "controlled" : "review";
}

static void write_header(FILE *f, const struct eg_report *report,
			 const struct eg_output_opts *opts)
{
	const char *version = opts && opts->version ? opts->version : "unknown";
	char date[64];
	size_t i;

	utc_text(date, sizeof(date), report_time());
	fputs("# Export control review: ", f);
	md_code(f, report->target_path, 0);
	fputs("\n\n> **", f);
	fputs(caveat, f);
	fputs("**\n\n| | |\n|---|---|\n| Target | ", f);
	md_code(f, report->target_path, 1);
	fputs(" |\n| Scope | ", f);
	md_text(f, eg_target_scope_name(report->scope));
	fputs(": ", f);
	if ((size_t)report->scope < sizeof(scope_words) / sizeof(*scope_words))
		md_text(f, scope_words[report->scope]);
	fprintf(f, " |\n| Date | %s |\n| Tool | exportgate ", date);
	md_text(f, version);
	fputs(" |\n| Rule packs | ", f);
	for (i = 0; i < report->set->npacks; i++) {
		if (i)
			fputs(", ", f);
		md_text(f, report->set->packs[i].id);
		fputc(' ', f);
		md_text(f, report->set->packs[i].version);
	}
	fputs(" |\n\n", f);
}

static void write_summary(FILE *f, const struct eg_report *report)
{
	size_t controlled = eg_report_count(report, EG_LEVEL_CONTROLLED);
	size_t review = eg_report_count(report, EG_LEVEL_REVIEW);

	fputs("## Summary\n\n| Level | Findings | Meaning |\n|---|--:|---|\n",
	      f);
	fprintf(f,
		"| controlled | %zu | every criterion that makes the "
		"software controlled holds |\n",
		controlled);
	fprintf(f,
		"| review | %zu | some criteria hold: a person should "
		"look |\n\n",
		review);
	fprintf(f, "Scanned %llu commit%s, %llu blob%s, %llu byte%s.\n\n",
		report->commits, report->commits == 1 ? "" : "s", report->blobs,
		report->blobs == 1 ? "" : "s", report->bytes,
		report->bytes == 1 ? "" : "s");
	if (report->incomplete)
		fprintf(f,
			"**The scan is incomplete**: %zu item%s could not be "
			"scanned (see *Content not scanned*). Content that "
			"was not read may match a signature: the absence of "
			"findings does not clear it.\n\n",
			report->nunscanned, report->nunscanned == 1 ? "" : "s");
	else
		fputs("The scan is complete: every object in scope was "
		      "read.\n\n",
		      f);
	if (!report->nfindings)
		fputs("No signature matched at the review level or above.\n\n",
		      f);
}

static void write_evidence(FILE *f, const struct eg_finding *fd,
			   const struct eg_evidence *ev)
{
	const char *path = ev->path ? ev->path : "";
	const char *member = ev->member ? ev->member : "";
	size_t len = strlen(path) + strlen(member) + 24;
	char *where;

	/* a member of an archive as Java names one in a jar: a.whl!b/c.py */
	where = eg_xmalloc(len);
	if (ev->line)
		snprintf(where, len, "%s%s%s:%u", path, *member ? "!" : "",
			 member, ev->line);
	else
		snprintf(where, len, "%s%s%s", path, *member ? "!" : "",
			 member);
	md_code(f, where, 1);
	free(where);
	if (fd->commit[0])
		fprintf(f, " at `%.12s`", fd->commit);
	if (ev->excerpt && *ev->excerpt) {
		fputs(": ", f);
		md_code(f, ev->excerpt, 1);
	}
	if (eg_where_note(ev->where))
		fprintf(f, " *(%s)*", eg_where_note(ev->where));
}

static const struct eg_criterion_result *
criterion_result(const struct eg_finding *fd, const struct eg_criterion *c)
{
	size_t i;

	for (i = 0; i < fd->ncriteria; i++)
		if (fd->criteria[i].criterion == c)
			return &fd->criteria[i];
	return NULL;
}

static void write_criterion_row(FILE *f, const struct eg_finding *fd,
				const struct eg_criterion *c)
{
	const struct eg_criterion_result *cr = criterion_result(fd, c);
	size_t i, shown;

	fprintf(f, "| %s | ", cr && cr->met ? CHECK_MARK : CROSS_MARK);
	md_text(f, c->title);
	if (cr && cr->weak_only) {
		fputs(" *(", f);
		eg_report_print_not_counted(f, fd, cr);
		fputs(")*", f);
	}
	fputs(" (", f);
	md_code(f, c->id, 1);
	fputs(")", f);
	if (cr && cr->met && eg_criterion_counted(fd, cr)) {
		fputs(" *(", f);
		eg_report_print_held(f, cr);
		fputs(")*", f);
	}
	fputs(" | ", f);
	md_text(f, c->regulation ? c->regulation : "");
	fputs(" | ", f);
	shown = cr ? cr->nevidence : 0;
	if (shown > MAX_EVIDENCE)
		shown = MAX_EVIDENCE;
	for (i = 0; i < shown; i++) {
		if (i)
			fputs("<br>", f);
		write_evidence(f, fd, &cr->evidence[i]);
	}
	if (cr && cr->nevidence > shown)
		fprintf(f, "<br>and %zu more (see the JSON report)",
			cr->nevidence - shown);
	if (!shown)
		fputs("none", f);
	fputs(" |\n", f);
}

/*
 * Counter-evidence apart from the criteria: "not seen" is what a finding
 * expects, not an element missing.
 */
static void write_counter(FILE *f, const struct eg_report *report,
			  const struct eg_finding *fd)
{
	const struct eg_signature *sig = fd->sig;
	const struct eg_criterion *c;
	size_t i, n = 0;

	for (i = 0; i < sig->ncriteria; i++) {
		c = &report->set->criteria[sig->first_criterion + i];
		if (!c->counter)
			continue;
		if (!n++)
			fputs("Counter-evidence (what would show the software is "
			      "of another kind):\n\n"
			      "| Seen | Counter-evidence | Regulation | "
			      "Evidence |\n|:-:|---|---|---|\n",
			      f);
		write_criterion_row(f, fd, c);
	}
	if (n)
		fputs("\n", f);
}

static void write_status(FILE *f, const struct eg_signature *sig)
{
	md_text(f, eg_status_name(sig->status));
	if (sig->effective) {
		fputs(", effective ", f);
		md_text(f, sig->effective);
	}
	if (sig->expires) {
		fputs(", expires ", f);
		md_text(f, sig->expires);
	}
}

static void write_finding(FILE *f, const struct eg_report *report, size_t index,
			  const struct eg_finding *fd)
{
	const struct eg_signature *sig = fd->sig;
	size_t i;

	fprintf(f, "### %zu. ", index + 1);
	md_text(f, sig->id);
	fputs(": ", f);
	md_text(f, sig->title);
	fprintf(f, " (%s)\n\n", level_title(fd->level));
	fputs("- **ECCN:** ", f);
	md_text(f, sig->eccn);
	fprintf(f, "\n- **Level:** %s\n", level_title(fd->level));
	if (fd->path) {
		fputs("- **File:** ", f);
		md_code(f, fd->path, 0);
		fputc('\n', f);
	}
	if (fd->folder) {
		fputs("- **Folder:** ", f);
		md_code(f, fd->folder, 0);
		fputs(" (judged on its own: what is outside it, counter-evidence "
		      "included, does not count)\n",
		      f);
	}
	if (fd->commit[0]) {
		fprintf(f, "- **First commit:** `%s`", fd->commit);
		if (fd->author) {
			fputs(" by ", f);
			md_text(f, fd->author);
		}
		if (fd->time) {
			char date[64];

			utc_text(date, sizeof(date), fd->time);
			fprintf(f, ", %s", date);
		}
		fputc('\n', f);
	}
	if (fd->content[0])
		fprintf(f, "- **%s:** `%s`\n",
			sig->scope == EG_SIG_FILE ? "Blob" : "Tree",
			fd->content);
	fprintf(f, "- **Fingerprint:** `%s`\n", fd->fingerprint);
	fputs("- **Citation:** ", f);
	md_text(f, sig->citation ? sig->citation : "none given");
	fputs("\n- **Status:** ", f);
	write_status(f, sig);
	fputs("\n\n| Holds | Criterion | Regulation | Evidence |\n"
	      "|:-:|---|---|---|\n",
	      f);
	for (i = 0; i < sig->ncriteria; i++) {
		const struct eg_criterion *c =
			&report->set->criteria[sig->first_criterion + i];

		if (!c->counter)
			write_criterion_row(f, fd, c);
	}
	fputs("\n", f);
	write_counter(f, report, fd);
}

static void write_signatures(FILE *f, const struct eg_sigset *set)
{
	size_t i, j;

	fputs("## Signatures checked\n\n"
	      "| Signature | ECCN | Citation | Status | Permitted | Pack |\n"
	      "|---|---|---|---|---|---|\n",
	      f);
	for (i = 0; i < set->nsigs; i++) {
		const struct eg_signature *sig = &set->sigs[i];

		fputs("| ", f);
		md_code(f, sig->id, 1);
		fputc(' ', f);
		md_text(f, sig->title);
		fputs(" | ", f);
		md_text(f, sig->eccn);
		fputs(" | ", f);
		md_text(f, sig->citation);
		fputs(" | ", f);
		write_status(f, sig);
		fputs(" | ", f);
		for (j = 0; j < sig->npermitted; j++) {
			if (j)
				fputs(", ", f);
			md_text(f, sig->permitted[j]);
		}
		fputs(" | ", f);
		if (sig->pack < set->npacks)
			md_text(f, set->packs[sig->pack].id);
		fputs(" |\n", f);
	}
	fputs("\n", f);
}

static void write_packs(FILE *f, const struct eg_sigset *set)
{
	size_t i;

	fputs("## Rule packs\n\n| Pack | Version | Source | SHA-256 |\n"
	      "|---|---|---|---|\n",
	      f);
	for (i = 0; i < set->npacks; i++) {
		const struct eg_pack *p = &set->packs[i];

		fputs("| ", f);
		md_text(f, p->id);
		if (p->title) {
			fputs(": ", f);
			md_text(f, p->title);
		}
		fputs(" | ", f);
		md_text(f, p->version);
		fputs(" | ", f);
		md_code(f, p->source ? p->source : "", 1);
		fprintf(f, " | `%s` |\n", p->sha256);
	}
	fprintf(f, "\nSHA-256 of the whole set: `%s`\n\n", set->sha256);
}

static void write_unscanned(FILE *f, const struct eg_report *report)
{
	size_t i;

	fputs("## Content not scanned\n\n", f);
	if (!report->nunscanned) {
		fputs("None.\n\n", f);
		return;
	}
	fputs("| Path | Blob | Reason |\n|---|---|---|\n", f);
	for (i = 0; i < report->nunscanned; i++) {
		const struct eg_unscanned *u = &report->unscanned[i];

		fputs("| ", f);
		md_code(f, u->path ? u->path : "", 1);
		fputs(" | ", f);
		md_code(f, u->blob, 1);
		fputs(" | ", f);
		md_text(f, u->reason);
		fputs(" |\n", f);
	}
	fputs("\n", f);
}

int eg_report_write_markdown(const struct eg_report *report, FILE *out,
			     const struct eg_output_opts *opts)
{
	size_t i;

	assert(report && report->set && out);
	write_header(out, report, opts);
	write_summary(out, report);
	if (report->nfindings)
		fputs("## Findings\n\n", out);
	for (i = 0; i < report->nfindings; i++)
		write_finding(out, report, i, &report->findings[i]);
	write_signatures(out, report->set);
	write_packs(out, report->set);
	write_unscanned(out, report);
	fprintf(out, "## Caveat\n\n%s\n", caveat);
	if (fflush(out) != 0 || ferror(out))
		return eg_error_set(EG_EIO, "cannot write the Markdown report");
	return 0;
}
