/* trust.c: whether a file the gate takes its rules from is safe from
 * other accounts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "trust.h"

/* `path` made absolute against the working folder; owned by the caller. */
static char *absolute(const char *path)
{
	char *cwd, *out;

	if (path[0] == '/' || !(cwd = getcwd(NULL, 0)))
		return eg_xstrdup(path);
	if (asprintf(&out, "%s/%s", cwd, path) < 0)
		abort();
	free(cwd);
	return out;
}

/* Refuse `file` when a folder above it lets every account replace it. */
static int check_folders(const char *file, const char *path)
{
	char *dir = eg_xstrdup(path), *slash;
	struct stat st;
	int err = 0;

	while (!err && (slash = strrchr(dir, '/'))) {
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
			err = eg_error_set(EG_ECONFIG,
					   "%s: in %s, which every account on "
					   "this server may write; the gate "
					   "does not trust it (chmod o-w '%s')",
					   file, dir, dir);
		if (slash == dir)
			break;
	}
	free(dir);
	return err;
}

int eg_trust_file(const char *path, const struct stat *st)
{
	char *abs, *real;
	int err;

	if (st->st_mode & S_IWOTH)
		return eg_error_set(EG_ECONFIG,
				    "%s: writable by every account on this "
				    "server; the gate does not trust it "
				    "(chmod o-w '%s')",
				    path, path);
	abs = absolute(path);
	err = check_folders(path, abs);
	/* where its links lead, unless that is the path already walked */
	if (!err && (real = realpath(path, NULL))) {
		if (strcmp(real, abs))
			err = check_folders(path, real);
		free(real);
	}
	free(abs);
	return err;
}
