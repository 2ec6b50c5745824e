/* packidx.c: where objects lie in a repository's packs, to read in order. */
#include <dirent.h>
#include <fcntl.h>
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

static int offset_of(const struct pack *pk, const git_oid *oid, uint64_t *out)
{
	const unsigned char *fan = pk->map + 8, *ids = pk->map + 8 + 1024;
	uint32_t lo = oid->id[0] ? be32(fan + 4 * (oid->id[0] - 1)) : 0;
	uint32_t hi = be32(fan + 4 * oid->id[0]);
	const unsigned char *offs = ids + (size_t)pk->n * 24;

	if (hi > pk->n || lo > hi)
		return -1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = oid_cmp(ids + (size_t)mid * 20, oid->id);

		if (!c) {
			uint32_t o = be32(offs + (size_t)mid * 4);
			size_t big;

			if (!(o & 0x80000000u)) {
				*out = o;
				return 0;
			}
			big = (size_t)pk->n * 28 + 8 + 1024 +
			      (o & 0x7fffffffu) * 8;
			if (big + 8 > pk->size)
				return -1;
			*out = (uint64_t)be32(pk->map + big) << 32 |
			       be32(pk->map + big + 4);
			return 0;
		}
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

const char *eg_packidx_pack_path(const struct eg_packidx *idx, size_t pack)
{
	return pack < idx->npacks ? idx->packs[pack].pack_path : NULL;
}
