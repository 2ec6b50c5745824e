/* report.h: what a scan found, and the writers that print it. */
#ifndef EG_REPORT_H
#define EG_REPORT_H

#include <stdio.h>
#include <stddef.h>

#include "sigset.h"

#define EG_OID_HEX 41 /* 40 hex digits and NUL */

/*
 * One hit that shows a criterion: where, and the line it is on.  Line and
 * column count from 1, 0 when there is none; the column counts characters.
 */
struct eg_evidence {
	char *path;
	char blob[EG_OID_HEX];
	char *member; /* the member of the archive at `path` hit, or NULL */
	unsigned line, column; /* in the member, when there is one */
	char *excerpt;	       /* the line, trimmed, valid UTF-8 */
	char *pattern;	       /* the pattern id that hit */
	/*
	 * Product code, or not counted for review: a weak file (vendored,
	 * minified, docs or tests) or below installed packages (sigset.h).
	 */
	enum eg_where where;
};

/* A snapshot a finding holds on: its commit and the tree judged. */
struct eg_snapshot_id {
	char commit[EG_OID_HEX];
	char content[EG_OID_HEX];
};

struct eg_criterion_result {
	const struct eg_criterion *criterion; /* borrowed from the sigset */
	int met;
	/* not met: holds only in weak files or below installed packages */
	int weak_only;
	/* how many files of the snapshot it holds in, by enum eg_where */
	size_t files, weak_files, installed_files;
	struct eg_evidence *evidence;
	size_t nevidence;
};

struct eg_finding {
	char fingerprint[65];
	const struct eg_signature *sig; /* borrowed from the sigset */
	enum eg_level level;
	char commit[EG_OID_HEX];  /* first commit where it holds, or "" */
	char content[EG_OID_HEX]; /* its tree (repository) or blob (file) */
	char *path;		  /* file scope only */
	/*
	 * Repository scope: the top-level folder ("dir/") it holds in on its
	 * own, when counter-evidence elsewhere keeps the whole snapshot
	 * below (see eg_signature_level_bound()); NULL: the whole snapshot.
	 */
	char *folder;
	/*
	 * EG_TARGET_PUSH, repository scope: the other snapshots of the push
	 * it holds on at `level`, each with its own tree (a folder's, when
	 * judged on one), in walk order; owned.  Each is content the push
	 * brings, so each needs an approval of its own.
	 */
	struct eg_snapshot_id *also;
	size_t nalso;
	char *author;	/* of `commit`, "Name <email>", or NULL */
	long long time; /* of `commit`, seconds since the epoch */
	struct eg_criterion_result *criteria;
	size_t ncriteria;
};

struct eg_unscanned {
	char *path;
	char blob[EG_OID_HEX];
	char *reason;
};

enum eg_target_scope {
	EG_TARGET_ALL,
	EG_TARGET_REV,
	EG_TARGET_TREE,
	EG_TARGET_WORKTREE,
	EG_TARGET_DIR,
	EG_TARGET_PUSH,
};

/*
 * Invariant: findings are sorted (signature id, level descending, commit
 * order, path), so the same input gives the same report whatever --jobs.
 */
struct eg_report {
	char *target_path;
	enum eg_target_scope scope;
	const struct eg_sigset *set; /* borrowed */
	unsigned long long commits, blobs, bytes;
	int incomplete;
	struct eg_unscanned *unscanned;
	size_t nunscanned, unscanned_alloc;
	struct eg_finding *findings;
	size_t nfindings, findings_alloc;
};

struct eg_report *eg_report_new(const struct eg_sigset *set,
				const char *target_path,
				enum eg_target_scope scope);
void eg_report_free(struct eg_report *report);

/* Record content that was not scanned; the report becomes incomplete. */
void eg_report_add_unscanned(struct eg_report *report, const char *path,
			     const char *blob, const char *reason);
/* A new finding, zeroed but for sig and level; the report owns it. */
struct eg_finding *eg_report_add_finding(struct eg_report *report,
					 const struct eg_signature *sig,
					 enum eg_level level);
/* Sort findings into their canonical order and fill in fingerprints. */
void eg_report_finish(struct eg_report *report);

/* Count findings at each level. */
size_t eg_report_count(const struct eg_report *report, enum eg_level level);
/* The highest level among the findings. */
enum eg_level eg_report_max_level(const struct eg_report *report);
/*
 * Whether a criterion of a finding carries file counts to show: only a
 * repository finding built from a snapshot has them.
 */
int eg_criterion_counted(const struct eg_finding *f,
			 const struct eg_criterion_result *c);
/*
 * Print in how many files a criterion holds, outside product code counted
 * apart: "holds in 3 files, and 2 vendored, docs or test files and 1
 * installed file" (below installed packages).
 */
void eg_report_print_held(FILE *out, const struct eg_criterion_result *c);
/*
 * Print that a criterion holds only outside product code (c->weak_only):
 * "only in 1 installed file: not counted", or, with no counts to show
 * (eg_criterion_counted()), "only in vendored, docs or test files: not
 * counted".
 */
void eg_report_print_not_counted(FILE *out, const struct eg_finding *f,
				 const struct eg_criterion_result *c);
/*
 * How a report marks evidence outside product code: a word, "weak" or
 * "installed", and a note that says what that is; NULL for product code.
 */
const char *eg_where_name(enum eg_where where);
const char *eg_where_note(enum eg_where where);

/*
 * Drop findings whose fingerprint is in the JSON report at `path` (an
 * earlier --format json output).  EG_ECONFIG when it is not such a report.
 */
int eg_report_apply_baseline(struct eg_report *report, const char *path);

const char *eg_target_scope_name(enum eg_target_scope scope);

struct eg_output_opts {
	int color; /* ANSI colours in text output */
	const char *version;
};

/* Writers: 0, or EG_EIO when the stream fails. */
int eg_report_write_json(const struct eg_report *report, FILE *out,
			 const struct eg_output_opts *opts);
int eg_report_write_text(const struct eg_report *report, FILE *out,
			 const struct eg_output_opts *opts);
int eg_report_write_sarif(const struct eg_report *report, FILE *out,
			  const struct eg_output_opts *opts);
int eg_report_write_markdown(const struct eg_report *report, FILE *out,
			     const struct eg_output_opts *opts);

#endif
