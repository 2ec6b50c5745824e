/* policy.c: reading the gate's policy and answering questions about it. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "error.h"
#include "conf.h"
#include "policy.h"
#include "sigset.h"

/* Bounds a list expanded from groups; real lists have a handful. */
#define MAX_LIST 1024

static const char *const top_keys[] = {
	"jurisdiction", "destinations", "unknown_destination",
	"groups",	"signatures",	"mirrors",
	"approvals",	"audit_log",	"on_error",
	"deadline_ms",	"override",	"rules",
	"contact",	NULL,
};

enum {
	K_JURISDICTION,
	K_DESTINATIONS,
	K_UNKNOWN,
	K_GROUPS,
	K_SIGNATURES,
	K_MIRRORS,
	K_APPROVALS,
	K_AUDIT_LOG,
	K_ON_ERROR,
	K_DEADLINE,
	K_OVERRIDE,
	K_RULES,
	K_CONTACT,
	K_NKEYS,
};

/* State while one file is parsed into `p`. */
struct parser {
	struct eg_conf conf;
	struct eg_policy *p;
	char *dir; /* the policy file's folder, for relative paths */
};

int eg_policy_find(char **out, const char *cli, git_repository *repo)
{
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	const char *path = NULL, *from = NULL;
	int err = 0;

	if (cli) {
		path = cli;
		from = "--policy";
	}
	if (!path && repo) {
		if (git_repository_config_snapshot(&cfg, repo) < 0)
			return eg_error_set_git(
				"reading the git configuration");
		err = git_config_get_path(&buf, cfg, "exportgate.policy");
		if (err == 0 && buf.size) {
			path = buf.ptr;
			from = "git config exportgate.policy";
		} else if (err < 0 && err != GIT_ENOTFOUND) {
			err = eg_error_set_git("git config exportgate.policy");
			goto done;
		}
		err = 0;
	}
	if (!path && getenv("EXPORTGATE_POLICY") &&
	    *getenv("EXPORTGATE_POLICY")) {
		path = getenv("EXPORTGATE_POLICY");
		from = "EXPORTGATE_POLICY";
	}
	if (!path) {
		path = EG_POLICY_DEFAULT_PATH;
		from = NULL;
	}
	if (access(path, R_OK) < 0) {
		if (from)
			err = eg_error_set(EG_ECONFIG,
					   "policy %s (from %s): %s", path,
					   from, strerror(errno));
		else
			err = eg_error_set(EG_ECONFIG,
					   "no policy: %s: %s; give --policy "
					   "FILE, git config exportgate.policy "
					   "or EXPORTGATE_POLICY",
					   path, strerror(errno));
		goto done;
	}
	*out = eg_xstrdup(path);
done:
	git_buf_dispose(&buf);
	git_config_free(cfg);
	return err;
}

/*
 * A jurisdiction is written in upper case (eg_is_jurisdiction()); anything
 * else in a list must be a group, which catches misspelt groups.
 */
static const struct eg_policy_group *find_group(const struct eg_policy *p,
						const char *name)
{
	size_t i;

	for (i = 0; i < p->ngroups; i++)
		if (!strcmp(p->groups[i].name, name))
			return &p->groups[i];
	return NULL;
}

static int jurisdiction(char **out, struct parser *ps, const yaml_node_t *node,
			const char *what)
{
	const char *s;
	int err = eg_conf_string(&s, &ps->conf, node, what);

	if (err < 0)
		return err;
	if (find_group(ps->p, s))
		return eg_conf_error(&ps->conf, node,
				     "%s: '%s' is a group; one jurisdiction "
				     "is needed here",
				     what, s);
	if (!eg_is_jurisdiction(s))
		return eg_conf_error(
			&ps->conf, node,
			"%s: '%s' is not a jurisdiction code (upper "
			"case, such as US, DE or US-CA)",
			what, s);
	*out = eg_xstrdup(s);
	return 0;
}

