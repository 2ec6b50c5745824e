/* decision.h: what the gate does with a push, finding by finding. */
#ifndef EG_DECISION_H
#define EG_DECISION_H

#include <stddef.h>
#include <stdio.h>

#include "approvals.h"
#include "destination.h"
#include "policy.h"
#include "report.h"

/* What became of one finding. */
enum eg_outcome {
	EG_OUTCOME_PERMITTED,  /* every destination may have it */
	EG_OUTCOME_IGNORED,    /* the policy says ignore */
	EG_OUTCOME_WARNED,     /* not permitted somewhere, but only warn */
	EG_OUTCOME_BLOCKED,    /* not permitted somewhere: rejects the push */
	EG_OUTCOME_APPROVED,   /* would block; a valid approval covers it */
	EG_OUTCOME_OVERRIDDEN, /* would block; a listed user overrode it */
};

struct eg_verdict {
	const struct eg_finding *finding; /* borrowed from the report */
	enum eg_action action;
	enum eg_outcome outcome;
	size_t *denied; /* indices of destinations not permitted */
	size_t ndenied;
	/*
	 * For a finding that blocks or would: the approval found, if any.
	 * A push's finding may hold on several snapshots (eg_finding.also):
	 * it is approved when each one is, and `unapproved` is then NULL;
	 * else it names the first that is not, and the approval is that
	 * one's expired approval, or one for other jurisdictions, if any;
	 * `not_approved_for` is then the first jurisdiction it misses.
	 */
	enum eg_approval_state approval_state;
	const struct eg_approval *approval; /* borrowed, valid or expired */
	const char *not_approved_for;	    /* borrowed, or NULL */
	const struct eg_snapshot_id *unapproved; /* borrowed, or NULL */
	size_t nunapproved;	     /* snapshots without a valid approval */
	struct eg_snapshot_id named; /* the finding's commit and content */
	/* the valid approvals found, each once (owned array, borrowed items) */
	const struct eg_approval **used;
	size_t nused;
};

enum eg_override_state {
	EG_OVERRIDE_NONE,    /* not asked for */
	EG_OVERRIDE_UNUSED,  /* asked for, but nothing blocked */
	EG_OVERRIDE_USED,    /* a listed user overrode the blocks */
	EG_OVERRIDE_REFUSED, /* the user is not listed, or no ticket */
};

/* What the gate concluded.  reject is 1 exactly when a verdict blocks. */
struct eg_decision {
	int reject;
	char *reason; /* one line, for the audit log and the first line */
	struct eg_verdict *verdicts; /* one per finding, in report order */
	size_t nverdicts;
	size_t nblocked, nwarned, napproved, noverridden;
	enum eg_override_state override;
};

/* Everything a decision depends on; all borrowed. */
struct eg_decision_input {
	const struct eg_report *report;
	const struct eg_policy *policy;
	const struct eg_destinations *destinations;
	const struct eg_approvals *approvals; /* NULL: none */
	const char *repository;	     /* the name approvals are matched on */
	const char *user;	     /* who pushes, NULL when unknown */
	const char *override_ticket; /* from the push options; NULL: none */
	const char *today;	     /* YYYY-MM-DD, UTC */
};

/*
 * Decide on every finding of in->report: its action is the policy's for
 * its signature and level (eg_policy_action()); a finding whose action is
 * block rejects the push when a destination's jurisdiction is not
 * permitted (eg_policy_permits()), unless an unexpired approval covers its
 * signature, repository and content (its tree or blob, or its commit), or
 * the pusher is listed under override.users and gave a ticket.  Returns a
 * new decision the caller frees with eg_decision_free().  Can't fail.
 */
struct eg_decision *eg_decision_make(const struct eg_decision_input *in);

/*
 * Print what the pusher needs to read on `out` (git shows it after
 * "remote:"), at most EG_DECISION_MAX_LINES lines: for a rejection, the
 * signature and ECCN, commit, evidence paths, the destinations not
 * permitted and their jurisdictions, the fingerprint, the content id and
 * how to ask for an approval, and when only an expired approval matched,
 * when it expired; for an acceptance, the warnings, approvals and override
 * that let it through.  Prints nothing for a clean push.  `prefix` starts
 * the first line ("exportgate: push rejected" or, for pre-push, "exportgate:
 * push refused").
 */
void eg_decision_print(const struct eg_decision *decision,
		       const struct eg_decision_input *in, const char *prefix,
		       FILE *out);

#define EG_DECISION_MAX_LINES 20

void eg_decision_free(struct eg_decision *decision);

/*
 * The paths of the evidence of `f`'s met criteria, each once, product code
 * before weak evidence (vendored, tests, docs), and that before installed
 * packages (site-packages/, node_modules/), at most `max`.  The strings
 * are borrowed from the report.  Returns how many were stored in out.
 */
size_t eg_decision_paths(const char **out, size_t max,
			 const struct eg_finding *f);

const char *eg_outcome_name(enum eg_outcome outcome);
const char *eg_override_name(enum eg_override_state state);

#endif
