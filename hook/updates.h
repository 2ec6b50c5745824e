/* updates.h: the ref updates git hands a hook on its standard input. */
#ifndef EG_UPDATES_H
#define EG_UPDATES_H

#include <stddef.h>
#include <stdio.h>

/* Git's ref names are far shorter; longer lines are refused. */
#define EG_UPDATES_MAX_LINE 4096
/* More ref updates than this in one push are refused. */
#define EG_UPDATES_MAX 1000000

struct eg_update {
	char *ref;	  /* the ref updated; pre-push: the remote's ref */
	char *local_ref;  /* pre-push only, else NULL */
	char old_hex[65]; /* pre-push: what the remote has */
	char new_hex[65]; /* pre-push: what is sent */
	int deleted;	  /* new_hex is all zeros */
};

struct eg_updates {
	struct eg_update *items;
	size_t n, alloc;
};

/* clang-format off */
#define EG_UPDATES_INIT {NULL, 0, 0}
/* clang-format on */

/*
 * Read pre-receive lines "<old> <new> <ref>" from `in` until its end.
 * Object ids are 40 or 64 lower-case hex digits, the same length on a
 * line; ref names must be valid.  EG_EUSAGE names the first bad line.
 */
int eg_updates_read_receive(struct eg_updates *out, FILE *in);

/*
 * Read pre-push lines "<local ref> <local sha> <remote ref> <remote sha>"
 * with the same checks.
 */
int eg_updates_read_push(struct eg_updates *out, FILE *in);

/* Whether `hex` is all zeros: git's "no object". */
int eg_updates_is_zero(const char *hex);

/* Free what `updates` holds and make it EG_UPDATES_INIT again. */
void eg_updates_release(struct eg_updates *updates);

#endif
