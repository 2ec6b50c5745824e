/* scan.c: walking a repository's history; each blob and tree read once. */
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "error.h"
#include "evidence.h"
#include "history.h"
#include "lastdir.h"
#include "match.h"
#include "oidmap.h"
#include "packfile.h"
#include "packidx.h"
#include "pool.h"
#include "progress.h"
#include "scan.h"
#include "snapshot.h"
#include "tape.h"
#include "treeread.h"

/* Trees nested deeper than this are reported, not followed. */
#define MAX_TREE_DEPTH 1024

struct snapshot_pair {
	git_oid commit, tree;
};

struct sig_state {
	enum eg_level level;
	git_oid commit;
	git_oid tree; /* judged on: the snapshot's root, or `folder` */
	int has_commit;
	char *folder; /* "dir/" when judged on that folder alone; owned */
	/*
	 * EG_TARGET_PUSH: the other snapshots it holds on at `level`
	 * (eg_finding.also), one per tree, which `also_trees` lists too.
	 */
	struct snapshot_pair *also;
	size_t nalso, also_alloc;
	struct eg_oidmap also_trees;
};

struct walker {
	git_repository *repo;
	git_odb *odb;
	const struct eg_sigset *set;
	const struct eg_scan_opts *opts;
	unsigned jobs; /* worker threads for blobs; 1: this thread alone */
	struct eg_report *report;
	struct eg_blob_reader reader; /* this thread's */
	struct eg_packidx *packidx;   /* for reader.packs and the pool's */
	struct eg_oidmap blobs; /* (blob, name kind) -> struct eg_blob_info */
	/* (tree, enum tree_place) -> struct eg_tree_info */
	struct eg_oidmap trees;
	struct eg_lastdirs lastdirs; /* folder path -> last tree judged */
	size_t words;		     /* criteria bitset words */
	struct sig_state *sigs;
	eg_word *scratch, *named; /* criteria bitsets to work in */
	char *path; /* the current tree's path, "" or "dir/sub/" */
	size_t path_len, path_alloc;
	const git_oid *commit; /* being walked, or NULL */
	int old;	       /* walking content the target already has */
	git_oid *boundary;     /* trees a push starts from */
	size_t nboundary, boundary_alloc;
	struct eg_progress progress;
};

long long eg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int past_deadline(const struct walker *w)
{
	return w->opts->deadline_ms && eg_now_ms() > w->opts->deadline_ms;
}

static void path_push(struct walker *w, const char *name)
{
	size_t n = strlen(name);

	EG_GROW(w->path, w->path_alloc, w->path_len + n + 2);
	memcpy(w->path + w->path_len, name, n);
	w->path_len += n;
	w->path[w->path_len] = '\0';
}

static void path_set_len(struct walker *w, size_t len)
{
	w->path_len = len;
	w->path[len] = '\0';
}

/*
 * Where a tree is.  What holds in a tree depends on its place through its
 * READMEs alone (eg_readme_counts()): at the root, its own README counts
 * and so do those of its top-level folders; in a top-level folder of a
 * project's own, its README only; elsewhere, none.  A tree met in two
 * places is judged in each.
 */
enum tree_place { PLACE_OTHER, PLACE_FOLDER, PLACE_ROOT };

/*
 * A note (see struct judging): the criteria sets of enum eg_where, then a
 * word of flags.
 */
#define NOTE_FLAGS(words)  (EG_CRITERIA_SETS * (words))
#define NOTE_STRIDE(words) (NOTE_FLAGS(words) + 1)
#define NOTE_INCOMPLETE	   1 /* something below could not be read */
#define NOTE_AGAIN	   2 /* a blob below is judged at each path */

/* The place of the tree at w->path. */
static enum tree_place tree_place(const struct walker *w)
{
	if (!w->path_len)
		return PLACE_ROOT;
	return eg_readme_counts(w->path, w->path_len) ? PLACE_FOLDER
						      : PLACE_OTHER;
}

static void unscanned(struct walker *w, const git_oid *oid, const char *why)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), oid);
	eg_report_add_unscanned(w->report, w->path, hex, why);
}

static void unscanned_git(struct walker *w, const git_oid *oid,
			  const char *what)
{
	char why[512];

	snprintf(why, sizeof(why), "%s: %s", what, eg_error_git_message());
	unscanned(w, oid, why);
}

static struct eg_blob_info *scan_blob(struct walker *w, const git_oid *oid,
				      unsigned name_kind, const char *name)
{
	struct eg_blob_info *bi = eg_xcalloc(1, sizeof(*bi));

	git_oid_cpy(&bi->oid, oid);
	eg_oidmap_put(&w->blobs, oid, name_kind, bi);
	eg_blob_read_and_match(&w->reader, bi, oid, name_kind, name, w->path);
	eg_progress_update(&w->progress, w->report);
	return bi;
}

static void commit_hex(const struct walker *w, char out[EG_OID_HEX])
{
	if (w->commit)
		git_oid_tostr(out, EG_OID_HEX, w->commit);
	else
		out[0] = '\0';
}

/* Whether a tree a push starts from has this blob at this path already. */
static int in_boundary(struct walker *w, const git_oid *oid)
{
	size_t i;
	int found = 0;

	for (i = 0; i < w->nboundary && !found; i++) {
		git_tree *tree = NULL;
		git_tree_entry *e = NULL;

		if (git_tree_lookup(&tree, w->repo, &w->boundary[i]) == 0 &&
		    git_tree_entry_bypath(&e, tree, w->path) == 0)
			found = !git_oid_cmp(git_tree_entry_id(e), oid);
		git_tree_entry_free(e);
		git_tree_free(tree);
	}
	git_error_clear();
	return found;
}

/*
 * Judge file-scope signatures on a blob at w->path, and add their findings
 * unless the blob is in what a push starts from.  Returns whether one
 * holds there, added or not.
 */
static int file_findings(struct walker *w, const git_oid *oid,
			 const struct eg_blob_result *r)
{
	const struct eg_sigset *set = w->set;
	struct eg_snapshot_file file;
	char hex[EG_OID_HEX];
	size_t s;
	int old = w->old ? 1 : -1; /* unknown until needed */
	int held = 0;

	memset(w->scratch, 0, w->words * sizeof(eg_word));
	eg_match_criteria(set, r, w->path, w->scratch);
	git_oid_tostr(hex, sizeof(hex), oid);
	for (s = 0; s < set->nsigs; s++) {
		const struct eg_signature *sig = &set->sigs[s];
		enum eg_level level;
		struct eg_finding *f;

		if (sig->scope != EG_SIG_FILE)
			continue;
		level = eg_signature_level(sig, w->scratch);
		if (level == EG_LEVEL_NONE)
			continue;
		held = 1;
		/* with cached trees, old blobs are met again in new trees */
		if (old < 0)
			old = w->nboundary && in_boundary(w, oid);
		if (old)
			break;
		f = eg_report_add_finding(w->report, sig, level);
		f->path = eg_xstrdup(w->path);
		memcpy(f->content, hex, sizeof(hex));
		commit_hex(w, f->commit);
		file.path = f->path;
		file.blob = hex;
		file.result = r;
		eg_evidence_fill(f, set, w->scratch, NULL, &file, 1);
	}
	return held;
}

/* The paths a blob or a tree was judged at (judged_at, walked_at). */
static int paths_have(char *const *paths, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(paths[i], path))
			return 1;
	return 0;
}

static void paths_add(char ***paths, size_t *n, const char *path)
{
	*paths = eg_xrealloc(*paths, (*n + 1) * sizeof(char *));
	(*paths)[(*n)++] = eg_xstrdup(path);
}

static void paths_free(char **paths, size_t n)
{
	while (n)
		free(paths[--n]);
	free(paths);
}

