/* packfile.c: read objects straight from the packs, resolving deltas once. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "error.h"
#include "packfile.h"

/*
 * A pack entry: a header of type and size (and, for a delta, where its
 * base is), then zlib data.  Types 1-4 are whole objects, 6 a delta on the
 * entry `ofs` bytes before, 7 a delta on an object named by id.
 */
enum { OBJ_OFS_DELTA = 6, OBJ_REF_DELTA = 7 };

/* Longer chains than git ever writes (its --depth is at most 4095). */
#define MAX_CHAIN 10000
/*
 * Bytes read from a pack at once: much when reading on in pack order,
 * little after a jump (a tree read in history order is often small).
 */
#define WINDOW	     (256 * 1024)
#define SMALL_WINDOW (8 * 1024)
#define BUCKETS	     65536

/*
 * A resolved object in the cache.  Invariant: every entry is in exactly
 * one bucket chain and in the recency list (newest at `head`), and
 * `cached` is the sum of their sizes.
 */
struct entry {
	uint64_t rank;
	git_object_t type;
	unsigned char *data;
	size_t size;
	void *note; /* the caller's, freed with the entry */
	size_t note_bytes;
	struct entry *hnext, *newer, *older;
};

/* The copies of the delta being applied, merged where they run on. */
struct copies {
	struct eg_delta_copy *v;
	size_t n, alloc;
};

struct pack_fd {
	int fd; /* -1: not opened yet; -2: cannot be */
	uint64_t size;
};

struct eg_pack_reader {
	const struct eg_packidx *idx;
	struct pack_fd *fds;
	size_t nfds;
	/* the window: bytes [win_off, win_off + win_len) of pack win_pack */
	unsigned char *win;
	size_t win_pack, win_len;
	uint64_t win_off;
	z_stream z;
	/* the cache */
	struct entry *buckets[BUCKETS];
	struct entry *head, *tail;
	size_t cached, budget;		   /* objects' and notes' bytes */
	const struct eg_pack_notes *notes; /* the caller's; NULL: none */
	/* the last object read when too big to cache, and its note */
	unsigned char *last;
	void *last_note;
	const void *note; /* the last object's note, for eg_pack_note() */
	struct copies copies;
	/* the chain being resolved */
	struct link {
		uint64_t rank, data_at;
		size_t delta_size;
	} * chain;
	size_t chain_alloc;
};

void eg_pack_reader_new(struct eg_pack_reader **out,
			const struct eg_packidx *idx, size_t cache_bytes,
			const struct eg_pack_notes *notes)
{
	struct eg_pack_reader *r = eg_xcalloc(1, sizeof(*r));

	r->idx = idx;
	r->budget = cache_bytes;
	r->notes = notes;
	r->win = eg_xmalloc(WINDOW);
	r->win_pack = SIZE_MAX;
	if (inflateInit(&r->z) != Z_OK)
		eg_xmalloc((size_t)-1); /* aborts: out of memory */
	*out = r;
}

static void evict(struct eg_pack_reader *r, struct entry *e)
{
	struct entry **p = &r->buckets[e->rank % BUCKETS];

	while (*p != e)
		p = &(*p)->hnext;
	*p = e->hnext;
	if (e->newer)
		e->newer->older = e->older;
	else
		r->head = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		r->tail = e->newer;
	r->cached -= e->size + e->note_bytes;
	if (e->note)
		r->notes->free(e->note);
	free(e->data);
	free(e);
}

void eg_pack_reader_free(struct eg_pack_reader *r)
{
	size_t i;

	if (!r)
		return;
	while (r->tail)
		evict(r, r->tail);
	for (i = 0; i < r->nfds; i++)
		if (r->fds[i].fd >= 0)
			close(r->fds[i].fd);
	inflateEnd(&r->z);
	free(r->fds);
	free(r->win);
	free(r->last);
	if (r->last_note)
		r->notes->free(r->last_note);
	free(r->chain);
	free(r->copies.v);
	free(r);
}

static struct entry *cache_get(struct eg_pack_reader *r, uint64_t rank)
{
	struct entry *e;

