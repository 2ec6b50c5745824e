/* gate.c: what the pre-receive and pre-push hooks share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "gate.h"

int eg_gate_open(git_repository **out)
{
	/*
	 * With a NULL path libgit2 takes GIT_DIR when it is set, else
	 * searches from "."; given "." it would ignore GIT_DIR.
	 */
	if (git_repository_open_ext(out, NULL, GIT_REPOSITORY_OPEN_FROM_ENV,
				    NULL) == 0)
		return 0;
	return eg_error_set_git_code(EG_ENOTREPO, "cannot open the repository");
}

int eg_gate_sigset(struct eg_sigset **out, const struct eg_policy *policy)
{
	struct eg_sigset *set = eg_sigset_new();
	size_t i;
	int err;

	err = eg_sigset_add_builtin(set);
	for (i = 0; !err && i < policy->nrules; i++)
		err = eg_sigset_add_rules(set, policy->rules[i]);
	/* a pack the policy names and that cannot be read is its error */
	if (err == EG_EIO)
		err = EG_ECONFIG;
	if (!err)
		err = eg_sigset_compile(set);
	/*
	 * An entry for a signature no pack defines would never apply, and
	 * the pack's defaults would stand in for what it says ("0d521.1",
	 * a typo): the policy is wrong, not the push.
	 */
	for (i = 0; !err && i < policy->nsignatures; i++) {
		const struct eg_policy_signature *ps = &policy->signatures[i];

		if (!eg_sigset_find(set, ps->id))
			err = eg_error_set(EG_ECONFIG,
					   "%s:%zu:%zu: no signature pack "
					   "defines '%s' (ids are "
					   "case-sensitive)",
					   policy->path, ps->line, ps->column,
					   ps->id);
	}
	if (err < 0) {
		eg_sigset_free(set);
		return err;
	}
	*out = set;
	return 0;
}

static int parse_oid(git_oid *oid, const char *hex, const char *ref)
{
	if (strlen(hex) != GIT_OID_HEXSZ)
		return eg_error_set(EG_EGIT,
				    "%s: %s is a SHA-256 object id, which this "
				    "build of libgit2 cannot read",
				    ref, hex);
	if (git_oid_fromstrn(oid, hex, GIT_OID_HEXSZ) < 0)
		return eg_error_set_git(ref);
	return 0;
}

static int add_tip(git_oid *tips, size_t *n, git_repository *repo,
		   const struct eg_update *u)
{
	git_object *obj = NULL, *commit = NULL;
	git_oid oid;
	int err;

	err = parse_oid(&oid, u->new_hex, u->ref);
	if (err < 0)
		return err;
	if (git_object_lookup(&obj, repo, &oid, GIT_OBJECT_ANY) < 0) {
		char what[512];

		snprintf(what, sizeof(what), "%s: cannot read %s", u->ref,
			 u->new_hex);
		return eg_error_set_git(what);
	}
	/* what the pusher sends, not a failure to read it */
	if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		err = eg_error_set(
			EG_EUSAGE,
			"%s: %s is a %s, not a commit or a tag of "
			"one; the gate judges commits only",
			u->ref, u->new_hex,
			git_object_type2string(git_object_type(obj)));
		goto done;
	}
	git_oid_cpy(&tips[(*n)++], git_object_id(commit));
done:
	git_object_free(commit);
	git_object_free(obj);
	return err;
}

static int oid_cmp(const void *a, const void *b)
{
	return git_oid_cmp(a, b);
}

