/* decision.c: judging each finding against the destinations, and saying so. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "decision.h"
#include "text.h"

/* Evidence paths shown per finding in a message. */
#define SHOWN_PATHS 4
/* Width a message line is cut to, beyond git's "remote: ". */
#define LINE_MAX_CHARS 400
/* What an approval's jurisdictions never name. */
#define UNKNOWN_JURISDICTION "a destination of unknown jurisdiction"

static void note_used(struct eg_verdict *v, const struct eg_approval *a)
{
	size_t i;

	for (i = 0; i < v->nused; i++)
		if (v->used[i] == a)
			return;
	v->used = eg_xrealloc(v->used, (v->nused + 1) * sizeof(*v->used));
	v->used[v->nused++] = a;
}

/*
 * Look for an approval of each snapshot a blocking finding holds on, by
 * its content or its commit: each is content that leaves.
 */
static void find_approvals(struct eg_verdict *v,
			   const struct eg_decision_input *in)
{
	const struct eg_finding *f = v->finding;
	const char **to = eg_xcalloc(v->ndenied, sizeof(*to));
	size_t i;

	/* where it may not go without one: the approval must name each */
	for (i = 0; i < v->ndenied; i++) {
		const char *j =
			in->destinations->items[v->denied[i]].jurisdiction;

		to[i] = j ? j : UNKNOWN_JURISDICTION;
	}
	v->approval_state = EG_APPROVAL_VALID;
	for (i = 0; i <= f->nalso; i++) {
		const struct eg_snapshot_id *s =
			i ? &f->also[i - 1] : &v->named;
		const struct eg_approval *a;
		enum eg_approval_state state;
		const char *ids[2];
		size_t n = 0;

		if (s->content[0])
			ids[n++] = s->content;
		if (s->commit[0])
			ids[n++] = s->commit;
		state = eg_approvals_find(&a, in->approvals, f->sig->id,
					  in->repository, ids, n, to,
					  v->ndenied, in->today);
		if (state == EG_APPROVAL_VALID) {
			if (!v->approval)
				v->approval = a;
			note_used(v, a);
			continue;
		}
		if (!v->nunapproved++) {
			v->unapproved = s;
			v->approval_state = state;
			v->approval = a;
			if (state == EG_APPROVAL_ELSEWHERE)
				v->not_approved_for =
					eg_approval_misses(a, to, v->ndenied);
		}
	}
	free(to);
}

static void judge(struct eg_verdict *v, const struct eg_decision_input *in)
{
	const struct eg_finding *f = v->finding;
	const struct eg_destinations *d = in->destinations;
	size_t i;

	v->action = eg_policy_action(in->policy, f->sig, f->level);
	if (v->action == EG_ACTION_IGNORE) {
		v->outcome = EG_OUTCOME_IGNORED;
		return;
	}
	v->denied = eg_xcalloc(d->n, sizeof(*v->denied));
	for (i = 0; i < d->n; i++)
		if (!eg_policy_permits(in->policy, f->sig,
				       d->items[i].jurisdiction))
			v->denied[v->ndenied++] = i;
	if (!v->ndenied) {
		v->outcome = EG_OUTCOME_PERMITTED;
		return;
	}
	if (v->action == EG_ACTION_WARN) {
		v->outcome = EG_OUTCOME_WARNED;
		return;
	}
	v->outcome = EG_OUTCOME_BLOCKED;
	memcpy(v->named.commit, f->commit, sizeof(f->commit));
	memcpy(v->named.content, f->content, sizeof(f->content));
	find_approvals(v, in);
	if (v->approval_state == EG_APPROVAL_VALID)
		v->outcome = EG_OUTCOME_APPROVED;
}

static int user_may_override_at_all(const struct eg_decision_input *in)
{
	size_t i;

	for (i = 0; in->user && i < in->policy->noverride_users; i++)
		if (!strcmp(in->policy->override_users[i], in->user))
			return 1;
	return 0;
}

/* A listed user, with a ticket to record. */
static int user_may_override(const struct eg_decision_input *in)
{
	return in->override_ticket && *in->override_ticket &&
	       user_may_override_at_all(in);
}

