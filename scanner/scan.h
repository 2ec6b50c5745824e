/* scan.h: scanning a repository's history, a snapshot or a folder. */
#ifndef EG_SCAN_H
#define EG_SCAN_H

#include <git2.h>

#include "report.h"
#include "sigset.h"

struct eg_scan_opts {
	enum eg_target_scope scope;
	const char *rev;		  /* --rev range or --tree revision */
	unsigned long long max_blob_size; /* 0: no limit */
	unsigned jobs;			  /* 0: the number of CPUs */
	long long deadline_ms; /* monotonic ms (eg_now_ms()); 0: none */
	int progress;	       /* print a progress line on stderr */
	int open_from_env;     /* worker threads open the repository with
				  GIT_REPOSITORY_OPEN_FROM_ENV (hooks) */
	/*
	 * EG_TARGET_PUSH: results kept between pushes, or NULL.  Content in
	 * a cached tree counts as already there, so only a gate may use it.
	 */
	const char *cache_path;
	/* EG_TARGET_PUSH: scan the commits reachable from `tips` ... */
	const git_oid *tips;
	size_t ntips;
	/* ... that are not reachable from these commits ... */
	const git_oid *hide;
	size_t nhide;
	/* ... nor from refs matching this fnmatch glob, if set. */
	const char *hide_refs_glob;
};

/*
 * Scan `repo` as opts->scope says (EG_TARGET_ALL, _REV, _TREE, _WORKTREE or
 * _PUSH).  On success *out is a new report the caller frees with
 * eg_report_free(); missing or unreadable objects are listed in it as
 * unscanned rather than failing.  Fails with EG_ENOTREPO for a bad revision,
 * EG_EDEADLINE when the deadline passes.
 */
int eg_scan_repository(struct eg_report **out, git_repository *repo,
		       const struct eg_sigset *set,
		       const struct eg_scan_opts *opts);

/* Scan a plain folder (EG_TARGET_DIR).  Same ownership as above. */
int eg_scan_dir(struct eg_report **out, const char *path,
		const struct eg_sigset *set, const struct eg_scan_opts *opts);

/* Monotonic milliseconds. */
long long eg_now_ms(void);

#endif
