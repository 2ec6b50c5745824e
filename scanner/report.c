/* report.c: the findings of a scan, their order and fingerprints. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "error.h"
#include "report.h"

struct eg_report *eg_report_new(const struct eg_sigset *set,
				const char *target_path,
				enum eg_target_scope scope)
{
	struct eg_report *r = eg_xcalloc(1, sizeof(*r));

	r->set = set;
	r->target_path = eg_xstrdup(target_path ? target_path : ".");
	r->scope = scope;
	return r;
}

static void finding_release(struct eg_finding *f)
{
	size_t i, j;

	for (i = 0; i < f->ncriteria; i++) {
		struct eg_criterion_result *c = &f->criteria[i];

		for (j = 0; j < c->nevidence; j++) {
			free(c->evidence[j].path);
			free(c->evidence[j].member);
			free(c->evidence[j].excerpt);
			free(c->evidence[j].pattern);
		}
		free(c->evidence);
	}
	free(f->criteria);
	free(f->path);
	free(f->folder);
	free(f->also);
	free(f->author);
}

void eg_report_free(struct eg_report *report)
{
	size_t i;

	if (!report)
		return;
	for (i = 0; i < report->nfindings; i++)
		finding_release(&report->findings[i]);
	for (i = 0; i < report->nunscanned; i++) {
		free(report->unscanned[i].path);
		free(report->unscanned[i].reason);
	}
	free(report->findings);
	free(report->unscanned);
	free(report->target_path);
	free(report);
}

void eg_report_add_unscanned(struct eg_report *report, const char *path,
			     const char *blob, const char *reason)
{
	struct eg_unscanned *u;

	EG_GROW(report->unscanned, report->unscanned_alloc,
		report->nunscanned + 1);
	u = &report->unscanned[report->nunscanned++];
	u->path = eg_xstrdup(path ? path : "");
	snprintf(u->blob, sizeof(u->blob), "%s", blob ? blob : "");
	u->reason = eg_xstrdup(reason);
	report->incomplete = 1;
}

struct eg_finding *eg_report_add_finding(struct eg_report *report,
					 const struct eg_signature *sig,
					 enum eg_level level)
{
	struct eg_finding *f;

	EG_GROW(report->findings, report->findings_alloc,
		report->nfindings + 1);
	f = &report->findings[report->nfindings++];
	memset(f, 0, sizeof(*f));
	f->sig = sig;
	f->level = level;
	return f;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Keyed by signature, level and content (the blob, or the set of evidence
 * blobs), not by line numbers: unrelated edits do not change it.
 */
static void fingerprint(struct eg_finding *f)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const char **blobs = NULL;
	size_t n = 0, alloc = 0, i, j;
	unsigned char md[32];
	unsigned len;
	const char *level = eg_level_name(f->level);

	if (!ctx)
		abort();
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	EVP_DigestUpdate(ctx, f->sig->id, strlen(f->sig->id) + 1);
	EVP_DigestUpdate(ctx, level, strlen(level) + 1);
	if (f->sig->scope == EG_SIG_FILE) {
		EVP_DigestUpdate(ctx, f->content, strlen(f->content));
	} else {
		if (f->folder)
			EVP_DigestUpdate(ctx, f->folder, strlen(f->folder) + 1);
		for (i = 0; i < f->ncriteria; i++)
			for (j = 0; j < f->criteria[i].nevidence; j++) {
				EG_GROW(blobs, alloc, n + 1);
				blobs[n++] = f->criteria[i].evidence[j].blob;
			}
		if (n)
			qsort(blobs, n, sizeof(*blobs), cmp_str);
		for (i = 0; i < n; i++)
			if (!i || strcmp(blobs[i], blobs[i - 1]))
				EVP_DigestUpdate(ctx, blobs[i],
						 strlen(blobs[i]) + 1);
		free(blobs);
	}
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	for (i = 0; i < 32; i++)
		sprintf(f->fingerprint + 2 * i, "%02x", md[i]);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct eg_finding *a = pa, *b = pb;
	int c = strcmp(a->sig->id, b->sig->id);

	if (c)
		return c;
	if (a->level != b->level)
		return a->level > b->level ? -1 : 1;
	c = strcmp(a->path ? a->path : "", b->path ? b->path : "");
	if (c)
		return c;
	return strcmp(a->fingerprint, b->fingerprint);
}

