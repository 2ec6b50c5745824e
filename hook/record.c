/* record.c: turning one push decision into its audit record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "digest.h"
#include "record.h"
#include "text.h"

#ifndef EG_VERSION
#define EG_VERSION "0.0.0"
#endif

static json_t *check(json_t *j)
{
	if (!j) {
		fputs("exportgate: out of memory\n", stderr);
		abort();
	}
	return j;
}

/* Set key to a new value; NULL strings become JSON null. */
static void set(json_t *obj, const char *key, json_t *value)
{
	if (json_object_set_new(obj, key, check(value)))
		check(NULL);
}

/*
 * Git allows any byte but NUL in ref and file names, and a push option may
 * carry any byte too; jansson takes UTF-8 only.  Such a string is recorded
 * with its invalid bytes as U+FFFD, as the scan reports write it, and its
 * control characters as they are.
 */
static json_t *str(const char *s)
{
	json_t *j;
	char *u;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	u = eg_utf8_dup(s);
	j = json_string(u);
	free(u);
	return j;
}

static void append(json_t *arr, json_t *value)
{
	if (json_array_append_new(arr, check(value)))
		check(NULL);
}

static json_t *file_ref(const char *path, const char *sha256)
{
	json_t *o = check(json_object());

	set(o, "path", str(path));
	set(o, "sha256", str(sha256));
	return o;
}

static json_t *packs(const struct eg_sigset *set_)
{
	json_t *a = check(json_array());
	size_t i;

	for (i = 0; set_ && i < set_->npacks; i++) {
		json_t *p = check(json_object());

		set(p, "id", str(set_->packs[i].id));
		set(p, "version", str(set_->packs[i].version));
		set(p, "sha256", str(set_->packs[i].sha256));
		append(a, p);
	}
	return a;
}

/* The bytes `value` adds to an array in the record's compact JSON. */
static size_t listed_size(const json_t *value)
{
	return json_dumpb(value, NULL, 0, JSON_COMPACT) + 1;
}

static json_t *ref(const struct eg_update *u)
{
	json_t *r = check(json_object());

	set(r, "name", str(u->ref));
	if (u->local_ref)
		set(r, "local", str(u->local_ref));
	set(r, "old", str(u->old_hex));
	set(r, "new", str(u->new_hex));
	return r;
}

/*
 * The first updates, as many as fit in EG_RECORD_REFS_BYTES and at most
 * EG_RECORD_MAX_REFS; *listed says how many that is.
 */
static json_t *refs(size_t *listed, const struct eg_updates *u)
{
	json_t *a = check(json_array());
	size_t i, bytes = 0;

	for (i = 0; u && i < u->n && i < EG_RECORD_MAX_REFS; i++) {
		json_t *r = ref(&u->items[i]);

		bytes += listed_size(r);
		if (bytes > EG_RECORD_REFS_BYTES) {
			json_decref(r);
			break;
		}
		append(a, r);
	}
	*listed = i;
	return a;
}

/*
 * The SHA-256 of every update as "<old> <new> <ref>\n", so that a record
 * that lists only some of a push's refs still vouches for all of them.
 */
static json_t *refs_digest(const struct eg_updates *u)
{
	char hex[EG_DIGEST_HEX], *buf = NULL;
	size_t len = 0, alloc = 0, i, n;
	json_t *j;

	for (i = 0; i < u->n; i++) {
		n = strlen(u->items[i].old_hex) + strlen(u->items[i].new_hex) +
		    strlen(u->items[i].ref) + 3;
		EG_GROW(buf, alloc, len + n + 1);
		len += (size_t)sprintf(buf + len, "%s %s %s\n",
				       u->items[i].old_hex, u->items[i].new_hex,
				       u->items[i].ref);
	}
	j = eg_digest_sha256(hex, buf ? buf : "", len) < 0 ? json_null()
							   : json_string(hex);
	free(buf);
	return j;
}

static json_t *destinations(const struct eg_destinations *d)
{
	json_t *a = check(json_array());
	size_t i;

	for (i = 0; d && i < d->n; i++) {
		json_t *o = check(json_object());

		set(o, "url", str(d->items[i].url));
		set(o, "jurisdiction", str(d->items[i].jurisdiction));
		set(o, "via", str(d->items[i].via));
		append(a, o);
	}
	return a;
}

static json_t *scan_summary(const struct eg_report *r)
{
	json_t *o = check(json_object());

	set(o, "commits", json_integer((json_int_t)r->commits));
	set(o, "blobs", json_integer((json_int_t)r->blobs));
	set(o, "bytes", json_integer((json_int_t)r->bytes));
	set(o, "incomplete", json_boolean(r->incomplete));
	set(o, "unscanned", json_integer((json_int_t)r->nunscanned));
	return o;
}

/* How the approval a verdict names stands, in the record's words. */
static const char *approval_state(const struct eg_verdict *v)
{
	switch (v->approval_state) {
	case EG_APPROVAL_VALID:
		return "valid";
	case EG_APPROVAL_EXPIRED:
		return "expired";
	default:
		return "other jurisdictions";
	}
}

