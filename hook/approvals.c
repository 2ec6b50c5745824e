/* approvals.c: reading approvals and finding the one that covers a finding. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "approvals.h"
#include "conf.h"
#include "reponame.h"
#include "sigset.h"

/* Every key but the last is required. */
static const char *const keys[] = {"signature", "repository",	 "content",
				   "ticket",	"approver",	 "basis",
				   "expires",	"jurisdictions", NULL};
#define KEY_JURISDICTIONS 7

static int is_object_id(const char *s)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	return !s[n] && (n == 40 || n == 64);
}

static int is_date(const char *s)
{
	static const int days[] = {31, 29, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	int y, m, d, i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-'
				     : !isdigit((unsigned char)s[i]))
			return 0;
	if (s[10])
		return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return 0;
	return m != 2 || d < 29 || (y % 4 == 0 && (y % 100 || y % 400 == 0));
}

/* An approval's jurisdictions: codes, as the policy writes them. */
static int parse_jurisdictions(struct eg_approval *a, struct eg_conf *conf,
			       yaml_node_t *node)
{
	size_t i, n;
	int err = eg_conf_string_list(&a->jurisdictions, &n, conf, node,
				      "jurisdictions");

	if (err < 0)
		return err;
	if (!n)
		return eg_conf_error(conf, node,
				     "jurisdictions: an empty list would let "
				     "the content go nowhere; leave the key "
				     "out to approve every destination");
	for (i = 0; i < n; i++)
		if (!eg_is_jurisdiction(a->jurisdictions[i]))
			return eg_conf_error(
				conf, node,
				"jurisdictions: '%s' is not a jurisdiction "
				"code (upper case, such as US, DE or US-CA)",
				a->jurisdictions[i]);
	return 0;
}

static int parse_entry(struct eg_approval *a, struct eg_conf *conf,
		       yaml_node_t *node)
{
	yaml_node_t *v[KEY_JURISDICTIONS + 1];
	char **fields[6];
	const char *s;
	size_t i;
	int err;

	err = eg_conf_mapping(v, conf, node, "approval", keys);
	if (err < 0)
		return err;
	for (i = 0; i < KEY_JURISDICTIONS; i++)
		if (!v[i])
			return eg_conf_error(conf, node,
					     "approval: %s is missing (each "
					     "approval needs signature, "
					     "repository, content, ticket, "
					     "approver, basis and expires)",
					     keys[i]);
	fields[0] = &a->signature;
	fields[1] = &a->repository;
	fields[2] = &a->content;
	fields[3] = &a->ticket;
	fields[4] = &a->approver;
	fields[5] = &a->basis;
	for (i = 0; i < 6; i++) {
		err = eg_conf_strdup(fields[i], conf, v[i], keys[i]);
		if (err < 0)
			return err;
	}
	if (!is_object_id(a->content))
		return eg_conf_error(conf, v[2],
				     "content: '%s' is not a full object id "
				     "(40 or 64 hex digits: the tree, commit "
				     "or blob the finding names)",
				     a->content);
	for (i = 0; a->content[i]; i++)
		a->content[i] = (char)tolower((unsigned char)a->content[i]);
	err = eg_conf_string(&s, conf, v[6], "expires");
	if (err < 0)
		return err;
	if (!is_date(s))
		return eg_conf_error(conf, v[6],
				     "expires: '%s' is not a date "
				     "(YYYY-MM-DD)",
				     s);
	memcpy(a->expires, s, sizeof(a->expires));
	a->line = (unsigned)node->start_mark.line + 1;
	if (v[KEY_JURISDICTIONS])
		return parse_jurisdictions(a, conf, v[KEY_JURISDICTIONS]);
	return 0;
}

