/* lastdir.c: the last version of each folder judged, by path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "lastdir.h"

struct lastdir_slot {
	char *path; /* NULL: empty slot */
	size_t len;
	uint64_t hash;
	struct eg_lastdir *dir;
};

static uint64_t hash_path(const char *path, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)path[i]) * 0x100000001b3ull;
	return h;
}

/* Open addressing, linear probing; size a power of two, load <= 1/2. */
static struct lastdir_slot *find(const struct eg_lastdirs *map,
				 const char *path, size_t len, uint64_t h)
{
	size_t mask = map->size - 1, i = (size_t)h & mask;

	while (map->slots[i].path &&
	       (map->slots[i].hash != h || map->slots[i].len != len ||
		memcmp(map->slots[i].path, path, len)))
		i = (i + 1) & mask;
	return &map->slots[i];
}

static void grow(struct eg_lastdirs *map)
{
	struct eg_lastdirs old = *map;
	size_t i;

	map->size = old.size ? old.size * 2 : 256;
	map->slots = eg_xcalloc(map->size, sizeof(*map->slots));
	for (i = 0; i < old.size; i++)
		if (old.slots[i].path)
			*find(map, old.slots[i].path, old.slots[i].len,
			      old.slots[i].hash) = old.slots[i];
	free(old.slots);
}

/* How many bytes a and b have in common from the start, up to `len`. */
static size_t common_prefix(const unsigned char *a, const unsigned char *b,
			    size_t len)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		uint64_t x, y;

		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			break;
	}
	while (i < len && a[i] == b[i])
		i++;
	return i;
}

/* The entries of `last` from k that lie whole within `bytes` from offs[k]. */
static size_t whole_entries(const struct eg_lastdir *last, size_t k,
			    size_t bytes)
{
	size_t lo = k, hi = last->n, end = last->offs[k] + bytes;

	/* the last j in [k, n] with offs[j] <= end; the answer is j - k */
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;

		if (last->offs[mid] <= end)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo - k;
}

/* The index of the last version's entry named as `e`, or SIZE_MAX. */
static size_t merge_to(const struct eg_lastdir *last, size_t *k,
		       const struct eg_tree_entry *e, struct eg_tree_entry *le)
{
	/* entries of the last version sorting before it went */
	for (; *k < last->n; ++*k) {
		const unsigned char *lat = last->tree + last->offs[*k];
		int c;

		if (eg_tree_next(&lat, last->tree + last->size, le) <= 0)
			break;
		if ((c = eg_tree_entry_cmp(le, e)) >= 0)
			return c ? SIZE_MAX : *k;
	}
	return SIZE_MAX;
}

int eg_lastdir_walk(const struct eg_lastdir *last, const unsigned char *tree,
		    size_t size, eg_lastdir_fn fn, void *arg, size_t **offs,
		    size_t *n)
{
	size_t off = 0, k = 0, alloc = 0, i;
	int err = 0;

	*n = 0;
	*offs = NULL;
	/* about as many entries as last time */
	EG_GROW(*offs, alloc, last->n + 9);
	while (!err && off < size) {
		const unsigned char *at = tree + off;
		struct eg_tree_entry e, le;
		struct eg_lastdir_step st = {off, 0, SIZE_MAX, NULL};
		size_t lo = k < last->n ? last->offs[k] : 0;

		if (k < last->n)
			st.count = whole_entries(
				last, k,
				common_prefix(tree + off, last->tree + lo,
					      size - off < last->size - lo
						      ? size - off
						      : last->size - lo));
		if (st.count) {
			st.last_k = k;
			EG_GROW(*offs, alloc, *n + st.count + 1);
			for (i = 0; i < st.count; i++)
				(*offs)[*n + i] =
					off + (last->offs[k + i] - lo);
			off += last->offs[k + st.count] - lo;
			k += st.count;
		} else if ((err = eg_tree_next(&at, tree + size, &e)) <= 0) {
			err = err ? err
				  : eg_error_set(EG_EGIT,
						 "malformed tree entry");
			break;
		} else {
			size_t same = merge_to(last, &k, &e, &le);

			st.count = 1;
			if (same != SIZE_MAX && eg_tree_entry_same(&le, &e))
				st.last_k = same;
			else
				st.e = &e;
			/* the same name, changed or not: passed */
			if (same != SIZE_MAX)
				k++;
			EG_GROW(*offs, alloc, *n + 2);
			(*offs)[*n] = off;
			off = (size_t)(at - tree);
		}
		*n += st.count;
		err = fn(arg, &st);
	}
	(*offs)[*n] = size;
	return err;
}

void eg_lastdir_keep(struct eg_lastdir *last, unsigned char *tree, size_t size,
		     size_t *offs, size_t n, eg_word *notes)
{
	free(last->tree);
	free(last->offs);
	free(last->notes);
	last->tree = tree;
	last->size = size;
	last->offs = offs;
	last->n = n;
	last->notes = notes;
}

struct eg_lastdir *eg_lastdir_at(struct eg_lastdirs *map, const char *path,
				 size_t len)
{
	uint64_t h = hash_path(path, len);
	struct lastdir_slot *s;

	if ((map->count + 1) * 2 > map->size)
		grow(map);
	s = find(map, path, len, h);
	if (!s->path) {
		s->path = eg_xstrndup(path, len);
		s->len = len;
		s->hash = h;
		s->dir = eg_xcalloc(1, sizeof(*s->dir));
		map->count++;
	}
	return s->dir;
}

void eg_lastdirs_clear(struct eg_lastdirs *map)
{
	size_t i;

	for (i = 0; i < map->size; i++)
		if (map->slots[i].path) {
			free(map->slots[i].path);
			free(map->slots[i].dir->tree);
			free(map->slots[i].dir->notes);
			free(map->slots[i].dir->offs);
			free(map->slots[i].dir);
		}
	free(map->slots);
	memset(map, 0, sizeof(*map));
}