/* Whether a blob's file-scope signatures were judged at w->path. */
static int judged_here(const struct walker *w, const struct eg_blob_info *bi)
{
	return paths_have(bi->judged_at, bi->njudged, w->path);
}

static int eval_tree(struct walker *w, const git_oid *id, size_t depth,
		     struct eg_tree_info **out);

/* Whether a blob's criteria depend on its name: a hit pattern has globs. */
static int hits_by_name(const struct eg_sigset *set,
			const struct eg_blob_result *r)
{
	size_t i;

	for (i = 0; i < set->npatterns; i++)
		if (set->patterns[i].npaths && eg_bit_test(r->patterns, i))
			return 1;
	return 0;
}

/* The criteria a blob with hits meets at w->path; borrowed. */
static const eg_word *blob_criteria(struct walker *w, struct eg_blob_info *bi)
{
	if (!bi->criteria) {
		bi->criteria =
			eg_xcalloc(w->words ? w->words : 1, sizeof(eg_word));
		bi->by_name = hits_by_name(w->set, bi->result);
		if (!bi->by_name)
			eg_match_criteria(w->set, bi->result, w->path,
					  bi->criteria);
	}
	if (!bi->by_name)
		return bi->criteria;
	memset(w->named, 0, w->words * sizeof(eg_word));
	eg_match_criteria(w->set, bi->result, w->path, w->named);
	return w->named;
}

/* OR what holds below a subtree into its entry's note (see struct judging). */
static void note_tree(const struct walker *w, const char *name, size_t len,
		      const struct eg_tree_info *sub, eg_word *note)
{
	const size_t words = w->words;
	eg_word *weak = note + EG_IN_WEAK * words;
	eg_word *installed = note + EG_IN_INSTALLED * words;
	enum eg_where dir = eg_dir_where(name, len);

	if (dir == EG_IN_INSTALLED) {
		/* below installed packages, all is theirs */
		eg_bits_or(installed, sub->bits, words);
		eg_bits_or(installed, EG_TREE_WEAK(sub, words), words);
	} else {
		/* below a weak folder, all the project's own is weak */
		eg_bits_or(dir == EG_IN_WEAK ? weak : note, sub->bits, words);
		eg_bits_or(weak, EG_TREE_WEAK(sub, words), words);
	}
	eg_bits_or(installed, EG_TREE_INSTALLED(sub, words), words);
	if (sub->incomplete)
		note[NOTE_FLAGS(words)] |= NOTE_INCOMPLETE;
	if (sub->again)
		note[NOTE_FLAGS(words)] |= NOTE_AGAIN;
}

/*
 * OR what a blob meets into its entry's note, and judge its file-scope
 * signatures the first time it is met, and again at each other path when
 * that may find what the first did not (judged_at).  It is at w->path +
 * name.
 */
static void note_blob(struct walker *w, struct eg_blob_info *bi,
		      const char *name, size_t len, eg_word *note)
{
	const size_t words = w->words;
	size_t base = w->path_len;
	eg_word *into;

	if (bi->unscanned)
		note[NOTE_FLAGS(words)] |= NOTE_INCOMPLETE;
	if (!bi->result)
		return;
	into = eg_weak_file(name, len, bi->result, w->path, w->path_len)
		       ? note + EG_IN_WEAK * words
		       : note;
	path_push(w, name);
	eg_bits_or(into, blob_criteria(w, bi), words);
	if (!bi->seen || (bi->again && !judged_here(w, bi))) {
		bi->seen = 1;
		if (file_findings(w, &bi->oid, bi->result) || bi->by_name)
			bi->again = 1;
		if (bi->again)
			paths_add(&bi->judged_at, &bi->njudged, w->path);
	}
	if (bi->again)
		note[NOTE_FLAGS(words)] |= NOTE_AGAIN;
	path_set_len(w, base);
}

/*
 * Judge one entry of a tree into its note (see struct judging): OR in the
 * criteria that hold below it, in product code and in weak files, and
 * set its last word when something there could not be read.
 */
static int eval_entry(struct walker *w, const struct eg_tree_entry *e,
		      size_t depth, eg_word *note)
{
	size_t base = w->path_len;
	struct eg_tree_info *sub;
	struct eg_blob_info *bi;
	unsigned kind;
	int err;

	switch (e->mode) {
	case GIT_FILEMODE_TREE:
		path_push(w, e->name);
		path_push(w, "/");
		err = eval_tree(w, e->oid, depth + 1, &sub);
		path_set_len(w, base);
		if (!err)
			note_tree(w, e->name, e->name_len, sub, note);
		return err;
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
		break;
	default:
		/* symbolic links and submodules (gitlinks) are not followed */
		return 0;
	}
	kind = eg_kind_from_name(e->name, e->name_len);
	if (!(bi = eg_oidmap_get(&w->blobs, e->oid, kind))) {
		if (past_deadline(w))
			return eg_error_set(EG_EDEADLINE, "deadline passed");
		path_push(w, e->name);
		bi = scan_blob(w, e->oid, kind, e->name);
		path_set_len(w, base);
	}
	note_blob(w, bi, e->name, e->name_len, note);
	return 0;
}

/*
 * A new tree being judged beside the last version at its path (see
 * lastdir.h).  Each entry gets a note of NOTE_STRIDE(words) words:
 * the criteria that hold below it in product code, then in weak files,
 * then below installed packages (enum eg_where), then flags: whether
 * something there is incomplete, whether a blob there
 * is judged at each path (NOTE_*).  An entry the same as in the last
 * version takes its note.
 */
struct judging {
	struct walker *w;
	size_t depth;
	const struct eg_lastdir *last;
	struct eg_tree_info *ti;
	eg_word *notes;
	size_t n, alloc;
};

/* eg_lastdir_fn; never returns EG_EGIT, which means a malformed tree */
static int judge_step(void *arg, const struct eg_lastdir_step *st)
{
	struct judging *j = arg;
	const size_t words = j->w->words, stride = NOTE_STRIDE(words);
	eg_word *note;
	size_t i;
	int err = 0;

	EG_GROW(j->notes, j->alloc, (j->n + st->count) * stride);
	note = j->notes + j->n * stride;
	if (st->e) {
		memset(note, 0, stride * sizeof(eg_word));
		err = eval_entry(j->w, st->e, j->depth, note);
	} else {
		memcpy(note, j->last->notes + st->last_k * stride,
		       st->count * stride * sizeof(eg_word));
	}
	for (i = 0; i < st->count; i++, note += stride) {
		eg_bits_or(j->ti->bits, note, EG_CRITERIA_SETS * words);
		j->ti->incomplete |=
			(note[NOTE_FLAGS(words)] & NOTE_INCOMPLETE) != 0;
		j->ti->again |= (note[NOTE_FLAGS(words)] & NOTE_AGAIN) != 0;
	}
	j->n += st->count;
	return err;
}

static int walked_here(const struct walker *w, const struct eg_tree_info *ti)
{
	return paths_have(ti->walked_at, ti->nwalked, w->path);
}

/* Note that tree `ti`'s blobs that need it were judged at w->path. */
static void walked_add(const struct walker *w, struct eg_tree_info *ti)
{
	if (ti->again && !walked_here(w, ti))
		paths_add(&ti->walked_at, &ti->nwalked, w->path);
}

/* The tree info of `id` at w->path, at whatever place it was judged. */
static struct eg_tree_info *tree_info_any(const struct walker *w,
					  const git_oid *id)
{
	static const enum tree_place places[] = {PLACE_OTHER, PLACE_FOLDER,
						 PLACE_ROOT};
	struct eg_tree_info *ti = eg_oidmap_get(&w->trees, id, tree_place(w));
	size_t i;

	for (i = 0; !ti && i < sizeof(places) / sizeof(places[0]); i++)
		ti = eg_oidmap_get(&w->trees, id, places[i]);
	return ti;
}

