/* report_sarif.c: the report as SARIF 2.1.0, for code scanning dashboards. */
#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "error.h"
#include "report.h"
#include "text.h"

#define SARIF_SCHEMA                                                          \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/" \
	"sarif-schema-2.1.0.json"
#define FINGERPRINT_KEY "exportgate/v1"

#ifndef EG_INFORMATION_URI
#define EG_INFORMATION_URI "https://github.com/exportgate/exportgate"
#endif

static const char caveat[] = "A match is an indicator for people to "
			     "classify, not a legal classification.";

/*
 * jansson fails only when memory runs out (every string it gets here has
 * been made valid UTF-8 first), so, as with eg_xmalloc(), that aborts.
 */
static json_t *must(json_t *value)
{
	if (!value) {
		fputs("exportgate: out of memory\n", stderr);
		abort();
	}
	return value;
}

/* Optional metadata reads as empty text. */
static const char *nz(const char *s)
{
	return s ? s : "";
}

static void put(json_t *object, const char *key, json_t *value)
{
	if (json_object_set_new(object, key, must(value)) < 0)
		must(NULL);
}

static void append(json_t *array, json_t *value)
{
	if (json_array_append_new(array, must(value)) < 0)
		must(NULL);
}

/* s as a JSON string, each byte that is not valid UTF-8 made U+FFFD. */
static json_t *jstr(const char *s)
{
	char *u = eg_utf8_dup(s ? s : "");
	json_t *value = must(json_string(u));

	free(u);
	return value;
}

/* A SARIF message object around a JSON string; takes the reference. */
static json_t *message_of(json_t *text)
{
	json_t *m = must(json_object());

	put(m, "text", text);
	return m;
}

static json_t *jmessage(const char *text)
{
	return message_of(jstr(text));
}

/*
 * A path as a relative URI reference: every byte but RFC 3986 unreserved
 * characters and '/' is percent-encoded, so spaces, '%', ':' (which would
 * read as a scheme), '#', '?', control characters and non-ASCII bytes
 * (valid UTF-8 or not) all survive.  The caller frees the result.
 */
static char *uri_escape(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)path;
	char *out = eg_xmalloc(strlen(path) * 3 + 1), *o = out;

	for (; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/* Text built with a memstream; the caller frees *buf. */
struct text {
	FILE *f;
	char *buf;
	size_t len;
};

static void text_open(struct text *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	if (!t->f)
		must(NULL);
}

/* Close the stream and hand back its text as a JSON string. */
static json_t *text_close(struct text *t)
{
	json_t *value;

	if (fclose(t->f) != 0)
		must(NULL);
	value = jstr(t->buf);
	free(t->buf);
	return value;
}

static void status_text(FILE *f, const struct eg_signature *sig)
{
	fputs(eg_status_name(sig->status), f);
	if (sig->effective)
		fprintf(f, ", effective %s", sig->effective);
	if (sig->expires)
		fprintf(f, ", expires %s", sig->expires);
}

static json_t *rule_help(const struct eg_sigset *set,
			 const struct eg_signature *sig)
{
	struct text t;
	size_t i;

	text_open(&t);
	fprintf(t.f, "%s (ECCN %s)\n\n", nz(sig->title), nz(sig->eccn));
	fprintf(t.f, "Citation: %s\n", sig->citation ? sig->citation : "none");
	fputs("Status: ", t.f);
	status_text(t.f, sig);
	fputs("\nPermitted by default:", t.f);
	for (i = 0; i < sig->npermitted; i++)
		fprintf(t.f, "%s %s", i ? "," : "", sig->permitted[i]);
	if (!sig->npermitted)
		fputs(" nowhere", t.f);
	fputs("\nControlled when: ", t.f);
	eg_cond_print(t.f, set, &sig->controlled);
	if (sig->has_review) {
		fputs("\nReview when: ", t.f);
		eg_cond_print(t.f, set, &sig->review);
	}
	fputs("\n\nCriteria:\n", t.f);
	for (i = 0; i < sig->ncriteria; i++) {
		const struct eg_criterion *c =
			&set->criteria[sig->first_criterion + i];

		fprintf(t.f, "- %s: %s\n", c->id, nz(c->title));
		if (c->regulation)
			fprintf(t.f, "  Regulation: %s\n", c->regulation);
	}
	if (sig->description)
		fprintf(t.f, "\n%s\n", sig->description);
	for (i = 0; i < sig->nreferences; i++)
		fprintf(t.f, "%s%s\n", i ? "" : "\nReferences:\n",
			sig->references[i]);
	fprintf(t.f, "\n%s\n", caveat);
	return text_close(&t);
}

static json_t *string_array(char *const *strings, size_t n)
{
	json_t *a = must(json_array());
	size_t i;

	for (i = 0; i < n; i++)
		append(a, jstr(strings[i]));
	return a;
}

static int is_web_uri(const char *s)
{
	return !strncmp(s, "https://", 8) || !strncmp(s, "http://", 7);
}

/*
 * A rule name is an identifier (SARIF 3.49.7): the title's words in
 * PascalCase, ASCII letters and digits only.  The caller frees it.
 */
static char *rule_name(const struct eg_signature *sig)
{
	const char *p = sig->title ? sig->title : "";
	char *name = eg_xmalloc(strlen(p) + strlen(sig->id) + 1), *o = name;
	int word_start = 1;

	for (; *p; p++) {
		int c = (unsigned char)*p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')) {
			*o++ = (char)(word_start && c >= 'a' && c <= 'z'
					      ? c - 'a' + 'A'
					      : c);
			word_start = 0;
		} else {
			word_start = 1;
		}
	}
	*o = '\0';
	if (!*name)
		strcpy(name, sig->id);
	return name;
}