static void list_add(char ***list, size_t *n, size_t *alloc, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*list)[i], s))
			return;
	EG_GROW(*list, *alloc, *n + 2);
	(*list)[(*n)++] = eg_xstrdup(s);
	(*list)[*n] = NULL;
}

static void free_list(char **list, size_t n)
{
	size_t i;

	for (i = 0; list && i < n; i++)
		free(list[i]);
	free(list);
}

/* Add the jurisdictions one list item stands for: a code or a group. */
static int list_item(char ***list, size_t *n, size_t *alloc, struct parser *ps,
		     yaml_node_t *v, const char *what, int groups)
{
	const struct eg_policy_group *g;
	const char *s;
	size_t i;
	int err;

	err = eg_conf_string(&s, &ps->conf, v, what);
	if (err < 0)
		return err;
	g = groups ? find_group(ps->p, s) : NULL;
	if (g) {
		for (i = 0; i < g->njurisdictions; i++)
			list_add(list, n, alloc, g->jurisdictions[i]);
	} else if (eg_is_jurisdiction(s)) {
		list_add(list, n, alloc, s);
	} else if (groups) {
		return eg_conf_error(&ps->conf, v,
				     "%s: '%s' is neither a jurisdiction code "
				     "(upper case, such as US) nor a group "
				     "defined under groups",
				     what, s);
	} else {
		return eg_conf_error(
			&ps->conf, v,
			"%s: '%s' is not a jurisdiction code (upper "
			"case, such as US, DE or US-CA)",
			what, s);
	}
	if (*n > MAX_LIST)
		return eg_conf_error(&ps->conf, v,
				     "%s: more than %d jurisdictions", what,
				     MAX_LIST);
	return 0;
}

/*
 * A list of jurisdictions where each item is a code or, when `groups` is
 * set, the name of a group standing for its members.  One string stands for
 * a list of one.  The result is NULL-terminated and never NULL.
 */
static int jurisdiction_list(char ***out, size_t *nout, struct parser *ps,
			     yaml_node_t *node, const char *what, int groups)
{
	yaml_node_item_t *item;
	char **list = NULL;
	size_t n = 0, alloc = 0;
	int err = 0;

	EG_GROW(list, alloc, 1);
	list[0] = NULL;
	if (node->type == YAML_SCALAR_NODE && !eg_conf_is_null(node)) {
		err = list_item(&list, &n, &alloc, ps, node, what, groups);
		goto done;
	}
	err = eg_conf_check_seq(&ps->conf, node, what);
	if (err < 0)
		goto done;
	for (item = node->data.sequence.items.start;
	     !err && item < node->data.sequence.items.top; item++)
		err = list_item(&list, &n, &alloc, ps,
				eg_conf_node(&ps->conf, *item), what, groups);
done:
	if (err < 0) {
		free_list(list, n);
		return err;
	}
	*out = list;
	*nout = n;
	return 0;
}

static int parse_groups(struct parser *ps, yaml_node_t *node)
{
	struct eg_policy *p = ps->p;
	yaml_node_pair_t *pair;
	int err;

	err = eg_conf_check_map(&ps->conf, node, "groups");
	if (err < 0)
		return err;
	p->groups = eg_xcalloc((size_t)(node->data.mapping.pairs.top -
					node->data.mapping.pairs.start),
			       sizeof(*p->groups));
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = eg_conf_node(&ps->conf, pair->key);
		struct eg_policy_group *g = &p->groups[p->ngroups];
		const char *name = (const char *)key->data.scalar.value;

		if (!*name || eg_is_jurisdiction(name))
			return eg_conf_error(
				&ps->conf, key,
				"groups: '%s' reads as a "
				"jurisdiction code; name groups in "
				"lower case (such as five-eyes)",
				name);
		err = jurisdiction_list(
			&g->jurisdictions, &g->njurisdictions, ps,
			eg_conf_node(&ps->conf, pair->value), "groups", 0);
		if (err < 0)
			return err;
		g->name = eg_xstrdup(name);
		p->ngroups++;
	}
	return 0;
}

