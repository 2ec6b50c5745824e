/* tar.h: the member names of a tar archive, gzip-compressed or not. */
#ifndef EG_TAR_H
#define EG_TAR_H

#include <stddef.h>

/*
 * Call `fn` on the name of each member of the POSIX (ustar) or GNU tar
 * archive `buf` (`len` bytes), plain or compressed by gzip, in order, until
 * `fn` returns nonzero; that value is returned, 0 when the archive ended.
 * A name is the ustar prefix and name joined by '/', or a GNU long name;
 * it is not NUL-terminated and lives only during the call.  -1 when `buf`
 * is no such archive (old tar without the ustar magic included), is
 * damaged or truncated, or inflates to more than `max` bytes; members seen
 * before that were given to `fn`.  Member contents are skipped, never
 * kept: memory stays small whatever the archive.
 */
int eg_tar_each(const unsigned char *buf, size_t len, size_t max,
		int (*fn)(const char *name, size_t name_len, void *data),
		void *data);

#endif
