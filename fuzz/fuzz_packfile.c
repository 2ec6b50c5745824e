/* fuzz_packfile.c: libFuzzer target for reading objects from a pack. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "error.h"
#include "packfile.h"
#include "packidx.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/exportgate-fuzz-pack.XXXXXX";
static char objects[64], idx_path[128], pack_path[128];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	snprintf(objects, sizeof(objects), "%s/objects", dir);
	snprintf(idx_path, sizeof(idx_path), "%s/pack", objects);
	if (mkdir(objects, 0700) || mkdir(idx_path, 0700))
		abort();
	snprintf(idx_path, sizeof(idx_path), "%s/pack/pack-f.idx", objects);
	snprintf(pack_path, sizeof(pack_path), "%s/pack/pack-f.pack", objects);
	return 0;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void write_file(const char *path, const unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || (len && fwrite(buf, 1, len, f) != len) || fclose(f))
		abort();
}

/*
 * A note that is a copy of the blob: every stretch a delta says it copied
 * from its base must be there, the same, or the harness aborts.
 */
struct copy_note {
	size_t len;
	unsigned char data[];
};

static void *check_copies(void *arg, const unsigned char *data, size_t len,
			  const void *base, const struct eg_delta_copy *copies,
			  size_t ncopies, size_t *bytes)
{
	const struct copy_note *b = base;
	struct copy_note *n = malloc(sizeof(*n) + len);
	size_t i, end = 0;

	(void)arg;
	if (!n)
		abort();
	for (i = 0; i < ncopies; i++)
		if (copies[i].to < end || copies[i].from > b->len ||
		    copies[i].len > b->len - copies[i].from ||
		    copies[i].to > len || copies[i].len > len - copies[i].to ||
		    memcmp(data + copies[i].to, b->data + copies[i].from,
			   copies[i].len))
			abort();
		else
			end = copies[i].to + copies[i].len;
	n->len = len;
	memcpy(n->data, data, len);
	*bytes = sizeof(*n) + len;
	return n;
}

static const struct eg_pack_notes notes = {check_copies, free, NULL};

/*
 * The input is two bytes saying where the second entry is, the CRCs the
 * index gives the two entries (4 bytes each: the reader refuses an entry
 * whose bytes do not have its CRC, and libFuzzer's comparison tracing
 * finds the value), then the body of a pack (the harness adds the 12-byte
 * header and a trailer) whose index names two objects: id 11..11 at the
 * first entry, id 22..22 at the second.  Both are read, whole and under a
 * size limit, through a cache small enough to evict, with notes that
 * check a delta's copies.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char idx[8 + 1024 + 2 * 28 + 40] = {0}, *pack;
	struct eg_packidx *pi;
	struct eg_pack_reader *r;
	uint32_t second;
	git_oid ids[2];
	size_t i, k;

	if (size < 10)
		return 0;
	second = 12u + ((uint32_t)data[0] << 8 | data[1]) % (uint32_t)size;
	/* the CRC table follows the ids */
	memcpy(idx + 8 + 1024 + 40, data + 2, 8);
	data += 10;
	size -= 10;
	memset(ids[0].id, 0x11, GIT_OID_RAWSZ);
	memset(ids[1].id, 0x22, GIT_OID_RAWSZ);
	memcpy(idx, "\377tOc", 4);
	put32(idx + 4, 2);
	for (i = 0; i < 256; i++)
		put32(idx + 8 + 4 * i, (i >= 0x11) + (i >= 0x22));
	for (k = 0; k < 2; k++)
		memcpy(idx + 8 + 1024 + 20 * k, ids[k].id, GIT_OID_RAWSZ);
	put32(idx + 8 + 1024 + 40 + 8, 12);
	put32(idx + 8 + 1024 + 40 + 8 + 4, second);
	write_file(idx_path, idx, sizeof(idx));
	pack = calloc(1, 12 + size + 20);
	if (!pack)
		abort();
	memcpy(pack, "PACK", 4);
	put32(pack + 4, 2);
	put32(pack + 8, 2);
	if (size)
		memcpy(pack + 12, data, size);
	write_file(pack_path, pack, 12 + size + 20);
	free(pack);

	eg_packidx_open(&pi, objects);
	eg_pack_reader_new(&r, pi, 4096, &notes);
	for (k = 0; k < 4; k++) {
		const unsigned char *out;
		git_object_t type;
		size_t len;

		if (!eg_pack_read(r, &ids[k % 2], k < 2 ? 0 : 1000, &type, &out,
				  &len) &&
		    len) {
			/* touch it all: the sanitizers check the bounds */
			volatile unsigned char sum = 0;

			for (i = 0; i < len; i++)
				sum ^= out[i];
			(void)sum;
		}
	}
	eg_pack_reader_free(r);
	eg_packidx_free(pi);
	eg_error_clear();
	return 0;
}