static int action(enum eg_action *out, struct parser *ps,
		  const yaml_node_t *node, const char *what)
{
	const char *s;
	int err = eg_conf_string(&s, &ps->conf, node, what);

	if (err < 0)
		return err;
	if (!strcmp(s, "block"))
		*out = EG_ACTION_BLOCK;
	else if (!strcmp(s, "warn"))
		*out = EG_ACTION_WARN;
	else if (!strcmp(s, "ignore"))
		*out = EG_ACTION_IGNORE;
	else
		return eg_conf_error(&ps->conf, node,
				     "%s: '%s' is not block, warn or ignore",
				     what, s);
	return 0;
}

static int parse_signatures(struct parser *ps, yaml_node_t *node)
{
	static const char *const keys[] = {"controlled", "review", "permitted",
					   NULL};
	struct eg_policy *p = ps->p;
	yaml_node_pair_t *pair;
	int err;

	err = eg_conf_check_map(&ps->conf, node, "signatures");
	if (err < 0)
		return err;
	p->signatures = eg_xcalloc((size_t)(node->data.mapping.pairs.top -
					    node->data.mapping.pairs.start),
				   sizeof(*p->signatures));
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = eg_conf_node(&ps->conf, pair->key);
		yaml_node_t *val = eg_conf_node(&ps->conf, pair->value);
		struct eg_policy_signature *s = &p->signatures[p->nsignatures];
		yaml_node_t *v[3];

		s->id = eg_xstrdup((const char *)key->data.scalar.value);
		s->line = key->start_mark.line + 1;
		s->column = key->start_mark.column + 1;
		p->nsignatures++;
		err = eg_conf_mapping(v, &ps->conf, val, s->id, keys);
		if (err < 0)
			return err;
		if (v[0]) {
			err = action(&s->controlled, ps, v[0], "controlled");
			if (err < 0)
				return err;
			s->has_controlled = 1;
		}
		if (v[1]) {
			err = action(&s->review, ps, v[1], "review");
			if (err < 0)
				return err;
			s->has_review = 1;
		}
		if (v[2]) {
			err = jurisdiction_list(&s->permitted, &s->npermitted,
						ps, v[2], "permitted", 1);
			if (err < 0)
				return err;
			s->has_permitted = 1;
		}
	}
	return 0;
}

static int parse_destinations(struct parser *ps, yaml_node_t *node)
{
	static const char *const keys[] = {"url", "jurisdiction", NULL};
	struct eg_policy *p = ps->p;
	yaml_node_item_t *item;
	int err;

	err = eg_conf_check_seq(&ps->conf, node, "destinations");
	if (err < 0)
		return err;
	p->destinations = eg_xcalloc((size_t)(node->data.sequence.items.top -
					      node->data.sequence.items.start),
				     sizeof(*p->destinations));
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		yaml_node_t *entry = eg_conf_node(&ps->conf, *item);
		struct eg_policy_destination *d =
			&p->destinations[p->ndestinations];
		yaml_node_t *v[2];

		err = eg_conf_mapping(v, &ps->conf, entry, "destinations",
				      keys);
		if (err < 0)
			return err;
		if (!v[0] || !v[1])
			return eg_conf_error(&ps->conf, entry,
					     "destinations: each entry needs "
					     "url and jurisdiction");
		p->ndestinations++;
		err = eg_conf_strdup(&d->url, &ps->conf, v[0], "url");
		if (err < 0)
			return err;
		err = jurisdiction(&d->jurisdiction, ps, v[1], "jurisdiction");
		if (err < 0)
			return err;
	}
	return 0;
}