int eg_gate_tips(git_oid **out, size_t *n, git_repository *repo,
		 const struct eg_updates *updates)
{
	git_oid *tips = eg_xcalloc(updates->n, sizeof(*tips));
	size_t i, j;
	int err = 0;

	*n = 0;
	for (i = 0; !err && i < updates->n; i++)
		if (!updates->items[i].deleted)
			err = add_tip(tips, n, repo, &updates->items[i]);
	if (err < 0) {
		free(tips);
		*n = 0;
		return err;
	}
	/* Many refs may point at one commit (tags): keep each once. */
	if (*n > 1) {
		qsort(tips, *n, sizeof(*tips), oid_cmp);
		for (i = 1, j = 1; i < *n; i++)
			if (!git_oid_equal(&tips[i], &tips[j - 1]))
				tips[j++] = tips[i];
		*n = j;
	}
	*out = tips;
	return 0;
}

void eg_gate_known_old(git_oid **out, size_t *n, git_repository *repo,
		       const struct eg_updates *updates)
{
	git_oid *list = eg_xcalloc(updates->n, sizeof(*list));
	size_t i;

	*n = 0;
	for (i = 0; i < updates->n; i++) {
		const char *hex = updates->items[i].old_hex;
		git_object *obj = NULL, *commit = NULL;
		git_oid oid;

		if (eg_updates_is_zero(hex) || strlen(hex) != GIT_OID_HEXSZ ||
		    git_oid_fromstrn(&oid, hex, GIT_OID_HEXSZ) < 0)
			continue;
		/* What we do not have cannot be hidden: scan more, not less. */
		if (git_object_lookup(&obj, repo, &oid, GIT_OBJECT_ANY) == 0 &&
		    git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) == 0)
			git_oid_cpy(&list[(*n)++], git_object_id(commit));
		git_object_free(commit);
		git_object_free(obj);
	}
	git_error_clear();
	*out = list;
}

/*
 * Whether an entry was left unscanned for how its content is made rather
 * than for a failure to read it: the reasons the scanner gives then.  The
 * pusher makes the content, so no policy lets such a push through.
 */
static int made_unscannable(const struct eg_unscanned *u)
{
	static const char *const made[] = {
		"tree nested deeper than", "larger than --max-blob-size",
		"regex match limit hit",   "Git LFS pointer",
		"MATLAB live script",	   "archive of source code",
		"malformed tree entry",	   NULL};
	size_t i;

	for (i = 0; u->reason && made[i]; i++)
		if (!strncmp(u->reason, made[i], strlen(made[i])))
			return 1;
	return 0;
}

int eg_gate_incomplete(const struct eg_report *r)
{
	const struct eg_unscanned *u = r->nunscanned ? &r->unscanned[0] : NULL;
	char first[600] = "";
	size_t i;
	int code = EG_EGIT;

	for (i = 0; i < r->nunscanned; i++)
		if (made_unscannable(&r->unscanned[i])) {
			u = &r->unscanned[i];
			code = EG_ESHAPE;
			break;
		}

	if (u)
		snprintf(first, sizeof(first), " (first: %s%s%s%s%s)",
			 u->path && *u->path ? u->path : "",
			 u->path && *u->path && *u->blob ? " " : "", u->blob,
			 (u->path && *u->path) || *u->blob ? ": " : "",
			 u->reason ? u->reason : "unreadable");
	return eg_error_set(code,
			    "the scan is incomplete: %zu object%s not "
			    "scanned%s; an incomplete scan never passes",
			    r->nunscanned, r->nunscanned == 1 ? "" : "s",
			    first);
}

int eg_gate_may_accept(int err)
{
	switch (err) {
	case EG_ECONFIG:
	case EG_EUSAGE:
	case EG_ENOTREPO:
	case EG_ESHAPE:
		return 0;
	default:
		return 1;
	}
}

int eg_gate_exit_code(int err)
{
	switch (err) {
	case EG_ECONFIG:
	case EG_EUSAGE:
	case EG_ENOTREPO:
		return EG_GATE_USAGE;
	default:
		return EG_GATE_INCOMPLETE;
	}
}

const char *eg_gate_reason(void)
{
	static char line[1024];
	char *p;

	snprintf(line, sizeof(line), "%s", eg_error_last());
	for (p = line; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	return line;
}
