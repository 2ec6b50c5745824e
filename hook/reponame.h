/* reponame.h: the name a repository goes by, and globs over that name. */
#ifndef EG_REPONAME_H
#define EG_REPONAME_H

#include <git2.h>

/*
 * The name of the repository being pushed to: the hosting software's
 * (GL_PROJECT_PATH, GITHUB_REPO_NAME, GITEA_REPO_USER "/" GITEA_REPO_NAME),
 * else the path of `repo` without a trailing "/.git" or ".git" (a bare
 * /srv/git/geo/radar.git is "/srv/git/geo/radar").  `repo` may be NULL to
 * use the environment alone.  On success *out is a new string the caller
 * frees; EG_ENOTREPO when no name can be found.
 */
int eg_reponame_get(char **out, git_repository *repo);

/*
 * Whether `glob` matches the repository `name` (1 or 0).  A name from the
 * hosting software ("team-x/geo/radar", no leading "/") is whole: the glob
 * is matched against all of it with fnmatch() and no flags, so "geo/ra*"
 * matches "geo/radar" and "geo/ra/dar" (a "*" there crosses "/") but not
 * "team-x/geo/radar", and "*" matches every repository.  A name from a path
 * ("/srv/git/geo/radar") has a root the policy cannot know: a glob of k
 * components ("geo/ra*" has two) is matched with fnmatch(FNM_PATHNAME) against
 * its last k components, "*" matches every repository, and "radar" every
 * repository called radar.  A glob starting with "/" is matched against the
 * whole name.  A ".git" ending of the glob is ignored, as it is in names. Can't
 * fail.
 */
int eg_reponame_match(const char *glob, const char *name);

#endif