static void override(struct eg_decision *d, const struct eg_decision_input *in)
{
	size_t i;

	if (!in->override_ticket)
		return;
	if (!d->nblocked) {
		d->override = EG_OVERRIDE_UNUSED;
		return;
	}
	if (!user_may_override(in)) {
		d->override = EG_OVERRIDE_REFUSED;
		return;
	}
	d->override = EG_OVERRIDE_USED;
	for (i = 0; i < d->nverdicts; i++) {
		if (d->verdicts[i].outcome != EG_OUTCOME_BLOCKED)
			continue;
		d->verdicts[i].outcome = EG_OUTCOME_OVERRIDDEN;
		d->nblocked--;
		d->noverridden++;
	}
}

static char *format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *format(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? eg_xstrdup("") : s;
}

static const struct eg_verdict *first(const struct eg_decision *d,
				      enum eg_outcome outcome)
{
	size_t i;

	for (i = 0; i < d->nverdicts; i++)
		if (d->verdicts[i].outcome == outcome)
			return &d->verdicts[i];
	return NULL;
}

static const char *eccn(const struct eg_finding *f)
{
	return f->sig->eccn && *f->sig->eccn ? f->sig->eccn : "none";
}

/* "DE" or "DE, unknown" for the jurisdictions a verdict denies. */
static void denied_list(char *out, size_t size, const struct eg_verdict *v,
			const struct eg_destinations *dests)
{
	size_t i, j, len = 0;

	out[0] = '\0';
	for (i = 0; i < v->ndenied && len < size; i++) {
		const char *j1 = dests->items[v->denied[i]].jurisdiction;
		int seen = 0;

		for (j = 0; j < i; j++) {
			const char *j2 =
				dests->items[v->denied[j]].jurisdiction;

			if (j1 == j2 || (j1 && j2 && !strcmp(j1, j2)))
				seen = 1;
		}
		if (!seen)
			len += (size_t)snprintf(out + len, size - len, "%s%s",
						len ? ", " : "",
						j1 ? j1
						   : "a destination of unknown "
						     "jurisdiction");
	}
}

static char *reason(const struct eg_decision *d,
		    const struct eg_decision_input *in)
{
	const struct eg_verdict *v;
	const char *refused;
	char where[256];

	if ((v = first(d, EG_OUTCOME_BLOCKED))) {
		denied_list(where, sizeof(where), v, in->destinations);
		refused = d->override == EG_OVERRIDE_REFUSED
				  ? "; the override was refused"
				  : "";
		if (d->nblocked > 1)
			return format("%zu findings may not go to every "
				      "destination (first: %s to %s)%s",
				      d->nblocked, v->finding->sig->id, where,
				      refused);
		return format("%s (ECCN %s) may not go to %s%s",
			      v->finding->sig->id, eccn(v->finding), where,
			      refused);
	}
	if (d->override == EG_OVERRIDE_USED)
		return format("accepted by override %s of %s",
			      in->override_ticket, in->user);
	if ((v = first(d, EG_OUTCOME_APPROVED)))
		return format("accepted under approval %s",
			      v->approval->ticket);
	if (d->nwarned)
		return format("accepted with %zu warning%s", d->nwarned,
			      d->nwarned == 1 ? "" : "s");
	if (d->nverdicts)
		return eg_xstrdup("accepted: every destination is permitted");
	return eg_xstrdup("accepted: nothing matched");
}

struct eg_decision *eg_decision_make(const struct eg_decision_input *in)
{
	struct eg_decision *d = eg_xcalloc(1, sizeof(*d));
	size_t i;

	d->verdicts = eg_xcalloc(in->report->nfindings, sizeof(*d->verdicts));
	for (i = 0; i < in->report->nfindings; i++) {
		struct eg_verdict *v = &d->verdicts[d->nverdicts++];

		v->finding = &in->report->findings[i];
		judge(v, in);
		d->nblocked += v->outcome == EG_OUTCOME_BLOCKED;
		d->nwarned += v->outcome == EG_OUTCOME_WARNED;
		d->napproved += v->outcome == EG_OUTCOME_APPROVED;
	}
	override(d, in);
	d->reject = d->nblocked > 0;
	d->reason = reason(d, in);
	return d;
}

void eg_decision_free(struct eg_decision *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nverdicts; i++) {
		free(d->verdicts[i].denied);
		free(d->verdicts[i].used);
	}
	free(d->verdicts);
	free(d->reason);
	free(d);
}

