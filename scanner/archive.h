/* archive.h: the members of a zip or tar archive, one interface for both. */
#ifndef EG_ARCHIVE_H
#define EG_ARCHIVE_H

#include <stddef.h>

#include "tar.h"
#include "zip.h"

/*
 * One member of an archive.  `name` is not NUL-terminated (`name_len`
 * bytes) and, as the rest, lives only during the call that gets it.
 */
struct eg_archive_member {
	const char *name;
	size_t name_len;
	size_t size; /* of its content, as the archive says */
	int regular; /* a file, not a folder, a link or a device */
	const struct eg_zip_member *zip; /* one of the two */
	const struct eg_tar_member *tar;
};

/*
 * Call `fn` on each member of `buf` (`len` bytes), a zip archive (a wheel,
 * an egg, a jar, a zipped project) or a tar archive, plain or compressed
 * by gzip, xz or bzip2 (a source distribution), until `fn` returns nonzero;
 * that value is returned, 0 when every member was seen.  -1 when `buf` is
 * neither, or is damaged, truncated or decompresses past `max` bytes;
 * members seen before that were given to `fn`.
 */
int eg_archive_each(const unsigned char *buf, size_t len, size_t max,
		    int (*fn)(const struct eg_archive_member *m, void *data),
		    void *data);

/*
 * From within `fn`, at most once a member: its content, NUL-terminated,
 * which the caller frees.  NULL when it is larger than `max` bytes, no
 * regular file, encrypted, compressed by other than deflate, or damaged.
 */
char *eg_archive_content(const struct eg_archive_member *m, size_t max);

/* Whether a member is a copy macOS made of a resource fork (`__MACOSX/`). */
int eg_archive_resource_fork(const char *name, size_t len);

/*
 * Whether a member's name says source code, which an archive must not
 * carry past the scan unread: not macOS's resource forks
 * (`__MACOSX/._train.py`) nor the headers of a built macOS framework
 * (`Growl.framework/Headers/Growl.h`), the interface of a binary.
 */
int eg_archive_code_name(const char *name, size_t len);

/*
 * Whether `buf` is an archive one of whose members is named as code, or
 * as an archive, which may hold code in turn.
 */
int eg_archive_of_code(const unsigned char *buf, size_t len, size_t max);

#endif
