/* snapshot.c: judging files read from disk as one snapshot. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "snapshot.h"

/* Folders nested deeper than this are reported, not followed. */
#define MAX_DIR_DEPTH 1024

void eg_snapshot_init(struct eg_snapshot *s, const struct eg_sigset *set,
		      struct eg_report *report, const struct eg_scan_opts *opts)
{
	memset(s, 0, sizeof(*s));
	s->set = set;
	s->opts = opts;
	s->report = report;
	s->matcher = eg_matcher_new(set);
	s->words = EG_BITSET_WORDS(set->ncriteria);
	s->bits = eg_xcalloc(s->words ? EG_CRITERIA_SETS * s->words : 1,
			     sizeof(eg_word));
}

void eg_snapshot_release(struct eg_snapshot *s)
{
	size_t i;

	for (i = 0; i < s->nfiles; i++) {
		free((char *)s->files[i].path);
		free((char *)s->files[i].blob);
		eg_blob_result_free(
			(struct eg_blob_result *)s->files[i].result);
	}
	free(s->files);
	for (i = 0; i < s->npackages; i++)
		free(s->packages[i]);
	free(s->packages);
	free(s->bits);
	eg_matcher_free(s->matcher);
}

static int read_fd(int fd, size_t size, char **out)
{
	char *buf = eg_xmalloc(size + 1);
	size_t got = 0;

	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return -1;
		}
		got += (size_t)n;
	}
	buf[size] = '\0';
	*out = buf;
	return 0;
}

/*
 * OR what the file at `path` meets into the set of `bits` (enum eg_where,
 * s->words words each) for where it lies.
 */
static void file_bits(const struct eg_snapshot *s, const char *path,
		      const struct eg_blob_result *r, eg_word *bits)
{
	eg_match_criteria(s->set, r, path,
			  bits + eg_path_where(path, r) * s->words);
}

/* Note a top-level folder that `relpath`, named `name`, makes a package. */
static void note_package(struct eg_snapshot *s, const char *relpath,
			 const char *name)
{
	const char *slash = strchr(relpath, '/');

	if (!slash || slash + 1 != name ||
	    !eg_package_marker(name, strlen(name)))
		return;
	EG_GROW(s->packages, s->packages_alloc, s->npackages + 1);
	s->packages[s->npackages++] =
		eg_xstrndup(relpath, (size_t)(slash - relpath) + 1);
}

/* Whether the top-level folder "dir/" (`len` bytes) is a package. */
static int is_package(const struct eg_snapshot *s, const char *dir, size_t len)
{
	size_t i;

	for (i = 0; i < s->npackages; i++)
		if (strlen(s->packages[i]) == len &&
		    !strncmp(s->packages[i], dir, len))
			return 1;
	return 0;
}

/* Whether a call failed with `err` because nothing is at the path now. */
static int is_gone(int err)
{
	return err == ENOENT || err == ENOTDIR;
}

/*
 * Open the regular file at `path`, its size in `st`: 0 with `*fd` open,
 * 1 when no regular file is there (gone, or a symbolic link, FIFO, socket
 * or device, which a snapshot does not hold), -errno when it cannot be
 * read.  A special file is never opened, and one put in its place after
 * the lstat() cannot block the open.
 */
static int open_regular(int *fd, struct stat *st, const char *path)
{
	int err;

	if (lstat(path, st) < 0)
		return is_gone(errno) ? 1 : -errno;
	if (!S_ISREG(st->st_mode))
		return 1;
	*fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0)
		return is_gone(errno) || errno == ELOOP ? 1 : -errno;
	if (fstat(*fd, st) < 0) {
		err = -errno;
		close(*fd);
		return err;
	}
	if (!S_ISREG(st->st_mode)) {
		close(*fd);
		return 1;
	}
	return 0;
}