static int parse(struct eg_approvals **out, struct eg_conf *conf)
{
	struct eg_approvals *list;
	yaml_node_t *root = eg_conf_root(conf);
	yaml_node_item_t *item;
	int err = 0;

	list = eg_xcalloc(1, sizeof(*list));
	list->path = eg_xstrdup(conf->name);
	memcpy(list->sha256, conf->sha256, sizeof(list->sha256));
	if (!root || eg_conf_is_null(root))
		goto done;
	err = eg_conf_check_seq(conf, root, "approvals");
	if (err < 0)
		goto done;
	list->items = eg_xcalloc((size_t)(root->data.sequence.items.top -
					  root->data.sequence.items.start),
				 sizeof(*list->items));
	for (item = root->data.sequence.items.start;
	     item < root->data.sequence.items.top; item++) {
		err = parse_entry(&list->items[list->n++], conf,
				  eg_conf_node(conf, *item));
		if (err < 0)
			goto done;
	}
done:
	eg_conf_release(conf);
	if (err < 0) {
		eg_approvals_free(list);
		return err;
	}
	*out = list;
	return 0;
}

int eg_approvals_load(struct eg_approvals **out, const char *path)
{
	struct eg_conf conf = EG_CONF_INIT;
	int err = eg_conf_read(&conf, path);

	if (err < 0) {
		eg_conf_release(&conf);
		return err;
	}
	return parse(out, &conf);
}

int eg_approvals_parse(struct eg_approvals **out, const char *name,
		       const char *buf, size_t len)
{
	struct eg_conf conf = EG_CONF_INIT;
	int err = eg_conf_parse(&conf, name, buf, len);

	if (err < 0) {
		eg_conf_release(&conf);
		return err;
	}
	return parse(out, &conf);
}

void eg_approvals_free(struct eg_approvals *approvals)
{
	size_t i;

	if (!approvals)
		return;
	for (i = 0; i < approvals->n; i++) {
		struct eg_approval *a = &approvals->items[i];

		free(a->signature);
		free(a->repository);
		free(a->content);
		free(a->ticket);
		free(a->approver);
		free(a->basis);
		eg_conf_free_list(a->jurisdictions);
	}
	free(approvals->items);
	free(approvals->path);
	free(approvals);
}

static int covers(const struct eg_approval *a, const char *signature,
		  const char *repository, const char *const *content,
		  size_t ncontent)
{
	size_t i;

	if (strcmp(a->signature, signature) ||
	    !eg_reponame_match(a->repository, repository))
		return 0;
	for (i = 0; i < ncontent; i++)
		if (content[i] && !strcasecmp(a->content, content[i]))
			return 1;
	return 0;
}

const char *eg_approval_misses(const struct eg_approval *a,
			       const char *const *to, size_t nto)
{
	size_t i, k;

	for (i = 0; a->jurisdictions && i < nto; i++) {
		for (k = 0; a->jurisdictions[k]; k++)
			if (!strcmp(a->jurisdictions[k], to[i]))
				break;
		if (!a->jurisdictions[k])
			return to[i];
	}
	return NULL;
}

enum eg_approval_state eg_approvals_find(const struct eg_approval **out,
					 const struct eg_approvals *approvals,
					 const char *signature,
					 const char *repository,
					 const char *const *content,
					 size_t ncontent, const char *const *to,
					 size_t nto, const char *today)
{
	const struct eg_approval *best = NULL, *elsewhere = NULL;
	size_t i;

	for (i = 0; approvals && i < approvals->n; i++) {
		const struct eg_approval *a = &approvals->items[i];

		if (!covers(a, signature, repository, content, ncontent))
			continue;
		if (eg_approval_misses(a, to, nto)) {
			elsewhere = a;
			continue;
		}
		if (!best || strcmp(a->expires, best->expires) > 0)
			best = a;
	}
	if (out)
		*out = best ? best : elsewhere;
	if (!best)
		return elsewhere ? EG_APPROVAL_ELSEWHERE : EG_APPROVAL_NONE;
	return strcmp(best->expires, today) >= 0 ? EG_APPROVAL_VALID
						 : EG_APPROVAL_EXPIRED;
}

void eg_approvals_today(char out[11], time_t now)
{
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
