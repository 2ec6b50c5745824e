/* gate.h: what the pre-receive and pre-push hooks share. */
#ifndef EG_GATE_H
#define EG_GATE_H

#include <stddef.h>

#include <git2.h>

#include "policy.h"
#include "report.h"
#include "sigset.h"
#include "updates.h"

/* Exit codes of the hooks, as hook.h lists them. */
enum {
	EG_GATE_ACCEPT = 0,
	EG_GATE_REJECT = 1,
	EG_GATE_USAGE = 2,
	EG_GATE_INCOMPLETE = 3,
};

/*
 * Open the repository the hook runs in, from git's environment (GIT_DIR,
 * and the quarantine's GIT_OBJECT_DIRECTORY and
 * GIT_ALTERNATE_OBJECT_DIRECTORIES during pre-receive).  *out is the
 * caller's to free.  EG_ENOTREPO when there is none.
 */
int eg_gate_open(git_repository **out);

/*
 * The built-in signature packs and the policy's rules, compiled.  *out is
 * new; free it with eg_sigset_free().  EG_ECONFIG for a bad pack.
 */
int eg_gate_sigset(struct eg_sigset **out, const struct eg_policy *policy);

/*
 * The commits the updates that do not delete point to, annotated tags
 * peeled, each once.  *out is a new array the caller frees.  EG_EGIT when
 * an object is missing or unreadable, or does not lead to a commit (a tag
 * of a tree or blob), which the gate cannot judge.
 */
int eg_gate_tips(git_oid **out, size_t *n, git_repository *repo,
		 const struct eg_updates *updates);

/*
 * The commits among the updates' old ids that `repo` has (pre-push: what
 * the remote has and we know), for the scan to hide.  Can only fail for
 * lack of memory, which aborts.
 */
void eg_gate_known_old(git_oid **out, size_t *n, git_repository *repo,
		       const struct eg_updates *updates);

/*
 * The failure a scan that is incomplete and found nothing to block amounts
 * to, naming how many objects were not scanned and the first: EG_EGIT when
 * objects could not be read, EG_ESHAPE when one is made past the scanner's
 * limits (nested too deep, too large, a regex limit, an LFS pointer, a
 * malformed tree entry), which no policy lets through.
 */
int eg_gate_incomplete(const struct eg_report *report);

/*
 * Whether `on_error: accept` may let a push through after this failure.
 * Only a failure to do the work may (an unreadable object, a full disk,
 * the deadline, an internal error); a wrong policy, pack or approvals
 * file, and input the pusher controls (push options, a ref to a tree,
 * content made past the scanner's limits), never do.
 */
int eg_gate_may_accept(int err);

/* The exit code for a failure: EG_GATE_USAGE or EG_GATE_INCOMPLETE. */
int eg_gate_exit_code(int err);

/* eg_error_last() on one line, for "exportgate: ...: <reason>". */
const char *eg_gate_reason(void);

#endif