size_t eg_decision_paths(const char **out, size_t max,
			 const struct eg_finding *f)
{
	size_t n = 0, c, e, k;
	int pass;

	/* Product code, weak files, installed packages: each path once. */
	for (pass = EG_IN_PRODUCT; pass < EG_CRITERIA_SETS; pass++) {
		for (c = 0; c < f->ncriteria; c++) {
			const struct eg_criterion_result *r = &f->criteria[c];

			for (e = 0; r->met && e < r->nevidence; e++) {
				const char *p = r->evidence[e].path;

				if (!p || (int)r->evidence[e].where != pass)
					continue;
				for (k = 0; k < n; k++)
					if (!strcmp(out[k], p))
						break;
				if (k < n)
					continue;
				if (n == max)
					return n;
				out[n++] = p;
			}
		}
	}
	if (!n && f->path && max)
		out[n++] = f->path;
	return n;
}

/* Lines of a message, cut to EG_DECISION_MAX_LINES. */
struct lines {
	char *line[EG_DECISION_MAX_LINES];
	size_t n;
};

static void add(struct lines *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct lines *l, const char *fmt, ...)
{
	char buf[LINE_MAX_CHARS + 1];
	va_list ap;

	if (l->n == EG_DECISION_MAX_LINES)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* names come from the pushed repository: show them as they are */
	l->line[l->n++] = eg_utf8_shown_dup(buf);
}

static void flush(struct lines *l, FILE *out)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		fprintf(out, "%s\n", l->line[i]);
		free(l->line[i]);
	}
	l->n = 0;
	fflush(out);
}

static void evidence_line(struct lines *l, const struct eg_finding *f)
{
	const char *paths[SHOWN_PATHS + 1];
	char buf[LINE_MAX_CHARS + 1];
	size_t n = eg_decision_paths(paths, SHOWN_PATHS + 1, f), i, len = 0;

	if (!n)
		return;
	buf[0] = '\0';
	for (i = 0; i < n && i < SHOWN_PATHS && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
					i ? ", " : "", paths[i]);
	add(l, "    evidence: %s%s", buf, n > SHOWN_PATHS ? ", ..." : "");
}

/* The lines about one finding that blocks (at most 8). */
static void blocked_finding(struct lines *l, const struct eg_verdict *v,
			    const struct eg_decision_input *in)
{
	const struct eg_finding *f = v->finding;
	const struct eg_snapshot_id *s = v->unapproved;
	char buf[LINE_MAX_CHARS + 1];
	size_t i, len = 0;

	add(l, "  %s (ECCN %s, %s): %s", f->sig->id, eccn(f),
	    eg_level_name(f->level), f->sig->title ? f->sig->title : "");
	if (s->commit[0] && f->path)
		add(l, "    commit %s, file %s", s->commit, f->path);
	else if (s->commit[0] && f->folder && s == &v->named)
		add(l, "    commit %s, folder %s", s->commit, f->folder);
	else if (s->commit[0])
		add(l, "    commit %s", s->commit);
	evidence_line(l, f);
	buf[0] = '\0';
	for (i = 0; i < v->ndenied && len < sizeof(buf); i++) {
		const struct eg_destination *d =
			&in->destinations->items[v->denied[i]];

		len += (size_t)snprintf(
			buf + len, sizeof(buf) - len, "%s%s (%s)",
			i ? "; " : "", eg_destination_label(d),
			d->jurisdiction ? d->jurisdiction
					: "unknown jurisdiction");
	}
	add(l, "    not permitted: %s", buf);
	add(l, "    fingerprint %s", f->fingerprint);
	if (s->content[0])
		add(l, "    content %s (the %s to approve)", s->content,
		    f->sig->scope == EG_SIG_FILE ? "blob" : "tree");
	if (v->nunapproved > 1)
		add(l,
		    "    and %zu more snapshots of the push, each to approve",
		    v->nunapproved - 1);
	if (v->approval_state == EG_APPROVAL_EXPIRED)
		add(l,
		    "    approval %s expired on %s; ask for it to be renewed",
		    v->approval->ticket, v->approval->expires);
	if (v->approval_state == EG_APPROVAL_ELSEWHERE)
		add(l,
		    "    approval %s does not cover %s; ask for one that "
		    "does",
		    v->approval->ticket, v->not_approved_for);
}

