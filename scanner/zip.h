/* zip.h: the members of a zip archive, read from its central directory. */
#ifndef EG_ZIP_H
#define EG_ZIP_H

#include <stddef.h>
#include <stdint.h>

/*
 * One member as the central directory names it.  `name` points into the
 * archive (not NUL-terminated, `name_len` bytes); `data` is where its
 * compressed bytes start, or NULL when they can't be located: the member
 * is encrypted, the archive is zip64, or its local header is damaged.
 */
struct eg_zip_member {
	const char *name;
	size_t name_len;
	const unsigned char *data;
	size_t csize, size;
	unsigned method;
	uint32_t crc;
};

/*
 * Call `fn` on each member of the zip archive `buf` (`len` bytes), in the
 * central directory's order, until `fn` returns nonzero; that value is
 * returned, 0 when every member was seen.  -1 when `buf` has no readable
 * central directory (not a zip, truncated, or damaged), possibly after
 * some members were given to `fn`.  Reads nothing outside `buf`.
 */
int eg_zip_each(const unsigned char *buf, size_t len,
		int (*fn)(const struct eg_zip_member *m, void *data),
		void *data);

/*
 * The bytes of member `m`, stored or deflated, checked against its CRC and
 * NUL-terminated; the caller frees them.  NULL when `m->data` is NULL, the
 * member is larger than `max` bytes, compressed otherwise, or damaged.
 */
char *eg_zip_extract(const struct eg_zip_member *m, size_t max);

#endif
