/* cache.c: blob and tree results kept between scans (the gate's pushes). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cache.h"
#include "error.h"
#include "yamlutil.h"

/*
 * Layout, little-endian, every count checked against the file's size:
 *   EG_CACHE_MAGIC | set sha256 (64 hex) | u64 ntrees | u64 nblobs
 *   ntrees x (oid[20] | u32 place (scan.c) | u8 again | criteria sets)
 *   nblobs x (oid[20] | u32 kind | u8 has_result + 2 * again
 *             [| u32 result kind | u8 minified | pattern bitset
 *              | u32 nhits | nhits x (u32 pattern, line, column |
 *                                     u16 length | excerpt |
 *                                     u16 length | member)])
 *   sha256 of all of the above (32 bytes)
 */
/*
 * 3: the top README counts (evidence.h); 4: Qt translations (kind.h);
 * 5: live scripts and R Markdown read inside (match.h), Qt resources binary;
 * 6: trees kept by place too (a top-level folder's README counts);
 * 7: UTF-16 text read as UTF-8 (utf16.h);
 * 8: a script named as text is of its "#!" interpreter's kind (kind.h);
 * 9: hit columns count characters, not bytes (match.h);
 * A: a notebook's hits are placed in its file (notebook.h);
 * B: trees and blobs keep whether they are judged at each path (scan.c);
 * C: an archive's members are matched, hits name their member (match.h);
 * D: .csv and .tsv files are data, not text (kind.h);
 * E: weak folders in any case, `Test/` as `test/`, and a third set of a
 *    tree's criteria, below installed packages (evidence.h);
 * F: `dataset/` and `datasets/` serve the project: their README is weak
 *    (evidence.h)
 */
#define MAX_CACHE (1u << 30)

struct out {
	unsigned char *buf;
	size_t n, alloc;
};

static void put(struct out *o, const void *p, size_t len)
{
	EG_GROW(o->buf, o->alloc, o->n + len);
	memcpy(o->buf + o->n, p, len);
	o->n += len;
}

static void put_u32(struct out *o, uint32_t v)
{
	unsigned char b[4] = {v, v >> 8, v >> 16, v >> 24};

	put(o, b, 4);
}

static void put_u64(struct out *o, uint64_t v)
{
	put_u32(o, (uint32_t)v);
	put_u32(o, (uint32_t)(v >> 32));
}

struct in {
	const unsigned char *p, *end;
	int bad;
};

static const unsigned char *take(struct in *in, size_t len)
{
	const unsigned char *p = in->p;

	if (in->bad || (size_t)(in->end - in->p) < len) {
		in->bad = 1;
		return NULL;
	}
	in->p += len;
	return p;
}

static uint32_t get_u32(struct in *in)
{
	const unsigned char *b = take(in, 4);

	return b ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
			       (uint32_t)b[3] << 24
		 : 0;
}

static uint64_t get_u64(struct in *in)
{
	uint64_t lo = get_u32(in);

	return lo | (uint64_t)get_u32(in) << 32;
}

static void put_result(struct out *o, const struct eg_blob_result *r,
		       size_t pwords)
{
	size_t i;

	put_u32(o, r->kind);
	put(o, &(unsigned char){(unsigned char)r->minified}, 1);
	for (i = 0; i < pwords; i++)
		put_u64(o, r->patterns[i]);
	put_u32(o, (uint32_t)r->nhits);
	for (i = 0; i < r->nhits; i++) {
		size_t len = strlen(r->hits[i].excerpt);

		put_u32(o, r->hits[i].pattern);
		put_u32(o, r->hits[i].line);
		put_u32(o, r->hits[i].column);
		put(o, (unsigned char[2]){len & 0xff, len >> 8}, 2);
		put(o, r->hits[i].excerpt, len);
		/* a zip's names fit in 16 bits, a tar's in 4096 bytes */
		len = r->hits[i].member ? strlen(r->hits[i].member) : 0;
		put(o, (unsigned char[2]){len & 0xff, len >> 8}, 2);
		if (len)
			put(o, r->hits[i].member, len);
	}
}