int eg_snapshot_add_file(struct eg_snapshot *s, const char *fullpath,
			 const char *relpath)
{
	struct eg_blob_result *r = NULL;
	const char *name = eg_basename(relpath);
	struct stat st;
	char *buf = NULL, why[256], hex[EG_OID_HEX];
	git_oid oid;
	int fd = -1, ret;

	if (s->opts->deadline_ms && eg_now_ms() > s->opts->deadline_ms)
		return eg_error_set(EG_EDEADLINE, "deadline passed");
	ret = open_regular(&fd, &st, fullpath);
	if (ret > 0)
		return 0;
	note_package(s, relpath, name);
	if (ret < 0) {
		snprintf(why, sizeof(why), "cannot read: %s", strerror(-ret));
		eg_report_add_unscanned(s->report, relpath, "", why);
		return 0;
	}
	if (s->opts->max_blob_size &&
	    (unsigned long long)st.st_size > s->opts->max_blob_size) {
		snprintf(why, sizeof(why),
			 "larger than --max-blob-size (%lld bytes)",
			 (long long)st.st_size);
		eg_report_add_unscanned(s->report, relpath, "", why);
		close(fd);
		return 0;
	}
	if (read_fd(fd, (size_t)st.st_size, &buf) < 0) {
		eg_report_add_unscanned(s->report, relpath, "",
					"cannot read: short read");
		close(fd);
		return 0;
	}
	close(fd);
	s->report->blobs++;
	s->report->bytes += (unsigned long long)st.st_size;
	if (s->progress)
		eg_progress_update(s->progress, s->report);
	eg_match_buffer(&r, s->matcher, eg_kind_from_name(name, strlen(name)),
			name, (const unsigned char *)buf, (size_t)st.st_size);
	git_odb_hash(&oid, buf, (size_t)st.st_size, GIT_OBJECT_BLOB);
	free(buf);
	git_oid_tostr(hex, sizeof(hex), &oid);
	if (!r)
		return 0;
	if (r->unscanned)
		eg_report_add_unscanned(s->report, relpath, hex, r->unscanned);
	file_bits(s, relpath, r, s->bits);
	EG_GROW(s->files, s->files_alloc, s->nfiles + 1);
	s->files[s->nfiles].path = eg_xstrdup(relpath);
	s->files[s->nfiles].blob = eg_xstrdup(hex);
	s->files[s->nfiles].result = r;
	s->nfiles++;
	return 0;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct eg_snapshot_file *)a)->path,
		      ((const struct eg_snapshot_file *)b)->path);
}

/* What a stretch of files holds: `bits` gets its criteria sets. */
static void files_bits(const struct eg_snapshot *s,
		       const struct eg_snapshot_file *files, size_t n,
		       eg_word *bits)
{
	size_t i;

	memset(bits, 0, EG_CRITERIA_SETS * s->words * sizeof(eg_word));
	for (i = 0; i < n; i++)
		file_bits(s, files[i].path, files[i].result, bits);
}

/*
 * Judge a repository-scope signature on each top-level folder on its own,
 * as scan.c's judge_folders() does.  The highest level above `level`, with
 * its folder's files as s->files[*from, *to) (sorted by path, a folder's
 * files are together), or `level` when no folder is above it.
 */
static enum eg_level judge_folders(const struct eg_snapshot *s,
				   const struct eg_signature *sig,
				   enum eg_level level, size_t *from,
				   size_t *to)
{
	eg_word *bits =
		eg_xcalloc(EG_CRITERIA_SETS * s->words + 1, sizeof(eg_word));
	size_t i, j;

	for (i = 0; i < s->nfiles; i = j) {
		const char *path = s->files[i].path;
		const char *slash = strchr(path, '/');
		size_t len = slash ? (size_t)(slash - path) + 1 : 0;
		enum eg_level l;

		for (j = i + 1; len && j < s->nfiles &&
				!strncmp(s->files[j].path, path, len);
		     j++)
			;
		if (!len || eg_part_dir(path, len - 1) ||
		    is_package(s, path, len))
			continue;
		files_bits(s, s->files + i, j - i, bits);
		l = eg_signature_level_of(sig, bits, s->words);
		if (l > level) {
			level = l;
			*from = i;
			*to = j;
		}
	}
	free(bits);
	return level;
}