/*
 * A tree judged already, met at w->path where its blobs that are judged
 * at each path (judged_at) were not: judge those there, and go down the
 * subtrees that hold some.  Its criteria stand; it is read again, for
 * them alone, which happens where a folder is copied or renamed whole.
 */
static void revisit(struct walker *w, const git_oid *id,
		    struct eg_tree_info *ti)
{
	size_t base = w->path_len, i, n;
	git_tree *tree = NULL;

	if (!ti->again || walked_here(w, ti))
		return;
	walked_add(w, ti);
	if (git_tree_lookup(&tree, w->repo, id) < 0) {
		unscanned_git(w, id, "unreadable tree");
		return;
	}
	n = git_tree_entrycount(tree);
	for (i = 0; i < n; i++) {
		const git_tree_entry *e = git_tree_entry_byindex(tree, i);
		const char *name = git_tree_entry_name(e);
		const git_oid *oid = git_tree_entry_id(e);
		struct eg_blob_info *bi;
		struct eg_tree_info *sub;

		path_push(w, name);
		if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
			path_push(w, "/");
			if ((sub = tree_info_any(w, oid)))
				revisit(w, oid, sub);
		} else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB &&
			   (bi = eg_oidmap_get(
				    &w->blobs, oid,
				    eg_kind_from_name(name, strlen(name)))) &&
			   bi->result && bi->again && !judged_here(w, bi)) {
			file_findings(w, oid, bi->result);
			paths_add(&bi->judged_at, &bi->njudged, w->path);
		}
		path_set_len(w, base);
	}
	git_tree_free(tree);
}

static int eval_tree(struct walker *w, const git_oid *id, size_t depth,
		     struct eg_tree_info **out)
{
	struct judging j = {w, depth, NULL, NULL, NULL, 0, 0};
	enum tree_place place = tree_place(w);
	struct eg_lastdir *last;
	unsigned char *tree;
	size_t size, *offs, n;
	int err;

	if ((*out = eg_oidmap_get(&w->trees, id, place))) {
		revisit(w, id, *out);
		return 0;
	}
	j.ti = eg_xcalloc(1, sizeof(*j.ti) + EG_CRITERIA_SETS * w->words *
						     sizeof(eg_word));
	j.ti->old = w->old;
	eg_oidmap_put(&w->trees, id, place, j.ti);
	*out = j.ti;
	if (depth > MAX_TREE_DEPTH) {
		unscanned(w, id, "tree nested deeper than 1024 levels");
		j.ti->incomplete = 1;
		return 0;
	}
	if (eg_tree_read(&tree, &size, w->reader.packs, w->odb, id)) {
		unscanned(w, id, eg_error_last());
		j.ti->incomplete = 1;
		return 0;
	}
	j.last = last = eg_lastdir_at(&w->lastdirs, w->path, w->path_len);
	err = eg_lastdir_walk(last, tree, size, judge_step, &j, &offs, &n);
	walked_add(w, j.ti);
	if (!err) {
		/* the next version of this folder is judged beside this one */
		eg_lastdir_keep(last, tree, size, offs, n, j.notes);
		return 0;
	}
	if (err == EG_EGIT) {
		/* a malformed entry: what came before it counts */
		unscanned(w, id, eg_error_last());
		j.ti->incomplete = 1;
		err = 0;
	}
	free(j.notes);
	free(offs);
	free(tree);
	return err;
}

/*
 * Signature `s` holds at `level` in this snapshot (`folder` NULL), or in
 * its top-level folder `folder` (`len` bytes, no '/') whose tree is `tree`.
 */
static void raise_level(struct walker *w, size_t s, enum eg_level level,
			const git_oid *commit, const git_oid *tree,
			const char *folder, size_t len)
{
	struct sig_state *st = &w->sigs[s];

	st->level = level;
	git_oid_cpy(&st->tree, tree);
	st->has_commit = commit != NULL;
	if (commit)
		git_oid_cpy(&st->commit, commit);
	free(st->folder);
	st->folder = NULL;
	if (folder && asprintf(&st->folder, "%.*s/", (int)len, folder) < 0)
		abort();
	st->nalso = 0;
	eg_oidmap_clear(&st->also_trees);
	eg_oidmap_put(&st->also_trees, tree, 0, st);
}

/*
 * Whether signature `s` holding at `level` somewhere is news: a higher
 * level than before names the finding; in a push, the same level on
 * another tree is more content that needs approving.
 */
static int level_is_news(struct walker *w, size_t s, enum eg_level level)
{
	enum eg_level known = w->sigs[s].level;

	return level > known || (level == known && level != EG_LEVEL_NONE &&
				 w->opts->scope == EG_TARGET_PUSH);
}

/*
 * Signature `s` holds at `level` on `tree` (a snapshot's root, or its
 * folder `folder`) of `commit`: raise the finding's level, or list the
 * tree among its other snapshots (level_is_news()).
 */
static void note_level(struct walker *w, size_t s, enum eg_level level,
		       const git_oid *commit, const git_oid *tree,
		       const char *folder, size_t len)
{
	struct sig_state *st = &w->sigs[s];

	if (level > st->level) {
		raise_level(w, s, level, commit, tree, folder, len);
		return;
	}
	if (!level_is_news(w, s, level) || !commit ||
	    eg_oidmap_get(&st->also_trees, tree, 0))
		return;
	eg_oidmap_put(&st->also_trees, tree, 0, st);
	EG_GROW(st->also, st->also_alloc, st->nalso + 1);
	git_oid_cpy(&st->also[st->nalso].commit, commit);
	git_oid_cpy(&st->also[st->nalso].tree, tree);
	st->nalso++;
}

/* Whether `tree` holds an __init__.py (eg_package_marker()). */
static int tree_is_package(struct walker *w, const git_oid *tree)
{
	struct eg_tree_entry e;
	unsigned char *data;
	const unsigned char *at;
	size_t size;
	int found = 0;

	if (eg_tree_read(&data, &size, w->reader.packs, w->odb, tree)) {
		eg_error_clear(); /* reported when the tree was judged */
		return 0;
	}
	for (at = data; !found && eg_tree_next(&at, data + size, &e) > 0;)
		found = e.mode != GIT_FILEMODE_TREE &&
			eg_package_marker(e.name, e.name_len);
	free(data);
	return found;
}

/*
 * Judge signature `s` on each top-level folder of a snapshot on its own,
 * as if it were a project: counter-evidence in one folder (a pathology
 * tutorial) does not clear another (an aerial-imagery one) of a
 * collection.  A folder that serves the project around it (eg_part_dir():
 * vendored code, docs, tests, its examples or notebooks; or a Python
 * package, which it imports) is no project.  A folder's own tree is read
 * only when it would raise the level.
 */
static void judge_folders(struct walker *w, size_t s, const git_oid *commit,
			  const git_oid *tree)
{
	const struct eg_signature *sig = &w->set->sigs[s];
	struct eg_tree_entry e;
	unsigned char *data;
	const unsigned char *at;
	size_t size;

	if (eg_tree_read(&data, &size, w->reader.packs, w->odb, tree)) {
		eg_error_clear(); /* reported when the tree was judged */
		return;
	}
	for (at = data; eg_tree_next(&at, data + size, &e) > 0;) {
		const struct eg_tree_info *sub;
		enum eg_level level;

		if (e.mode != GIT_FILEMODE_TREE ||
		    eg_part_dir(e.name, e.name_len) ||
		    !(sub = eg_oidmap_get(&w->trees, e.oid, PLACE_FOLDER)))
			continue;
		level = eg_signature_level_of(sig, sub->bits, w->words);
		if (level_is_news(w, s, level) && !tree_is_package(w, e.oid))
			note_level(w, s, level, commit, e.oid, e.name,
				   e.name_len);
	}
	eg_error_clear();
	free(data);
}

