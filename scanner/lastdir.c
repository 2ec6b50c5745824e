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
