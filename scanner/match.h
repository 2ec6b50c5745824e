/* match.h: matching one file's content against a compiled signature set. */
#ifndef EG_MATCH_H
#define EG_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "bitset.h"
#include "prefilter.h"
#include "sigset.h"

#define EG_MATCH_HITS_PER_PATTERN 3
#define EG_EXCERPT_MAX		  160

struct eg_hit {
	uint32_t pattern; /* index in eg_sigset.patterns */
	uint32_t line;	  /* from 1 */
	uint32_t column;  /* from 1, in characters (eg_utf8_chars()) */
	char *excerpt;
	char *member; /* in an archive: the member hit, its line; else NULL */
};

/*
 * What one file's content matched.  `patterns` has a bit per pattern of the
 * set; `hits` holds the first few hits of each, in pattern order.  Only
 * produced for content with a hit or with something to report, so most
 * files cost nothing to remember.
 */
struct eg_blob_result {
	eg_word *patterns;
	struct eg_hit *hits;
	size_t nhits;
	unsigned kind;
	int minified;
	const char *unscanned; /* why content was not (fully) scanned, static */
};

struct eg_matcher;

/*
 * Per-thread matching state (pcre2 match data, JIT stack, scratch).  The set
 * must be compiled and outlive the matcher.  Cannot fail.
 */
struct eg_matcher *eg_matcher_new(const struct eg_sigset *set);
void eg_matcher_free(struct eg_matcher *m);

/*
 * Match `buf` (the content of a file called `name`, whose name suggests
 * `name_kind`).  *out is NULL when nothing hit and nothing is to be
 * reported; otherwise the caller owns it (eg_blob_result_free()).  A
 * notebook is matched as its code cells, a MATLAB live script as its code
 * paragraphs and an R Markdown document as its code chunks, the last two as
 * `other-code`; a file named as text that is UTF-16 as its UTF-8
 * (utf16.h).  A zip or tar archive one of whose members is named as
 * source code (a wheel, a source distribution) is matched as its members,
 * each as a file of its name, and its hits name their member (its
 * criteria are still judged at the archive's path: patterns limited to
 * some file names do not count in it, eg_match_criteria()).  A
 * regex limit, a Git LFS pointer, a live script that can't be read, or a
 * member named as code that can't be (encrypted, too large, itself an
 * archive of code) sets `unscanned`.  Cannot fail.
 */
void eg_match_buffer(struct eg_blob_result **out, struct eg_matcher *m,
		     unsigned name_kind, const char *name,
		     const unsigned char *buf, size_t len);

/*
 * eg_match_buffer(), taking the prefilter's work from `memo` when it was
 * kept from this content with the prefilter of its kind (NULL: none).
 */
void eg_match_noted(struct eg_blob_result **out, struct eg_matcher *m,
		    unsigned name_kind, const char *name,
		    const unsigned char *buf, size_t len,
		    const struct eg_prefilter_memo *memo);
/*
 * The prefilter memo of `buf`, text of kind `kind`, for eg_match_noted():
 * made from `base`, the memo of the base of the delta that made `buf`,
 * and the stretches it copied (`base` NULL: a whole scan).  NULL for
 * other content, or when it cannot be kept; its size in *bytes.  Owned by
 * the caller (eg_prefilter_memo_free()).  Cannot fail.
 */
struct eg_prefilter_memo *eg_matcher_memo(struct eg_matcher *m, unsigned kind,
					  const unsigned char *buf, size_t len,
					  const struct eg_prefilter_memo *base,
					  const struct eg_delta_copy *copies,
					  size_t ncopies, size_t *bytes);
void eg_blob_result_free(struct eg_blob_result *r);

/*
 * OR into `criteria` (EG_BITSET_WORDS(set->ncriteria) words) the criteria
 * that hold in a file with this result at `path` (from the top of the
 * repository or folder, or a base name alone).  Can't fail.
 */
void eg_match_criteria(const struct eg_sigset *set,
		       const struct eg_blob_result *r, const char *path,
		       eg_word *criteria);

/*
 * Whether pattern `p` applies to the file at `path` (its globs, matched
 * against the base name: a subtree's criteria are known once, wherever it
 * is, so no glob may depend on the folders above).
 */
int eg_pattern_applies(const struct eg_pattern *p, const char *path);

#endif
