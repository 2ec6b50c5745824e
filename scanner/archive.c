/* archive.c: the members of a zip or tar archive, one interface for both. */
#include <string.h>
#include <strings.h>

#include "archive.h"
#include "kind.h"

/* The kinds of source code. */
#define CODE_KINDS                                                    \
	(EG_KIND_PYTHON | EG_KIND_C | EG_KIND_JS | EG_KIND_NOTEBOOK | \
	 EG_KIND_OTHER_CODE)

struct walk {
	int (*fn)(const struct eg_archive_member *m, void *data);
	void *data;
	int seen; /* a member was given to fn */
};

static int zip_member(const struct eg_zip_member *zm, void *data)
{
	struct walk *w = data;
	struct eg_archive_member m = {
		.name = zm->name,
		.name_len = zm->name_len,
		.size = zm->size,
		/* a zip names a folder with a trailing '/' */
		.regular = zm->name_len && zm->name[zm->name_len - 1] != '/',
		.zip = zm,
	};

	w->seen = 1;
	return w->fn(&m, w->data);
}

static int tar_member(const struct eg_tar_member *tm, void *data)
{
	struct walk *w = data;
	struct eg_archive_member m = {
		.name = tm->name,
		.name_len = tm->name_len,
		.size = tm->size,
		.regular = tm->regular,
		.tar = tm,
	};

	w->seen = 1;
	return w->fn(&m, w->data);
}

int eg_archive_each(const unsigned char *buf, size_t len, size_t max,
		    int (*fn)(const struct eg_archive_member *m, void *data),
		    void *data)
{
	struct walk w = {fn, data, 0};
	int rc = eg_zip_each(buf, len, zip_member, &w);

	if (rc != -1 || w.seen)
		return rc;
	return eg_tar_each(buf, len, max, tar_member, &w);
}

char *eg_archive_content(const struct eg_archive_member *m, size_t max)
{
	if (!m->regular || m->size > max)
		return NULL;
	return m->zip ? eg_zip_extract(m->zip, max)
		      : eg_tar_content(m->tar, max);
}

int eg_archive_resource_fork(const char *name, size_t len)
{
	return len >= 9 && !memcmp(name, "__MACOSX/", 9);
}

int eg_archive_code_name(const char *name, size_t len)
{
	if (!len || eg_archive_resource_fork(name, len))
		return 0;
	if (len >= 2 && !memcmp(name + len - 2, ".h", 2) &&
	    memmem(name, len, ".framework/", 11))
		return 0;
	return !!(eg_kind_from_name(name, len) & CODE_KINDS);
}

/* Whether a name says zip or tar: an archive that may hold code in turn. */
static int archive_name(const char *name, size_t len)
{
	static const char *const ext[] = {
		".zip",	   ".whl",     ".egg", ".jar",	  ".tar",
		".tar.gz", ".tgz",     ".txz", ".tar.xz", ".tbz",
		".tbz2",   ".tar.bz2", NULL,
	};
	size_t i, n;

	for (i = 0; ext[i]; i++) {
		n = strlen(ext[i]);
		if (len > n && !strncasecmp(name + len - n, ext[i], n))
			return 1;
	}
	return 0;
}

static int is_code_member(const struct eg_archive_member *m, void *data)
{
	(void)data;
	return eg_archive_code_name(m->name, m->name_len) ||
	       archive_name(m->name, m->name_len);
}

int eg_archive_of_code(const unsigned char *buf, size_t len, size_t max)
{
	return eg_archive_each(buf, len, max, is_code_member, NULL) == 1;
}
