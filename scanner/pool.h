/* pool.h: worker threads that read and match blobs in parallel. */
#ifndef EG_POOL_H
#define EG_POOL_H

#include <pthread.h>

#include <git2.h>

#include "match.h"
#include "packfile.h"
#include "report.h"
#include "results.h"

/*
 * Resolved objects a pack reader keeps (see packfile.h): 64 MiB for the
 * walker's, which reads trees; for a pool's, which read blobs in pack
 * order, up to 128 MiB a thread and 256 MiB for all of them together.
 */
#define EG_PACK_CACHE_BYTES ((size_t)64 << 20)
#define EG_POOL_CACHE_BYTES ((size_t)128 << 20)
#define EG_POOL_CACHE_TOTAL ((size_t)256 << 20)

/* One thread's means to read and match blobs. */
struct eg_blob_reader {
	git_repository *repo; /* owned when opened by the pool */
	git_odb *odb;
	struct eg_pack_reader *packs; /* owned; NULL: libgit2 reads all */
	struct eg_pack_notes notes;   /* prefilter memos on what it reads */
	unsigned note_kind;	      /* the name kind of the blob read */
	struct eg_matcher *matcher;
	unsigned long long max_blob_size;
	long long deadline_ms;
	struct eg_report *report; /* shared: counters and unscanned */
	pthread_mutex_t *lock;	  /* guards report; NULL when alone */
};

/*
 * Give `r` (its matcher set) a pack reader over `idx` that keeps
 * `cache_bytes` of objects with their prefilter memos.  Cannot fail.
 */
void eg_blob_reader_open_packs(struct eg_blob_reader *r,
			       const struct eg_packidx *idx,
			       size_t cache_bytes);

/*
 * Read blob `oid` (of `path`, base name `name`, name kind `kind`) and match
 * it.  Missing or unreadable objects, blobs over the size limit, regex
 * limits and a passed deadline are recorded as unscanned.  Can't fail.
 */
void eg_blob_read_and_match(struct eg_blob_reader *r, struct eg_blob_info *bi,
			    const git_oid *oid, unsigned kind, const char *name,
			    const char *path);

struct eg_pool;

struct eg_packidx;

/*
 * A pool of `jobs` readers, each with its own handle on the repository at
 * `repo`'s path (or from the environment, for a hook in quarantine), its
 * own pack reader over `packidx` (the caller's, which must outlive the
 * pool) and its own matcher.  *out is the caller's until eg_pool_run().
 */
int eg_pool_new(struct eg_pool **out, git_repository *repo, int from_env,
		const struct eg_packidx *packidx, const struct eg_sigset *set,
		unsigned jobs, unsigned long long max_blob_size,
		long long deadline_ms, struct eg_report *report);

/*
 * Queue one blob, found at `path`; `bi` must live until eg_pool_run()
 * returns.  Can't fail.
 */
void eg_pool_submit(struct eg_pool *pool, struct eg_blob_info *bi,
		    const git_oid *oid, unsigned kind, const char *path);

/*
 * Read and match every queued blob, in the order they lie in the packs,
 * on the pool's threads, calling `tick` now and then from this thread;
 * then free the pool.
 */
void eg_pool_run(struct eg_pool *pool, void (*tick)(void *), void *arg);

/* The number of CPUs, at least 1. */
unsigned eg_cpu_count(void);

#endif
