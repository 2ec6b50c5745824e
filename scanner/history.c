/* history.c: which commits a scan judges, parents before children. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "history.h"
#include "oidmap.h"

/* The refs a `git rev-list` word stands for, or NULL for a revision. */
static const char *rev_glob(const char *tok)
{
	return !strcmp(tok, "--all")	    ? "refs/*"
	       : !strcmp(tok, "--branches") ? "refs/heads/*"
	       : !strcmp(tok, "--tags")	    ? "refs/tags/*"
	       : !strcmp(tok, "--remotes")  ? "refs/remotes/*"
					    : NULL;
}

/*
 * `git rev-list` arguments: "A..B", "^A B", "B", and --all, --branches,
 * --tags, --remotes.
 */
static int push_revs(git_revwalk *walk, git_repository *repo, const char *revs)
{
	char *copy = eg_xstrdup(revs), *tok, *save = NULL;
	int err = 0;

	for (tok = strtok_r(copy, " \t", &save); tok && !err;
	     tok = strtok_r(NULL, " \t", &save)) {
		git_object *obj = NULL;
		const char *glob = rev_glob(tok);

		if (glob) {
			if (git_revwalk_push_glob(walk, glob) < 0)
				err = eg_error_set_git_code(EG_ENOTREPO, tok);
			continue;
		}
		if (strstr(tok, "..")) {
			if (git_revwalk_push_range(walk, tok) < 0)
				err = eg_error_set_git_code(EG_ENOTREPO, tok);
			continue;
		}
		if (git_revparse_single(&obj, repo,
					tok[0] == '^' ? tok + 1 : tok) < 0) {
			err = eg_error_set_git_code(EG_ENOTREPO, tok);
			continue;
		}
		if ((tok[0] == '^'
			     ? git_revwalk_hide(walk, git_object_id(obj))
			     : git_revwalk_push(walk, git_object_id(obj))) < 0)
			err = eg_error_set_git_code(EG_ENOTREPO, tok);
		git_object_free(obj);
	}
	free(copy);
	return err;
}

static int setup_walk(git_revwalk *walk, git_repository *repo,
		      const struct eg_scan_opts *opts)
{
	size_t i;

	switch (opts->scope) {
	case EG_TARGET_ALL:
		if (git_revwalk_push_glob(walk, "refs/*") < 0)
			return eg_error_set_git_code(EG_ENOTREPO,
						     "cannot list refs");
		if (git_repository_head_detached(repo) == 1)
			git_revwalk_push_head(walk);
		return 0;
	case EG_TARGET_REV:
		return push_revs(walk, repo, opts->rev);
	case EG_TARGET_PUSH:
		for (i = 0; i < opts->ntips; i++)
			if (git_revwalk_push(walk, &opts->tips[i]) < 0)
				return eg_error_set_git(
					"cannot walk a pushed commit");
		for (i = 0; i < opts->nhide; i++)
			if (git_revwalk_hide(walk, &opts->hide[i]) < 0)
				git_error_clear(); /* a commit we lack: nothing
						      to hide */
		if (opts->hide_refs_glob &&
		    git_revwalk_hide_glob(walk, opts->hide_refs_glob) < 0)
			return eg_error_set_git("cannot hide existing refs");
		return 0;
	default:
		return eg_error_set(EG_ERROR, "not a history scope");
	}
}

/* Commits of the scope, oldest first (parents before children). */
static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The commits the refs (or the pushed tips) point at. */
static void tip_commits(git_repository *repo, const struct eg_scan_opts *opts,
			struct eg_oidmap *seen, git_oid **tips, size_t *n)
{
	git_strarray refs = {0};
	size_t i, alloc = 0;

