/* evidence.c: choosing the strongest hits that show each criterion. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "evidence.h"
#include "kind.h"

const char *eg_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Whether `name` (`len` bytes) is one of `names`, in any case. */
static int named(const char *const *names, const char *name, size_t len)
{
	size_t i;

	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == len &&
		    !strncasecmp(names[i], name, len))
			return 1;
	return 0;
}

static const char *const installed_dirs[] = {
	"site-packages",
	"dist-packages",
	"node_modules",
	"bower_components",
	NULL,
};

static const char *const weak_dirs[] = {
	"vendor",   "vendored", "third_party", "thirdparty", "3rdparty",
	"external", "extern",	"doc",	       "docs",	     "documentation",
	"test",	    "tests",	"testing",     "__tests__",  "spec",
	"fixtures", NULL,
};

/* In any case: `Test/`, `Docs/` and `Vendor/` are as weak as their kin. */
enum eg_where eg_dir_where(const char *name, size_t len)
{
	if (named(installed_dirs, name, len))
		return EG_IN_INSTALLED;
	return named(weak_dirs, name, len) ? EG_IN_WEAK : EG_IN_PRODUCT;
}

int eg_weak_dir(const char *name, size_t len)
{
	return eg_dir_where(name, len) != EG_IN_PRODUCT;
}

/*
 * Folders that, by their name, serve the project around them.  A data
 * set's folder holds the card its publisher wrote (Roboflow's
 * `README.roboflow.txt`), not the project's description.
 */
static const char *const part_dirs[] = {
	"src",	   "lib",	"bin",	    "scripts",	 "tools",    "examples",
	"example", "notebooks", "notebook", "tutorials", "tutorial", "demo",
	"demos",   "samples",	"sample",   "configs",	 "config",   "data",
	"dataset", "datasets",	"assets",   NULL,
};

int eg_package_marker(const char *name, size_t len)
{
	return len == 11 && !memcmp(name, "__init__.py", 11);
}

int eg_part_dir(const char *name, size_t len)
{
	size_t i;

	if (eg_weak_dir(name, len))
		return 1;
	for (i = 0; part_dirs[i]; i++)
		if (strlen(part_dirs[i]) == len &&
		    !strncasecmp(part_dirs[i], name, len))
			return 1;
	return 0;
}

/* Whether needle occurs in the `len` bytes at s. */
static int contains(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle)) != NULL;
}

int eg_readme_counts(const char *dir, size_t len)
{
	if (!len)
		return 1;
	if (memchr(dir, '/', len - 1))
		return 0;
	return !eg_part_dir(dir, len - 1);
}

/*
 * A test file by its name: `test_io.py`, `io_test.go`.  Not Caffe's
 * `train_test.prototxt`, the network of both phases (and of training),
 * nor a `train_test.py` that splits the data.
 */
static int test_file_name(const char *name, size_t len)
{
	const char *t = memmem(name, len, "_test.", 6);

	if (len >= 5 && !strncmp(name, "test_", 5))
		return 1;
	return t && !(t - name >= 5 && !strncmp(t - 5, "train", 5));
}

int eg_weak_file(const char *name, size_t len, const struct eg_blob_result *r,
		 const char *dir, size_t dir_len)
{
	if (eg_kind_from_name(name, len) == EG_KIND_README)
		return !eg_readme_counts(dir, dir_len);
	if (r && (r->minified || r->kind == EG_KIND_DOC))
		return 1;
	return test_file_name(name, len) || contains(name, len, ".min.js");
}

enum eg_where eg_path_where(const char *path, const struct eg_blob_result *r)
{
	const char *p = path, *slash;
	enum eg_where where = EG_IN_PRODUCT;

	while ((slash = strchr(p, '/'))) {
		enum eg_where dir = eg_dir_where(p, (size_t)(slash - p));

		if (dir == EG_IN_INSTALLED)
			return dir;
		if (dir == EG_IN_WEAK)
			where = dir;
		p = slash + 1;
	}
	if (where == EG_IN_PRODUCT &&
	    eg_weak_file(p, strlen(p), r, path, (size_t)(p - path)))
		where = EG_IN_WEAK;
	return where;
}

int eg_path_is_weak(const char *path, const struct eg_blob_result *r)
{
	return eg_path_where(path, r) != EG_IN_PRODUCT;
}

static void add_evidence(struct eg_criterion_result *c,
			 const struct eg_sigset *set,
			 const struct eg_snapshot_file *file,
			 const struct eg_hit *h, enum eg_where where)
{
	struct eg_evidence *e;

	c->evidence = eg_xrealloc(c->evidence,
				  (c->nevidence + 1) * sizeof(*c->evidence));
	e = &c->evidence[c->nevidence++];
	memset(e, 0, sizeof(*e));
	e->path = eg_xstrdup(file->path);
	snprintf(e->blob, sizeof(e->blob), "%s", file->blob);
	e->member = h->member ? eg_xstrdup(h->member) : NULL;
	e->line = h->line;
	e->column = h->column;
	e->excerpt = eg_xstrdup(h->excerpt ? h->excerpt : "");
	e->pattern = eg_xstrdup(set->patterns[h->pattern].id);
	e->where = where;
}

static int has_evidence(const struct eg_criterion_result *c, const char *path,
			const struct eg_hit *h)
{
	size_t i;

	for (i = 0; i < c->nevidence; i++) {
		const struct eg_evidence *e = &c->evidence[i];

		if (e->line == h->line && !strcmp(e->path, path) &&
		    !strcmp(e->member ? e->member : "",
			    h->member ? h->member : ""))
			return 1;
	}
	return 0;
}