	for (e = r->buckets[rank % BUCKETS]; e; e = e->hnext)
		if (e->rank == rank)
			break;
	if (!e || e == r->head)
		return e;
	/* the newest now */
	e->newer->older = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		r->tail = e->newer;
	e->newer = NULL;
	e->older = r->head;
	r->head->newer = e;
	r->head = e;
	return e;
}

/*
 * Keep `data` and its note (taking them) if they fit the budget; NULL when
 * they do not.  Both at most an eighth of it, so that the newest entries
 * stay through the next put.
 */
static struct entry *cache_put(struct eg_pack_reader *r, uint64_t rank,
			       git_object_t type, unsigned char *data,
			       size_t size, void *note, size_t note_bytes)
{
	struct entry *e;

	if (size > r->budget / 8 || note_bytes > r->budget / 8)
		return NULL;
	while (r->tail && r->cached + size + note_bytes > r->budget)
		evict(r, r->tail);
	e = eg_xcalloc(1, sizeof(*e));
	e->rank = rank;
	e->type = type;
	e->data = data;
	e->size = size;
	e->note = note;
	e->note_bytes = note_bytes;
	e->hnext = r->buckets[rank % BUCKETS];
	r->buckets[rank % BUCKETS] = e;
	e->older = r->head;
	if (r->head)
		r->head->newer = e;
	else
		r->tail = e;
	r->head = e;
	r->cached += size + note_bytes;
	return e;
}

/*
 * Put a resolved object in the cache, with a note on it when the caller
 * takes notes on blobs; made from its base's note (`base`) and the
 * delta's copies when there is one.  NULL when they are too large to
 * cache: the caller keeps the object, and r->last_note is its note.
 */
static struct entry *keep(struct eg_pack_reader *r, uint64_t rank,
			  git_object_t type, unsigned char *data, size_t size,
			  const void *base)
{
	void *note = NULL;
	size_t note_bytes = 0;
	struct entry *e;

	if (r->notes && type == GIT_OBJECT_BLOB)
		note = r->notes->make(r->notes->arg, data, size, base,
				      r->copies.v, base ? r->copies.n : 0,
				      &note_bytes);
	if ((e = cache_put(r, rank, type, data, size, note, note_bytes)))
		return e;
	if (r->last_note)
		r->notes->free(r->last_note);
	r->last_note = note;
	return NULL;
}

static struct pack_fd *pack_fd(struct eg_pack_reader *r, size_t pack)
{
	const char *path = eg_packidx_pack_path(r->idx, pack);
	struct stat st;

	if (!path)
		return NULL;
	if (pack >= r->nfds) {
		size_t n = r->nfds;

		EG_GROW(r->fds, r->nfds, pack + 1);
		for (; n < r->nfds; n++)
			r->fds[n].fd = -1;
	}
	if (r->fds[pack].fd == -1) {
		/* out of descriptors, say, may pass: only a bad file is final
		 */
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		if (fd < 0)
			return NULL;
		if (fstat(fd, &st) < 0 || st.st_size < 12 + 20) {
			r->fds[pack].fd = -2;
			close(fd);
			return NULL;
		}
		r->fds[pack].fd = fd;
		/* the 20-byte trailer is no entry's */
		r->fds[pack].size = (uint64_t)st.st_size - 20;
	}
	return r->fds[pack].fd >= 0 ? &r->fds[pack] : NULL;
}

/*
 * Make the window hold bytes from `rank` on: at least `want` of them, or
 * up to the end of the entries.  The bytes available from `rank` go to
 * *avail; returns where they start, or NULL.
 */
static const unsigned char *window(struct eg_pack_reader *r, uint64_t rank,
				   size_t want, size_t *avail)
{
	size_t pack = EG_PACKIDX_PACK(rank);
	uint64_t off = EG_PACKIDX_OFFSET(rank);
	struct pack_fd *pf = pack_fd(r, pack);
	ssize_t got;
	size_t len;

	if (!pf || off >= pf->size)
		return NULL;
	if (pack != r->win_pack || off < r->win_off ||
	    off + want > r->win_off + r->win_len) {
		int onward = pack == r->win_pack && off >= r->win_off &&
			     off - r->win_off < 2 * WINDOW;

		len = onward ? WINDOW : SMALL_WINDOW;
		if (len < want)
			len = want;
		if (pf->size - off < len)
			len = (size_t)(pf->size - off);
		got = pread(pf->fd, r->win, len, (off_t)off);
		if (got <= 0)
			return NULL;
		r->win_pack = pack;
		r->win_off = off;
		r->win_len = (size_t)got;
	}
	*avail = (size_t)(r->win_off + r->win_len - off);
	return r->win + (off - r->win_off);
}

