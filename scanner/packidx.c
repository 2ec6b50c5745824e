/* packidx.c: where objects lie in a repository's packs, to read in order. */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "packidx.h"

/*
 * A version 2 .idx: "\377tOc", version 2, 256 cumulative counts, then n
 * sorted object ids, n CRCs, n 4-byte offsets (high bit: index into the
 * 8-byte offsets that follow).  Every read below is bounds-checked against
 * the mapped size.
 */
struct pack {
	const unsigned char *map;
	size_t size;
	uint32_t n;
	char *pack_path; /* the .pack beside the .idx */
	/*
	 * The entries by offset, made at the first eg_packidx_crc() on the
	 * pack: NULL until then, written once under `lock` and read without
	 * it (an atomic load), `nplaces` set before it.
	 */
	struct place *places;
	size_t nplaces;
	pthread_mutex_t lock;
};

/* Where an entry starts in its pack, and the CRC of its bytes. */
struct place {
	uint64_t offset;
	uint32_t crc;
};

struct eg_packidx {
	struct pack *packs;
	size_t npacks, alloc;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int map_index(struct pack *pk, const char *path)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || st.st_size < 8 + 1024 + 40) {
		close(fd);
		return -1;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return -1;
	pk->map = map;
	pk->size = (size_t)st.st_size;
	pk->places = NULL;
	pk->nplaces = 0;
	pk->n = be32(pk->map + 8 + 255 * 4);
	if (memcmp(pk->map, "\377tOc", 4) || be32(pk->map + 4) != 2 ||
	    8 + 1024 + (uint64_t)pk->n * 28 > pk->size) {
		munmap(map, pk->size);
		return -1;
	}
	return 0;
}

void eg_packidx_open(struct eg_packidx **out, const char *objects_dir)
{
	struct eg_packidx *idx = eg_xcalloc(1, sizeof(*idx));
	struct dirent *d;
	size_t i;
	char *dir;
	DIR *dh;

	*out = idx;
	if (asprintf(&dir, "%s/pack", objects_dir) < 0)
		abort();
	dh = opendir(dir);
	while (dh && (d = readdir(dh))) {
		size_t len = strlen(d->d_name);
		char *path;

		if (len < 5 || strcmp(d->d_name + len - 4, ".idx"))
			continue;
		/* a rank has 16 bits for the pack: libgit2 reads the others */
		if (idx->npacks > 0xffff)
			break;
		if (asprintf(&path, "%s/%s", dir, d->d_name) < 0)
			abort();
		EG_GROW(idx->packs, idx->alloc, idx->npacks + 1);
		if (!map_index(&idx->packs[idx->npacks], path)) {
			if (asprintf(&idx->packs[idx->npacks].pack_path,
				     "%s/%.*s.pack", dir, (int)(len - 4),
				     d->d_name) < 0)
				abort();
			idx->npacks++;
		}
		free(path);
	}
	if (dh)
		closedir(dh);
	free(dir);
	/* now that the array stays where it is */
	for (i = 0; i < idx->npacks; i++)
		pthread_mutex_init(&idx->packs[i].lock, NULL);
}

void eg_packidx_open_repository(struct eg_packidx **out, git_repository *repo)
{
	char *objects;

	if (asprintf(&objects, "%sobjects", git_repository_commondir(repo)) < 0)
		abort();
	eg_packidx_open(out, objects);
	free(objects);
}

void eg_packidx_free(struct eg_packidx *idx)
{
	size_t i;

	if (!idx)
		return;
	for (i = 0; i < idx->npacks; i++) {
		munmap((void *)idx->packs[i].map, idx->packs[i].size);
		free(idx->packs[i].pack_path);
		free(idx->packs[i].places);
		pthread_mutex_destroy(&idx->packs[i].lock);
	}
	free(idx->packs);
	free(idx);
}