/*
 * Add a repository-scope finding of `sig`, judged on files[0, n), whose
 * criteria are the sets `bits` (enum eg_where).
 */
static struct eg_finding *
repository_finding(struct eg_snapshot *s, const struct eg_signature *sig,
		   enum eg_level level, const struct eg_snapshot_file *files,
		   size_t n, const eg_word *bits)
{
	struct eg_finding *f = eg_report_add_finding(s->report, sig, level);

	eg_evidence_fill_sets(f, s->set, bits, s->words, files, n);
	return f;
}

/* Add the finding of `sig` judged on the folder of files[from, to). */
static void folder_finding(struct eg_snapshot *s,
			   const struct eg_signature *sig, enum eg_level level,
			   size_t from, size_t to)
{
	const char *path = s->files[from].path;
	eg_word *bits =
		eg_xcalloc(EG_CRITERIA_SETS * s->words + 1, sizeof(eg_word));
	struct eg_finding *f;

	files_bits(s, s->files + from, to - from, bits);
	f = repository_finding(s, sig, level, s->files + from, to - from, bits);
	f->folder = eg_xstrndup(path, (size_t)(strchr(path, '/') - path) + 1);
	free(bits);
}

void eg_snapshot_finish(struct eg_snapshot *s)
{
	const struct eg_sigset *set = s->set;
	eg_word *fbits = eg_xcalloc(s->words ? s->words : 1, sizeof(eg_word));
	size_t i, k;

	if (s->nfiles)
		qsort(s->files, s->nfiles, sizeof(*s->files), cmp_file);
	for (i = 0; i < set->nsigs; i++) {
		const struct eg_signature *sig = &set->sigs[i];
		enum eg_level level, best;
		struct eg_finding *f;
		size_t from = 0, to = 0;

		if (sig->scope == EG_SIG_REPOSITORY) {
			level = eg_signature_level_of(sig, s->bits, s->words);
			best = level;
			if (eg_signature_level_bound(sig, s->bits, s->words) >
			    level)
				best = judge_folders(s, sig, level, &from, &to);
			if (best > level)
				folder_finding(s, sig, best, from, to);
			else if (level != EG_LEVEL_NONE)
				repository_finding(s, sig, level, s->files,
						   s->nfiles, s->bits);
			continue;
		}
		for (k = 0; k < s->nfiles; k++) {
			const struct eg_snapshot_file *file = &s->files[k];

			memset(fbits, 0, s->words * sizeof(eg_word));
			eg_match_criteria(set, file->result, file->path, fbits);
			level = eg_signature_level(sig, fbits);
			if (level == EG_LEVEL_NONE)
				continue;
			f = eg_report_add_finding(s->report, sig, level);
			f->path = eg_xstrdup(file->path);
			snprintf(f->content, sizeof(f->content), "%s",
				 file->blob);
			eg_evidence_fill(f, set, fbits, NULL, file, 1);
		}
	}
	free(fbits);
}

