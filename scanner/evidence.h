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
 * are listed after product code, and what holds only in them does not
 * count toward a repository's level.  A path is weak when one of its
 * folders is (eg_weak_dir(): vendor/, tests/, docs/, ...) or its file is
 * (eg_weak_file(): test_*.py, *_test.go, *.min.js, minified code,
 * documentation; `r` may be NULL).  A README that says what a project is
 * (eg_readme_counts()) is not weak.
 */
int eg_path_is_weak(const char *path, const struct eg_blob_result *r);
/*
 * Where a path lies: below an installed package tree (eg_dir_where())
 * wherever that is, else weak as eg_path_is_weak() says, else product code.
 */
enum eg_where eg_path_where(const char *path, const struct eg_blob_result *r);
/*
 * Whether a README in the folder at `dir` (`len` bytes: its path with the
 * last '/', or 0 for the top) is a project's own description of what it is
 * for: the top's is, and so is that of a top-level folder that is no part
 * of the project around it (eg_part_dir()), a project of a collection.  A
 * deeper README, or one in `src/` or `examples/`, is a note on its files.
 */
int eg_readme_counts(const char *dir, size_t len);
/*
 * What lies below a folder of this name, in any case: installed packages
 * where a package manager puts other projects' code (`site-packages/`,
 * `dist-packages/`, `node_modules/`, `bower_components/`: counted for no
 * level, see eg_signature_level_of()); weak files below `vendor/`,
 * `tests/`, `docs/` and their kin; else product code.  eg_weak_dir(): not
 * product code.
 */
enum eg_where eg_dir_where(const char *name, size_t len);
int eg_weak_dir(const char *name, size_t len);
/*
 * Whether a top-level folder is, by its name, a part of the project around
 * it and no project of its own: a weak folder, or its sources, scripts,
 * tools, examples, notebooks, tutorials, demos, samples, configuration or
 * data (`src/`, `scripts/`, `examples/`, `notebooks/`, `data/`,
 * `datasets/`, ...; any case).  A toolkit's notebooks are judged with the
 * toolkit, while the folders of a collection of tutorials, named after
 * their subjects, are each judged on their own (see
 * eg_signature_level_bound()).
 */
int eg_part_dir(const char *name, size_t len);
/*
 * Whether a file of this name makes its folder a Python package
 * (`__init__.py`), which the project around it imports, its own or a
 * library copied in: a part of that project, not a project of its own.
 */
int eg_package_marker(const char *name, size_t len);
/* `dir`, `dir_len`: the file's folder, as eg_readme_counts() takes it */
int eg_weak_file(const char *name, size_t len, const struct eg_blob_result *r,
		 const char *dir, size_t dir_len);

/*
 * Fill f->criteria with every criterion of f->sig: met as `bits` says, and
 * for met ones up to EG_EVIDENCE_PER_CRITERION hits from `files` (sorted by
 * path by the caller), product code first, one per file first.  A
 * criterion not met that `weak_bits` (NULL: none) says holds in weak files
 * only is marked so, with hits from those.  The finding owns what this
 * allocates.  Each criterion also gets the number of `files` it holds in
 * (product code and weak apart).  Can't fail.
 */
void eg_evidence_fill(struct eg_finding *f, const struct eg_sigset *set,
		      const eg_word *bits, const eg_word *weak_bits,
		      const struct eg_snapshot_file *files, size_t nfiles);
/*
 * eg_evidence_fill() for a repository finding at f->level over a
 * snapshot's criteria sets (enum eg_where, `words` words each, as
 * eg_signature_level_of() takes them): met as that level counts them,
 * over product code and weak files for controlled, product code for
 * review, with what holds only in weak files or installed packages shown
 * as not counted.
 */
void eg_evidence_fill_sets(struct eg_finding *f, const struct eg_sigset *set,
			   const eg_word *sets, size_t words,
			   const struct eg_snapshot_file *files, size_t nfiles);

/* The base name of a path (after its last '/'); borrowed. */
const char *eg_basename(const char *path);

#endif
