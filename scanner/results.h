/* results.h: what is known of a blob or a tree, kept by object id. */
#ifndef EG_RESULTS_H
#define EG_RESULTS_H

#include <git2.h>

#include "bitset.h"
#include "match.h"

/*
 * What is known of one blob (under one name kind).  Written once by the
 * thread that scans it, read by the walker after eg_pool_finish().
 */
struct eg_blob_info {
	git_oid oid;
	struct eg_blob_result *result; /* NULL when nothing hit */
	int unscanned;
	int seen; /* met in a tree already: its first commit is known */
	/*
	 * Whether another path may give another finding: a file-scope
	 * signature held at the first, or a hit pattern has path globs.
	 * Then it is judged at each path, and judged_at (the walker's,
	 * owned) holds the paths it was judged at; else at its first path
	 * only.  The gate's cache keeps `again`, not the paths.
	 */
	int again;
	char **judged_at;
	size_t njudged;
	/*
	 * The walker's: the criteria its hits meet (owned), computed once
	 * unless a hit pattern has path globs (`by_name`), which make them
	 * depend on the file's name.
	 */
	eg_word *criteria;
	int by_name;
	/*
	 * Set on a second lister's info for a blob the first lister met
	 * too: the info kept, which has the results.  Not owned.
	 */
	struct eg_blob_info *same;
};

/*
 * A tree's criteria: the union of what holds in each file below it, in
 * EG_CRITERIA_SETS sets of EG_BITSET_WORDS(ncriteria) words (enum
 * eg_where, evidence.h): `bits` first, what holds in product code; then
 * what holds in vendored, documentation or test files; then what holds
 * below installed packages (sigset.h says what each counts for).  `old`
 * trees belong to what a push starts from (the repository has them).
 */
struct eg_tree_info {
	int incomplete;
	int old;
	/*
	 * A blob below is judged at each of its paths (eg_blob_info's
	 * judged_at), so this tree is walked again, for those blobs alone,
	 * where it is met at a path not in walked_at (owned), though its
	 * criteria are known: a folder copied or renamed whole.
	 */
	int again;
	char **walked_at;
	size_t nwalked;
	eg_word bits[];
};

/* A tree's criteria in weak files, and below installed packages. */
#define EG_TREE_WEAK(ti, words)	     ((ti)->bits + EG_IN_WEAK * (words))
#define EG_TREE_INSTALLED(ti, words) ((ti)->bits + EG_IN_INSTALLED * (words))

#endif