static json_t *rule_json(const struct eg_sigset *set,
			 const struct eg_signature *sig)
{
	json_t *rule = must(json_object()), *props = must(json_object());
	json_t *tags = must(json_array()), *help = must(json_object());
	json_t *config = must(json_object());
	const struct eg_pack *pack =
		sig->pack < set->npacks ? &set->packs[sig->pack] : NULL;
	char *name = rule_name(sig), *tag;
	struct text t;

	put(rule, "id", jstr(sig->id));
	put(rule, "name", jstr(name));
	free(name);
	put(rule, "shortDescription", jmessage(sig->title));
	text_open(&t);
	fprintf(t.f, "%s (ECCN %s).", nz(sig->title), nz(sig->eccn));
	if (sig->description)
		fprintf(t.f, " %s", sig->description);
	put(rule, "fullDescription", message_of(text_close(&t)));
	put(help, "text", rule_help(set, sig));
	put(rule, "help", help);
	if (sig->nreferences && is_web_uri(sig->references[0]))
		put(rule, "helpUri", jstr(sig->references[0]));
	put(config, "level", json_string("error"));
	put(rule, "defaultConfiguration", config);

	append(tags, json_string("export-control"));
	if (asprintf(&tag, "ECCN %s", nz(sig->eccn)) < 0)
		abort();
	append(tags, jstr(tag));
	free(tag);
	put(props, "tags", tags);
	put(props, "eccn", jstr(sig->eccn));
	put(props, "citation", jstr(sig->citation));
	put(props, "status", jstr(eg_status_name(sig->status)));
	if (sig->effective)
		put(props, "effective", jstr(sig->effective));
	if (sig->expires)
		put(props, "expires", jstr(sig->expires));
	put(props, "permitted", string_array(sig->permitted, sig->npermitted));
	put(props, "scope",
	    json_string(sig->scope == EG_SIG_FILE ? "file" : "repository"));
	if (pack) {
		put(props, "pack", jstr(pack->id));
		put(props, "packVersion", jstr(pack->version));
	}
	put(rule, "properties", props);
	return rule;
}

static json_t *artifact_location(const char *path)
{
	json_t *loc = must(json_object());
	char *uri = uri_escape(path);

	put(loc, "uri", jstr(uri));
	free(uri);
	return loc;
}

/*
 * One evidence hit as a location.  A hit without a line (a model file found
 * by its magic bytes) gets no region: SARIF lines start at 1.  The region
 * runs from the hit to the end of its line; the excerpt of the line is the
 * snippet of the whole line, the context region, unless the hit starts the
 * line and the region is the line itself.
 */
