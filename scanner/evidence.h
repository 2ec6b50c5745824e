/* evidence.h: choosing the strongest hits that show each criterion. */
#ifndef EG_EVIDENCE_H
#define EG_EVIDENCE_H

#include "bitset.h"
#include "match.h"
#include "report.h"

#define EG_EVIDENCE_PER_CRITERION 3

/* One file of a snapshot that had hits; all borrowed. */
struct eg_snapshot_file {
	const char *path;
	const char *blob; /* hex id */
	const struct eg_blob_result *result;
};

/*
 * Whether a path is vendored, minified, documentation or tests: such files
 * count as weaker evidence and are listed after product code.
 */
int eg_path_is_weak(const char *path, const struct eg_blob_result *r);

/*
 * Fill f->criteria with every criterion of f->sig: met as `bits` says, and
 * for met ones up to EG_EVIDENCE_PER_CRITERION hits from `files` (sorted by
 * path by the caller), product code first, one per file first.  The finding
 * owns what this allocates.  Can't fail.
 */
void eg_evidence_fill(struct eg_finding *f, const struct eg_sigset *set,
		      const eg_word *bits, const struct eg_snapshot_file *files,
		      size_t nfiles);

/* The base name of a path (after its last '/'); borrowed. */
const char *eg_basename(const char *path);

#endif