static int parse_mirrors(struct parser *ps, yaml_node_t *node)
{
	static const char *const keys[] = {"repository", "url", NULL};
	struct eg_policy *p = ps->p;
	yaml_node_item_t *item;
	int err;

	err = eg_conf_check_seq(&ps->conf, node, "mirrors");
	if (err < 0)
		return err;
	p->mirrors = eg_xcalloc((size_t)(node->data.sequence.items.top -
					 node->data.sequence.items.start),
				sizeof(*p->mirrors));
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		yaml_node_t *entry = eg_conf_node(&ps->conf, *item);
		struct eg_policy_mirror *m = &p->mirrors[p->nmirrors];
		yaml_node_t *v[2];

		err = eg_conf_mapping(v, &ps->conf, entry, "mirrors", keys);
		if (err < 0)
			return err;
		if (!v[0] || !v[1])
			return eg_conf_error(&ps->conf, entry,
					     "mirrors: each entry needs "
					     "repository and url");
		p->nmirrors++;
		err = eg_conf_strdup(&m->repository, &ps->conf, v[0],
				     "repository");
		if (err < 0)
			return err;
		err = eg_conf_strdup(&m->url, &ps->conf, v[1], "url");
		if (err < 0)
			return err;
	}
	return 0;
}

static int is_printable_token(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == '=' || *s == 0x7f)
			return 0;
	return 1;
}

static int parse_override(struct parser *ps, yaml_node_t *node)
{
	static const char *const keys[] = {"push_option", "users", NULL};
	struct eg_policy *p = ps->p;
	yaml_node_t *v[2];
	const char *s;
	size_t i;
	int err;

	err = eg_conf_mapping(v, &ps->conf, node, "override", keys);
	if (err < 0)
		return err;
	if (v[0]) {
		err = eg_conf_string(&s, &ps->conf, v[0], "push_option");
		if (err < 0)
			return err;
		if (!is_printable_token(s))
			return eg_conf_error(&ps->conf, v[0],
					     "push_option: '%s' is not a push "
					     "option name (no spaces or '=')",
					     s);
		free(p->override_option);
		p->override_option = eg_xstrdup(s);
	}
	if (v[1]) {
		err = eg_conf_string_list(&p->override_users,
					  &p->noverride_users, &ps->conf, v[1],
					  "users");
		if (err < 0)
			return err;
		for (i = 0; i < p->noverride_users; i++)
			if (!*p->override_users[i])
				return eg_conf_error(&ps->conf, v[1],
						     "users: empty user name");
	}
	return 0;
}

static char *resolve(const struct parser *ps, const char *path)
{
	char *s;

	if (path[0] == '/' || !ps->dir)
		return eg_xstrdup(path);
	s = eg_xmalloc(strlen(ps->dir) + strlen(path) + 2);
	sprintf(s, "%s/%s", ps->dir, path);
	return s;
}

static int path_value(char **out, struct parser *ps, const yaml_node_t *node,
		      const char *what)
{
	const char *s;
	int err = eg_conf_string(&s, &ps->conf, node, what);

	if (err < 0)
		return err;
	free(*out);
	*out = resolve(ps, s);
	return 0;
}

static int parse_rules(struct parser *ps, yaml_node_t *node)
{
	struct eg_policy *p = ps->p;
	char **list = NULL;
	size_t n = 0, i;
	int err;

	err = eg_conf_string_list(&list, &n, &ps->conf, node, "rules");
	if (err < 0)
		return err;
	p->rules = eg_xcalloc(n + 1, sizeof(*p->rules));
	for (i = 0; i < n; i++)
		p->rules[i] = resolve(ps, list[i]);
	p->nrules = n;
	eg_conf_free_list(list);
	return 0;
}

static int choice(int *out, struct parser *ps, const yaml_node_t *node,
		  const char *what, const char *no, const char *yes)
{
	const char *s;
	int err = eg_conf_string(&s, &ps->conf, node, what);

	if (err < 0)
		return err;
	if (!strcmp(s, no))
		*out = 0;
	else if (!strcmp(s, yes))
		*out = 1;
	else
		return eg_conf_error(&ps->conf, node,
				     "%s: '%s' is not %s or %s", what, s, no,
				     yes);
	return 0;
}

