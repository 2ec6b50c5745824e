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

#endif
