/* results.h: what is known of a blob or a tree, kept by object id. */
#ifndef EG_RESULTS_H
#define EG_RESULTS_H

#include "bitset.h"
#include "match.h"

/*
 * What is known of one blob (under one name kind).  Written once by the
 * thread that scans it, read by the walker after eg_pool_finish().
 */
struct eg_blob_info {
	struct eg_blob_result *result; /* NULL when nothing hit */
	int unscanned;
	int seen; /* met in a tree already: its first commit is known */
	/*
	 * The walker's: the criteria its hits meet (owned), computed once
	 * unless a hit pattern has path globs (`by_name`), which make them
	 * depend on the file's name.
	 */
	eg_word *criteria;
	int by_name;
};

/*
 * A tree's criteria: the union of what holds in each file below it.  `old`
 * trees belong to what a push starts from (the repository has them).
 */
struct eg_tree_info {
	int incomplete;
	int old;
	eg_word bits[];
};

#endif
