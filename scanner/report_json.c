/* report_json.c: the JSON report of SPEC section 6. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "error.h"
#include "report.h"
#include "text.h"

/*
 * A JSON string from bytes that may not be UTF-8 (paths can be anything):
 * a tab or newline in a name stays, escaped, and names the file it names.
 */
static json_t *jstr(const char *s)
{
	char *u = eg_utf8_dup(s ? s : "");
	json_t *j = json_string(u);

	free(u);
	return j;
}

static json_t *evidence_json(const struct eg_evidence *e)
{
	json_t *j = json_object();

	json_object_set_new(j, "path", jstr(e->path));
	json_object_set_new(j, "blob", json_string(e->blob));
	/* the archive's member the line is in */
	if (e->member)
		json_object_set_new(j, "member", jstr(e->member));
	json_object_set_new(j, "line", json_integer(e->line));
	json_object_set_new(j, "column", json_integer(e->column));
	json_object_set_new(j, "excerpt", jstr(e->excerpt));
	if (e->pattern)
		json_object_set_new(j, "pattern", jstr(e->pattern));
	/* weak: not counted for review; installed: below installed packages */
	if (e->where != EG_IN_PRODUCT)
		json_object_set_new(j, "weak", json_true());
	if (e->where == EG_IN_INSTALLED)
		json_object_set_new(j, "installed", json_true());
	return j;
}

static json_t *finding_json(const struct eg_report *r,
			    const struct eg_finding *f)
{
	json_t *j = json_object(), *crit = json_array();
	size_t i, k;

	json_object_set_new(j, "fingerprint", json_string(f->fingerprint));
	json_object_set_new(j, "signature", jstr(f->sig->id));
	json_object_set_new(j, "eccn", jstr(f->sig->eccn ? f->sig->eccn : ""));
	json_object_set_new(j, "title", jstr(f->sig->title));
	json_object_set_new(j, "level", json_string(eg_level_name(f->level)));
	json_object_set_new(j, "scope",
			    json_string(f->sig->scope == EG_SIG_FILE
						? "file"
						: "repository"));
	json_object_set_new(j, "status",
			    json_string(eg_status_name(f->sig->status)));
	if (f->commit[0] && r->scope != EG_TARGET_DIR &&
	    r->scope != EG_TARGET_WORKTREE)
		json_object_set_new(j, "commit", json_string(f->commit));
	if (f->content[0])
		json_object_set_new(j, "content", json_string(f->content));
	if (f->author)
		json_object_set_new(j, "author", jstr(f->author));
	if (f->time) {
		char buf[32];
		time_t t = (time_t)f->time;

		strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
		json_object_set_new(j, "date", json_string(buf));
	}
	if (f->path)
		json_object_set_new(j, "path", jstr(f->path));
	if (f->folder)
		json_object_set_new(j, "folder", jstr(f->folder));
	for (i = 0; i < f->ncriteria; i++) {
		const struct eg_criterion_result *c = &f->criteria[i];
		json_t *cj = json_object(), *ev = json_array();

		json_object_set_new(cj, "id", jstr(c->criterion->id));
		json_object_set_new(cj, "title",
				    jstr(c->criterion->title
						 ? c->criterion->title
						 : c->criterion->id));
		json_object_set_new(cj, "met", json_boolean(c->met));
		if (c->criterion->counter)
			json_object_set_new(cj, "counter", json_true());
		if (c->weak_only)
			json_object_set_new(cj, "weak_only", json_true());
		json_object_set_new(cj, "files",
				    json_integer((json_int_t)c->files));
		json_object_set_new(cj, "weak_files",
				    json_integer((json_int_t)c->weak_files));
		json_object_set_new(
			cj, "installed_files",
			json_integer((json_int_t)c->installed_files));
		for (k = 0; k < c->nevidence; k++)
			json_array_append_new(ev,
					      evidence_json(&c->evidence[k]));
		json_object_set_new(cj, "evidence", ev);
		json_array_append_new(crit, cj);
	}
	json_object_set_new(j, "criteria", crit);
	return j;
}

int eg_report_write_json(const struct eg_report *r, FILE *out,
			 const struct eg_output_opts *opts)
{
	json_t *root = json_object(), *o, *a;
	size_t i;
	int rc;

	o = json_object();
	json_object_set_new(o, "name", json_string("exportgate"));
	json_object_set_new(o, "version", json_string(opts->version));
	json_object_set_new(root, "tool", o);

	o = json_object();
	json_object_set_new(o, "path", jstr(r->target_path));
	json_object_set_new(o, "scope",
			    json_string(eg_target_scope_name(r->scope)));
	json_object_set_new(root, "target", o);

	a = json_array();
	for (i = 0; i < r->set->npacks; i++) {
		o = json_object();
		json_object_set_new(o, "id", jstr(r->set->packs[i].id));
		json_object_set_new(o, "version",
				    jstr(r->set->packs[i].version));
		json_object_set_new(o, "sha256",
				    json_string(r->set->packs[i].sha256));
		json_object_set_new(o, "source", jstr(r->set->packs[i].source));
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "packs", a);

	o = json_object();
	json_object_set_new(o, "commits", json_integer((json_int_t)r->commits));
	json_object_set_new(o, "blobs", json_integer((json_int_t)r->blobs));
	json_object_set_new(o, "bytes", json_integer((json_int_t)r->bytes));
	json_object_set_new(o, "findings",
			    json_integer((json_int_t)r->nfindings));
	json_object_set_new(o, "controlled",
			    json_integer((json_int_t)eg_report_count(
				    r, EG_LEVEL_CONTROLLED)));
	json_object_set_new(
		o, "review",
		json_integer((json_int_t)eg_report_count(r, EG_LEVEL_REVIEW)));
	json_object_set_new(o, "incomplete", json_boolean(r->incomplete));
	a = json_array();
	for (i = 0; i < r->nunscanned; i++) {
		json_t *u = json_object();

		json_object_set_new(u, "path", jstr(r->unscanned[i].path));
		json_object_set_new(u, "blob",
				    json_string(r->unscanned[i].blob));
		json_object_set_new(u, "reason", jstr(r->unscanned[i].reason));
		json_array_append_new(a, u);
	}
	json_object_set_new(o, "unscanned", a);
	json_object_set_new(root, "summary", o);

	a = json_array();
	for (i = 0; i < r->nfindings; i++)
		json_array_append_new(a, finding_json(r, &r->findings[i]));
	json_object_set_new(root, "findings", a);

	rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc || fputc('\n', out) == EOF)
		return eg_error_set(EG_EIO, "cannot write the report");
	return 0;
}
