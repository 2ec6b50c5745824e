/* tape.c: the records a listing of history writes for judging. */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "tape.h"

static void put_bytes(struct eg_tape *t, const void *p, size_t n)
{
	EG_GROW(t->bytes, t->alloc, t->len + n);
	memcpy(t->bytes + t->len, p, n);
	t->len += n;
}

void eg_tape_put_varint(struct eg_tape *t, uint64_t v)
{
	unsigned char b[10];
	size_t n = 0;

	do {
		b[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			b[n] |= 0x80;
		n++;
	} while (v);
	put_bytes(t, b, n);
}

void eg_tape_put(struct eg_tape *t, enum eg_tape_kind kind, uint64_t arg)
{
	eg_tape_put_varint(t, arg << 3 | (uint64_t)kind);
}

void eg_tape_put_ptr(struct eg_tape *t, const void *p)
{
	put_bytes(t, &p, sizeof(p));
}

void eg_tape_put_oid(struct eg_tape *t, const git_oid *oid)
{
	put_bytes(t, oid->id, GIT_OID_RAWSZ);
}

/* A hash of a name or path, eight bytes at a time. */
static uint64_t hash_string(const char *s, size_t len)
{
	uint64_t h = (uint64_t)len * 0x9e3779b97f4a7c15ull, v;

	for (;; s += 8, len -= 8) {
		v = 0;
		memcpy(&v, s, len < 8 ? len : 8);
		h = (h ^ v) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		if (len <= 8)
			return h;
	}
}

/* The slot of `str`, or the empty slot where it goes. */
static uint32_t *find(const struct eg_tape_strings *s, const char *str,
		      size_t len, uint64_t h)
{
	size_t mask = s->size - 1, i = (size_t)h & mask;

	for (; s->slots[i]; i = (i + 1) & mask) {
		const struct eg_tape_string *e = &s->v[s->slots[i] - 1];

		if (e->hash == h && e->len == len && !memcmp(e->s, str, len))
			break;
	}
	return &s->slots[i];
}

static void grow(struct eg_tape_strings *s)
{
	size_t i;

	free(s->slots);
	s->size = s->size ? s->size * 2 : 256;
	s->slots = eg_xcalloc(s->size, sizeof(*s->slots));
	for (i = 0; i < s->n; i++)
		*find(s, s->v[i].s, s->v[i].len, s->v[i].hash) =
			(uint32_t)(i + 1);
}

uint32_t eg_tape_intern(struct eg_tape_strings *s, const char *str, size_t len)
{
	uint64_t h = hash_string(str, len);
	uint32_t *slot;

	if ((s->n + 1) * 2 > s->size)
		grow(s);
	slot = find(s, str, len, h);
	if (!*slot) {
		EG_GROW(s->v, s->alloc, s->n + 1);
		s->v[s->n].s = eg_xstrndup(str, len);
		s->v[s->n].len = len;
		s->v[s->n].hash = h;
		*slot = (uint32_t)++s->n;
	}
	return *slot - 1;
}

static void strings_clear(struct eg_tape_strings *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].s);
	free(s->v);
	free(s->slots);
}

void eg_tape_clear(struct eg_tape *t)
{
	free(t->bytes);
	strings_clear(&t->names);
	strings_clear(&t->folders);
	memset(t, 0, sizeof(*t));
}

uint64_t eg_tape_get_varint(struct eg_tape_cursor *c)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (c->at < c->end && shift < 64) {
		unsigned char b = *c->at++;

		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
		shift += 7;
	}
	return v;
}

void *eg_tape_get_ptr(struct eg_tape_cursor *c)
{
	void *p = NULL;

	if ((size_t)(c->end - c->at) >= sizeof(p)) {
		memcpy(&p, c->at, sizeof(p));
		c->at += sizeof(p);
	}
	return p;
}

void eg_tape_get_oid(struct eg_tape_cursor *c, git_oid *oid)
{
	memset(oid, 0, sizeof(*oid));
	if ((size_t)(c->end - c->at) >= GIT_OID_RAWSZ) {
		memcpy(oid->id, c->at, GIT_OID_RAWSZ);
		c->at += GIT_OID_RAWSZ;
	}
}
