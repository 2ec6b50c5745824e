/* reponame.c: the name a repository goes by, and globs over that name. */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "reponame.h"

/* Longer names are not names a hosting service hands out. */
#define MAX_NAME 1024

/* The value of an environment variable fit to be part of a name, or NULL. */
static const char *env_name(const char *var)
{
	const char *v = getenv(var);
	const char *p;

	if (!v || !*v || strlen(v) > MAX_NAME)
		return NULL;
	for (p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return NULL;
	return v;
}

/* Drop a trailing "/", "/.git" or ".git" from the end of s, in place. */
static void strip_git(char *s)
{
	size_t len = strlen(s);

	while (len > 1 && s[len - 1] == '/')
		s[--len] = '\0';
	if (len > 5 && !strcmp(s + len - 5, "/.git"))
		s[len -= 5] = '\0';
	else if (len > 4 && !strcmp(s + len - 4, ".git"))
		s[len -= 4] = '\0';
	while (len > 1 && s[len - 1] == '/')
		s[--len] = '\0';
}

int eg_reponame_get(char **out, git_repository *repo)
{
	const char *user, *name, *path;
	char *s;

	if ((name = env_name("GL_PROJECT_PATH")) ||
	    (name = env_name("GITHUB_REPO_NAME"))) {
		s = eg_xstrdup(name);
	} else if ((user = env_name("GITEA_REPO_USER")) &&
		   (name = env_name("GITEA_REPO_NAME"))) {
		s = eg_xmalloc(strlen(user) + strlen(name) + 2);
		sprintf(s, "%s/%s", user, name);
	} else if (repo && (path = git_repository_path(repo))) {
		s = eg_xstrdup(path);
	} else {
		return eg_error_set(EG_ENOTREPO,
				    "cannot tell the repository's name");
	}
	strip_git(s);
	*out = s;
	return 0;
}

int eg_reponame_match(const char *glob, const char *name)
{
	const char *p, *suffix;
	char *g;
	size_t parts = 1;
	int match;

	g = eg_xstrdup(glob);
	strip_git(g);
	if (g[0] == '/') {
		match = !fnmatch(g, name, FNM_PATHNAME);
		free(g);
		return match;
	}
	/* the hosting software's name is whole: no folder is unknown */
	if (name[0] != '/') {
		match = !fnmatch(g, name, 0);
		free(g);
		return match;
	}
	for (p = g; *p; p++)
		parts += *p == '/';
	suffix = name;
	for (p = name + strlen(name); p > name; p--) {
		if (p[-1] == '/' && !--parts) {
			suffix = p;
			break;
		}
	}
	match = !fnmatch(g, suffix, FNM_PATHNAME);
	free(g);
	return match;
}
