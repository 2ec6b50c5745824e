/* pool.c: worker threads that read and match blobs in parallel. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "packfile.h"
#include "packidx.h"
#include "pool.h"
#include "prefilter.h"
#include "scan.h"

struct job {
	uint64_t rank; /* where it lies on disk */
	struct eg_blob_info *bi;
	git_oid oid;
	unsigned kind;
	char *path; /* the name is its tail */
};

/*
 * Jobs are taken in runs, in disk order, so that each thread's pack reader
 * finds the bases of the deltas it reads in its own cache.  A run is a
 * quarter of a thread's share of what is left, at least MIN_RUN jobs:
 * long at first, short at the end, where no thread should be left alone
 * with a long one.
 */
#define MIN_RUN 32

/*
 * Invariant: jobs are queued, then sorted by rank and run; during the run
 * jobs [0, next) are taken, [next, njobs) wait; `done` counts finished
 * ones.  Every field below `lock` is guarded by it.
 */
struct worker {
	struct eg_pool *pool;
	struct eg_blob_reader reader;
	pthread_t thread;
};

struct eg_pool {
	struct worker *workers;
	unsigned nworkers, nthreads;
	const struct eg_packidx *packidx; /* the caller's */
	pthread_mutex_t lock;
	pthread_cond_t progress;
	struct job *jobs;
	size_t njobs, jobs_alloc, next, done;
};

/*
 * Read a blob from the packs, or through libgit2 when the pack reader
 * cannot (loose objects, alternates, anything odd).  Returns 0 with the
 * content in *data (borrowed; *obj to free, or NULL), or a reason.
 */
static const char *read_blob(struct eg_blob_reader *r, const git_oid *oid,
			     git_odb_object **obj, const unsigned char **data,
			     size_t *size, char *why, size_t whylen)
{
	git_object_t type;
	int rc;

	*obj = NULL;
	*data = NULL;
	rc = r->packs ? eg_pack_read(r->packs, oid, r->max_blob_size, &type,
				     data, size)
		      : -1;
	if (rc < 0) {
		if (git_odb_read_header(size, &type, r->odb, oid) < 0) {
			snprintf(why, whylen,
				 "missing or unreadable object: %s",
				 eg_error_git_message());
			return why;
		}
		rc = r->max_blob_size && *size > r->max_blob_size;
	}
	if (rc > 0) {
		snprintf(why, whylen, "larger than --max-blob-size (%zu bytes)",
			 *size);
		return why;
	}
	if (*data)
		return NULL;
	if (git_odb_read(obj, r->odb, oid) < 0) {
		snprintf(why, whylen, "unreadable object: %s",
			 eg_error_git_message());
		return why;
	}
	*data = git_odb_object_data(*obj);
	*size = git_odb_object_size(*obj);
	return NULL;
}

/* The pack reader's note maker: what the prefilter finds (match.h). */
static void *note_blob(void *arg, const unsigned char *data, size_t len,
		       const void *base, const struct eg_delta_copy *copies,
		       size_t ncopies, size_t *bytes)
{
	struct eg_blob_reader *r = arg;

	return eg_matcher_memo(r->matcher, r->note_kind, data, len, base,
			       copies, ncopies, bytes);
}

void eg_blob_reader_open_packs(struct eg_blob_reader *r,
			       const struct eg_packidx *idx, size_t cache_bytes)
{
	r->notes.make = note_blob;
	r->notes.free = eg_prefilter_memo_free;
	r->notes.arg = r;
	eg_pack_reader_new(&r->packs, idx, cache_bytes, &r->notes);
}

