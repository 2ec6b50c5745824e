/* approvals.h: compliance's approvals of controlled content (server side). */
#ifndef EG_APPROVALS_H
#define EG_APPROVALS_H

#include <stddef.h>
#include <time.h>

struct eg_approval {
	char *signature;
	char *repository; /* glob, see eg_reponame_match() */
	char *content;	  /* tree, commit or blob id, lower-case hex */
	char *ticket, *approver, *basis;
	char expires[11]; /* YYYY-MM-DD: the last day it holds, in UTC */
	/*
	 * Where it lets the content go (a licence names its destinations):
	 * upper-case codes, NULL-terminated; NULL when the entry names none,
	 * and then it holds for every destination (GOV, published).
	 */
	char **jurisdictions;
	unsigned line; /* where the entry starts in the file */
};

struct eg_approvals {
	char *path;
	char sha256[65];
	struct eg_approval *items;
	size_t n;
};

/*
 * Read the approvals file at `path`: a YAML list of entries with every key
 * of struct eg_approval, `jurisdictions` optional.  An empty file holds no
 * approvals.  On success *out
 * is new and the caller frees it with eg_approvals_free().  EG_EIO when it
 * cannot be read, EG_ECONFIG with "file:line:column: message" for a
 * malformed file, a missing or unknown key, an object id that is not 40 or
 * 64 hex digits or a date that is not YYYY-MM-DD.
 */
int eg_approvals_load(struct eg_approvals **out, const char *path);

/* The same on text in memory; `name` stands for the file. */
int eg_approvals_parse(struct eg_approvals **out, const char *name,
		       const char *buf, size_t len);

void eg_approvals_free(struct eg_approvals *approvals);

enum eg_approval_state {
	EG_APPROVAL_NONE,      /* nothing matches */
	EG_APPROVAL_ELSEWHERE, /* only approvals for other jurisdictions */
	EG_APPROVAL_EXPIRED,   /* only approvals that expired before today */
	EG_APPROVAL_VALID,
};

/*
 * Find an approval of `signature` in the repository called `repository`
 * for one of the `ncontent` object ids (the finding's tree, commit or
 * blob) that lets it go to each of the `nto` jurisdictions `to` (those the
 * signature does not permit).  `today` is YYYY-MM-DD in UTC; an approval
 * holds through the day it expires.  *out (may be NULL) is set to the
 * matching approval that expires last, borrowed from `approvals`; failing
 * that, to one for the same content but other jurisdictions; or to NULL.
 * `approvals` may be NULL.  Can't fail.
 */
enum eg_approval_state eg_approvals_find(const struct eg_approval **out,
					 const struct eg_approvals *approvals,
					 const char *signature,
					 const char *repository,
					 const char *const *content,
					 size_t ncontent, const char *const *to,
					 size_t nto, const char *today);

/* The first of the `nto` jurisdictions that `a` does not let content go to,
 * or NULL when it lets it go to all of them. */
const char *eg_approval_misses(const struct eg_approval *a,
			       const char *const *to, size_t nto);

/* Format `now` as YYYY-MM-DD in UTC into out. */
void eg_approvals_today(char out[11], time_t now);

#endif