/*
 * Judge repository-scope signatures on one commit's (or tree's) snapshot,
 * whose root tree `tree` holds what `ti` says.
 */
static void judge_snapshot(struct walker *w, const git_oid *commit,
			   const git_oid *tree, const struct eg_tree_info *ti)
{
	size_t s;

	if (w->old)
		return;
	for (s = 0; s < w->set->nsigs; s++) {
		const struct eg_signature *sig = &w->set->sigs[s];
		enum eg_level level, bound;

		if (sig->scope != EG_SIG_REPOSITORY)
			continue;
		level = eg_signature_level_of(sig, ti->bits, w->words);
		note_level(w, s, level, commit, tree, NULL, 0);
		bound = eg_signature_level_bound(sig, ti->bits, w->words);
		if (bound > level && level_is_news(w, s, bound))
			judge_folders(w, s, commit, tree);
	}
}

/* Judge a snapshot, reading its trees. */
static int eval_snapshot(struct walker *w, const git_oid *commit,
			 const git_oid *tree)
{
	struct eg_tree_info *ti;
	int err;

	w->commit = commit;
	path_set_len(w, 0);
	if (!(err = eval_tree(w, tree, 0, &ti)))
		judge_snapshot(w, commit, tree, ti);
	return err;
}

struct file_list {
	struct eg_snapshot_file *files;
	size_t n, alloc;
};

/* Every file with hits in a tree, with its full path, in tree order. */
static void collect_files(struct walker *w, const git_oid *id, size_t depth,
			  struct file_list *list)
{
	struct eg_tree_entry e;
	unsigned char *tree;
	const unsigned char *at;
	size_t size, base = w->path_len;

	if (depth > MAX_TREE_DEPTH ||
	    eg_tree_read(&tree, &size, w->reader.packs, w->odb, id)) {
		eg_error_clear(); /* reported when the tree was judged */
		return;
	}
	for (at = tree; eg_tree_next(&at, tree + size, &e) > 0;) {
		struct eg_blob_info *bi;
		char hex[EG_OID_HEX];

		path_push(w, e.name);
		if (e.mode == GIT_FILEMODE_TREE) {
			path_push(w, "/");
			collect_files(w, e.oid, depth + 1, list);
		} else if ((bi = eg_oidmap_get(
				    &w->blobs, e.oid,
				    eg_kind_from_name(e.name, e.name_len))) &&
			   bi->result && bi->result->nhits) {
			git_oid_tostr(hex, sizeof(hex), e.oid);
			EG_GROW(list->files, list->alloc, list->n + 1);
			list->files[list->n].path = eg_xstrdup(w->path);
			list->files[list->n].blob = eg_xstrdup(hex);
			list->files[list->n].result = bi->result;
			list->n++;
		}
		path_set_len(w, base);
	}
	eg_error_clear();
	free(tree);
}

static void repository_findings(struct walker *w)
{
	size_t s, i;

	for (s = 0; s < w->set->nsigs; s++) {
		const struct eg_signature *sig = &w->set->sigs[s];
		struct file_list list = {0};
		struct eg_tree_info *ti;
		struct eg_finding *f;

		if (sig->scope != EG_SIG_REPOSITORY ||
		    w->sigs[s].level == EG_LEVEL_NONE)
			continue;
		f = eg_report_add_finding(w->report, sig, w->sigs[s].level);
		if (w->sigs[s].has_commit)
			git_oid_tostr(f->commit, sizeof(f->commit),
				      &w->sigs[s].commit);
		ti = eg_oidmap_get(&w->trees, &w->sigs[s].tree,
				   w->sigs[s].folder ? PLACE_FOLDER
						     : PLACE_ROOT);
		git_oid_tostr(f->content, sizeof(f->content), &w->sigs[s].tree);
		f->also = eg_xcalloc(w->sigs[s].nalso, sizeof(*f->also));
		for (i = 0; i < w->sigs[s].nalso; i++) {
			git_oid_tostr(f->also[i].commit, EG_OID_HEX,
				      &w->sigs[s].also[i].commit);
			git_oid_tostr(f->also[i].content, EG_OID_HEX,
				      &w->sigs[s].also[i].tree);
		}
		f->nalso = w->sigs[s].nalso;
		path_set_len(w, 0);
		if (w->sigs[s].folder) {
			f->folder = eg_xstrdup(w->sigs[s].folder);
			path_push(w, f->folder);
		}
		collect_files(w, &w->sigs[s].tree, 0, &list);
		eg_evidence_fill_sets(f, w->set, ti->bits, w->words, list.files,
				      list.n);
		for (i = 0; i < list.n; i++) {
			free((char *)list.files[i].path);
			free((char *)list.files[i].blob);
		}
		free(list.files);
	}
}

/* Author and date of each finding's commit, for people reading it. */
static void describe_commits(struct walker *w)
{
	size_t i;

	for (i = 0; i < w->report->nfindings; i++) {
		struct eg_finding *f = &w->report->findings[i];
		git_commit *c = NULL;
		git_oid oid;
		const git_signature *a;

		if (!f->commit[0] || git_oid_fromstr(&oid, f->commit) < 0 ||
		    git_commit_lookup(&c, w->repo, &oid) < 0)
			continue;
		a = git_commit_author(c);
		if (asprintf(&f->author, "%s <%s>", a->name, a->email) < 0)
			abort();
		f->time = (long long)a->when.time;
		git_commit_free(c);
	}
}

/*
 * One snapshot to judge: a commit's tree, a tree the target has, or a
 * tree a ref leads to without a commit (`commit` zero).
 */
struct snapshot {
	git_oid commit, tree;
	int old;
};

/* The snapshot's commit, or NULL for a tree a ref leads to. */
static const git_oid *snapshot_commit(const struct snapshot *s)
{
	return git_oid_is_zero(&s->commit) ? NULL : &s->commit;
}

struct snapshot_list {
	struct snapshot *items;
	size_t n, alloc;
};

static void add_snapshot(struct snapshot_list *list, const git_oid *commit,
			 const git_oid *tree, int old)
{
	struct snapshot *s;

	EG_GROW(list->items, list->alloc, list->n + 1);
	s = &list->items[list->n++];
	git_oid_cpy(&s->commit, commit);
	git_oid_cpy(&s->tree, tree);
	s->old = old;
}

/*
 * The snapshots of the commits, oldest first.  For a push, first the trees
 * of the parents the pushed commits start from: what the repository
 * already has, whose blobs are not new.
 */
static void list_snapshots(struct walker *w, const git_oid *commits, size_t n,
			   struct snapshot_list *list)
{
	struct eg_oidmap fresh = {0};
	size_t i, p;

	for (i = 0; i < n; i++)
		eg_oidmap_put(&fresh, &commits[i], 0, (void *)1);
	for (i = 0; w->opts->scope == EG_TARGET_PUSH && i < n; i++) {
		git_commit *c = NULL;

		if (git_commit_lookup(&c, w->repo, &commits[i]) < 0)
			continue;
		for (p = 0; p < git_commit_parentcount(c); p++) {
			const git_oid *pid = git_commit_parent_id(c, p);
			git_commit *parent = NULL;

			if (eg_oidmap_get(&fresh, pid, 0))
				continue;
			eg_oidmap_put(&fresh, pid, 0, (void *)1);
			if (git_commit_lookup(&parent, w->repo, pid) < 0)
				continue;
			add_snapshot(list, pid, git_commit_tree_id(parent), 1);
			EG_GROW(w->boundary, w->boundary_alloc,
				w->nboundary + 1);
			w->boundary[w->nboundary++] =
				*git_commit_tree_id(parent);
			git_commit_free(parent);
		}
		git_commit_free(c);
	}
	for (i = 0; i < n; i++) {
		git_commit *c = NULL;

		if (git_commit_lookup(&c, w->repo, &commits[i]) < 0) {
			path_set_len(w, 0);
			unscanned_git(w, &commits[i], "unreadable commit");
			continue;
		}
		add_snapshot(list, &commits[i], git_commit_tree_id(c), 0);
		git_commit_free(c);
	}
	eg_oidmap_clear(&fresh);
}