static int cmp_unscanned(const void *pa, const void *pb)
{
	const struct eg_unscanned *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	if (!c)
		c = strcmp(a->blob, b->blob);
	return c ? c : strcmp(a->reason, b->reason);
}

void eg_report_finish(struct eg_report *report)
{
	size_t i;

	if (report->nunscanned)
		qsort(report->unscanned, report->nunscanned,
		      sizeof(*report->unscanned), cmp_unscanned);

	for (i = 0; i < report->nfindings; i++)
		fingerprint(&report->findings[i]);
	if (report->nfindings)
		qsort(report->findings, report->nfindings,
		      sizeof(*report->findings), cmp_finding);
}

size_t eg_report_count(const struct eg_report *report, enum eg_level level)
{
	size_t i, n = 0;

	for (i = 0; i < report->nfindings; i++)
		n += report->findings[i].level == level;
	return n;
}

int eg_criterion_counted(const struct eg_finding *f,
			 const struct eg_criterion_result *c)
{
	return f->sig->scope == EG_SIG_REPOSITORY &&
	       (c->files || c->weak_files || c->installed_files);
}

/* "2 vendored, docs or test files and 1 installed file" */
static void print_elsewhere(FILE *out, const struct eg_criterion_result *c)
{
	if (c->weak_files)
		fprintf(out, "%zu vendored, docs or test %s", c->weak_files,
			c->weak_files == 1 ? "file" : "files");
	if (c->weak_files && c->installed_files)
		fputs(" and ", out);
	if (c->installed_files)
		fprintf(out, "%zu installed %s", c->installed_files,
			c->installed_files == 1 ? "file" : "files");
}

void eg_report_print_held(FILE *out, const struct eg_criterion_result *c)
{
	fprintf(out, "holds in %zu %s", c->files,
		c->files == 1 ? "file" : "files");
	if (c->weak_files || c->installed_files) {
		fputs(", and ", out);
		print_elsewhere(out, c);
	}
}

void eg_report_print_not_counted(FILE *out, const struct eg_finding *f,
				 const struct eg_criterion_result *c)
{
	fputs("only in ", out);
	if (eg_criterion_counted(f, c))
		print_elsewhere(out, c);
	else
		fputs("vendored, docs or test files", out);
	fputs(": not counted", out);
}

/* By enum eg_where: product code carries no mark. */
static const struct {
	const char *name, *note;
} where_marks[EG_CRITERIA_SETS] = {
	[EG_IN_WEAK] = {"weak", "weak: vendored, minified, docs or test file"},
	[EG_IN_INSTALLED] = {"installed",
			     "installed package: another project's code"},
};

const char *eg_where_name(enum eg_where where)
{
	return where < EG_CRITERIA_SETS ? where_marks[where].name : NULL;
}

const char *eg_where_note(enum eg_where where)
{
	return where < EG_CRITERIA_SETS ? where_marks[where].note : NULL;
}

enum eg_level eg_report_max_level(const struct eg_report *report)
{
	enum eg_level max = EG_LEVEL_NONE;
	size_t i;

	for (i = 0; i < report->nfindings; i++)
		if (report->findings[i].level > max)
			max = report->findings[i].level;
	return max;
}

int eg_report_apply_baseline(struct eg_report *report, const char *path)
{
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr), *findings, *f;
	size_t i, j, kept = 0;

	if (!root)
		return eg_error_set(EG_ECONFIG,
				    "%s:%d:%d: not a JSON report: %s", path,
				    jerr.line, jerr.column, jerr.text);
	findings = json_object_get(root, "findings");
	if (!json_is_array(findings)) {
		json_decref(root);
		return eg_error_set(
			EG_ECONFIG,
			"%s: not an exportgate JSON report (no findings list)",
			path);
	}
	for (i = 0; i < report->nfindings; i++) {
		int known = 0;

		json_array_foreach(findings, j, f)
		{
			const char *fp = json_string_value(
				json_object_get(f, "fingerprint"));

			if (fp && !strcmp(fp, report->findings[i].fingerprint))
				known = 1;
		}
		if (known)
			finding_release(&report->findings[i]);
		else
			report->findings[kept++] = report->findings[i];
	}
	report->nfindings = kept;
	json_decref(root);
	return 0;
}

const char *eg_target_scope_name(enum eg_target_scope scope)
{
	static const char *const names[] = {"all",	"rev", "tree",
					    "worktree", "dir", "push"};

	return names[scope];
}