/*
 * The files of a snapshot with what each holds, worked out once per
 * finding: the criteria each file makes hold (`words` words a file) and
 * where it lies (enum eg_where).
 */
struct held {
	const struct eg_snapshot_file *files;
	size_t nfiles, words;
	eg_word *bits;
	unsigned char *where;
};

static void held_init(struct held *h, const struct eg_sigset *set,
		      const struct eg_snapshot_file *files, size_t nfiles)
{
	size_t i;

	h->files = files;
	h->nfiles = nfiles;
	h->words = EG_BITSET_WORDS(set->ncriteria);
	h->bits = eg_xcalloc(nfiles && h->words ? nfiles * h->words : 1,
			     sizeof(eg_word));
	h->where = eg_xcalloc(nfiles ? nfiles : 1, 1);
	for (i = 0; i < nfiles; i++) {
		eg_match_criteria(set, files[i].result, files[i].path,
				  h->bits + i * h->words);
		h->where[i] = (unsigned char)eg_path_where(files[i].path,
							   files[i].result);
	}
}

static int held_by(const struct held *h, size_t i, size_t ci)
{
	return eg_bit_test(h->bits + i * h->words, ci);
}

/* Take the first hits of criterion ci in each file that lies `where`. */
static void pick(struct eg_criterion_result *c, const struct eg_sigset *set,
		 size_t ci, const struct held *h, enum eg_where where,
		 int per_file)
{
	size_t i, k;

	for (i = 0; i < h->nfiles && c->nevidence < EG_EVIDENCE_PER_CRITERION;
	     i++) {
		const struct eg_snapshot_file *file = &h->files[i];
		const struct eg_blob_result *r = file->result;
		int taken = 0;

		if (h->where[i] != where || !held_by(h, i, ci))
			continue;
		for (k = 0; k < r->nhits && taken < per_file &&
			    c->nevidence < EG_EVIDENCE_PER_CRITERION;
		     k++) {
			const struct eg_pattern *p =
				&set->patterns[r->hits[k].pattern];

			if (p->criterion != ci ||
			    !eg_pattern_applies(p, file->path))
				continue;
			if (has_evidence(c, file->path, &r->hits[k]))
				continue;
			add_evidence(c, set, file, &r->hits[k], where);
			taken++;
		}
	}
}

/*
 * How many files a criterion holds in, product code, weak files and
 * installed packages apart: how much of the snapshot it covers, for the
 * reviewer to weigh (one README line of imagery against a thousand files
 * of training, say).
 */
static void count_files(struct eg_criterion_result *c, size_t ci,
			const struct held *h)
{
	size_t i;

	for (i = 0; i < h->nfiles; i++) {
		if (!held_by(h, i, ci))
			continue;
		if (h->where[i] == EG_IN_INSTALLED)
			c->installed_files++;
		else if (h->where[i] == EG_IN_WEAK)
			c->weak_files++;
		else
			c->files++;
	}
}

void eg_evidence_fill(struct eg_finding *f, const struct eg_sigset *set,
		      const eg_word *bits, const eg_word *weak_bits,
		      const struct eg_snapshot_file *files, size_t nfiles)
{
	struct held h;
	size_t i;

	held_init(&h, set, files, nfiles);
	f->ncriteria = f->sig->ncriteria;
	f->criteria = eg_xcalloc(f->ncriteria, sizeof(*f->criteria));
	for (i = 0; i < f->ncriteria; i++) {
		size_t ci = f->sig->first_criterion + i;
		struct eg_criterion_result *c = &f->criteria[i];

		c->criterion = &set->criteria[ci];
		c->met = eg_bit_test(bits, ci);
		count_files(c, ci, &h);
		if (!c->met) {
			/* shown, not counted */
			c->weak_only = weak_bits && eg_bit_test(weak_bits, ci);
			if (c->weak_only) {
				pick(c, set, ci, &h, EG_IN_WEAK, 1);
				pick(c, set, ci, &h, EG_IN_INSTALLED, 1);
			}
			continue;
		}
		/*
		 * breadth first over files, product code before the rest,
		 * installed packages only where nothing else shows it
		 */
		pick(c, set, ci, &h, EG_IN_PRODUCT, 1);
		pick(c, set, ci, &h, EG_IN_WEAK, 1);
		pick(c, set, ci, &h, EG_IN_PRODUCT, 3);
		if (!c->nevidence)
			pick(c, set, ci, &h, EG_IN_INSTALLED, 1);
	}
	free(h.bits);
	free(h.where);
}

void eg_evidence_fill_sets(struct eg_finding *f, const struct eg_sigset *set,
			   const eg_word *sets, size_t words,
			   const struct eg_snapshot_file *files, size_t nfiles)
{
	eg_word *bits = eg_xcalloc(words ? words : 1, sizeof(eg_word));
	const eg_word *weak = sets + EG_IN_WEAK * words;

	/* the evidence counts what the level counts (sigset.h) */
	if (f->level == EG_LEVEL_CONTROLLED) {
		memcpy(bits, sets, words * sizeof(eg_word));
		eg_bits_or(bits, weak, words);
		eg_evidence_fill(f, set, bits, NULL, files, nfiles);
	} else {
		memcpy(bits, weak, words * sizeof(eg_word));
		eg_bits_or(bits, sets + EG_IN_INSTALLED * words, words);
		eg_evidence_fill(f, set, sets, bits, files, nfiles);
	}
	free(bits);
}