static struct eg_blob_result *
get_result(struct in *in, const struct eg_sigset *set, size_t pwords)
{
	struct eg_blob_result *r = eg_xcalloc(1, sizeof(*r));
	const unsigned char *b;
	size_t i, n;

	r->kind = get_u32(in);
	b = take(in, 1);
	r->minified = b ? b[0] : 0;
	r->patterns = eg_xcalloc(pwords ? pwords : 1, sizeof(eg_word));
	for (i = 0; i < pwords; i++)
		r->patterns[i] = get_u64(in);
	n = get_u32(in);
	if (n > EG_MATCH_HITS_PER_PATTERN * (set->npatterns + 1))
		in->bad = 1;
	if (!in->bad && n)
		r->hits = eg_xcalloc(n, sizeof(*r->hits));
	for (i = 0; i < n && !in->bad; i++) {
		struct eg_hit *h = &r->hits[i];
		size_t len;

		h->pattern = get_u32(in);
		h->line = get_u32(in);
		h->column = get_u32(in);
		b = take(in, 2);
		len = b ? (size_t)b[0] | (size_t)b[1] << 8 : 0;
		b = take(in, len);
		if (!b || h->pattern >= set->npatterns) {
			in->bad = 1;
			break;
		}
		h->excerpt = eg_xstrndup((const char *)b, len);
		r->nhits++;
		b = take(in, 2);
		len = b ? (size_t)b[0] | (size_t)b[1] << 8 : 0;
		b = take(in, len);
		if (!b) {
			in->bad = 1;
			break;
		}
		h->member = len ? eg_xstrndup((const char *)b, len) : NULL;
	}
	return r;
}

static void sha256(const void *p, size_t len, unsigned char out[32])
{
	unsigned n = 32;

	EVP_Digest(p, len, out, &n, EVP_sha256(), NULL);
}

void eg_cache_load(const char *path, const struct eg_sigset *set,
		   struct eg_oidmap *trees, struct eg_oidmap *blobs)
{
	size_t cwords = EG_BITSET_WORDS(set->ncriteria);
	size_t pwords = EG_BITSET_WORDS(set->npatterns);
	struct eg_oidmap new_trees = {0}, new_blobs = {0};
	struct eg_oidmap_entry *e;
	unsigned char md[32];
	char *buf = NULL;
	size_t len, i, j;
	uint64_t ntrees, nblobs;
	struct in in;

