/* remoteurl.c: the URLs git fetches from and pushes to for a named remote. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "remoteurl.h"

/*
 * git_remote_lookup() rewrites URLs the same way, but keeps one url and one
 * pushurl, the last of each, where git pushes to every pushurl (and fetches
 * from the first url): a mirror's second pushurl would go unseen.
 */

/* Add each non-empty value of the multivar remote.<remote>.<key>. */
static int read_values(struct eg_remoteurl_list *urls, git_config *cfg,
		       const char *remote, const char *key)
{
	git_config_iterator *it = NULL;
	git_config_entry *entry;
	char *name = eg_xmalloc(strlen(remote) + strlen(key) + 9);
	int err;

	sprintf(name, "remote.%s.%s", remote, key);
	if (git_config_multivar_iterator_new(&it, cfg, name, NULL) < 0) {
		err = eg_error_set_git(name);
		goto done;
	}
	while ((err = git_config_next(&entry, it)) == 0) {
		if (!entry->value || !*entry->value)
			continue;
		if (urls->n >= EG_REMOTEURL_MAX) {
			err = eg_error_set(EG_ECONFIG, "%s: too many values",
					   name);
			goto done;
		}
		EG_GROW(urls->items, urls->alloc, urls->n + 1);
		urls->items[urls->n++] = eg_xstrdup(entry->value);
	}
	if (err == GIT_ITEROVER)
		err = 0;
	else
		err = eg_error_set_git(name);
done:
	git_config_iterator_free(it);
	free(name);
	return err;
}

/*
 * `url` rewritten by the url.<base>.<kind> ("insteadof" or "pushinsteadof",
 * as libgit2 spells config keys) whose value is the longest start of
 * `url`, the first of equals winning, as in git's alias_url(): *out is a
 * new string, or NULL when no value starts `url`.
 */
static int rewrite(char **out, git_config *cfg, const char *url,
		   const char *kind)
{
	git_config_iterator *it = NULL;
	git_config_entry *entry;
	size_t longest = 0, klen = strlen(kind), len, vlen;
	char *base = NULL;
	int err;

	*out = NULL;
	/* Filtered by hand: libgit2's regex iterator leaks pcre2 memory. */
	if (git_config_iterator_new(&it, cfg) < 0)
		return eg_error_set_git("reading url.<base>.insteadOf");
	while ((err = git_config_next(&entry, it)) == 0) {
		len = strlen(entry->name);
		if (strncmp(entry->name, "url.", 4) || len < klen + 6 ||
		    entry->name[len - klen - 1] != '.' ||
		    strcmp(entry->name + len - klen, kind) || !entry->value)
			continue;
		vlen = strlen(entry->value);
		if (vlen <= longest || strncmp(url, entry->value, vlen))
			continue;
		longest = vlen;
		free(base);
		base = eg_xstrndup(entry->name + 4, len - klen - 5);
	}
	git_config_iterator_free(it);
	if (err != GIT_ITEROVER) {
		free(base);
		return eg_error_set_git("reading url.<base>.insteadOf");
	}
	if (base) {
		*out = eg_xmalloc(strlen(base) + strlen(url + longest) + 1);
		sprintf(*out, "%s%s", base, url + longest);
		free(base);
	}
	return 0;
}

/* Rewrite every item of `urls` by `kind` where a base matches. */
static int rewrite_all(struct eg_remoteurl_list *urls, git_config *cfg,
		       const char *kind)
{
	char *alias;
	size_t i;
	int err;

	for (i = 0; i < urls->n; i++) {
		if ((err = rewrite(&alias, cfg, urls->items[i], kind)) < 0)
			return err;
		if (alias) {
			free(urls->items[i]);
			urls->items[i] = alias;
		}
	}
	return 0;
}

/* Move the items of `from` to the end of `to`; `from` is left empty. */
static void take_all(struct eg_remoteurl_list *to,
		     struct eg_remoteurl_list *from)
{
	size_t i;

	EG_GROW(to->items, to->alloc, to->n + from->n);
	for (i = 0; i < from->n; i++)
		to->items[to->n++] = from->items[i];
	from->n = 0;
}

int eg_remoteurl_push(struct eg_remoteurl_list *urls, git_config *cfg,
		      const char *remote)
{
	struct eg_remoteurl_list pushurls = EG_REMOTEURL_LIST_INIT;
	struct eg_remoteurl_list plain = EG_REMOTEURL_LIST_INIT;
	struct eg_remoteurl_list aliases = EG_REMOTEURL_LIST_INIT;
	char *alias;
	size_t i;
	int err;

	if ((err = read_values(&pushurls, cfg, remote, "pushurl")) < 0)
		goto done;
	if (pushurls.n) {
		/* pushInsteadOf does not rewrite an explicit pushurl. */
		if (!(err = rewrite_all(&pushurls, cfg, "insteadof")))
			take_all(urls, &pushurls);
		goto done;
	}
	if ((err = read_values(&plain, cfg, remote, "url")) < 0)
		goto done;
	for (i = 0; i < plain.n; i++) {
		if ((err = rewrite(&alias, cfg, plain.items[i],
				   "pushinsteadof")) < 0)
			goto done;
		if (alias) {
			EG_GROW(aliases.items, aliases.alloc, aliases.n + 1);
			aliases.items[aliases.n++] = alias;
		}
	}
	/* Git pushes to the pushInsteadOf aliases alone when there are any. */
	if (aliases.n)
		take_all(urls, &aliases);
	else if (!(err = rewrite_all(&plain, cfg, "insteadof")))
		take_all(urls, &plain);
done:
	eg_remoteurl_list_release(&aliases);
	eg_remoteurl_list_release(&plain);
	eg_remoteurl_list_release(&pushurls);
	return err;
}

int eg_remoteurl_fetch(char **url, git_config *cfg, const char *remote)
{
	struct eg_remoteurl_list plain = EG_REMOTEURL_LIST_INIT;
	int err;

	*url = NULL;
	if ((err = read_values(&plain, cfg, remote, "url")) < 0 || !plain.n)
		goto done;
	if ((err = rewrite(url, cfg, plain.items[0], "insteadof")) < 0)
		goto done;
	if (!*url) {
		*url = plain.items[0];
		plain.items[0] = NULL;
	}
done:
	eg_remoteurl_list_release(&plain);
	return err;
}

void eg_remoteurl_list_release(struct eg_remoteurl_list *urls)
{
	size_t i;

	for (i = 0; i < urls->n; i++)
		free(urls->items[i]);
	free(urls->items);
	urls->items = NULL;
	urls->n = urls->alloc = 0;
}