	*tips = NULL;
	*n = 0;
	if (opts->scope == EG_TARGET_PUSH) {
		for (i = 0; i < opts->ntips; i++) {
			EG_GROW(*tips, alloc, *n + 1);
			(*tips)[(*n)++] = opts->tips[i];
		}
		return;
	}
	if (git_reference_list(&refs, repo) < 0)
		return;
	qsort(refs.strings, refs.count, sizeof(char *), cmp_name);
	for (i = 0; i < refs.count; i++) {
		git_object *obj = NULL, *commit = NULL;

		if (git_revparse_single(&obj, repo, refs.strings[i]) < 0)
			continue;
		if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0 &&
		    !eg_oidmap_get(seen, git_object_id(commit), 1)) {
			eg_oidmap_put(seen, git_object_id(commit), 1,
				      (void *)1);
			EG_GROW(*tips, alloc, *n + 1);
			(*tips)[(*n)++] = *git_object_id(commit);
		}
		git_object_free(commit);
		git_object_free(obj);
	}
	git_strarray_dispose(&refs);
	git_error_clear();
}

/*
 * Parents before children, by a depth-first walk that steps over commits
 * that are not there (a shallow clone's boundary, a missing object) and
 * lists each as unscanned.  Used when libgit2's walk gives up on them.
 */
static void tolerant_walk(git_repository *repo, const struct eg_scan_opts *opts,
			  struct eg_report *report, git_oid **out, size_t *n)
{
	struct frame {
		git_oid oid;
		unsigned next_parent;
	} *stack = NULL;
	struct eg_oidmap seen = {0};
	git_oid *tips, *list = NULL;
	size_t ntips, depth = 0, stack_alloc = 0, alloc = 0, t;

	tip_commits(repo, opts, &seen, &tips, &ntips);
	eg_oidmap_clear(&seen);
	for (t = 0; t < ntips; t++) {
		if (eg_oidmap_get(&seen, &tips[t], 0))
			continue;
		eg_oidmap_put(&seen, &tips[t], 0, (void *)1);
		EG_GROW(stack, stack_alloc, depth + 1);
		stack[depth].oid = tips[t];
		stack[depth++].next_parent = 0;
		while (depth) {
			struct frame *f = &stack[depth - 1];
			git_commit *c = NULL;
			char hex[EG_OID_HEX];

			if (git_commit_lookup(&c, repo, &f->oid) < 0) {
				git_oid_tostr(hex, sizeof(hex), &f->oid);
				eg_report_add_unscanned(
					report, "", hex,
					"commit not present (shallow clone or missing object)");
				depth--;
				continue;
			}
			if (f->next_parent < git_commit_parentcount(c)) {
				const git_oid *p = git_commit_parent_id(
					c, f->next_parent++);

				git_commit_free(c);
				if (eg_oidmap_get(&seen, p, 0))
					continue;
				eg_oidmap_put(&seen, p, 0, (void *)1);
				EG_GROW(stack, stack_alloc, depth + 1);
				stack[depth].oid = *p;
				stack[depth++].next_parent = 0;
				continue;
			}
			git_commit_free(c);
			EG_GROW(list, alloc, *n + 1);
			list[(*n)++] = f->oid;
			depth--;
		}
	}
	git_error_clear();
	eg_oidmap_clear(&seen);
	free(stack);
	free(tips);
	*out = list;
}

int eg_history_list(git_oid **out, size_t *n, git_repository *repo,
		    const struct eg_scan_opts *opts, struct eg_report *report)
{
	git_revwalk *walk = NULL;
	git_oid oid, *list = NULL;
	size_t alloc = 0;
	int err, rc;

	*out = NULL;
	*n = 0;
	if (git_revwalk_new(&walk, repo) < 0)
		return eg_error_set_git("cannot walk history");
	git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
	if ((err = setup_walk(walk, repo, opts)))
		goto done;
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		EG_GROW(list, alloc, *n + 1);
		list[(*n)++] = oid;
	}
	if (rc == GIT_ITEROVER)
		goto done;
	free(list);
	list = NULL;
	*n = 0;
	if (opts->scope == EG_TARGET_REV ||
	    (opts->scope == EG_TARGET_PUSH &&
	     (opts->nhide || opts->hide_refs_glob))) {
		char why[512];

		snprintf(why, sizeof(why),
			 "history walk stopped (missing commit?): %s",
			 eg_error_git_message());
		eg_report_add_unscanned(report, "", "", why);
		goto done;
	}
	tolerant_walk(repo, opts, report, &list, n);