void eg_blob_read_and_match(struct eg_blob_reader *r, struct eg_blob_info *bi,
			    const git_oid *oid, unsigned kind, const char *name,
			    const char *path)
{
	git_odb_object *obj = NULL;
	const unsigned char *data = NULL;
	size_t size = 0;
	char why[512], hex[GIT_OID_HEXSZ + 1];
	const char *reason = NULL;

	r->note_kind = kind;
	if (r->deadline_ms && eg_now_ms() > r->deadline_ms) {
		reason = "deadline passed before it was read";
	} else if (!(reason = read_blob(r, oid, &obj, &data, &size, why,
					sizeof(why)))) {
		eg_match_noted(&bi->result, r->matcher, kind, name, data, size,
			       obj ? NULL : eg_pack_note(r->packs));
		git_odb_object_free(obj);
		if (bi->result && bi->result->unscanned)
			reason = bi->result->unscanned;
	}
	if (r->lock)
		pthread_mutex_lock(r->lock);
	if (!reason || bi->result) {
		r->report->blobs++;
		r->report->bytes += size;
	}
	if (reason) {
		bi->unscanned = 1;
		git_oid_tostr(hex, sizeof(hex), oid);
		eg_report_add_unscanned(r->report, path, hex, reason);
	}
	if (r->lock)
		pthread_mutex_unlock(r->lock);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct eg_blob_reader *r = &w->reader;
	struct eg_pool *pool = w->pool;

	pthread_mutex_lock(&pool->lock);
	while (pool->next < pool->njobs) {
		size_t first = pool->next, last, i, run;

		run = (pool->njobs - first) / (pool->nworkers * 4);
		if (run < MIN_RUN)
			run = MIN_RUN;
		last = first + run < pool->njobs ? first + run : pool->njobs;
		pool->next = last;
		pthread_mutex_unlock(&pool->lock);
		/* eg_blob_read_and_match() takes the lock for the report */
		for (i = first; i < last; i++) {
			struct job *job = &pool->jobs[i];
			const char *slash = strrchr(job->path, '/');

			eg_blob_read_and_match(r, job->bi, &job->oid, job->kind,
					       slash ? slash + 1 : job->path,
					       job->path);
			free(job->path);
		}
		pthread_mutex_lock(&pool->lock);
		pool->done += last - first;
		pthread_cond_signal(&pool->progress);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

unsigned eg_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

static int open_reader(struct eg_blob_reader *r, git_repository *repo,
		       int from_env)
{
	int rc = from_env
			 ? git_repository_open_ext(&r->repo, NULL,
						   GIT_REPOSITORY_OPEN_FROM_ENV,
						   NULL)
			 : git_repository_open_ext(
				   &r->repo, git_repository_path(repo),
				   GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);

	if (rc < 0 || git_repository_odb(&r->odb, r->repo) < 0)
		return eg_error_set_git(
			"cannot open the repository for a worker");
	return 0;
}

int eg_pool_new(struct eg_pool **out, git_repository *repo, int from_env,
		const struct eg_packidx *packidx, const struct eg_sigset *set,
		unsigned jobs, unsigned long long max_blob_size,
		long long deadline_ms, struct eg_report *report)
{
	struct eg_pool *pool = eg_xcalloc(1, sizeof(*pool));
	size_t cache = EG_POOL_CACHE_TOTAL / (jobs ? jobs : 1);
	unsigned i;
	int err = 0;

	*out = NULL;
	if (cache > EG_POOL_CACHE_BYTES)
		cache = EG_POOL_CACHE_BYTES;
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->progress, NULL);
	pool->packidx = packidx;
	pool->workers = eg_xcalloc(jobs, sizeof(*pool->workers));
	for (i = 0; i < jobs && !err; i++) {
		struct eg_blob_reader *r = &pool->workers[i].reader;

		pool->workers[i].pool = pool;
		if ((err = open_reader(r, repo, from_env)))
			break;
		r->matcher = eg_matcher_new(set);
		eg_blob_reader_open_packs(r, pool->packidx, cache);
		r->max_blob_size = max_blob_size;
		r->deadline_ms = deadline_ms;
		r->report = report;
		r->lock = &pool->lock;
		pool->nworkers++;
	}
	if (err) {
		eg_pool_run(pool, NULL, NULL);
		return err;
	}
	*out = pool;
	return 0;
}

void eg_pool_submit(struct eg_pool *pool, struct eg_blob_info *bi,
		    const git_oid *oid, unsigned kind, const char *path)
{
	struct job *job;
	pthread_mutex_lock(&pool->lock);
	EG_GROW(pool->jobs, pool->jobs_alloc, pool->njobs + 1);
	job = &pool->jobs[pool->njobs++];
	job->rank = eg_packidx_rank(pool->packidx, oid);
	job->bi = bi;
	git_oid_cpy(&job->oid, oid);
	job->kind = kind;
	job->path = eg_xstrdup(path);
	pthread_mutex_unlock(&pool->lock);
}

static int cmp_rank(const void *pa, const void *pb)
{
	const struct job *a = pa, *b = pb;

	return a->rank < b->rank ? -1 : a->rank > b->rank;
}

void eg_pool_run(struct eg_pool *pool, void (*tick)(void *), void *arg)
{
	unsigned i;

	if (pool->njobs)
		qsort(pool->jobs, pool->njobs, sizeof(*pool->jobs), cmp_rank);
	for (i = 0; i < pool->nworkers && pool->njobs; i++) {
		if (pthread_create(&pool->workers[i].thread, NULL, work,
				   &pool->workers[i]))
			break;
		pool->nthreads++;
	}
	/* no thread would start: read them here */
	if (pool->njobs && !pool->nthreads && pool->nworkers)
		work(&pool->workers[0]);
	pthread_mutex_lock(&pool->lock);
	/* once at the start and once at the end, however quick the reading */
	if (tick)
		tick(arg);
	while (pool->nthreads && pool->done < pool->njobs) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 200 * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&pool->progress, &pool->lock, &ts);
		if (tick)
			tick(arg);
	}
	if (tick)
		tick(arg);
	pthread_mutex_unlock(&pool->lock);
	for (i = 0; i < pool->nthreads; i++)
		pthread_join(pool->workers[i].thread, NULL);
	for (i = 0; i < pool->nworkers; i++) {
		struct eg_blob_reader *r = &pool->workers[i].reader;

		eg_matcher_free(r->matcher);
		eg_pack_reader_free(r->packs);
		git_odb_free(r->odb);
		git_repository_free(r->repo);
	}
	for (i = pool->done; i < pool->njobs; i++)
		free(pool->jobs[i].path);
	free(pool->jobs);
	free(pool->workers);
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->progress);
	free(pool);
}