static int parse_top(struct parser *ps)
{
	struct eg_policy *p = ps->p;
	yaml_node_t *root = eg_conf_root(&ps->conf);
	yaml_node_t *v[K_NKEYS];
	int err;

	if (!root)
		return eg_conf_error(&ps->conf, NULL,
				     "the policy is empty; it needs at least "
				     "jurisdiction");
	err = eg_conf_mapping(v, &ps->conf, root, "policy", top_keys);
	if (err < 0)
		return err;
	if (!v[K_JURISDICTION])
		return eg_conf_error(&ps->conf, root,
				     "policy: jurisdiction is missing (where "
				     "this server is, such as US)");
	/* Groups first: everything below may name them, in any order. */
	err = v[K_GROUPS] ? parse_groups(ps, v[K_GROUPS]) : 0;
	if (!err)
		err = jurisdiction(&p->jurisdiction, ps, v[K_JURISDICTION],
				   "jurisdiction");
	if (!err && v[K_DESTINATIONS])
		err = parse_destinations(ps, v[K_DESTINATIONS]);
	if (!err && v[K_UNKNOWN])
		err = choice(&p->unknown_allow, ps, v[K_UNKNOWN],
			     "unknown_destination", "deny", "allow");
	if (!err && v[K_SIGNATURES])
		err = parse_signatures(ps, v[K_SIGNATURES]);
	if (!err && v[K_MIRRORS])
		err = parse_mirrors(ps, v[K_MIRRORS]);
	if (!err && v[K_APPROVALS])
		err = path_value(&p->approvals, ps, v[K_APPROVALS],
				 "approvals");
	if (!err && v[K_AUDIT_LOG])
		err = path_value(&p->audit_log, ps, v[K_AUDIT_LOG],
				 "audit_log");
	if (!err && v[K_ON_ERROR])
		err = choice(&p->on_error_accept, ps, v[K_ON_ERROR], "on_error",
			     "reject", "accept");
	if (!err && v[K_DEADLINE])
		err = eg_conf_integer(&p->deadline_ms, &ps->conf, v[K_DEADLINE],
				      "deadline_ms", 0,
				      EG_POLICY_MAX_DEADLINE_MS);
	if (!err && v[K_OVERRIDE])
		err = parse_override(ps, v[K_OVERRIDE]);
	if (!err && v[K_RULES])
		err = parse_rules(ps, v[K_RULES]);
	if (!err && v[K_CONTACT])
		err = eg_conf_strdup(&p->contact, &ps->conf, v[K_CONTACT],
				     "contact");
	return err;
}

static int parse(struct eg_policy **out, struct parser *ps, const char *name)
{
	const char *slash = strrchr(name, '/');
	int err;

	ps->p = eg_xcalloc(1, sizeof(*ps->p));
	ps->p->path = eg_xstrdup(name);
	ps->p->override_option = eg_xstrdup(EG_POLICY_DEFAULT_OVERRIDE);
	ps->dir = slash ? eg_xstrndup(name,
				      (size_t)(slash - name) + (slash == name))
			: NULL;
	memcpy(ps->p->sha256, ps->conf.sha256, sizeof(ps->p->sha256));
	err = parse_top(ps);
	if (err < 0) {
		eg_policy_free(ps->p);
		ps->p = NULL;
	} else {
		*out = ps->p;
	}
	free(ps->dir);
	eg_conf_release(&ps->conf);
	return err;
}

int eg_policy_load(struct eg_policy **out, const char *path)
{
	struct parser ps = {EG_CONF_INIT, NULL, NULL};
	int err;

	err = eg_conf_read(&ps.conf, path);
	if (err < 0) {
		eg_conf_release(&ps.conf);
		return err;
	}
	return parse(out, &ps, path);
}

int eg_policy_parse(struct eg_policy **out, const char *name, const char *buf,
		    size_t len)
{
	struct parser ps = {EG_CONF_INIT, NULL, NULL};
	int err;

	err = eg_conf_parse(&ps.conf, name, buf, len);
	if (err < 0) {
		eg_conf_release(&ps.conf);
		return err;
	}
	return parse(out, &ps, name);
}

