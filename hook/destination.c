/* destination.c: the places a repository's content goes to. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "destination.h"
#include "remoteurl.h"
#include "reponame.h"

/*
 * A repository with more mirror remotes than this is a configuration
 * mistake; the bound keeps the list small.
 */
#define MAX_MIRRORS 64

/* `url` without the password of "scheme://user:password@host/...". */
static char *redact(const char *url)
{
	const char *scheme = strstr(url, "://");
	const char *host, *end, *at = NULL, *colon, *p;
	char *s;

	if (!scheme)
		return eg_xstrdup(url);
	host = scheme + 3;
	end = host + strcspn(host, "/?#");
	for (p = host; p < end; p++)
		if (*p == '@')
			at = p;
	colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
	if (!colon)
		return eg_xstrdup(url);
	s = eg_xmalloc(strlen(url) + 1);
	memcpy(s, url, (size_t)(colon - url));
	strcpy(s + (colon - url), at);
	return s;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

void eg_destinations_add(struct eg_destinations *dests, const char *url,
			 const char *jurisdiction, const char *via)
{
	struct eg_destination *d;
	char *clean = url ? redact(url) : NULL;
	size_t i;

	for (i = 0; i < dests->n; i++) {
		d = &dests->items[i];
		if (same(d->url, clean) &&
		    same(d->jurisdiction, jurisdiction) && same(d->via, via)) {
			free(clean);
			return;
		}
	}
	EG_GROW(dests->items, dests->alloc, dests->n + 1);
	d = &dests->items[dests->n++];
	d->url = clean;
	d->jurisdiction = jurisdiction ? eg_xstrdup(jurisdiction) : NULL;
	d->via = eg_xstrdup(via);
}

void eg_destinations_add_url(struct eg_destinations *dests,
			     const struct eg_policy *policy, const char *url,
			     const char *via)
{
	eg_destinations_add(dests, url, eg_policy_jurisdiction(policy, url),
			    via);
}

/* Add each URL git pushes the mirror remote `remote` to. */
static int add_mirror_remote(struct eg_destinations *dests,
			     const struct eg_policy *policy, git_config *cfg,
			     const char *remote)
{
	struct eg_remoteurl_list urls = EG_REMOTEURL_LIST_INIT;
	char *via = eg_xmalloc(strlen(remote) + 32);
	size_t i;
	int err;

	sprintf(via, "mirror remote %s", remote);
	err = eg_remoteurl_push(&urls, cfg, remote);
	for (i = 0; !err && i < urls.n; i++)
		eg_destinations_add_url(dests, policy, urls.items[i], via);
	/* A mirror we cannot place is a destination of unknown jurisdiction. */
	if (!err && !urls.n)
		eg_destinations_add(dests, NULL, NULL, via);
	eg_remoteurl_list_release(&urls);
	free(via);
	return err;
}

static int add_mirror_remotes(struct eg_destinations *dests,
			      const struct eg_policy *policy,
			      git_repository *repo)
{
	git_config *cfg = NULL;
	git_config_iterator *it = NULL;
	git_config_entry *entry;
	char **names = NULL;
	size_t n = 0, alloc = 0, i;
	int err, on;

	if (git_repository_config_snapshot(&cfg, repo) < 0)
		return eg_error_set_git("reading the git configuration");
	/* Filtered by hand: libgit2's regex iterator leaks pcre2 memory. */
	if (git_config_iterator_new(&it, cfg) < 0) {
		err = eg_error_set_git("reading remote.*.mirror");
		goto done;
	}
	while ((err = git_config_next(&entry, it)) == 0) {
		const char *name = entry->name + strlen("remote.");
		size_t len = strlen(entry->name);

		if (strncmp(entry->name, "remote.", 7) || len < 15 ||
		    strcmp(entry->name + len - 7, ".mirror"))
			continue;
		len -= 14;

		/* "[remote "x"] mirror" with no value means true, as in git. */
		on = 1;
		if (entry->value && git_config_parse_bool(&on, entry->value)) {
			err = eg_error_set(EG_ECONFIG,
					   "git config %s: '%s' is not a "
					   "boolean",
					   entry->name, entry->value);
			goto done;
		}
		if (!on)
			continue;
		if (n >= MAX_MIRRORS) {
			err = eg_error_set(EG_ECONFIG,
					   "too many mirror remotes");
			goto done;
		}
		EG_GROW(names, alloc, n + 1);
		names[n++] = eg_xstrndup(name, len);
	}
	if (err != GIT_ITEROVER) {
		err = eg_error_set_git("reading remote.*.mirror");
		goto done;
	}
	err = 0;
	/* Iterating and reading the same config at once is not allowed. */
	git_config_iterator_free(it);
	it = NULL;
	for (i = 0; i < n && !err; i++)
		err = add_mirror_remote(dests, policy, cfg, names[i]);
done:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	git_config_iterator_free(it);
	git_config_free(cfg);
	return err;
}

int eg_destinations_collect(struct eg_destinations *dests,
			    const struct eg_policy *policy,
			    git_repository *repo, const char *name)
{
	size_t i;
	int err;

	eg_destinations_add(dests, NULL, policy->jurisdiction, "this server");
	if (repo) {
		err = add_mirror_remotes(dests, policy, repo);
		if (err < 0)
			return err;
	}
	for (i = 0; name && i < policy->nmirrors; i++)
		if (eg_reponame_match(policy->mirrors[i].repository, name))
			eg_destinations_add_url(dests, policy,
						policy->mirrors[i].url,
						"policy mirrors");
	return 0;
}

const char *eg_destination_label(const struct eg_destination *dest)
{
	return dest->url ? dest->url : dest->via;
}

void eg_destinations_release(struct eg_destinations *dests)
{
	size_t i;

	for (i = 0; i < dests->n; i++) {
		free(dests->items[i].url);
		free(dests->items[i].jurisdiction);
		free(dests->items[i].via);
	}
	free(dests->items);
	dests->items = NULL;
	dests->n = dests->alloc = 0;
}