/*
 * Inflate exactly `size` bytes from the zlib data at `data_at`, which
 * belongs to the entry at `rank`.  A size that the rest of the pack could
 * not hold even at deflate's best ratio (1032 to 1) is refused before
 * anything is allocated.  zlib checks only what its data inflates to, not
 * the header that says which entry a delta applies to: the entry's bytes,
 * header and data, are checked against the CRC the index gives them.
 */
static unsigned char *inflate_entry(struct eg_pack_reader *r, uint64_t rank,
				    uint64_t data_at, size_t size)
{
	struct pack_fd *pf = pack_fd(r, EG_PACKIDX_PACK(data_at));
	size_t header = (size_t)(data_at - rank), avail;
	const unsigned char *in;
	uint64_t left;
	unsigned char *out;
	uint32_t want;
	uLong crc;
	int zr = Z_OK;

	if (!pf || EG_PACKIDX_OFFSET(data_at) >= pf->size ||
	    eg_packidx_crc(r->idx, rank, &want))
		return NULL;
	left = pf->size - EG_PACKIDX_OFFSET(data_at);
	if (size / 1032 > left)
		return NULL;
	if (!(in = window(r, rank, header, &avail)) || avail < header)
		return NULL;
	crc = crc32(crc32(0, NULL, 0), in, (uInt)header);
	out = eg_xmalloc(size ? size : 1);
	if (inflateReset(&r->z) != Z_OK)
		goto fail;
	r->z.next_out = out;
	r->z.avail_out = (uInt)size;
	/* for size 0 the stream still has to end */
	while (zr != Z_STREAM_END) {
		if (!(in = window(r, data_at, 1, &avail)))
			goto fail;
		if (avail > UINT32_MAX)
			avail = UINT32_MAX;
		r->z.next_in = (unsigned char *)in;
		r->z.avail_in = (uInt)avail;
		zr = inflate(&r->z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			goto fail;
		crc = crc32(crc, in, (uInt)(avail - r->z.avail_in));
		data_at += avail - r->z.avail_in;
	}
	if (r->z.total_out != size || crc != want)
		goto fail;
	return out;
fail:
	free(out);
	return NULL;
}

/*
 * Parse the entry header at `rank`: type, size, where the zlib data
 * starts, and for a delta the rank of its base.
 */
static int parse_header(struct eg_pack_reader *r, uint64_t rank, int *type,
			size_t *size, uint64_t *data_at, uint64_t *base)
{
	size_t avail, i = 0;
	const unsigned char *p = window(r, rank, 32, &avail);
	uint64_t sz, ofs;
	unsigned shift = 4;
	unsigned char c;

	if (!p || !avail)
		return -1;
	c = p[i++];
	*type = (c >> 4) & 7;
	sz = c & 15;
	while (c & 0x80) {
		if (i >= avail || shift > 57)
			return -1;
		c = p[i++];
		sz |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	if (sz > SIZE_MAX / 2)
		return -1;
	*size = (size_t)sz;
	if (*type == OBJ_OFS_DELTA) {
		if (i >= avail)
			return -1;
		c = p[i++];
		ofs = c & 0x7f;
		while (c & 0x80) {
			if (i >= avail || ofs >= (1ull << 56))
				return -1;
			c = p[i++];
			ofs = ((ofs + 1) << 7) | (c & 0x7f);
		}
		if (ofs == 0 || ofs > EG_PACKIDX_OFFSET(rank))
			return -1;
		*base = rank - ofs;
	} else if (*type == OBJ_REF_DELTA) {
		git_oid oid;

		if (i + GIT_OID_RAWSZ > avail)
			return -1;
		git_oid_fromraw(&oid, p + i);
		i += GIT_OID_RAWSZ;
		if ((*base = eg_packidx_rank(r->idx, &oid)) == UINT64_MAX)
			return -1;
	} else if (*type < 1 || *type > 4) {
		return -1;
	}
	*data_at = rank + i;
	return 0;
}

static int delta_varint(const unsigned char **p, const unsigned char *end,
			size_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	unsigned char c;

	do {
		if (*p >= end || shift > 56)
			return -1;
		c = *(*p)++;
		v |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	} while (c & 0x80);
	if (v > SIZE_MAX / 2)
		return -1;
	*out = (size_t)v;
	return 0;
}

/* The size a delta produces, from its header. */
static int delta_result_size(const unsigned char *delta, size_t len,
			     size_t *out)
{
	const unsigned char *p = delta, *end = delta + len;
	size_t src;

	return delta_varint(&p, end, &src) || delta_varint(&p, end, out) ? -1
									 : 0;
}

static void add_copy(struct copies *c, size_t to, size_t from, size_t len)
{
	struct eg_delta_copy *last = c->n ? &c->v[c->n - 1] : NULL;

	if (last && last->to + last->len == to &&
	    last->from + last->len == from) {
		last->len += len;
		return;
	}
	EG_GROW(c->v, c->alloc, c->n + 1);
	c->v[c->n].to = to;
	c->v[c->n].from = from;
	c->v[c->n].len = len;
	c->n++;
}

/*
 * Walk a delta's instructions after its header: with `out` NULL only
 * check that each copy lies inside the base and count the bytes made;
 * otherwise make them, and list the copies in `copies` unless it is NULL.
 * Returns the count, or SIZE_MAX when malformed.
 */
static size_t run_delta(const unsigned char *base, size_t base_len,
			const unsigned char *p, const unsigned char *end,
			unsigned char *out, size_t room, struct copies *copies)
{
	size_t at = 0;

	while (p < end) {
		unsigned char cmd = *p++;
		size_t off = 0, n = 0;
		unsigned k;

		if (!cmd)
			return SIZE_MAX; /* reserved */
		if (!(cmd & 0x80)) {
			if (cmd > (size_t)(end - p) || cmd > room - at)
				return SIZE_MAX;
			if (out)
				memcpy(out + at, p, cmd);
			p += cmd;
			at += cmd;
			continue;
		}
		for (k = 0; k < 4; k++)
			if (cmd & (1u << k)) {
				if (p >= end)
					return SIZE_MAX;
				off |= (size_t)*p++ << (8 * k);
			}
		for (k = 0; k < 3; k++)
			if (cmd & (0x10u << k)) {
				if (p >= end)
					return SIZE_MAX;
				n |= (size_t)*p++ << (8 * k);
			}
		if (!n)
			n = 0x10000;
		if (off > base_len || n > base_len - off || n > room - at)
			return SIZE_MAX;
		if (out)
			memcpy(out + at, base + off, n);
		if (out && copies)
			add_copy(copies, at, off, n);
		at += n;
	}
	return at;
}

/*
 * Apply git's delta format: copies from `base` and literal inserts.  The
 * instructions are checked, and the size they make compared with the
 * header's, before the result is allocated.
 */
static unsigned char *apply_delta(const unsigned char *base, size_t base_len,
				  const unsigned char *delta, size_t delta_len,
				  size_t *out_len, struct copies *copies)
{
	const unsigned char *p = delta, *end = delta + delta_len;
	size_t src, dst;
	unsigned char *out;

	if (delta_varint(&p, end, &src) || delta_varint(&p, end, &dst) ||
	    src != base_len ||
	    run_delta(base, base_len, p, end, NULL, dst, NULL) != dst)
		return NULL;
	out = eg_xmalloc(dst ? dst : 1);
	run_delta(base, base_len, p, end, out, dst, copies);
	*out_len = dst;
	return out;
}

/*
 * Resolve the object at `rank`.  The chain of deltas down to the first
 * object already cached (or whole) is collected, then applied upwards;
 * each result is cached, being likely the base of what follows in pack
 * order.  On success *e is the cached entry, or NULL with the object in
 * r->last (too large to cache, or `uncached`: the caller takes it unless
 * it was cached already).  Returns 1, reading nothing, when the object is
 * larger than `max_size` (0: no limit), with its size in *size.
 */
static int resolve(struct eg_pack_reader *r, uint64_t rank, size_t max_size,
		   int uncached, struct entry **e, git_object_t *type,
		   size_t *size)
{
	unsigned char *data = NULL, *top_delta = NULL;
	size_t n = 0, len = 0;
	uint64_t cur = rank, data_at, base;
	int t;

	free(r->last);
	r->last = NULL;
	if (r->last_note)
		r->notes->free(r->last_note);
	r->last_note = NULL;
	for (;;) {
		struct entry *hit = cache_get(r, cur);

		if (hit) {
			if (!n && max_size && hit->size > max_size) {
				*size = hit->size;
				return 1;
			}
			*e = hit;
			*type = hit->type;
			len = hit->size;
			break;
		}
		if (n >= MAX_CHAIN ||
		    parse_header(r, cur, &t, &len, &data_at, &base))
			goto fail;
		if (t <= 4) {
			if (!n && max_size && len > max_size) {
				*size = len;
				return 1;
			}
			if (!(data = inflate_entry(r, cur, data_at, len)))
				goto fail;
			*type = (git_object_t)t;
			*e = NULL;
			if ((n || !uncached) &&
			    (*e = keep(r, cur, *type, data, len, NULL)))
				data = NULL;
			break;
		}
		if (!n) {
			size_t result;

			if (!(top_delta =
				      inflate_entry(r, cur, data_at, len)) ||
			    delta_result_size(top_delta, len, &result))
				goto fail;
			if (max_size && result > max_size) {
				free(top_delta);
				*size = result;
				return 1;
			}
		}
		EG_GROW(r->chain, r->chain_alloc, n + 1);
		r->chain[n].rank = cur;
		r->chain[n].data_at = data_at;
		r->chain[n].delta_size = len;
		n++;
		cur = base;
	}
	/*
	 * data (owned, uncached) or *e (cached) holds the base; go up.  The
	 * base stays cached through keep(): it is the newest entry, and two
	 * fit the budget.
	 */
	while (n--) {
		const unsigned char *from = data ? data : (*e)->data;
		const void *base_note = data ? NULL : (*e)->note;
		size_t from_len = len;
		unsigned char *delta = n ? inflate_entry(r, r->chain[n].rank,
							 r->chain[n].data_at,
							 r->chain[n].delta_size)
					 : top_delta;
		unsigned char *result;

		if (!n)
			top_delta = NULL;
		r->copies.n = 0;
		result = delta ? apply_delta(from, from_len, delta,
					     r->chain[n].delta_size, &len,
					     base_note ? &r->copies : NULL)
			       : NULL;
		free(delta);
		if (!result)
			goto fail;
		free(data);
		data = NULL;
		if ((!n && uncached) || !(*e = keep(r, r->chain[n].rank, *type,
						    result, len, base_note))) {
			*e = NULL;
			data = result;
		}
	}
	r->last = data;
	*size = len;
	return 0;
fail:
	free(data);
	free(top_delta);
	*e = NULL;
	return -1;
}

int eg_pack_read(struct eg_pack_reader *r, const git_oid *oid, size_t max_size,
		 git_object_t *type, const unsigned char **data, size_t *size)
{
	uint64_t rank = eg_packidx_rank(r->idx, oid);
	struct entry *e = NULL;
	int rc;

	if (rank == UINT64_MAX)
		return -1;
	r->note = NULL;
	rc = resolve(r, rank, max_size, 0, &e, type, size);
	if (rc)
		return rc;
	*data = e ? e->data : r->last;
	r->note = e ? e->note : r->last_note;
	return 0;
}

const void *eg_pack_note(const struct eg_pack_reader *r)
{
	return r->note;
}

int eg_pack_take(struct eg_pack_reader *r, const git_oid *oid,
		 git_object_t *type, unsigned char **data, size_t *size)
{
	uint64_t rank = eg_packidx_rank(r->idx, oid);
	struct entry *e = NULL;

	r->note = NULL;
	if (rank == UINT64_MAX || resolve(r, rank, 0, 1, &e, type, size))
		return -1;
	if (e) {
		*data = eg_xmalloc(*size ? *size : 1);
		memcpy(*data, e->data, *size);
	} else {
		*data = r->last;
		r->last = NULL;
	}
	return 0;
}
