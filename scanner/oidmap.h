/* oidmap.h: a hash map from (object id, small key) to a pointer. */
#ifndef EG_OIDMAP_H
#define EG_OIDMAP_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

struct eg_oidmap_entry {
	git_oid oid;
	uint32_t key;
	void *value;
};

/* Open addressing, linear probing; size is a power of two, load <= 1/2. */
struct eg_oidmap {
	struct eg_oidmap_entry *slots;
	size_t size, count;
};

/* The value for (oid, key), or NULL.  Can't fail. */
void *eg_oidmap_get(const struct eg_oidmap *map, const git_oid *oid,
		    uint32_t key);
/* Insert or replace; value must not be NULL.  The map does not own it. */
void eg_oidmap_put(struct eg_oidmap *map, const git_oid *oid, uint32_t key,
		   void *value);
/* Free the table, not the values. */
void eg_oidmap_clear(struct eg_oidmap *map);

#define eg_oidmap_foreach(map, e)                                         \
	for ((e) = (map)->slots; (e) && (e) < (map)->slots + (map)->size; \
	     (e)++)                                                       \
		if ((e)->value)

#endif
