/* scan.c: walking a repository's history; each blob and tree read once. */
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
#include "treeread.h"

/* Trees nested deeper than this are reported, not followed. */
#define MAX_TREE_DEPTH 1024

struct sig_state {
	enum eg_level level;
	git_oid commit, tree;
	int has_commit;
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
	struct eg_oidmap trees; /* tree -> struct eg_tree_info */
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
	/* set when this walker judges a part of history on its own thread */
	struct judge_part *part;
	size_t snapshot; /* being judged, in the snapshot list */
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

/* Judge file-scope signatures on a blob the first time it is met. */
static void file_findings(struct walker *w, const git_oid *oid,
			  const struct eg_blob_result *r, const char *name)
{
	const struct eg_sigset *set = w->set;
	struct eg_snapshot_file file;
	char hex[EG_OID_HEX];
	size_t s;
	int old = -1; /* unknown until needed */

	memset(w->scratch, 0, w->words * sizeof(eg_word));
	eg_match_criteria(set, r, name, w->scratch);
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
		/* with cached trees, old blobs are met again in new trees */
		if (old < 0)
			old = w->nboundary && in_boundary(w, oid);
		if (old)
			return;
		f = eg_report_add_finding(w->report, sig, level);
		f->path = eg_xstrdup(w->path);
		memcpy(f->content, hex, sizeof(hex));
		commit_hex(w, f->commit);
		file.path = f->path;
		file.blob = hex;
		file.result = r;
		eg_evidence_fill(f, set, w->scratch, NULL, &file, 1);
	}
}

static int eval_tree(struct walker *w, const git_oid *id, size_t depth,
		     struct eg_tree_info **out);
static void part_met(struct walker *w, const git_oid *oid, unsigned kind,
		     struct eg_blob_info *bi, const char *name);

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

/* The criteria a blob with hits meets as `name`; borrowed. */
static const eg_word *blob_criteria(struct walker *w, struct eg_blob_info *bi,
				    const char *name)
{
	if (!bi->criteria) {
		bi->criteria =
			eg_xcalloc(w->words ? w->words : 1, sizeof(eg_word));
		bi->by_name = hits_by_name(w->set, bi->result);
		if (!bi->by_name)
			eg_match_criteria(w->set, bi->result, name,
					  bi->criteria);
	}
	if (!bi->by_name)
		return bi->criteria;
	memset(w->named, 0, w->words * sizeof(eg_word));
	eg_match_criteria(w->set, bi->result, name, w->named);
	return w->named;
}

/*
 * Judge one entry of a tree into its note (see struct judging): OR in the
 * criteria that hold below it, in product code and in weak files, and
 * set its last word when something there could not be read.
 */
static int eval_entry(struct walker *w, const struct eg_tree_entry *e,
		      size_t depth, eg_word *note)
{
	const size_t words = w->words;
	eg_word *weak = note + words, *incomplete = note + 2 * words;
	const char *name = e->name;
	const git_oid *oid = e->oid;
	size_t base = w->path_len;
	struct eg_tree_info *sub;
	struct eg_blob_info *bi;
	unsigned kind;
	int err = 0;

	switch (e->mode) {
	case GIT_FILEMODE_TREE:
		path_push(w, name);
		path_push(w, "/");
		err = eval_tree(w, oid, depth + 1, &sub);
		path_set_len(w, base);
		if (err)
			return err;
		/* below a weak folder, all is weak */
		eg_bits_or(eg_weak_dir(name, e->name_len) ? weak : note,
			   sub->bits, words);
		eg_bits_or(weak, EG_TREE_WEAK(sub, words), words);
		*incomplete |= (eg_word)sub->incomplete;
		return 0;
	case GIT_FILEMODE_BLOB:
	case GIT_FILEMODE_BLOB_EXECUTABLE:
		break;
	default:
		/* symbolic links and submodules (gitlinks) are not followed */
		return 0;
	}
	kind = eg_kind_from_name(name, e->name_len);
	if (!(bi = eg_oidmap_get(&w->blobs, oid, kind))) {
		/* a part's walker reads blobs from no thread: the main one will
		 */
		if (w->part)
			return eg_error_set(EG_ERROR, "a blob not listed");
		if (past_deadline(w))
			return eg_error_set(EG_EDEADLINE, "deadline passed");
		path_push(w, name);
		bi = scan_blob(w, oid, kind, name);
		path_set_len(w, base);
	}
	*incomplete |= (eg_word)bi->unscanned;
	if (!bi->result)
		return 0;
	eg_bits_or(eg_weak_file(name, e->name_len, bi->result) ? weak : note,
		   blob_criteria(w, bi, name), words);
	if (w->part) {
		part_met(w, oid, kind, bi, name);
		return 0;
	}
	if (!bi->seen) {
		bi->seen = 1;
		if (!w->old) {
			path_push(w, name);
			file_findings(w, oid, bi->result, name);
			path_set_len(w, base);
		}
	}
	return 0;
}