/* memcmp() of two ids, most often decided by their first 8 bytes. */
static int oid_cmp(const unsigned char *a, const unsigned char *b)
{
	uint64_t x = 0, y = 0;
	int i;

	for (i = 0; i < 8; i++) {
		x = x << 8 | a[i];
		y = y << 8 | b[i];
	}
	if (x != y)
		return x < y ? -1 : 1;
	return memcmp(a + 8, b + 8, GIT_OID_RAWSZ - 8);
}

/* The offset of the object at `pos` in the index's order. */
static int position_offset(const struct pack *pk, uint32_t pos, uint64_t *out)
{
	const unsigned char *offs = pk->map + 8 + 1024 + (size_t)pk->n * 24;
	uint32_t o = be32(offs + (size_t)pos * 4);
	size_t big;

	if (!(o & 0x80000000u)) {
		*out = o;
		return 0;
	}
	big = (size_t)pk->n * 28 + 8 + 1024 + (o & 0x7fffffffu) * 8;
	if (big + 8 > pk->size)
		return -1;
	*out = (uint64_t)be32(pk->map + big) << 32 | be32(pk->map + big + 4);
	return 0;
}

static int offset_of(const struct pack *pk, const git_oid *oid, uint64_t *out)
{
	const unsigned char *fan = pk->map + 8, *ids = pk->map + 8 + 1024;
	uint32_t lo = oid->id[0] ? be32(fan + 4 * (oid->id[0] - 1)) : 0;
	uint32_t hi = be32(fan + 4 * oid->id[0]);

	if (hi > pk->n || lo > hi)
		return -1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = oid_cmp(ids + (size_t)mid * 20, oid->id);

		if (!c)
			return position_offset(pk, mid, out);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

uint64_t eg_packidx_rank(const struct eg_packidx *idx, const git_oid *oid)
{
	size_t i;
	uint64_t off;

	for (i = 0; i < idx->npacks; i++)
		if (!offset_of(&idx->packs[i], oid, &off) &&
		    off <= EG_PACKIDX_OFFSET_MASK)
			return (uint64_t)i << 48 | off;
	return UINT64_MAX;
}

static int place_cmp(const void *a, const void *b)
{
	const struct place *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The pack's entries sorted by offset, made on the first call. */
static const struct place *places(struct pack *pk, size_t *n)
{
	const unsigned char *crcs = pk->map + 8 + 1024 + (size_t)pk->n * 20;
	struct place *v = __atomic_load_n(&pk->places, __ATOMIC_ACQUIRE);
	uint32_t pos;

	if (v) {
		*n = pk->nplaces;
		return v;
	}
	pthread_mutex_lock(&pk->lock);
	if (!(v = pk->places)) {
		v = eg_xcalloc(pk->n ? pk->n : 1, sizeof(*v));
		pk->nplaces = 0;
		for (pos = 0; pos < pk->n; pos++) {
			struct place *p = &v[pk->nplaces];

			/* an offset the index cannot give names no entry */
			if (position_offset(pk, pos, &p->offset))
				continue;
			p->crc = be32(crcs + (size_t)pos * 4);
			pk->nplaces++;
		}
		qsort(v, pk->nplaces, sizeof(*v), place_cmp);
		__atomic_store_n(&pk->places, v, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&pk->lock);
	*n = pk->nplaces;
	return v;
}

int eg_packidx_crc(const struct eg_packidx *idx, uint64_t rank, uint32_t *crc)
{
	size_t pack = EG_PACKIDX_PACK(rank), lo = 0, hi;
	uint64_t offset = EG_PACKIDX_OFFSET(rank);
	const struct place *v;

	if (pack >= idx->npacks)
		return -1;
	v = places(&idx->packs[pack], &hi);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].offset == offset) {
			*crc = v[mid].crc;
			return 0;
		}
		if (v[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

const char *eg_packidx_pack_path(const struct eg_packidx *idx, size_t pack)
{
	return pack < idx->npacks ? idx->packs[pack].pack_path : NULL;
}