/*
 * The blobs a second lister met first, in the order met, and where.
 * Paths owned.
 */
struct met_list {
	struct met {
		struct eg_blob_info *bi;
		unsigned kind;
		char *path;
	} * v;
	size_t n, alloc;
};

static void met_add(struct met_list *l, struct eg_blob_info *bi, unsigned kind,
		    const char *path)
{
	struct met *m;

	EG_GROW(l->v, l->alloc, l->n + 1);
	m = &l->v[l->n++];
	m->bi = bi;
	m->kind = kind;
	m->path = eg_xstrdup(path);
}

/*
 * What lists a run of snapshots: `w` with its path, folders, blobs met and
 * pack reader; the trees it read (`visited`) and its tape of them, for
 * judging.  The blobs it meets first go to `pool`, or, when that is NULL,
 * to `found`.
 */
struct lister {
	struct walker *w;
	struct eg_pool *pool;
	struct met_list found;
	struct eg_oidmap visited;
	struct eg_tape tape;
};

/* Free what a lister owns but its walker. */
static void lister_clear(struct lister *lr)
{
	size_t i;

	for (i = 0; i < lr->found.n; i++) {
		/* the infos of blobs another lister met too (see below) */
		if (lr->found.v[i].bi->same)
			free(lr->found.v[i].bi);
		free(lr->found.v[i].path);
	}
	free(lr->found.v);
	eg_oidmap_clear(&lr->visited);
	eg_tape_clear(&lr->tape);
	memset(lr, 0, sizeof(*lr));
}

static void list_tree(struct lister *lr, uint32_t name, const git_oid *id,
		      size_t depth);

struct listing {
	struct lister *lr;
	size_t depth;
};

/*
 * eg_lastdir_fn: tape each entry, queue a blob not met yet, list a
 * subtree not met yet.
 */
static int list_step(void *arg, const struct eg_lastdir_step *st)
{
	struct listing *l = arg;
	struct lister *lr = l->lr;
	struct walker *w = lr->w;
	const struct eg_tree_entry *e = st->e;
	struct eg_blob_info *bi;
	size_t base = w->path_len;
	unsigned kind;

	if (!e) {
		/* as in the last version: met already */
		eg_tape_put(&lr->tape, EG_TAPE_RUN, st->count);
		eg_tape_put_varint(&lr->tape, st->last_k);
		return 0;
	}
	if (e->mode == GIT_FILEMODE_TREE) {
		path_push(w, e->name);
		path_push(w, "/");
		list_tree(lr,
			  eg_tape_intern(&lr->tape.names, e->name, e->name_len),
			  e->oid, l->depth + 1);
		path_set_len(w, base);
		return 0;
	}
	if (e->mode != GIT_FILEMODE_BLOB &&
	    e->mode != GIT_FILEMODE_BLOB_EXECUTABLE) {
		eg_tape_put(&lr->tape, EG_TAPE_OTHER, 0);
		return 0;
	}
	kind = eg_kind_from_name(e->name, e->name_len);
	if (!(bi = eg_oidmap_get(&w->blobs, e->oid, kind))) {
		bi = eg_xcalloc(1, sizeof(*bi));
		git_oid_cpy(&bi->oid, e->oid);
		eg_oidmap_put(&w->blobs, e->oid, kind, bi);
		path_push(w, e->name);
		if (lr->pool) {
			eg_pool_submit(lr->pool, bi, e->oid, kind, w->path);
			w->progress.total_blobs++;
		} else {
			met_add(&lr->found, bi, kind, w->path);
		}
		path_set_len(w, base);
	}
	eg_tape_put(&lr->tape, EG_TAPE_BLOB,
		    eg_tape_intern(&lr->tape.names, e->name, e->name_len));
	eg_tape_put_ptr(&lr->tape, bi);
	return 0;
}

/*
 * Read a tree not met yet at `place` and list every blob below it,
 * walking it beside the last version listed at its path (see lastdir.h);
 * tape its folder and its entries.  What cannot be read breaks the tape:
 * judging reads the trees again, and reports it.
 */
static void enumerate_tree(struct lister *lr, const git_oid *id,
			   enum tree_place place, size_t depth)
{
	struct walker *w = lr->w;
	struct listing l = {lr, depth};
	struct eg_lastdir *last;
	unsigned char *tree;
	size_t size, *offs, n;

	eg_oidmap_put(&lr->visited, id, place, (void *)1);
	if (eg_tree_read(&tree, &size, w->reader.packs, w->odb, id)) {
		eg_error_clear();
		lr->tape.broken = 1;
		return;
	}
	eg_tape_put_varint(&lr->tape, eg_tape_intern(&lr->tape.folders, w->path,
						     w->path_len));
	last = eg_lastdir_at(&w->lastdirs, w->path, w->path_len);
	if (!eg_lastdir_walk(last, tree, size, list_step, &l, &offs, &n)) {
		eg_lastdir_keep(last, tree, size, offs, n, NULL);
		eg_tape_put(&lr->tape, EG_TAPE_END, 0);
		return;
	}
	eg_error_clear();
	lr->tape.broken = 1;
	free(offs);
	free(tree);
}

/* Tape tree `id`, met here as entry `name`, listing it if not met yet. */
static void list_tree(struct lister *lr, uint32_t name, const git_oid *id,
		      size_t depth)
{
	enum tree_place place = tree_place(lr->w);
	int fresh = !eg_oidmap_get(&lr->visited, id, place) &&
		    !eg_oidmap_get(&lr->w->trees, id, place);

	if (depth > MAX_TREE_DEPTH) {
		lr->tape.broken = 1;
		return;
	}
	eg_tape_put(&lr->tape, fresh ? EG_TAPE_TREE_NEW : EG_TAPE_TREE, name);
	eg_tape_put_oid(&lr->tape, id);
	if (fresh)
		enumerate_tree(lr, id, place, depth);
}

/* List snapshots [from, to): a root record each on the tape. */
static void list_snapshot_range(struct lister *lr,
				const struct snapshot_list *list, size_t from,
				size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		path_set_len(lr->w, 0);
		list_tree(lr, 0, &list->items[i].tree, 0);
		if (!lr->pool)
			continue;
		eg_progress_update(&lr->w->progress, lr->w->report);
	}
}

static void tick(void *arg)
{
	struct walker *w = arg;

	eg_progress_update(&w->progress, w->report);
}

/*
 * Listing the newer part of a long history on a second thread: a walker
 * of its own (path, folders, blobs met, pack reader, repository handle)
 * lists snapshots [from, to) into a lister of its own; the blobs it met
 * first are handed to the pool when both parts are done, unless the older
 * part met them too.
 */
#define SPLIT_HISTORY	 4096 /* snapshots, at least */
#define SPLIT_LISTING_AT 0.62 /* older snapshots have smaller trees */

/*
 * Whether `n` snapshots are listed in two parts: a long history, with the
 * repository opened by path (a hook's quarantine is not shared with a
 * second handle), outside a push.  EXPORTGATE_SPLIT_HISTORY lowers the
 * bound, for tests.
 */
