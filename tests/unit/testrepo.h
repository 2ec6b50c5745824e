/* testrepo.h: what the unit tests that make real repositories share. */
#ifndef EG_TESTREPO_H
#define EG_TESTREPO_H

#include <stdio.h>
#include <stdlib.h>

#include <git2.h>

/*
 * Make the folder `dir` (a mkdtemp() template, filled in) and prepare git
 * and libgit2 to work in it: a fixed identity, no system configuration,
 * HOME inside it.  Returns -1 when the folder cannot be made.
 */
static inline int testrepo_init(char *dir)
{
	if (!mkdtemp(dir))
		return -1;
	setenv("GIT_AUTHOR_NAME", "A", 1);
	setenv("GIT_AUTHOR_EMAIL", "a@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "A", 1);
	setenv("GIT_COMMITTER_EMAIL", "a@example.com", 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("HOME", dir, 1);
	git_libgit2_init();
	return 0;
}

/* Run a shell command in `dir`; its exit status as system() gives it. */
static inline int testrepo_run(const char *dir, const char *cmd)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "cd '%s' && %s", dir, cmd);
	return system(buf);
}

/* Remove `dir` and everything in it; -1 when that fails. */
static inline int testrepo_remove(const char *dir)
{
	char buf[300];

	snprintf(buf, sizeof(buf), "rm -rf '%s'", dir);
	return system(buf) ? -1 : 0;
}

#endif
