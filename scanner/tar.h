/* tar.h: the members of a tar archive, plain or compressed. */
#ifndef EG_TAR_H
#define EG_TAR_H

#include <stddef.h>

struct eg_tar_stream;

/*
 * One member, as its header says.  `name` is the ustar prefix and name
 * joined by '/', or the GNU long name given before it; it is not
 * NUL-terminated and lives only during the call that gets it.
 */
struct eg_tar_member {
	const char *name;
	size_t name_len;
	size_t size; /* of its content */
	int regular; /* a file: not a folder, a link or a device */
	struct eg_tar_stream *stream; /* for eg_tar_content() */
};

/*
 * Call `fn` on each member of the POSIX (ustar) or GNU tar archive `buf`
 * (`len` bytes), plain or compressed by gzip, xz or bzip2, in order, until
 * `fn` returns nonzero; that value is returned, 0 when the archive ended.
 * -1 when `buf` is no such archive (old tar without the ustar magic
 * included), is damaged or truncated, or decompresses to more than `max`
 * bytes (xz needing over 256 MiB to decode counts as damaged); members seen
 * before that were given to `fn`.  A member's content is read only when
 * `fn` asks for it (eg_tar_content()); otherwise it is skipped, never kept.
 */
int eg_tar_each(const unsigned char *buf, size_t len, size_t max,
		int (*fn)(const struct eg_tar_member *m, void *data),
		void *data);

/*
 * From within `fn`, at most once a member: the content of `m`,
 * NUL-terminated, which the caller frees.  NULL when `m` is no regular
 * file or is larger than `max` bytes (its content is skipped), or when the
 * archive ends or is damaged in it, or passes eg_tar_each()'s `max` (the
 * walk then returns -1 once `fn` does).
 */
char *eg_tar_content(const struct eg_tar_member *m, size_t max);

#endif