static int split_history(const struct walker *w, size_t n)
{
	const char *v = getenv("EXPORTGATE_SPLIT_HISTORY");
	size_t bound = v && *v ? (size_t)strtoul(v, NULL, 10) : SPLIT_HISTORY;

	return n >= bound && n >= 2 && !w->opts->open_from_env &&
	       w->opts->scope != EG_TARGET_PUSH;
}

struct part {
	struct walker w;
	struct lister *lister; /* the caller's */
	const struct snapshot_list *list;
	size_t from, to;
	pthread_t thread;
};

/*
 * Give `pw` (zeroed) what a walker of a part of history needs of its own
 * to list trees beside `w`: a repository handle, a pack reader over w's
 * index, a path; the options are w's.  -1 when the repository cannot be
 * opened again.
 */
static int part_walker_open(struct walker *pw, const struct walker *w)
{
	if (git_repository_open_ext(&pw->repo, git_repository_path(w->repo),
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 ||
	    git_repository_odb(&pw->odb, pw->repo) < 0) {
		git_error_clear();
		git_odb_free(pw->odb);
		git_repository_free(pw->repo);
		return -1;
	}
	pw->opts = w->opts;
	pw->reader.odb = pw->odb;
	eg_pack_reader_new(&pw->reader.packs, w->packidx, EG_PACK_CACHE_BYTES,
			   NULL);
	path_push(pw, "");
	return 0;
}

/* Free what part_walker_open() and the part's walk gave `pw`. */
static void part_walker_close(struct walker *pw)
{
	eg_lastdirs_clear(&pw->lastdirs);
	eg_pack_reader_free(pw->reader.packs);
	git_odb_free(pw->odb);
	git_repository_free(pw->repo);
	free(pw->path);
}

static void *list_part(void *arg)
{
	struct part *p = arg;

	list_snapshot_range(p->lister, p->list, p->from, p->to);
	return NULL;
}

/*
 * Start listing [from, n) into `lr` on a second thread; 0 when it cannot
 * run, and all is listed here.
 */
static int part_start(struct part *p, struct lister *lr, struct walker *w,
		      const struct snapshot_list *list, size_t from)
{
	memset(p, 0, sizeof(*p));
	if (part_walker_open(&p->w, w))
		return 0;
	lr->w = &p->w;
	p->lister = lr;
	p->list = list;
	p->from = from;
	p->to = list->n;
	if (!pthread_create(&p->thread, NULL, list_part, p))
		return 1;
	part_walker_close(&p->w);
	return 0;
}

/*
 * Wait for the second part, and queue the blobs only it met.  Its infos
 * of blobs the first part met too point to the first part's (`same`),
 * which get the results.
 */
static void part_finish(struct part *p, struct walker *w, struct eg_pool *pool)
{
	struct lister *lr = p->lister;
	size_t i;

	pthread_join(p->thread, NULL);
	for (i = 0; i < lr->found.n; i++) {
		struct met *f = &lr->found.v[i];
		struct eg_blob_info *kept =
			eg_oidmap_get(&w->blobs, &f->bi->oid, f->kind);

		if (kept) {
			f->bi->same = kept;
		} else {
			eg_oidmap_put(&w->blobs, &f->bi->oid, f->kind, f->bi);
			eg_pool_submit(pool, f->bi, &f->bi->oid, f->kind,
				       f->path);
			w->progress.total_blobs++;
		}
	}
	eg_oidmap_clear(&lr->visited);
	eg_oidmap_clear(&p->w.blobs); /* its blob infos are lr->found's */
	part_walker_close(&p->w);
	lr->w = NULL;
}

/*
 * List the snapshots, taping the trees, and read and match every blob on
 * worker threads, so that judging afterwards finds each blob's result
 * ready.  A long history is listed in two parts at once: lr[0] lists the
 * snapshots before *split, lr[1] (when *split < list->n) those from it.
 */
static int prefetch_blobs(struct walker *w, const struct snapshot_list *list,
			  struct lister lr[2], size_t *split, long long *listed)
{
	struct part part;
	int err;

	memset(lr, 0, 2 * sizeof(*lr));
	*split = list->n;
	if ((err = eg_pool_new(&lr[0].pool, w->repo, w->opts->open_from_env,
			       w->packidx, w->set, w->jobs,
			       w->opts->max_blob_size, w->opts->deadline_ms,
			       w->report)))
		return err;
	lr[0].w = w;
	eg_progress_set_phase(&w->progress, EG_PROGRESS_LISTING, w->report);
	if (split_history(w, list->n) &&
	    part_start(&part, &lr[1], w, list,
		       (size_t)((double)list->n * SPLIT_LISTING_AT)))
		*split = part.from;
	list_snapshot_range(&lr[0], list, 0, *split);
	if (*split < list->n)
		part_finish(&part, w, lr[0].pool);
	/* judging that reads the trees (a broken tape) starts afresh */
	eg_lastdirs_clear(&w->lastdirs);
	eg_oidmap_clear(&lr[0].visited);
	/*
	 * What listing freed (folders, maps, a reader) goes back before the
	 * blob threads fill their caches: 50 MB less at the peak on git.git.
	 */
	malloc_trim(0);
	*listed = eg_now_ms();
	eg_progress_set_phase(&w->progress, EG_PROGRESS_BLOBS, w->report);
	eg_pool_run(lr[0].pool, tick, w);
	lr[0].pool = NULL; /* eg_pool_run() freed it */
	lr[0].w = NULL;
	path_set_len(w, 0);
	return 0;
}

/*
 * Judging a part of history from its lister's tape.  Each tree the
 * listing read is noted entry by entry as eval_tree() notes it, beside the
 * notes of the last version of its folder, which the tape numbers.
 *
 * Few entries note anything (most files meet no criterion), so a version
 * keeps only those: a run of unchanged entries costs what it notes, not
 * its length.
 */
struct noted {
	size_t *at;	/* the entries that note something, in order */
	eg_word *notes; /* their notes, `stride` words each */
	size_t n, at_alloc, notes_alloc;
};

struct replay {
	const struct eg_tape *tape;
	struct eg_tape_cursor at;
	struct replay_folder {
		struct noted last; /* its last version's; owned */
		size_t entries;	   /* in its last version */
	} * folders;
	size_t nfolders;
	eg_word *note; /* one entry's, to work in */
};

static void noted_clear(struct noted *v)
{
	free(v->at);
	free(v->notes);
	memset(v, 0, sizeof(*v));
}

/* Keep entry k's note in v, and OR it into ti, unless it notes nothing. */
static void noted_add(struct noted *v, struct eg_tree_info *ti, size_t words,
		      size_t k, const eg_word *note)
{
	const size_t stride = NOTE_STRIDE(words);
	size_t i;

	for (i = 0; i < stride && !note[i]; i++)
		;
	if (i == stride)
		return;
	EG_GROW(v->at, v->at_alloc, v->n + 1);
	EG_GROW(v->notes, v->notes_alloc, (v->n + 1) * stride);
	v->at[v->n] = k;
	memcpy(v->notes + v->n * stride, note, stride * sizeof(eg_word));
	v->n++;
	eg_bits_or(ti->bits, note, EG_CRITERIA_SETS * words);
	ti->incomplete |= (note[NOTE_FLAGS(words)] & NOTE_INCOMPLETE) != 0;
	ti->again |= (note[NOTE_FLAGS(words)] & NOTE_AGAIN) != 0;
}

/* The first of last's noted entries at or after entry `from`. */
static size_t noted_from(const struct noted *last, size_t from)
{
	size_t lo = 0, hi = last->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (last->at[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Judge tree `id`, at `place` (enum tree_place), from the tape: NULL
 * when the tape is out of step with itself, which cannot happen.
 */
static struct eg_tree_info *replay_tree(struct walker *w, struct replay *rp,
					const git_oid *id,
					enum tree_place place, int fresh)
{
	const size_t words = w->words, stride = NOTE_STRIDE(words);
	const struct eg_tape_strings *names = &rp->tape->names;
	struct eg_tree_info *ti = eg_oidmap_get(&w->trees, id, place), *mine;
	struct noted v = {0};
	const char *dir;
	size_t n = 0, folder, k;
	uint64_t word;

	if (!fresh) {
		if (ti)
			revisit(w, id, ti);
		return ti;
	}
	folder = (size_t)eg_tape_get_varint(&rp->at);
	if (folder >= rp->tape->folders.n)
		return NULL;
	if (folder >= rp->nfolders) {
		size_t had = rp->nfolders;

		EG_GROW(rp->folders, rp->nfolders, folder + 1);
		memset(rp->folders + had, 0,
		       (rp->nfolders - had) * sizeof(*rp->folders));
	}
	dir = rp->tape->folders.v[folder].s;
	mine = eg_xcalloc(1, sizeof(*mine) + EG_CRITERIA_SETS * words *
						     sizeof(eg_word));
	mine->old = w->old;
	path_set_len(w, 0);
	path_push(w, dir);
	while ((word = eg_tape_get_varint(&rp->at)) != EG_TAPE_END) {
		enum eg_tape_kind kind = (enum eg_tape_kind)(word & 7);
		const struct eg_tape_string *name = NULL;
		const struct replay_folder *f = &rp->folders[folder];
		struct eg_blob_info *bi;
		struct eg_tree_info *sub;
		size_t from, count;
		git_oid oid;

		if (kind == EG_TAPE_BLOB || kind == EG_TAPE_TREE ||
		    kind == EG_TAPE_TREE_NEW) {
			if ((word >> 3) >= names->n)
				goto out_of_step;
			name = &names->v[word >> 3];
		}
		switch (kind) {
		case EG_TAPE_RUN:
			count = (size_t)(word >> 3);
			from = (size_t)eg_tape_get_varint(&rp->at);
			if (from > f->entries || count > f->entries - from)
				goto out_of_step;
			for (k = noted_from(&f->last, from);
			     k < f->last.n && f->last.at[k] < from + count; k++)
				noted_add(&v, mine, words,
					  n + f->last.at[k] - from,
					  f->last.notes + k * stride);
			n += count;
			continue;
		case EG_TAPE_BLOB:
			if (!(bi = eg_tape_get_ptr(&rp->at)))
				goto out_of_step;
			memset(rp->note, 0, stride * sizeof(eg_word));
			note_blob(w, bi->same ? bi->same : bi, name->s,
				  name->len, rp->note);
			break;
		case EG_TAPE_TREE:
		case EG_TAPE_TREE_NEW:
			eg_tape_get_oid(&rp->at, &oid);
			/* the folder's place, as the lister saw it */
			path_push(w, name->s);
			path_push(w, "/");
			sub = replay_tree(w, rp, &oid, tree_place(w),
					  kind == EG_TAPE_TREE_NEW);
			if (!sub)
				goto out_of_step;
			path_set_len(w, 0);
			path_push(w, dir);
			memset(rp->note, 0, stride * sizeof(eg_word));
			note_tree(w, name->s, name->len, sub, rp->note);
			break;
		case EG_TAPE_OTHER:
			n++; /* a link or submodule: nothing below it */
			continue;
		default:
			goto out_of_step;
		}
		noted_add(&v, mine, words, n++, rp->note);
	}
	noted_clear(&rp->folders[folder].last);
	rp->folders[folder].last = v;
	rp->folders[folder].entries = n;
	path_set_len(w, 0);
	path_push(w, dir);
	if (ti) {
		/* the other part of history judged it first: the same */
		free(mine);
		revisit(w, id, ti);
		return ti;
	}
	eg_oidmap_put(&w->trees, id, place, mine);
	walked_add(w, mine);
	return mine;
out_of_step:
	noted_clear(&v);
	free(mine);
	return NULL;
}

/* Judge snapshots [from, to), listed in order from a start afresh by `lr`. */
static int replay_part(struct walker *w, const struct lister *lr,
		       const struct snapshot_list *list, size_t from, size_t to)
{
	struct replay rp = {&lr->tape,
			    {lr->tape.bytes, lr->tape.bytes + lr->tape.len},
			    NULL,
			    0,
			    eg_xcalloc(NOTE_STRIDE(w->words), sizeof(eg_word))};
	size_t i;
	int err = 0;

	for (i = from; i < to && !err; i++) {
		const struct snapshot *s = &list->items[i];
		uint64_t word = eg_tape_get_varint(&rp.at);
		struct eg_tree_info *ti = NULL;
		git_oid root;

		if (past_deadline(w)) {
			err = eg_error_set(EG_EDEADLINE, "deadline passed");
			break;
		}
		eg_tape_get_oid(&rp.at, &root);
		w->old = s->old;
		w->commit = snapshot_commit(s);
		if (((word & 7) == EG_TAPE_TREE ||
		     (word & 7) == EG_TAPE_TREE_NEW) &&
		    git_oid_equal(&root, &s->tree))
			ti = replay_tree(w, &rp, &root, PLACE_ROOT,
					 (word & 7) == EG_TAPE_TREE_NEW);
		if (!ti) {
			err = eg_error_set(EG_ERROR,
					   "internal error: a listing's tape "
					   "out of step at snapshot %zu",
					   i);
			break;
		}
		judge_snapshot(w, w->commit, &s->tree, ti);
		if (!s->old && w->commit) {
			w->report->commits++;
			eg_progress_update(&w->progress, w->report);
		}
	}
	for (i = 0; i < rp.nfolders; i++)
		noted_clear(&rp.folders[i].last);
	free(rp.folders);
	free(rp.note);
	return err;
}

/*
 * Judge every snapshot, reading the trees: with one job, or when a
 * listing could not tape what it read.
 */
static int judge_history(struct walker *w, const struct snapshot_list *list)
{
	size_t i;
	int err = 0;

	for (i = 0; i < list->n && !err; i++) {
		const struct snapshot *s = &list->items[i];

		if (past_deadline(w)) {
			err = eg_error_set(EG_EDEADLINE, "deadline passed");
			break;
		}
		w->old = s->old;
		err = eval_snapshot(w, snapshot_commit(s), &s->tree);
		if (!s->old && snapshot_commit(s)) {
			w->report->commits++;
			eg_progress_update(&w->progress, w->report);
		}
	}
	return err;
}

/*
 * Judge a blob a ref leads to as a file of its own.  It has no name: its
 * kind comes from its first bytes, and its findings name the ref as their
 * path, and no commit.  A blob judged already at a path of a snapshot
 * was judged there.
 */
static int judge_blob_tip(struct walker *w, const struct eg_object_tip *tip)
{
	unsigned kind = eg_kind_from_name("", 0);
	struct eg_blob_info *bi;

	w->commit = NULL;
	path_set_len(w, 0);
	path_push(w, tip->ref);
	if (!(bi = eg_oidmap_get(&w->blobs, &tip->oid, kind))) {
		if (past_deadline(w))
			return eg_error_set(EG_EDEADLINE, "deadline passed");
		bi = scan_blob(w, &tip->oid, kind, "");
	}
	if (bi->result && !bi->seen) {
		bi->seen = 1;
		file_findings(w, &tip->oid, bi->result);
	}
	path_set_len(w, 0);
	return 0;
}

/* Judge the blobs refs lead to, after the snapshots. */
static int judge_blob_tips(struct walker *w, const struct eg_object_tip *tips,
			   size_t n)
{
	size_t i;
	int err = 0;

	for (i = 0; i < n && !err; i++)
		if (tips[i].type == GIT_OBJECT_BLOB)
			err = judge_blob_tip(w, &tips[i]);
	return err;
}

/*
 * The commits to judge and their snapshots, then the trees refs lead to
 * without a commit, each a snapshot of its own; `tips` (the caller's to
 * free) gets those trees and the blobs refs lead to.  libgit2 keeps every
 * commit it walked in its repository's cache, and the packs' commits
 * mapped: a history opened by path is walked on a handle of its own,
 * freed after, so that this memory is not held through the scan.
 */
static int walk_commits(struct walker *w, git_oid **commits, size_t *n,
			struct snapshot_list *list, struct eg_object_tip **tips,
			size_t *ntips)
{
	git_repository *repo = w->repo, *own = NULL;
	git_oid none = {{0}};
	size_t i;
	int err;

	if (!w->opts->open_from_env &&
	    git_repository_open_ext(&own, git_repository_path(repo),
				    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0)
		w->repo = own;
	git_error_clear();
	if (!(err = eg_history_list(commits, n, w->repo, w->opts, w->report))) {
		w->progress.total_commits = *n;
		list_snapshots(w, *commits, *n, list);
		eg_history_object_tips(tips, ntips, w->repo, w->opts,
				       w->report);
		for (i = 0; i < *ntips; i++)
			if ((*tips)[i].type == GIT_OBJECT_TREE)
				add_snapshot(list, &none, &(*tips)[i].oid, 0);
	}
	w->repo = repo;
	git_repository_free(own);
	return err;
}

static int walk_history(struct walker *w)
{
	struct snapshot_list list = {0};
	struct lister lr[2];
	struct eg_object_tip *tips = NULL;
	git_oid *commits = NULL;
	size_t n = 0, ntips = 0, split = 0;
	int err, taped = 0;

	long long t0 = eg_now_ms(), t1, t2, listed;

	memset(lr, 0, sizeof(lr));
	if ((err = walk_commits(w, &commits, &n, &list, &tips, &ntips)))
		goto done;
	t1 = eg_now_ms();
	listed = t1;
	if (w->jobs > 1) {
		if ((err = prefetch_blobs(w, &list, lr, &split, &listed)))
			goto done;
		taped = !lr[0].tape.broken && !lr[1].tape.broken;
	}
	eg_progress_set_phase(&w->progress, EG_PROGRESS_COMMITS, w->report);
	t2 = eg_now_ms();
	if (!taped) {
		err = judge_history(w, &list);
	} else if (!(err = replay_part(w, &lr[0], &list, 0, split)) &&
		   split < list.n) {
		err = replay_part(w, &lr[1], &list, split, list.n);
	}
	w->old = 0;
	if (!err)
		err = judge_blob_tips(w, tips, ntips);
	if (getenv("EXPORTGATE_PROFILE"))
		fprintf(stderr,
			"profile phases: commits %lld ms, trees listed %lld ms, "
			"blobs %lld ms, snapshots judged %lld ms%s; "
			"tapes %zu bytes\n",
			t1 - t0, listed - t1, t2 - listed, eg_now_ms() - t2,
			taped ? " from the tapes" : "",
			lr[0].tape.len + lr[1].tape.len);
done:
	lister_clear(&lr[0]);
	lister_clear(&lr[1]);
	eg_history_object_tips_free(tips, ntips);
	free(list.items);
	free(commits);
	return err;
}

static int walk_one_tree(struct walker *w)
{
	git_object *obj = NULL, *peeled = NULL;
	git_oid commit;
	int err = 0, is_commit;

	if (git_revparse_single(&obj, w->repo, w->opts->rev) < 0)
		return eg_error_set_git_code(EG_ENOTREPO, w->opts->rev);
	is_commit = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0;
	if (is_commit) {
		git_oid_cpy(&commit, git_object_id(peeled));
		git_object_free(peeled);
		w->report->commits = 1;
	}
	if (git_object_peel(&peeled, obj, GIT_OBJECT_TREE) < 0) {
		err = eg_error_set_git_code(EG_ENOTREPO, w->opts->rev);
		goto done;
	}
	err = eval_snapshot(w, is_commit ? &commit : NULL,
			    git_object_id(peeled));
done:
	git_object_free(peeled);
	git_object_free(obj);
	return err;
}

static void walker_release(struct walker *w)
{
	struct eg_oidmap_entry *e;
	size_t s;

	for (s = 0; w->sigs && s < w->set->nsigs; s++) {
		free(w->sigs[s].folder);
		free(w->sigs[s].also);
		eg_oidmap_clear(&w->sigs[s].also_trees);
	}
	eg_oidmap_foreach(&w->blobs, e)
	{
		struct eg_blob_info *bi = e->value;

		eg_blob_result_free(bi->result);
		free(bi->criteria);
		paths_free(bi->judged_at, bi->njudged);
		free(bi);
	}
	eg_oidmap_foreach(&w->trees, e)
	{
		struct eg_tree_info *ti = e->value;

		paths_free(ti->walked_at, ti->nwalked);
		free(ti);
	}
	eg_oidmap_clear(&w->blobs);
	eg_oidmap_clear(&w->trees);
	eg_lastdirs_clear(&w->lastdirs);
	eg_matcher_free(w->reader.matcher);
	eg_pack_reader_free(w->reader.packs);
	eg_packidx_free(w->packidx);
	git_odb_free(w->odb);
	free(w->sigs);
	free(w->boundary);
	free(w->scratch);
	free(w->named);
	free(w->path);
}

int eg_scan_repository(struct eg_report **out, git_repository *repo,
		       const struct eg_sigset *set,
		       const struct eg_scan_opts *opts)
{
	struct walker w;
	const char *target = git_repository_workdir(repo);
	int err;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.report = eg_report_new(
		set, target ? target : git_repository_path(repo), opts->scope);
	if (opts->scope == EG_TARGET_WORKTREE) {
		err = eg_scan_worktree(w.report, repo, set, opts);
		goto done;
	}
	if (git_repository_odb(&w.odb, repo) < 0) {
		err = eg_error_set_git("cannot open the object database");
		goto done;
	}
	w.repo = repo;
	w.set = set;
	w.opts = opts;
	w.jobs = opts->jobs ? opts->jobs : eg_cpu_count();
	w.reader.odb = w.odb;
	eg_packidx_open_repository(&w.packidx, repo);
	w.reader.matcher = eg_matcher_new(set);
	eg_blob_reader_open_packs(&w.reader, w.packidx, EG_PACK_CACHE_BYTES);
	w.reader.max_blob_size = opts->max_blob_size;
	w.reader.deadline_ms = opts->deadline_ms;
	w.reader.report = w.report;
	w.words = EG_BITSET_WORDS(set->ncriteria);
	w.sigs = eg_xcalloc(set->nsigs ? set->nsigs : 1, sizeof(*w.sigs));
	w.scratch = eg_xcalloc(w.words ? w.words : 1, sizeof(eg_word));
	w.named = eg_xcalloc(w.words ? w.words : 1, sizeof(eg_word));
	path_push(&w, "");
	if (opts->cache_path && opts->scope == EG_TARGET_PUSH)
		eg_cache_load(opts->cache_path, set, &w.trees, &w.blobs);
	eg_progress_init(&w.progress, opts->progress);
	err = opts->scope == EG_TARGET_TREE ? walk_one_tree(&w)
					    : walk_history(&w);
	eg_progress_done(&w.progress);
	if (!err) {
		repository_findings(&w);
		describe_commits(&w);
		/* a cache that cannot be written only costs time next push */
		if (opts->cache_path && opts->scope == EG_TARGET_PUSH &&
		    eg_cache_save(opts->cache_path, set, &w.trees, &w.blobs))
			eg_error_clear();
	}
done:
	walker_release(&w);
	if (err) {
		eg_report_free(w.report);
		return err;
	}
	eg_report_finish(w.report);
	*out = w.report;
	return 0;
}
