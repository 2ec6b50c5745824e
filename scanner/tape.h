/* tape.h: what a listing of history read, kept for judging to replay. */
#ifndef EG_TAPE_H
#define EG_TAPE_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

/*
 * Listing history reads every tree once to find the blobs; judging
 * afterwards needs the same trees, entry by entry.  A tape is what the
 * listing saw, written as it went: for each tree read, how it differs
 * from the last version at its path (see lastdir.h), so that judging
 * replays it instead of reading and walking the trees again.
 *
 * A tape is a string of records.  Each starts with a word (a varint):
 * the record's kind in its low 3 bits, its argument above them.  Names
 * and folder paths are interned: a record holds their number.
 */
enum eg_tape_kind {
	EG_TAPE_END,	  /* the end of a tree's entries */
	EG_TAPE_RUN,	  /* arg entries as in the last version; varint from */
	EG_TAPE_BLOB,	  /* arg name; the blob's info (a pointer) */
	EG_TAPE_TREE,	  /* arg name; the tree's id, judged before */
	EG_TAPE_TREE_NEW, /* arg name; its id, then its folder and entries */
	EG_TAPE_OTHER,	  /* a link or a submodule: counts as an entry */
};

/* Interned strings, numbered from 0 in the order first met.  Owned. */
struct eg_tape_strings {
	struct eg_tape_string {
		char *s;
		size_t len;
		uint64_t hash;
	} * v;
	size_t n, alloc;
	uint32_t *slots; /* 1 + index, 0: empty; a power of two, load <= 1/2 */
	size_t size;
};

/*
 * Invariant: `bytes` holds `len` bytes of whole records; `names` and
 * `folders` every string a record numbers.  `broken` is set when the
 * listing met what it could not record (a tree unreadable or malformed,
 * too deep): judging then reads the trees itself.
 */
struct eg_tape {
	unsigned char *bytes;
	size_t len, alloc;
	struct eg_tape_strings names, folders;
	int broken;
};

/* Write a record's first word. */
void eg_tape_put(struct eg_tape *t, enum eg_tape_kind kind, uint64_t arg);
/* Write a varint, a pointer, an object id. */
void eg_tape_put_varint(struct eg_tape *t, uint64_t v);
void eg_tape_put_ptr(struct eg_tape *t, const void *p);
void eg_tape_put_oid(struct eg_tape *t, const git_oid *oid);

/* The number of a name or path, interning it when new.  Can't fail. */
uint32_t eg_tape_intern(struct eg_tape_strings *s, const char *str, size_t len);

/* Free what the tape owns, and zero it. */
void eg_tape_clear(struct eg_tape *t);

/*
 * Reading a tape, from `at` up to `end`.  The tape is trusted (this
 * process wrote it): reads past the end return zeros.
 */
struct eg_tape_cursor {
	const unsigned char *at, *end;
};

uint64_t eg_tape_get_varint(struct eg_tape_cursor *c);
void *eg_tape_get_ptr(struct eg_tape_cursor *c);
void eg_tape_get_oid(struct eg_tape_cursor *c, git_oid *oid);

#endif
