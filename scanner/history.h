/* history.h: which commits a scan judges, parents before children. */
#ifndef EG_HISTORY_H
#define EG_HISTORY_H

#include <git2.h>

#include "report.h"
#include "scan.h"

/*
 * The commits of opts->scope (EG_TARGET_ALL, _REV or _PUSH), oldest first:
 * every parent before its children.  *out is the caller's to free.  A
 * history with missing commits (a shallow clone) is walked around them,
 * each listed in `report` as unscanned.  Fails with EG_ENOTREPO for a bad
 * revision.
 */
int eg_history_list(git_oid **out, size_t *n, git_repository *repo,
		    const struct eg_scan_opts *opts, struct eg_report *report);

/*
 * A ref that leads to a tree or a blob, not to a commit: a tag of a tree
 * (git.git's v2.6.11-tree) or of a blob.  A revision walk steps over such
 * refs, yet `git push --tags` and a mirror publish what they hold.
 */
struct eg_object_tip {
	char *ref;	   /* the first ref, by name, that leads to it; owned */
	git_oid oid;	   /* the tree or blob, tags peeled */
	git_object_t type; /* GIT_OBJECT_TREE or GIT_OBJECT_BLOB */
};

/*
 * The trees and blobs the refs of opts->scope lead to, each once, in the
 * order of the refs' names: every ref for EG_TARGET_ALL; for EG_TARGET_REV
 * those its --all, --branches, --tags and --remotes name; none for a push,
 * whose refs the gate checks itself.  A ref whose object (or what its tags
 * lead to) cannot be read is listed in `report` as unscanned.  *out and
 * each tip's `ref` are the caller's to free (eg_history_object_tips_free()).
 * Can't fail.
 */
void eg_history_object_tips(struct eg_object_tip **out, size_t *n,
			    git_repository *repo,
			    const struct eg_scan_opts *opts,
			    struct eg_report *report);

/* Free `n` tips and the array; NULL is fine. */
void eg_history_object_tips_free(struct eg_object_tip *tips, size_t n);

#endif