static json_t *evidence_location(const struct eg_evidence *ev,
				 const struct eg_criterion *criterion)
{
	json_t *loc = must(json_object()), *phys = must(json_object());
	json_t *props = must(json_object());
	struct text t;

	put(phys, "artifactLocation", artifact_location(ev->path));
	/* a member's line is no region of the archive: named in the message */
	if (!ev->member && ev->line >= 1 && ev->line <= INT_MAX) {
		json_t *region = must(json_object()), *snippet = NULL;

		put(region, "startLine", json_integer(ev->line));
		if (ev->column >= 1 && ev->column <= INT_MAX)
			put(region, "startColumn", json_integer(ev->column));
		if (ev->excerpt && *ev->excerpt) {
			snippet = must(json_object());
			put(snippet, "text", jstr(ev->excerpt));
		}
		if (snippet && ev->column <= 1)
			put(region, "snippet", snippet);
		put(phys, "region", region);
		if (snippet && ev->column > 1) {
			json_t *line = must(json_object());

			put(line, "startLine", json_integer(ev->line));
			put(line, "snippet", snippet);
			put(phys, "contextRegion", line);
		}
	}
	put(loc, "physicalLocation", phys);

	text_open(&t);
	fprintf(t.f, "%s: %s", criterion->id, nz(criterion->title));
	if (ev->pattern)
		fprintf(t.f, " (pattern %s)", ev->pattern);
	if (ev->member)
		fprintf(t.f, ", in the archive's member %s, line %u: %s",
			ev->member, ev->line, ev->excerpt ? ev->excerpt : "");
	if (eg_where_note(ev->where))
		fprintf(t.f, " [%s]", eg_where_note(ev->where));
	put(loc, "message", message_of(text_close(&t)));

	put(props, "criterion", jstr(criterion->id));
	if (ev->member) {
		put(props, "member", jstr(ev->member));
		put(props, "memberLine", json_integer(ev->line));
	}
	if (ev->pattern)
		put(props, "pattern", jstr(ev->pattern));
	if (ev->blob[0])
		put(props, "blob", jstr(ev->blob));
	put(props, "weak", json_boolean(ev->where != EG_IN_PRODUCT));
	put(props, "installed", json_boolean(ev->where == EG_IN_INSTALLED));
	put(loc, "properties", props);
	return loc;
}

static void time_text(char *buf, size_t size, long long when)
{
	time_t t = (time_t)when;
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "%lld", when);
}

static json_t *result_message(const struct eg_finding *f)
{
	const struct eg_signature *sig = f->sig;
	struct text t;
	size_t i;

	text_open(&t);
	fprintf(t.f, "%s (ECCN %s, %s) holds at level %s", sig->id,
		nz(sig->eccn), nz(sig->title), eg_level_name(f->level));
	if (f->path || f->folder)
		fprintf(t.f, " in %s", f->path ? f->path : f->folder);
	if (f->commit[0])
		fprintf(t.f, " %s commit %.12s",
			f->path || f->folder ? "at" : "in", f->commit);
	fputs(". Criteria:", t.f);
	for (i = 0; i < f->ncriteria; i++) {
		const struct eg_criterion *c = f->criteria[i].criterion;

		fprintf(t.f, "%s %s %s (%s)", i ? ";" : "",
			c->counter ? (f->criteria[i].met ? "!" : "\xc2\xb7")
			: f->criteria[i].met ? "\xe2\x9c\x93"
					     : "\xe2\x9c\x97",
			c->id, nz(c->title));
	}
	fprintf(t.f, ". %s", caveat);
	return message_of(text_close(&t));
}

static json_t *result_properties(const struct eg_finding *f)
{
	json_t *props = must(json_object()), *crit = must(json_object());
	json_t *met = must(json_array()), *unmet = must(json_array());
	json_t *counter = must(json_array());
	json_t *files = must(json_object());
	size_t i;

	put(props, "level", jstr(eg_level_name(f->level)));
	put(props, "signature", jstr(f->sig->id));
	put(props, "eccn", jstr(f->sig->eccn));
	put(props, "scope",
	    json_string(f->sig->scope == EG_SIG_FILE ? "file" : "repository"));
	if (f->commit[0])
		put(props, "commit", jstr(f->commit));
	if (f->content[0])
		put(props, "content", jstr(f->content));
	if (f->path)
		put(props, "path", jstr(f->path));
	if (f->folder)
		put(props, "folder", jstr(f->folder));
	if (f->author)
		put(props, "author", jstr(f->author));
	if (f->commit[0] && f->time) {
		char when[32];

		time_text(when, sizeof(when), f->time);
		put(props, "time", jstr(when));
	}
	for (i = 0; i < f->ncriteria; i++) {
		const struct eg_criterion_result *cr = &f->criteria[i];

		if (cr->criterion->counter)
			append(counter, jstr(cr->criterion->id));
		else
			append(cr->met ? met : unmet, jstr(cr->criterion->id));
		/* in how many files each holds (product code) */
		if (cr->met && eg_criterion_counted(f, cr))
			put(files, cr->criterion->id,
			    json_integer((json_int_t)cr->files));
	}
	put(crit, "met", met);
	put(crit, "unmet", unmet);
	put(crit, "counter", counter);
	put(crit, "files", files);
	put(props, "criteria", crit);
	return props;
}

