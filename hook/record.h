/* record.h: the audit record of one push decision. */
#ifndef EG_RECORD_H
#define EG_RECORD_H

#include <jansson.h>

#include "approvals.h"
#include "audit.h"
#include "decision.h"
#include "destination.h"
#include "policy.h"
#include "report.h"
#include "sigset.h"
#include "updates.h"

/* Findings recorded per push; more are counted, not listed. */
#define EG_RECORD_MAX_FINDINGS 200
/* Evidence paths recorded per finding. */
#define EG_RECORD_MAX_PATHS 20
/*
 * Ref updates listed per push (a mirror push of every tag can bring tens of
 * thousands); all of them are counted and hashed ("refs_sha256").
 */
#define EG_RECORD_MAX_REFS 1000
/*
 * Bytes of the record that the refs and the findings listed may take.  The
 * pusher chooses how many there are and how long their names are; within
 * these the record stays under EG_AUDIT_MAX_RECORD, so that every decision
 * is recorded.  What does not fit is counted, not listed.
 */
#define EG_RECORD_REFS_BYTES	 (EG_AUDIT_MAX_RECORD / 4)
#define EG_RECORD_FINDINGS_BYTES (EG_AUDIT_MAX_RECORD / 2)

/*
 * What one decision is recorded from; all borrowed.  Any pointer but
 * `hook` and `reason` may be NULL when the gate failed before it had that.
 */
struct eg_record {
	const char *hook; /* "pre-receive" */
	const char *user;
	const char *repository;
	const char *policy_path;
	const struct eg_policy *policy;
	const struct eg_approvals *approvals;
	const struct eg_sigset *set;
	const struct eg_updates *updates;
	const struct eg_destinations *destinations;
	const struct eg_report *report;
	const struct eg_decision *decision;
	const char *override_ticket; /* as asked for */
	int accept;		     /* the push's fate */
	const char *reason;	     /* one line */
	const char *error;	     /* what failed, when something did */
};

/*
 * The record as a new JSON object (the caller owns the reference): UTC
 * time, tool, policy and approvals file with their SHA-256, rule packs,
 * user, repository, refs, destinations, scan summary, findings with their
 * outcome, decision, reason, approvals and override used, and the error.
 * Bytes that are not UTF-8 (git allows them in names) are recorded as
 * U+FFFD, control characters as they are.  Aborts when memory runs out,
 * like eg_xmalloc().
 */
json_t *eg_record_build(const struct eg_record *rec);

#endif