void eg_policy_free(struct eg_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->ndestinations; i++) {
		free(p->destinations[i].url);
		free(p->destinations[i].jurisdiction);
	}
	free(p->destinations);
	for (i = 0; i < p->ngroups; i++) {
		free(p->groups[i].name);
		free_list(p->groups[i].jurisdictions,
			  p->groups[i].njurisdictions);
	}
	free(p->groups);
	for (i = 0; i < p->nsignatures; i++) {
		free(p->signatures[i].id);
		free_list(p->signatures[i].permitted,
			  p->signatures[i].npermitted);
	}
	free(p->signatures);
	for (i = 0; i < p->nmirrors; i++) {
		free(p->mirrors[i].repository);
		free(p->mirrors[i].url);
	}
	free(p->mirrors);
	free_list(p->override_users, p->noverride_users);
	free_list(p->rules, p->nrules);
	free(p->path);
	free(p->jurisdiction);
	free(p->approvals);
	free(p->audit_log);
	free(p->override_option);
	free(p->contact);
	free(p);
}

/*
 * `url` without its user name and password: "https://u:t@host/x" becomes
 * "https://host/x" and "git@host:x" becomes "host:x".  NULL when it has
 * none.  The caller frees the result.
 */
static char *without_userinfo(const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *host = scheme ? scheme + 3 : url;
	const char *end = host + strcspn(host, scheme ? "/?#" : ":/");
	const char *at = NULL, *p;
	char *s;

	for (p = host; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return NULL;
	s = eg_xmalloc(strlen(url) + 1);
	memcpy(s, url, (size_t)(host - url));
	strcpy(s + (host - url), at + 1);
	return s;
}

const char *eg_policy_jurisdiction(const struct eg_policy *policy,
				   const char *url)
{
	char *bare = without_userinfo(url);
	const char *found = NULL;
	size_t i;

	for (i = 0; i < policy->ndestinations && !found; i++) {
		const struct eg_policy_destination *d =
			&policy->destinations[i];

		if (!fnmatch(d->url, url, 0) ||
		    (bare && !fnmatch(d->url, bare, 0)))
			found = d->jurisdiction;
	}
	free(bare);
	return found;
}

const struct eg_policy_signature *
eg_policy_signature(const struct eg_policy *policy, const char *id)
{
	size_t i;

	for (i = 0; i < policy->nsignatures; i++)
		if (!strcmp(policy->signatures[i].id, id))
			return &policy->signatures[i];
	return NULL;
}

enum eg_action eg_policy_action(const struct eg_policy *policy,
				const struct eg_signature *sig,
				enum eg_level level)
{
	const struct eg_policy_signature *entry =
		eg_policy_signature(policy, sig->id);

	if (level == EG_LEVEL_NONE)
		return EG_ACTION_IGNORE;
	if (entry && level == EG_LEVEL_CONTROLLED && entry->has_controlled)
		return entry->controlled;
	if (entry && level == EG_LEVEL_REVIEW && entry->has_review)
		return entry->review;
	if (sig->status != EG_STATUS_ACTIVE)
		return EG_ACTION_WARN;
	return level == EG_LEVEL_CONTROLLED ? EG_ACTION_BLOCK : EG_ACTION_WARN;
}

int eg_policy_permits(const struct eg_policy *policy,
		      const struct eg_signature *sig, const char *jurisdiction)
{
	const struct eg_policy_signature *entry =
		eg_policy_signature(policy, sig->id);
	char *const *list = sig->permitted;
	size_t n = sig->npermitted, i;

	if (!jurisdiction)
		return policy->unknown_allow;
	if (entry && entry->has_permitted) {
		list = entry->permitted;
		n = entry->npermitted;
	}
	for (i = 0; i < n; i++)
		if (!strcasecmp(list[i], jurisdiction))
			return 1;
	return 0;
}

const char *eg_action_name(enum eg_action action)
{
	switch (action) {
	case EG_ACTION_BLOCK:
		return "block";
	case EG_ACTION_WARN:
		return "warn";
	default:
		return "ignore";
	}
}
