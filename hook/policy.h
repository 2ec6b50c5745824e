/* policy.h: the gate's policy: where content may go, and what to do. */
#ifndef EG_POLICY_H
#define EG_POLICY_H

#include <stddef.h>

#include <git2.h>

#include "sigset.h"

#define EG_POLICY_DEFAULT_PATH	   "/etc/exportgate/policy.yml"
#define EG_POLICY_DEFAULT_OVERRIDE "exportgate.override"
#define EG_POLICY_MAX_DEADLINE_MS  3600000LL

/* What the gate does with a finding, weakest first. */
enum eg_action { EG_ACTION_IGNORE, EG_ACTION_WARN, EG_ACTION_BLOCK };

/* destinations: first match wins. */
struct eg_policy_destination {
	char *url;	    /* fnmatch glob over the URL, '*' crossing '/' */
	char *jurisdiction; /* upper-case code */
};

struct eg_policy_group {
	char *name;
	char **jurisdictions; /* upper-case codes */
	size_t njurisdictions;
};

/* One entry of signatures: what is not given falls back to the pack. */
struct eg_policy_signature {
	char *id;
	size_t line, column; /* of the id in the policy file, from 1 */
	int has_controlled, has_review, has_permitted;
	enum eg_action controlled, review;
	char **permitted; /* group names expanded, upper-case, no repeats */
	size_t npermitted;
};

struct eg_policy_mirror {
	char *repository; /* glob, see eg_reponame_match() */
	char *url;
};

/*
 * A parsed policy.  Invariant: every jurisdiction held is an upper-case
 * code ("US", "DE", "US-CA"), group names are expanded wherever a list of
 * jurisdictions was allowed, and relative paths (approvals, audit_log,
 * rules) are resolved against the folder of the policy file.
 */
struct eg_policy {
	char *path; /* the policy file, as read */
	char sha256[65];
	char *jurisdiction; /* where this server is */
	struct eg_policy_destination *destinations;
	size_t ndestinations;
	int unknown_allow; /* unknown_destination: allow */
	struct eg_policy_group *groups;
	size_t ngroups;
	struct eg_policy_signature *signatures;
	size_t nsignatures;
	struct eg_policy_mirror *mirrors;
	size_t nmirrors;
	char *approvals;       /* NULL when absent */
	char *audit_log;       /* NULL when absent */
	int on_error_accept;   /* on_error: accept */
	long long deadline_ms; /* 0: none */
	char *override_option; /* the push option's name */
	char **override_users;
	size_t noverride_users;
	char **rules; /* extra signature packs */
	size_t nrules;
	char *contact; /* who grants approvals, for messages; may be NULL */
};

/*
 * Find the policy file: `cli` (--policy) when not NULL, else git config
 * exportgate.policy of `repo` (may be NULL), else $EXPORTGATE_POLICY, else
 * EG_POLICY_DEFAULT_PATH.  The first one set is the policy: when that file
 * does not exist the gate has no policy, and this fails with EG_ECONFIG
 * rather than trying the next.  *out is a new string the caller frees.
 */
int eg_policy_find(char **out, const char *cli, git_repository *repo);

/*
 * Read and check the policy at `path`.  On success *out is a new policy the
 * caller frees with eg_policy_free().  EG_EIO when it cannot be read,
 * EG_ECONFIG with "file:line:column: message" for malformed YAML, unknown
 * keys, wrong types or bad values.
 */
int eg_policy_load(struct eg_policy **out, const char *path);

/* The same on text in memory; `name` stands for the file. */
int eg_policy_parse(struct eg_policy **out, const char *name, const char *buf,
		    size_t len);

void eg_policy_free(struct eg_policy *policy);

/*
 * The jurisdiction of `url` by the first matching destinations entry, or
 * NULL when none matches.  A URL's user name and password are ignored when
 * the glob matches without them.  Borrowed from the policy.
 */
const char *eg_policy_jurisdiction(const struct eg_policy *policy,
				   const char *url);

/* The signatures entry for `id`, or NULL.  Borrowed. */
const struct eg_policy_signature *
eg_policy_signature(const struct eg_policy *policy, const char *id);

/*
 * What to do with a finding of `sig` at `level`: the policy entry's action
 * when it gives one, else the pack's default (block controlled and warn on
 * review when the signature is active, warn only when it is expired or
 * contested).
 */
enum eg_action eg_policy_action(const struct eg_policy *policy,
				const struct eg_signature *sig,
				enum eg_level level);

/*
 * Whether content matching `sig` may go to `jurisdiction`: it is in the
 * policy entry's permitted list or, without one, in the pack's.  A NULL
 * jurisdiction (unknown) is permitted only under unknown_destination: allow.
 */
int eg_policy_permits(const struct eg_policy *policy,
		      const struct eg_signature *sig, const char *jurisdiction);

const char *eg_action_name(enum eg_action action);

#endif