static int walk_dir(struct eg_snapshot *s, const char *full, const char *rel,
		    size_t depth)
{
	struct dirent **names = NULL;
	int n, i, err = 0;

	if (depth > MAX_DIR_DEPTH) {
		eg_report_add_unscanned(
			s->report, rel, "",
			"folder nested deeper than 1024 levels");
		return 0;
	}
	n = scandir(full, &names, NULL, alphasort);
	if (n < 0) {
		char why[256];

		snprintf(why, sizeof(why), "cannot list: %s", strerror(errno));
		eg_report_add_unscanned(s->report, rel, "", why);
		return 0;
	}
	for (i = 0; i < n; i++) {
		const char *d = names[i]->d_name;
		char *cfull = NULL, *crel = NULL;
		struct stat st;

		if (err || !strcmp(d, ".") || !strcmp(d, "..") ||
		    !strcmp(d, ".git"))
			goto next;
		if (asprintf(&cfull, "%s/%s", full, d) < 0 ||
		    asprintf(&crel, "%s%s%s", rel, *rel ? "/" : "", d) < 0)
			abort();
		if (!lstat(cfull, &st) && S_ISDIR(st.st_mode))
			err = walk_dir(s, cfull, crel, depth + 1);
		else
			err = eg_snapshot_add_file(s, cfull, crel);
	next:
		free(cfull);
		free(crel);
		free(names[i]);
	}
	free(names);
	return err;
}

int eg_scan_dir(struct eg_report **out, const char *path,
		const struct eg_sigset *set, const struct eg_scan_opts *opts)
{
	struct eg_snapshot s;
	struct eg_progress progress;
	struct stat st;
	int err;

	*out = NULL;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return eg_error_set(EG_ENOTREPO, "%s: not a folder", path);
	eg_snapshot_init(&s, set, eg_report_new(set, path, EG_TARGET_DIR),
			 opts);
	eg_progress_init(&progress, opts->progress);
	s.progress = &progress;
	err = walk_dir(&s, path, "", 0);
	eg_progress_done(&progress);
	if (!err)
		eg_snapshot_finish(&s);
	eg_snapshot_release(&s);
	if (err) {
		eg_report_free(s.report);
		return err;
	}
	eg_report_finish(s.report);
	*out = s.report;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int eg_scan_worktree(struct eg_report *report, git_repository *repo,
		     const struct eg_sigset *set,
		     const struct eg_scan_opts *opts)
{
	const char *workdir = git_repository_workdir(repo);
	git_status_options so;
	git_status_list *status = NULL;
	git_index *index = NULL;
	struct eg_snapshot s;
	char **paths = NULL;
	size_t n = 0, alloc = 0, i;
	int err = 0;

	if (!workdir)
		return eg_error_set(
			EG_ENOTREPO,
			"--worktree needs a repository with a work tree");
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	if (git_repository_index(&index, repo) < 0)
		return eg_error_set_git("cannot read the index");
	for (i = 0; i < git_index_entrycount(index); i++) {
		const git_index_entry *e = git_index_get_byindex(index, i);

		if (e->mode == GIT_FILEMODE_COMMIT ||
		    e->mode == GIT_FILEMODE_LINK || git_index_entry_stage(e))
			continue;
		EG_GROW(paths, alloc, n + 1);
		paths[n++] = eg_xstrdup(e->path);
	}
	git_index_free(index);
	so.show = GIT_STATUS_SHOW_WORKDIR_ONLY;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		   GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
		   GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	if (git_status_list_new(&status, repo, &so) < 0) {
		err = eg_error_set_git("cannot list untracked files");
		goto done;
	}
	for (i = 0; i < git_status_list_entrycount(status); i++) {
		const git_status_entry *e = git_status_byindex(status, i);

		if (e->status != GIT_STATUS_WT_NEW || !e->index_to_workdir)
			continue;
		EG_GROW(paths, alloc, n + 1);
		paths[n++] = eg_xstrdup(e->index_to_workdir->new_file.path);
	}
	if (n)
		qsort(paths, n, sizeof(*paths), cmp_str);
	eg_snapshot_init(&s, set, report, opts);
	for (i = 0; i < n && !err; i++) {
		char *full;

		if (asprintf(&full, "%s%s", workdir, paths[i]) < 0)
			abort();
		err = eg_snapshot_add_file(&s, full, paths[i]);
		free(full);
	}
	if (!err)
		eg_snapshot_finish(&s);
	eg_snapshot_release(&s);
done:
	git_status_list_free(status);
	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
	return err;
}