static json_t *result_json(const struct eg_report *report,
			   const struct eg_finding *f)
{
	json_t *result = must(json_object()), *locs = must(json_array());
	json_t *fps = must(json_object());
	size_t i, j;
	int pass;

	put(result, "ruleId", jstr(f->sig->id));
	put(result, "ruleIndex", json_integer(f->sig - report->set->sigs));
	put(result, "level",
	    json_string(f->level == EG_LEVEL_CONTROLLED ? "error" : "warning"));
	put(result, "message", result_message(f));

	/* Evidence of criteria that hold first: locations[0] is the anchor. */
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < f->ncriteria; i++) {
			const struct eg_criterion_result *cr = &f->criteria[i];

			if (!cr->met != !pass)
				continue;
			for (j = 0; j < cr->nevidence; j++)
				append(locs, evidence_location(&cr->evidence[j],
							       cr->criterion));
		}
	/* Code scanning wants a location; a file finding always has one. */
	if (!json_array_size(locs) && f->path) {
		json_t *loc = must(json_object()), *phys = must(json_object());

		put(phys, "artifactLocation", artifact_location(f->path));
		put(loc, "physicalLocation", phys);
		append(locs, loc);
	}
	put(result, "locations", locs);

	put(fps, FINGERPRINT_KEY, jstr(f->fingerprint));
	put(result, "partialFingerprints", fps);
	put(result, "properties", result_properties(f));
	return result;
}

static json_t *unscanned_notification(const struct eg_unscanned *u)
{
	json_t *n = must(json_object()), *desc = must(json_object());
	json_t *props = must(json_object());
	struct text t;

	/* An incomplete scan never looks clean: each gap is an error. */
	put(n, "level", json_string("error"));
	put(desc, "id", json_string("unscanned"));
	put(n, "descriptor", desc);
	text_open(&t);
	fprintf(t.f, "Not scanned: %s", u->path && *u->path ? u->path : "?");
	if (u->blob[0])
		fprintf(t.f, " (blob %.12s)", u->blob);
	fprintf(t.f, ": %s", u->reason ? u->reason : "unknown reason");
	put(n, "message", message_of(text_close(&t)));
	if (u->path && *u->path) {
		json_t *locs = must(json_array()), *loc = must(json_object());
		json_t *phys = must(json_object());

		put(phys, "artifactLocation", artifact_location(u->path));
		put(loc, "physicalLocation", phys);
		append(locs, loc);
		put(n, "locations", locs);
		put(props, "path", jstr(u->path));
	}
	if (u->blob[0])
		put(props, "blob", jstr(u->blob));
	put(props, "reason", jstr(u->reason));
	put(n, "properties", props);
	return n;
}

/*
 * executionSuccessful stays true on an incomplete scan: GitHub code
 * scanning drops every result of a run that says false, and the findings
 * it did make matter most.  The gaps are error notifications instead, and
 * properties.incomplete says so.
 */
static json_t *invocations_json(const struct eg_report *report)
{
	json_t *inv = must(json_object()), *notes = must(json_array());
	json_t *props = must(json_object()), *list = must(json_array());
	size_t i;

	put(inv, "executionSuccessful", json_true());
	for (i = 0; i < report->nunscanned; i++)
		append(notes, unscanned_notification(&report->unscanned[i]));
	put(inv, "toolExecutionNotifications", notes);
	put(props, "incomplete", json_boolean(report->incomplete));
	put(props, "commits", json_integer((json_int_t)report->commits));
	put(props, "blobs", json_integer((json_int_t)report->blobs));
	put(props, "bytes", json_integer((json_int_t)report->bytes));
	put(inv, "properties", props);
	append(list, inv);
	return list;
}