static void print_rejection(const struct eg_decision *d,
			    const struct eg_decision_input *in,
			    const char *prefix, FILE *out)
{
	const struct eg_verdict *shown = NULL;
	struct lines l = {{0}, 0};
	size_t i, nshown = 0;

	add(&l, "%s: %s", prefix, d->reason);
	if (d->override == EG_OVERRIDE_REFUSED && !user_may_override_at_all(in))
		add(&l,
		    "  override %s refused: %s is not listed under "
		    "override.users in the policy",
		    in->override_ticket, in->user ? in->user : "the pusher");
	else if (d->override == EG_OVERRIDE_REFUSED)
		add(&l,
		    "  override refused: it needs a ticket: git push -o "
		    "%s=TICKET",
		    in->policy->override_option);
	for (i = 0; i < d->nverdicts; i++) {
		const struct eg_verdict *v = &d->verdicts[i];

		if (v->outcome != EG_OUTCOME_BLOCKED)
			continue;
		/* Keep room for this finding's 8 lines and the 3 after. */
		if (l.n + 8 + 3 > EG_DECISION_MAX_LINES) {
			add(&l, "  ... and %zu more (see the audit log)",
			    d->nblocked - nshown);
			break;
		}
		blocked_finding(&l, v, in);
		if (!shown)
			shown = v;
		nshown++;
	}
	if (shown && shown->unapproved->content[0])
		add(&l,
		    "  To push it, ask %s for an approval of content %s, "
		    "signature %s, repository %s: send them this message.",
		    in->policy->contact ? in->policy->contact : "compliance",
		    shown->unapproved->content, shown->finding->sig->id,
		    in->repository);
	else
		add(&l,
		    "  To push it, ask %s for an approval: send them this "
		    "message.",
		    in->policy->contact ? in->policy->contact : "compliance");
	add(&l, "  A match is an indicator for people to classify, not a "
		"legal classification.");
	flush(&l, out);
}

static void print_acceptance(const struct eg_decision *d,
			     const struct eg_decision_input *in, FILE *out)
{
	struct lines l = {{0}, 0};
	char where[256];
	size_t i;

	if (d->override == EG_OVERRIDE_USED)
		add(&l,
		    "exportgate: push accepted by override %s of %s; it is "
		    "recorded in the audit log",
		    in->override_ticket, in->user);
	for (i = 0; i < d->nverdicts; i++) {
		const struct eg_verdict *v = &d->verdicts[i];
		const struct eg_finding *f = v->finding;

		if (l.n + 3 > EG_DECISION_MAX_LINES) {
			add(&l, "exportgate: ... and more (see the audit log)");
			break;
		}
		denied_list(where, sizeof(where), v, in->destinations);
		switch (v->outcome) {
		case EG_OUTCOME_WARNED:
			add(&l,
			    "exportgate: warning: %s (ECCN %s, %s) at commit "
			    "%s is not permitted for %s; accepted, as the "
			    "policy only warns on it",
			    f->sig->id, eccn(f), eg_level_name(f->level),
			    f->commit[0] ? f->commit : "(none)", where);
			evidence_line(&l, f);
			break;
		case EG_OUTCOME_APPROVED:
			add(&l,
			    "exportgate: %s (ECCN %s) for %s accepted under "
			    "approval %s (%s, expires %s)",
			    f->sig->id, eccn(f), where, v->approval->ticket,
			    v->approval->basis, v->approval->expires);
			break;
		case EG_OUTCOME_OVERRIDDEN:
			add(&l, "exportgate: %s (ECCN %s) for %s overridden",
			    f->sig->id, eccn(f), where);
			break;
		default:
			break;
		}
	}
	if (d->override == EG_OVERRIDE_UNUSED)
		add(&l, "exportgate: override %s not needed: nothing blocked",
		    in->override_ticket);
	flush(&l, out);
}

void eg_decision_print(const struct eg_decision *decision,
		       const struct eg_decision_input *in, const char *prefix,
		       FILE *out)
{
	if (decision->reject)
		print_rejection(decision, in, prefix, out);
	else
		print_acceptance(decision, in, out);
}

const char *eg_outcome_name(enum eg_outcome outcome)
{
	switch (outcome) {
	case EG_OUTCOME_PERMITTED:
		return "permitted";
	case EG_OUTCOME_IGNORED:
		return "ignored";
	case EG_OUTCOME_WARNED:
		return "warned";
	case EG_OUTCOME_BLOCKED:
		return "blocked";
	case EG_OUTCOME_APPROVED:
		return "approved";
	case EG_OUTCOME_OVERRIDDEN:
		return "overridden";
	}
	return "unknown";
}

const char *eg_override_name(enum eg_override_state state)
{
	switch (state) {
	case EG_OVERRIDE_NONE:
		return "none";
	case EG_OVERRIDE_UNUSED:
		return "unused";
	case EG_OVERRIDE_USED:
		return "used";
	case EG_OVERRIDE_REFUSED:
		return "refused";
	}
	return "unknown";
}
