/* snapshot.h: judging files read from disk as one snapshot (--dir, --worktree).
 */
#ifndef EG_SNAPSHOT_H
#define EG_SNAPSHOT_H

#include <git2.h>

#include "evidence.h"
#include "match.h"
#include "progress.h"
#include "report.h"
#include "scan.h"

struct eg_snapshot {
	const struct eg_sigset *set;
	const struct eg_scan_opts *opts;
	struct eg_report *report; /* borrowed */
	struct eg_matcher *matcher;
	eg_word *bits; /* its criteria sets (enum eg_where, sigset.h) */
	size_t words;  /* in each set */
	struct eg_snapshot_file *files; /* path, blob and result owned */
	size_t nfiles, files_alloc;
	/* top-level folders that are Python packages, "dir/", owned */
	char **packages;
	size_t npackages, packages_alloc;
	struct eg_progress *progress;
};

void eg_snapshot_init(struct eg_snapshot *s, const struct eg_sigset *set,
		      struct eg_report *report,
		      const struct eg_scan_opts *opts);
/*
 * Read and match the regular file at `fullpath`, reported as `relpath`.
 * Nothing there, a symbolic link or a special file (FIFO, socket, device)
 * is not part of the snapshot and is skipped; a file that cannot be read is
 * listed as unscanned.  Only a passed deadline fails (EG_EDEADLINE).
 */
int eg_snapshot_add_file(struct eg_snapshot *s, const char *fullpath,
			 const char *relpath);
/* Judge the signatures on everything added; add the findings. */
void eg_snapshot_finish(struct eg_snapshot *s);
void eg_snapshot_release(struct eg_snapshot *s);

/* --worktree: tracked files as they are on disk, and untracked ones. */
int eg_scan_worktree(struct eg_report *report, git_repository *repo,
		     const struct eg_sigset *set,
		     const struct eg_scan_opts *opts);

#endif