/*
 * The commit the results are about, when they are all about one: a --tree
 * scan, a push of one commit, a single finding.  NULL otherwise.
 */
static const char *single_commit(const struct eg_report *report)
{
	const char *commit = NULL;
	size_t i;

	for (i = 0; i < report->nfindings; i++) {
		const char *c = report->findings[i].commit;

		if (!c[0])
			continue;
		if (commit && strcmp(commit, c))
			return NULL;
		commit = c;
	}
	return commit;
}

/* A file: URI for the target, or NULL when it cannot be made absolute. */
static char *target_uri(const char *path)
{
	char *abs = path ? realpath(path, NULL) : NULL, *esc, *uri;

	if (!abs)
		return NULL;
	esc = uri_escape(abs);
	free(abs);
	uri = eg_xmalloc(strlen(esc) + sizeof("file://"));
	strcpy(uri, "file://");
	strcat(uri, esc);
	free(esc);
	return uri;
}

static void add_provenance(json_t *run, const struct eg_report *report)
{
	const char *commit = single_commit(report);
	json_t *list, *vcs;
	char *uri;

	if (!commit || !(uri = target_uri(report->target_path)))
		return;
	vcs = must(json_object());
	put(vcs, "repositoryUri", jstr(uri));
	put(vcs, "revisionId", jstr(commit));
	free(uri);
	list = must(json_array());
	append(list, vcs);
	put(run, "versionControlProvenance", list);
}

static json_t *run_properties(const struct eg_report *report)
{
	json_t *props = must(json_object()), *target = must(json_object());
	json_t *packs = must(json_array());
	size_t i;

	put(target, "path", jstr(report->target_path));
	put(target, "scope", jstr(eg_target_scope_name(report->scope)));
	put(props, "target", target);
	for (i = 0; i < report->set->npacks; i++) {
		const struct eg_pack *p = &report->set->packs[i];
		json_t *pack = must(json_object());

		put(pack, "id", jstr(p->id));
		put(pack, "version", jstr(p->version));
		put(pack, "sha256", jstr(p->sha256));
		append(packs, pack);
	}
	put(props, "packs", packs);
	put(props, "caveat", json_string(caveat));
	return props;
}

static json_t *sarif_json(const struct eg_report *report,
			  const struct eg_output_opts *opts)
{
	const struct eg_sigset *set = report->set;
	json_t *root = must(json_object()), *runs = must(json_array());
	json_t *run = must(json_object()), *tool = must(json_object());
	json_t *driver = must(json_object()), *rules = must(json_array());
	json_t *results = must(json_array());
	size_t i;

	put(driver, "name", json_string("exportgate"));
	put(driver, "version",
	    jstr(opts && opts->version ? opts->version : "unknown"));
	put(driver, "informationUri", json_string(EG_INFORMATION_URI));
	for (i = 0; i < set->nsigs; i++)
		append(rules, rule_json(set, &set->sigs[i]));
	put(driver, "rules", rules);
	put(tool, "driver", driver);
	put(run, "tool", tool);

	put(run, "invocations", invocations_json(report));
	add_provenance(run, report);
	for (i = 0; i < report->nfindings; i++)
		append(results, result_json(report, &report->findings[i]));
	put(run, "results", results);
	/* match.h: a character past U+FFFF is one column, not two units */
	put(run, "columnKind", json_string("unicodeCodePoints"));
	put(run, "properties", run_properties(report));
	append(runs, run);

	put(root, "$schema", json_string(SARIF_SCHEMA));
	put(root, "version", json_string("2.1.0"));
	put(root, "runs", runs);
	return root;
}

int eg_report_write_sarif(const struct eg_report *report, FILE *out,
			  const struct eg_output_opts *opts)
{
	json_t *root;
	int error = 0;

	assert(report && report->set && out);
	root = sarif_json(report, opts);
	if (json_dumpf(root, out, JSON_INDENT(2)) < 0 || fputc('\n', out) < 0 ||
	    fflush(out) != 0 || ferror(out))
		error = eg_error_set(EG_EIO, "cannot write the SARIF report");
	json_decref(root);
	return error;
}
