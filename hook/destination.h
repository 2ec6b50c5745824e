/* destination.h: the places a repository's content goes to. */
#ifndef EG_DESTINATION_H
#define EG_DESTINATION_H

#include <stddef.h>

#include <git2.h>

#include "policy.h"

struct eg_destination {
	char *url;	    /* password removed; NULL for this server */
	char *jurisdiction; /* upper-case code, NULL when unknown */
	char *via;	    /* how it was found: "this server", "remote X" */
};

/* Invariant: no two items have the same url, jurisdiction and via. */
struct eg_destinations {
	struct eg_destination *items;
	size_t n, alloc;
};

/* clang-format off */
#define EG_DESTINATIONS_INIT {NULL, 0, 0}
/* clang-format on */

/*
 * Add a destination; every string is copied and `url` is stored without its
 * password.  `url` and `jurisdiction` may be NULL.  Can't fail.
 */
void eg_destinations_add(struct eg_destinations *dests, const char *url,
			 const char *jurisdiction, const char *via);

/* Add `url` with its jurisdiction by the policy's destinations. */
void eg_destinations_add_url(struct eg_destinations *dests,
			     const struct eg_policy *policy, const char *url,
			     const char *via);

/*
 * Add every destination of a repository on this server: the server's own
 * jurisdiction; each remote of `repo` (may be NULL) that has
 * remote.<name>.mirror = true, by every URL git pushes it to (its pushurl
 * values or else its url, rewritten by url.<base>.pushInsteadOf and
 * insteadOf: see eg_remoteurl_push()); and
 * each policy mirrors entry whose repository glob matches `name` (may be
 * NULL).  EG_EGIT when the git configuration cannot be read, EG_ECONFIG
 * when a mirror setting is not a boolean.
 */
int eg_destinations_collect(struct eg_destinations *dests,
			    const struct eg_policy *policy,
			    git_repository *repo, const char *name);

/* The URL, or how it was found ("this server").  Borrowed. */
const char *eg_destination_label(const struct eg_destination *dest);

/* Free what `dests` holds and make it EG_DESTINATIONS_INIT again. */
void eg_destinations_release(struct eg_destinations *dests);

#endif