/*
 * A new tree being judged beside the last version at its path (see
 * lastdir.h).  Each entry gets a note of `stride` (2 * words + 1) words:
 * the criteria that hold below it in product code, then in weak files,
 * then whether something there is incomplete.  An entry the same as in
 * the last version takes its note.
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
	const size_t words = j->w->words, stride = 2 * words + 1;
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
		eg_bits_or(j->ti->bits, note, 2 * words);
		j->ti->incomplete |= note[2 * words] != 0;
	}
	j->n += st->count;
	return err;
}

static int eval_tree(struct walker *w, const git_oid *id, size_t depth,
		     struct eg_tree_info **out)
{
	struct judging j = {w, depth, NULL, NULL, NULL, 0, 0};
	struct eg_lastdir *last;
	unsigned char *tree;
	size_t size, *offs, n;
	int err;

	if ((*out = eg_oidmap_get(&w->trees, id, 0)))
		return 0;
	j.ti = eg_xcalloc(1, sizeof(*j.ti) + 2 * w->words * sizeof(eg_word));
	j.ti->old = w->old;
	eg_oidmap_put(&w->trees, id, 0, j.ti);
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

/* What holds anywhere in a tree, product code or not, into `out`. */
static void anywhere_bits(const struct walker *w, const struct eg_tree_info *ti,
			  eg_word *out)
{
	memcpy(out, ti->bits, w->words * sizeof(eg_word));
	eg_bits_or(out, EG_TREE_WEAK(ti, w->words), w->words);
}