static json_t *approval(const struct eg_approval *a)
{
	json_t *o = check(json_object());

	set(o, "signature", str(a->signature));
	set(o, "repository", str(a->repository));
	set(o, "content", str(a->content));
	set(o, "ticket", str(a->ticket));
	set(o, "approver", str(a->approver));
	set(o, "basis", str(a->basis));
	set(o, "expires", str(a->expires));
	if (a->jurisdictions) {
		json_t *list = check(json_array());
		char **j;

		for (j = a->jurisdictions; *j; j++)
			append(list, str(*j));
		set(o, "jurisdictions", list);
	}
	return o;
}

static json_t *finding(const struct eg_verdict *v,
		       const struct eg_destinations *dests)
{
	const struct eg_finding *f = v->finding;
	const char *paths[EG_RECORD_MAX_PATHS];
	json_t *o = check(json_object());
	json_t *p = check(json_array()), *denied = check(json_array());
	size_t n = eg_decision_paths(paths, EG_RECORD_MAX_PATHS, f), i;

	set(o, "signature", str(f->sig->id));
	set(o, "eccn", str(f->sig->eccn));
	set(o, "level", str(eg_level_name(f->level)));
	set(o, "commit", str(f->commit[0] ? f->commit : NULL));
	set(o, "content", str(f->content[0] ? f->content : NULL));
	if (f->path)
		set(o, "path", str(f->path));
	if (f->folder)
		set(o, "folder", str(f->folder));
	for (i = 0; i < n; i++)
		append(p, str(paths[i]));
	set(o, "paths", p);
	set(o, "fingerprint", str(f->fingerprint));
	if (f->nalso)
		set(o, "snapshots", json_integer((json_int_t)f->nalso + 1));
	set(o, "action", str(eg_action_name(v->action)));
	set(o, "outcome", str(eg_outcome_name(v->outcome)));
	for (i = 0; i < v->ndenied; i++)
		append(denied,
		       str(dests->items[v->denied[i]].jurisdiction
				   ? dests->items[v->denied[i]].jurisdiction
				   : "unknown"));
	set(o, "not_permitted", denied);
	if (v->approval) {
		set(o, "approval", approval(v->approval));
		set(o, "approval_state", str(approval_state(v)));
	}
	return o;
}

/*
 * The first findings, as many as fit in EG_RECORD_FINDINGS_BYTES and at
 * most EG_RECORD_MAX_FINDINGS, the count of the others, and every approval
 * used.
 */
static void findings(json_t *rec, const struct eg_record *r)
{
	json_t *a = check(json_array()), *used = check(json_array());
	const struct eg_decision *d = r->decision;
	size_t i, j, listed = 0, bytes = 0;

	for (i = 0; d && i < d->nverdicts; i++) {
		const struct eg_verdict *v = &d->verdicts[i];

		if (listed == i && i < EG_RECORD_MAX_FINDINGS) {
			json_t *f = finding(v, r->destinations);

			bytes += listed_size(f);
			if (bytes <= EG_RECORD_FINDINGS_BYTES) {
				append(a, f);
				listed++;
			} else {
				json_decref(f);
			}
		}
		for (j = 0; v->outcome == EG_OUTCOME_APPROVED && j < v->nused;
		     j++) {
			json_t *u = approval(v->used[j]);

			set(u, "fingerprint", str(v->finding->fingerprint));
			append(used, u);
		}
	}
	set(rec, "findings", a);
	if (d && listed < d->nverdicts)
		set(rec, "findings_not_listed",
		    json_integer((json_int_t)(d->nverdicts - listed)));
	set(rec, "approvals_used", used);
}

static json_t * override(const struct eg_record *r)
{
	json_t *o;

	if (!r->override_ticket)
		return json_null();
	o = check(json_object());
	set(o, "ticket", str(r->override_ticket));
	set(o, "user", str(r->user));
	set(o, "option", str(r->policy ? r->policy->override_option : NULL));
	set(o, "state",
	    str(r->decision ? eg_override_name(r->decision->override)
			    : "not judged"));
	return o;
}

json_t *eg_record_build(const struct eg_record *r)
{
	json_t *rec = check(json_object()), *tool = check(json_object());
	char when[32];
	size_t listed;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	set(rec, "time", str(when));
	set(tool, "name", str("exportgate"));
	set(tool, "version", str(EG_VERSION));
	set(rec, "tool", tool);
	set(rec, "hook", str(r->hook));
	set(rec, "policy",
	    file_ref(r->policy ? r->policy->path : r->policy_path,
		     r->policy ? r->policy->sha256 : NULL));
	if (r->approvals)
		set(rec, "approvals_file",
		    file_ref(r->approvals->path, r->approvals->sha256));
	set(rec, "packs", packs(r->set));
	set(rec, "user", str(r->user));
	set(rec, "repository", str(r->repository));
	set(rec, "refs", refs(&listed, r->updates));
	if (r->updates && listed < r->updates->n) {
		set(rec, "refs_count", json_integer((json_int_t)r->updates->n));
		set(rec, "refs_sha256", refs_digest(r->updates));
	}
	set(rec, "destinations", destinations(r->destinations));
	if (r->report)
		set(rec, "scan", scan_summary(r->report));
	findings(rec, r);
	set(rec, "override", override(r));
	set(rec, "decision", str(r->accept ? "accept" : "reject"));
	set(rec, "reason", str(r->reason));
	if (r->error)
		set(rec, "error", str(r->error));
	return rec;
}
