/* oidmap.c: a hash map from (object id, small key) to a pointer. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "oidmap.h"

static size_t hash(const git_oid *oid, uint32_t key)
{
	uint64_t h;

	memcpy(&h, oid->id, sizeof(h));
	return (size_t)(h ^ ((uint64_t)key * 0x9e3779b97f4a7c15ull));
}

/* Whether two ids are equal: inline, as this is the maps' hot loop. */
static int same_oid(const git_oid *a, const git_oid *b)
{
	uint64_t a0, a1, b0, b1;
	uint32_t a2, b2;

	memcpy(&a0, a->id, 8);
	memcpy(&b0, b->id, 8);
	memcpy(&a1, a->id + 8, 8);
	memcpy(&b1, b->id + 8, 8);
	memcpy(&a2, a->id + 16, 4);
	memcpy(&b2, b->id + 16, 4);
	return !((a0 ^ b0) | (a1 ^ b1) | (a2 ^ b2));
}

static struct eg_oidmap_entry *find(const struct eg_oidmap *map,
				    const git_oid *oid, uint32_t key)
{
	size_t mask = map->size - 1, i = hash(oid, key) & mask;

	while (map->slots[i].value) {
		if (map->slots[i].key == key &&
		    same_oid(&map->slots[i].oid, oid))
			return &map->slots[i];
		i = (i + 1) & mask;
	}
	return &map->slots[i];
}

void *eg_oidmap_get(const struct eg_oidmap *map, const git_oid *oid,
		    uint32_t key)
{
	if (!map->size)
		return NULL;
	return find(map, oid, key)->value;
}

static void grow(struct eg_oidmap *map)
{
	struct eg_oidmap old = *map;
	size_t i;

	map->size = old.size ? old.size * 2 : 1024;
	map->slots = eg_xcalloc(map->size, sizeof(*map->slots));
	map->count = 0;
	for (i = 0; i < old.size; i++)
		if (old.slots[i].value)
			eg_oidmap_put(map, &old.slots[i].oid, old.slots[i].key,
				      old.slots[i].value);
	free(old.slots);
}

void eg_oidmap_put(struct eg_oidmap *map, const git_oid *oid, uint32_t key,
		   void *value)
{
	struct eg_oidmap_entry *e;

	if ((map->count + 1) * 2 > map->size)
		grow(map);
	e = find(map, oid, key);
	if (!e->value)
		map->count++;
	git_oid_cpy(&e->oid, oid);
	e->key = key;
	e->value = value;
}

void eg_oidmap_clear(struct eg_oidmap *map)
{
	free(map->slots);
	map->slots = NULL;
	map->size = map->count = 0;
}