/* Judge repository-scope signatures on one commit's (or tree's) snapshot. */
static int eval_snapshot(struct walker *w, const git_oid *commit,
			 const git_oid *tree)
{
	struct eg_tree_info *ti;
	size_t s;
	int err;

	w->commit = commit;
	path_set_len(w, 0);
	if ((err = eval_tree(w, tree, 0, &ti)))
		return err;
	if (w->old)
		return 0;
	anywhere_bits(w, ti, w->scratch);
	for (s = 0; s < w->set->nsigs; s++) {
		const struct eg_signature *sig = &w->set->sigs[s];
		enum eg_level level;

		if (sig->scope != EG_SIG_REPOSITORY)
			continue;
		level = eg_signature_level_of(sig, ti->bits, w->scratch);
		if (level <= w->sigs[s].level)
			continue;
		w->sigs[s].level = level;
		git_oid_cpy(&w->sigs[s].tree, tree);
		w->sigs[s].has_commit = commit != NULL;
		if (commit)
			git_oid_cpy(&w->sigs[s].commit, commit);
	}
	return 0;
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
		ti = eg_oidmap_get(&w->trees, &w->sigs[s].tree, 0);
		f = eg_report_add_finding(w->report, sig, w->sigs[s].level);
		git_oid_tostr(f->content, sizeof(f->content), &w->sigs[s].tree);
		if (w->sigs[s].has_commit)
			git_oid_tostr(f->commit, sizeof(f->commit),
				      &w->sigs[s].commit);
		path_set_len(w, 0);
		collect_files(w, &w->sigs[s].tree, 0, &list);
		/* a controlled level counts weak files: so does its evidence */
		anywhere_bits(w, ti, w->scratch);
		if (w->sigs[s].level == EG_LEVEL_CONTROLLED)
			eg_evidence_fill(f, w->set, w->scratch, NULL,
					 list.files, list.n);
		else
			eg_evidence_fill(f, w->set, ti->bits,
					 EG_TREE_WEAK(ti, w->words), list.files,
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

/* One snapshot to judge: a commit's tree, or a tree the target has. */
struct snapshot {
	git_oid commit, tree;
	int old;
};

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
 * The blobs a part of history met first, in the order met: at which
 * snapshot, and where.  Paths owned.
 */
struct met_list {
	struct met {
		size_t snapshot;
		struct eg_blob_info *bi;
		git_oid oid;
		unsigned kind;
		char *path;
	} * v;
	size_t n, alloc;
};

static void met_add(struct met_list *l, size_t snapshot,
		    struct eg_blob_info *bi, const git_oid *oid, unsigned kind,
		    const char *path)
{
	struct met *m;

	EG_GROW(l->v, l->alloc, l->n + 1);
	m = &l->v[l->n++];
	m->snapshot = snapshot;
	m->bi = bi;
	git_oid_cpy(&m->oid, oid);
	m->kind = kind;
	m->path = eg_xstrdup(path);
}

static void met_list_free(struct met_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
}

/*
 * What lists a run of snapshots: `w` with its path, folders, trees met,
 * blobs met and pack reader.  The blobs it meets first go to `pool`, or,
 * when that is NULL, to `found`.
 */
struct lister {
	struct walker *w;
	struct eg_pool *pool;
	struct met_list found;
	struct eg_oidmap visited;
};

static void enumerate_tree(struct lister *lr, const git_oid *id, size_t depth);

struct listing {
	struct lister *lr;
	size_t depth;
};

/* eg_lastdir_fn: queue a blob not met yet, list a subtree not met yet */
static int list_step(void *arg, const struct eg_lastdir_step *st)
{
	struct listing *l = arg;
	struct lister *lr = l->lr;
	struct walker *w = lr->w;
	const struct eg_tree_entry *e = st->e;
	size_t base = w->path_len;
	unsigned kind;

	if (!e)
		return 0; /* as in the last version: met already */
	path_push(w, e->name);
	if (e->mode == GIT_FILEMODE_TREE) {
		path_push(w, "/");
		enumerate_tree(lr, e->oid, l->depth + 1);
	} else if (e->mode == GIT_FILEMODE_BLOB ||
		   e->mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
		kind = eg_kind_from_name(e->name, e->name_len);
		if (!eg_oidmap_get(&w->blobs, e->oid, kind)) {
			struct eg_blob_info *bi = eg_xcalloc(1, sizeof(*bi));

			eg_oidmap_put(&w->blobs, e->oid, kind, bi);
			if (lr->pool) {
				eg_pool_submit(lr->pool, bi, e->oid, kind,
					       w->path);
				w->progress.total_blobs++;
			} else {
				met_add(&lr->found, 0, bi, e->oid, kind,
					w->path);
			}
		}
	}
	path_set_len(w, base);
	return 0;
}

/*
 * List every blob below a tree not met yet, reading each tree once and
 * walking it beside the last version listed at its path (see lastdir.h).
 */
static void enumerate_tree(struct lister *lr, const git_oid *id, size_t depth)
{
	struct walker *w = lr->w;
	struct listing l = {lr, depth};
	struct eg_lastdir *last;
	unsigned char *tree;
	size_t size, *offs, n;

	if (eg_oidmap_get(&lr->visited, id, 0) ||
	    eg_oidmap_get(&w->trees, id, 0) || depth > MAX_TREE_DEPTH)
		return;
	eg_oidmap_put(&lr->visited, id, 0, (void *)1);
	if (eg_tree_read(&tree, &size, w->reader.packs, w->odb, id)) {
		eg_error_clear(); /* reported when the tree is judged */
		return;
	}
	last = eg_lastdir_at(&w->lastdirs, w->path, w->path_len);
	if (!eg_lastdir_walk(last, tree, size, list_step, &l, &offs, &n)) {
		eg_lastdir_keep(last, tree, size, offs, n, NULL);
		return;
	}
	eg_error_clear(); /* a malformed entry is reported when judged */
	free(offs);
	free(tree);
}

static void tick(void *arg)
{
	struct walker *w = arg;

	eg_progress_update(&w->progress, w->report);
}

/*
 * Listing the newer part of a long history on a second thread: a walker
 * of its own (path, folders, blobs met, pack reader, repository handle)
 * lists snapshots [from, to); the blobs it met first are handed to the
 * pool when both parts are done, unless the older part met them too.
 */
#define SPLIT_HISTORY	 4096 /* snapshots, at least */
#define SPLIT_LISTING_AT 0.62 /* older snapshots have smaller trees */
/* and change less: judging them is cheaper still */
#define SPLIT_JUDGING_AT 0.75

/*
 * Whether `n` snapshots are walked in two parts: a long history, with the
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
	struct lister lister;
	const struct snapshot_list *list;
	size_t from, to;
	pthread_t thread;
};

/*
 * Give `pw` (zeroed) what a walker of a part of history needs of its own
 * to read trees beside `w`: a repository handle, a pack reader over w's
 * index, a path; the signature set and options are w's.  -1 when the
 * repository cannot be opened again.
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
	pw->set = w->set;
	pw->opts = w->opts;
	pw->words = w->words;
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
	free(pw->named);
	free(pw->path);
}

static void *list_part(void *arg)
{
	struct part *p = arg;
	size_t i;

	for (i = p->from; i < p->to; i++) {
		path_set_len(&p->w, 0);
		enumerate_tree(&p->lister, &p->list->items[i].tree, 0);
	}
	return NULL;
}

/* Start the second part; 0 when it cannot run, and all is listed here. */
static int part_start(struct part *p, struct walker *w,
		      const struct snapshot_list *list, size_t from)
{
	memset(p, 0, sizeof(*p));
	if (part_walker_open(&p->w, w))
		return 0;
	p->lister.w = &p->w;
	p->list = list;
	p->from = from;
	p->to = list->n;
	if (!pthread_create(&p->thread, NULL, list_part, p))
		return 1;
	part_walker_close(&p->w);
	return 0;
}

/* Wait for the second part, and queue the blobs only it met. */
static void part_finish(struct part *p, struct walker *w, struct eg_pool *pool)
{
	size_t i;

	pthread_join(p->thread, NULL);
	for (i = 0; i < p->lister.found.n; i++) {
		struct met *f = &p->lister.found.v[i];

		if (eg_oidmap_get(&w->blobs, &f->oid, f->kind)) {
			free(f->bi);
		} else {
			eg_oidmap_put(&w->blobs, &f->oid, f->kind, f->bi);
			eg_pool_submit(pool, f->bi, &f->oid, f->kind, f->path);
			w->progress.total_blobs++;
		}
	}
	met_list_free(&p->lister.found);
	eg_oidmap_clear(&p->lister.visited);
	eg_oidmap_clear(&p->w.blobs); /* its blob infos went above */
	part_walker_close(&p->w);
}

/*
 * Read and match every blob of the snapshots on worker threads, so that
 * judging the trees afterwards finds each blob's result ready.  A long
 * history is listed in two parts at once.
 */
static int prefetch_blobs(struct walker *w, const struct snapshot_list *list,
			  long long *listed)
{
	struct lister lr = {0};
	struct part part;
	size_t i, end = list->n;
	int split = 0;
	int err;

	if ((err = eg_pool_new(&lr.pool, w->repo, w->opts->open_from_env,
			       w->packidx, w->set, w->jobs,
			       w->opts->max_blob_size, w->opts->deadline_ms,
			       w->report)))
		return err;
	lr.w = w;
	eg_progress_set_phase(&w->progress, EG_PROGRESS_LISTING, w->report);
	if (split_history(w, list->n))
		split = part_start(
			&part, w, list,
			(size_t)((double)list->n * SPLIT_LISTING_AT));
	if (split)
		end = part.from;
	for (i = 0; i < end; i++) {
		path_set_len(w, 0);
		enumerate_tree(&lr, &list->items[i].tree, 0);
		eg_progress_update(&w->progress, w->report);
	}
	if (split)
		part_finish(&part, w, lr.pool);
	/* judging keeps notes with its last versions: start it afresh */
	eg_lastdirs_clear(&w->lastdirs);
	*listed = eg_now_ms();
	eg_progress_set_phase(&w->progress, EG_PROGRESS_BLOBS, w->report);
	eg_pool_run(lr.pool, tick, w);
	eg_oidmap_clear(&lr.visited);
	path_set_len(w, 0);
	return 0;
}

/*
 * Judging the newer part of a long history on a second thread.  A walker
 * of its own, with a copy of the blob map and trees of its own, judges
 * snapshots [from, n) and writes nothing shared.  The blobs with hits it
 * meets first go to `met`, with their snapshot and path; when the main
 * walker comes to that snapshot, it judges them as first met (unless it
 * met them itself) and finds the part's tree results ready.  A blob the
 * listing did not queue stops the part (its walker reads no blob), and
 * the main walker judges the rest alone.
 */
struct judge_part {
	struct walker w;
	struct eg_oidmap seen; /* (blob, kind) met by the part */
	struct met_list met;
	const struct snapshot_list *list;
	size_t from;
	int err, joined;
	pthread_t thread;
};

static void judge_part_free(struct judge_part *p);

static void part_met(struct walker *w, const git_oid *oid, unsigned kind,
		     struct eg_blob_info *bi, const char *name)
{
	struct judge_part *p = w->part;
	size_t base = w->path_len;

	if (eg_oidmap_get(&p->seen, oid, kind))
		return;
	eg_oidmap_put(&p->seen, oid, kind, bi);
	path_push(w, name);
	met_add(&p->met, w->snapshot, bi, oid, kind, w->path);
	path_set_len(w, base);
}

static void *judge_part_run(void *arg)
{
	struct judge_part *p = arg;
	struct eg_tree_info *ti;
	size_t i;

	for (i = p->from; i < p->list->n && !p->err; i++) {
		p->w.snapshot = i;
		path_set_len(&p->w, 0);
		if (past_deadline(&p->w))
			p->err = eg_error_set(EG_EDEADLINE, "deadline passed");
		else
			p->err = eval_tree(&p->w, &p->list->items[i].tree, 0,
					   &ti);
	}
	return NULL;
}

/* Start judging [from, n) on a second thread; 0 when it cannot run. */
static int judge_part_start(struct judge_part *p, struct walker *w,
			    const struct snapshot_list *list, size_t from)
{
	struct eg_oidmap_entry *e;
	struct walker *pw = &p->w;

	memset(p, 0, sizeof(*p));
	if (part_walker_open(pw, w))
		return 0;
	/* blob criteria are computed on first use: not on two threads */
	eg_oidmap_foreach(&w->blobs, e)
	{
		struct eg_blob_info *bi = e->value;

		if (bi->result)
			blob_criteria(w, bi, "");
	}
	pw->report = eg_report_new(w->set, "", w->opts->scope);
	pw->blobs.size = w->blobs.size;
	pw->blobs.count = w->blobs.count;
	pw->blobs.slots = eg_xmalloc(w->blobs.size * sizeof(*e));
	memcpy(pw->blobs.slots, w->blobs.slots, w->blobs.size * sizeof(*e));
	pw->named = eg_xcalloc(w->words ? w->words : 1, sizeof(eg_word));
	pw->part = p;
	p->list = list;
	p->from = from;
	if (!pthread_create(&p->thread, NULL, judge_part_run, p))
		return 1;
	judge_part_free(p);
	return 0;
}

/*
 * Wait for the part; take its tree results and what it could not read.
 * Returns 0 when its results stand, else the main walker judges it all.
 */
static int judge_part_join(struct judge_part *p, struct walker *w)
{
	struct eg_oidmap_entry *e;
	size_t i;

	pthread_join(p->thread, NULL);
	p->joined = 1;
	eg_oidmap_foreach(&p->w.trees, e)
	{
		if (p->err || eg_oidmap_get(&w->trees, &e->oid, 0))
			free(e->value);
		else
			eg_oidmap_put(&w->trees, &e->oid, 0, e->value);
	}
	for (i = 0; !p->err && i < p->w.report->nunscanned; i++) {
		const struct eg_unscanned *u = &p->w.report->unscanned[i];

		eg_report_add_unscanned(w->report, u->path, u->blob, u->reason);
	}
	eg_error_clear();
	return p->err;
}

static void judge_part_free(struct judge_part *p)
{
	met_list_free(&p->met);
	eg_oidmap_clear(&p->seen);
	eg_oidmap_clear(&p->w.trees); /* values taken or freed */
	eg_oidmap_clear(&p->w.blobs); /* the main walker's values */
	eg_report_free(p->w.report);
	part_walker_close(&p->w);
}

/* The blobs the part met first at snapshot i: first met here, unless... */
static void judge_part_replay(struct judge_part *p, struct walker *w, size_t i,
			      size_t *k)
{
	for (; *k < p->met.n && p->met.v[*k].snapshot == i; (*k)++) {
		struct met *m = &p->met.v[*k];

		if (m->bi->seen)
			continue; /* ... the main walker met them before */
		m->bi->seen = 1;
		path_set_len(w, 0);
		path_push(w, m->path);
		file_findings(w, &m->oid, m->bi->result, eg_basename(m->path));
	}
	path_set_len(w, 0);
}

static int walk_history(struct walker *w)
{
	struct snapshot_list list = {0};
	git_oid *commits = NULL;
	struct judge_part part;
	size_t n = 0, i, met = 0;
	int err, split = 0;

	long long t0 = eg_now_ms(), t1, t2, listed;

	if ((err = eg_history_list(&commits, &n, w->repo, w->opts, w->report)))
		goto done;
	w->progress.total_commits = n;
	list_snapshots(w, commits, n, &list);
	t1 = eg_now_ms();
	listed = t1;
	if (w->jobs > 1 && (err = prefetch_blobs(w, &list, &listed)))
		goto done;
	eg_progress_set_phase(&w->progress, EG_PROGRESS_COMMITS, w->report);
	t2 = eg_now_ms();
	if (w->jobs > 1 && split_history(w, list.n))
		split = judge_part_start(
			&part, w, &list,
			(size_t)((double)list.n * SPLIT_JUDGING_AT));
	for (i = 0; i < list.n && !err; i++) {
		const struct snapshot *s = &list.items[i];

		if (split && i == part.from && judge_part_join(&part, w)) {
			judge_part_free(&part);
			split = 0; /* the rest judged here alone */
		}
		if (past_deadline(w)) {
			err = eg_error_set(EG_EDEADLINE, "deadline passed");
			break;
		}
		w->old = s->old;
		if (split && i >= part.from) {
			w->commit = &s->commit;
			judge_part_replay(&part, w, i, &met);
		}
		err = eval_snapshot(w, &s->commit, &s->tree);
		if (!s->old) {
			w->report->commits++;
			eg_progress_update(&w->progress, w->report);
		}
	}
	if (split) {
		if (!part.joined)
			judge_part_join(&part, w);
		judge_part_free(&part);
	}
	w->old = 0;
	if (getenv("EXPORTGATE_PROFILE"))
		fprintf(stderr,
			"profile phases: commits %lld ms, trees listed %lld ms, "
			"blobs %lld ms, snapshots judged %lld ms\n",
			t1 - t0, listed - t1, t2 - listed, eg_now_ms() - t2);
done:
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

	eg_oidmap_foreach(&w->blobs, e)
	{
		struct eg_blob_info *bi = e->value;

		eg_blob_result_free(bi->result);
		free(bi->criteria);
		free(bi);
	}
	eg_oidmap_foreach(&w->trees, e) free(e->value);
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
