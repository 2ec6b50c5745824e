/* remoteurl.h: the URLs git fetches from and pushes to for a named remote. */
#ifndef EG_REMOTEURL_H
#define EG_REMOTEURL_H

#include <stddef.h>

#include <git2.h>

/* A remote with more URLs than this is a configuration mistake. */
#define EG_REMOTEURL_MAX 64

/* URLs in git's order; each item is a new string the list owns. */
struct eg_remoteurl_list {
	char **items;
	size_t n, alloc;
};

/* clang-format off */
#define EG_REMOTEURL_LIST_INIT {NULL, 0, 0}
/* clang-format on */

/*
 * Add to `urls` the URLs `git push <remote>` pushes to, worked out as git's
 * remote.c does: each remote.<remote>.pushurl rewritten by
 * url.<base>.insteadOf; without a pushurl, each remote.<remote>.url that a
 * url.<base>.pushInsteadOf rewrites, or when none is, each url rewritten by
 * url.<base>.insteadOf.  Of the bases whose value starts the URL, the
 * longest value wins.  Nothing is added when the remote has no URL.
 * EG_EGIT when `cfg` cannot be read, EG_ECONFIG when the remote has more
 * than EG_REMOTEURL_MAX URLs.  Iterates `cfg`: pass a snapshot.
 */
int eg_remoteurl_push(struct eg_remoteurl_list *urls, git_config *cfg,
		      const char *remote);

/*
 * The URL `git fetch <remote>` fetches from: the first remote.<remote>.url
 * rewritten by url.<base>.insteadOf.  *url is a new string the caller
 * frees, or NULL when the remote has no url.  Fails as eg_remoteurl_push().
 */
int eg_remoteurl_fetch(char **url, git_config *cfg, const char *remote);

/* Free what `urls` holds and make it EG_REMOTEURL_LIST_INIT again. */
void eg_remoteurl_list_release(struct eg_remoteurl_list *urls);

#endif