	if (eg_read_file(path, MAX_CACHE, &buf, &len)) {
		eg_error_clear();
		return;
	}
	if (len < 8 + 64 + 16 + 32)
		goto done;
	sha256(buf, len - 32, md);
	if (memcmp(md, buf + len - 32, 32) || memcmp(buf, EG_CACHE_MAGIC, 8) ||
	    memcmp(buf + 8, set->sha256, 64))
		goto done;
	in.p = (const unsigned char *)buf + 72;
	in.end = (const unsigned char *)buf + len - 32;
	in.bad = 0;
	ntrees = get_u64(&in);
	nblobs = get_u64(&in);
	if (ntrees > len || nblobs > len)
		goto done;
	for (i = 0; i < ntrees && !in.bad; i++) {
		const unsigned char *oid = take(&in, 20);
		uint32_t place = get_u32(&in);
		const unsigned char *again = take(&in, 1);
		struct eg_tree_info *ti;

		if (!oid || place > 2 || !again || again[0] > 1) {
			in.bad = 1;
			break;
		}
		ti = eg_xcalloc(1, sizeof(*ti) + EG_CRITERIA_SETS * cwords *
							 sizeof(eg_word));
		ti->old = 1;
		ti->again = again[0];
		for (j = 0; j < EG_CRITERIA_SETS * cwords; j++)
			ti->bits[j] = get_u64(&in);
		/* the writer lists each once: a repeat is corruption */
		if (eg_oidmap_get(&new_trees, (const git_oid *)oid, place)) {
			free(ti);
			in.bad = 1;
			break;
		}
		eg_oidmap_put(&new_trees, (const git_oid *)oid, place, ti);
	}
	for (i = 0; i < nblobs && !in.bad; i++) {
		const unsigned char *oid = take(&in, 20), *has;
		uint32_t kind = get_u32(&in);
		struct eg_blob_info *bi;

		has = take(&in, 1);
		if (!oid || !has || has[0] > 3)
			break;
		bi = eg_xcalloc(1, sizeof(*bi));
		git_oid_cpy(&bi->oid, (const git_oid *)oid);
		bi->again = (has[0] & 2) != 0;
		if (has[0] & 1)
			bi->result = get_result(&in, set, pwords);
		if (eg_oidmap_get(&new_blobs, (const git_oid *)oid, kind)) {
			eg_blob_result_free(bi->result);
			free(bi);
			in.bad = 1;
			break;
		}
		eg_oidmap_put(&new_blobs, (const git_oid *)oid, kind, bi);
	}
	if (in.bad || in.p != in.end) {
		/* corrupt: drop it all, rebuild from the repository */
		eg_oidmap_foreach(&new_trees, e) free(e->value);
		eg_oidmap_foreach(&new_blobs, e)
		{
			eg_blob_result_free(
				((struct eg_blob_info *)e->value)->result);
			free(e->value);
		}
		goto done;
	}
	eg_oidmap_foreach(&new_trees, e)
	{
		if (eg_oidmap_get(trees, &e->oid, e->key))
			free(e->value);
		else
			eg_oidmap_put(trees, &e->oid, e->key, e->value);
	}
	eg_oidmap_foreach(&new_blobs, e)
	{
		if (eg_oidmap_get(blobs, &e->oid, e->key)) {
			eg_blob_result_free(
				((struct eg_blob_info *)e->value)->result);
			free(e->value);
		} else {
			eg_oidmap_put(blobs, &e->oid, e->key, e->value);
		}
	}
done:
	eg_oidmap_clear(&new_trees);
	eg_oidmap_clear(&new_blobs);
	free(buf);
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int eg_cache_save(const char *path, const struct eg_sigset *set,
		  const struct eg_oidmap *trees, const struct eg_oidmap *blobs)
{
	size_t cwords = EG_BITSET_WORDS(set->ncriteria);
	size_t pwords = EG_BITSET_WORDS(set->npatterns);
	struct out o = {0};
	struct eg_oidmap_entry *e;
	uint64_t ntrees = 0, nblobs = 0;
	size_t counts, i;
	unsigned char md[32];
	char *tmp = NULL, *dir = eg_xstrdup(path), *slash;
	int fd = -1, err = 0;

	put(&o, EG_CACHE_MAGIC, 8);
	put(&o, set->sha256, 64);
	counts = o.n;
	put_u64(&o, 0);
	put_u64(&o, 0);
	eg_oidmap_foreach(trees, e)
	{
		const struct eg_tree_info *ti = e->value;

		/*
		 * Only trees the repository had: a new tree may belong to a
		 * push that is then rejected, and a retry must meet its files
		 * again to judge them.
		 */
		if (ti->incomplete || !ti->old)
			continue;
		put(&o, e->oid.id, 20);
		put_u32(&o, e->key);
		put(&o, &(unsigned char){ti->again != 0}, 1);
		for (i = 0; i < EG_CRITERIA_SETS * cwords; i++)
			put_u64(&o, ti->bits[i]);
		ntrees++;
	}
	eg_oidmap_foreach(blobs, e)
	{
		const struct eg_blob_info *bi = e->value;

		if (bi->unscanned)
			continue;
		put(&o, e->oid.id, 20);
		put_u32(&o, e->key);
		put(&o,
		    &(unsigned char){(bi->result != NULL) |
				     (bi->again ? 2 : 0)},
		    1);
		if (bi->result)
			put_result(&o, bi->result, pwords);
		nblobs++;
	}
	for (i = 0; i < 8; i++) {
		o.buf[counts + i] = (unsigned char)(ntrees >> (8 * i));
		o.buf[counts + 8 + i] = (unsigned char)(nblobs >> (8 * i));
	}
	sha256(o.buf, o.n, md);
	put(&o, md, 32);
	if ((slash = strrchr(dir, '/'))) {
		*slash = '\0';
		mkdir(dir, 0777);
	}
	if (asprintf(&tmp, "%s.%ld.tmp", path, (long)getpid()) < 0)
		abort();
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || write_all(fd, o.buf, o.n) || close(fd) ||
	    rename(tmp, path)) {
		err = eg_error_set(EG_EIO, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
	}
	free(tmp);
	free(dir);
	free(o.buf);
	return err;
}