done:
	git_revwalk_free(walk);
	*out = list;
	return err;
}

struct ref_names {
	char **v; /* owned, as each name */
	size_t n, alloc;
};

static int add_ref_name(const char *name, void *payload)
{
	struct ref_names *names = payload;

	EG_GROW(names->v, names->alloc, names->n + 1);
	names->v[names->n++] = eg_xstrdup(name);
	return 0;
}

/* The names of the refs opts->scope walks, sorted, each once. */
static void scope_ref_names(struct ref_names *names, git_repository *repo,
			    const struct eg_scan_opts *opts)
{
	char *copy, *tok, *save = NULL;
	size_t i, kept = 0;

	if (opts->scope == EG_TARGET_ALL) {
		git_reference_foreach_glob(repo, "refs/*", add_ref_name, names);
	} else if (opts->scope == EG_TARGET_REV) {
		copy = eg_xstrdup(opts->rev);
		for (tok = strtok_r(copy, " \t", &save); tok;
		     tok = strtok_r(NULL, " \t", &save))
			if (rev_glob(tok))
				git_reference_foreach_glob(repo, rev_glob(tok),
							   add_ref_name, names);
		free(copy);
	}
	git_error_clear(); /* refs that cannot be listed: the walk says so */
	if (names->n)
		qsort(names->v, names->n, sizeof(*names->v), cmp_name);
	for (i = 0; i < names->n; i++) {
		if (kept && !strcmp(names->v[i], names->v[kept - 1]))
			free(names->v[i]);
		else
			names->v[kept++] = names->v[i];
	}
	names->n = kept;
}

/*
 * Add what ref `name` leads to when it is a tree or a blob not met yet.
 * A symbolic ref to no ref holds nothing; a ref to an object that cannot
 * be read holds what the scan cannot see.
 */
static void add_object_tip(struct eg_object_tip **tips, size_t *n,
			   size_t *alloc, struct eg_oidmap *seen,
			   git_repository *repo, const char *name,
			   struct eg_report *report)
{
	git_reference *ref = NULL, *direct = NULL;
	git_object *obj = NULL;
	git_object_t type;
	char hex[EG_OID_HEX];

	if (git_reference_lookup(&ref, repo, name) < 0 ||
	    git_reference_resolve(&direct, ref) < 0)
		goto done;
	if (git_reference_peel(&obj, direct, GIT_OBJECT_ANY) < 0) {
		/* libgit2's message names no more than the tag */
		git_oid_tostr(hex, sizeof(hex), git_reference_target(direct));
		eg_report_add_unscanned(
			report, name, hex,
			"ref leads to an object not present (missing or unreadable)");
		goto done;
	}
	type = git_object_type(obj);
	if ((type != GIT_OBJECT_TREE && type != GIT_OBJECT_BLOB) ||
	    eg_oidmap_get(seen, git_object_id(obj), 0))
		goto done;
	eg_oidmap_put(seen, git_object_id(obj), 0, (void *)1);
	EG_GROW(*tips, *alloc, *n + 1);
	(*tips)[*n].ref = eg_xstrdup(name);
	git_oid_cpy(&(*tips)[*n].oid, git_object_id(obj));
	(*tips)[*n].type = type;
	(*n)++;
done:
	git_error_clear();
	git_object_free(obj);
	git_reference_free(direct);
	git_reference_free(ref);
}

void eg_history_object_tips(struct eg_object_tip **out, size_t *n,
			    git_repository *repo,
			    const struct eg_scan_opts *opts,
			    struct eg_report *report)
{
	struct ref_names names = {0};
	struct eg_oidmap seen = {0};
	size_t i, alloc = 0;

	*out = NULL;
	*n = 0;
	scope_ref_names(&names, repo, opts);
	for (i = 0; i < names.n; i++) {
		add_object_tip(out, n, &alloc, &seen, repo, names.v[i], report);
		free(names.v[i]);
	}
	free(names.v);
	eg_oidmap_clear(&seen);
}

void eg_history_object_tips_free(struct eg_object_tip *tips, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(tips[i].ref);
	free(tips);
}
