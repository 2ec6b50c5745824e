/* error.h: error codes and the one message set where a failure happens. */
#ifndef EG_ERROR_H
#define EG_ERROR_H

/*
 * Every fallible function returns 0 or one of these negative codes, and sets
 * the message once with eg_error_set() at the place where it fails.  Callers
 * propagate the code and never overwrite the message.
 */
enum {
	EG_OK = 0,
	EG_ERROR = -1,	   /* internal error */
	EG_ENOMEM = -2,	   /* out of memory */
	EG_ECONFIG = -3,   /* bad signature, policy or approvals file */
	EG_EUSAGE = -4,	   /* bad command line */
	EG_ENOTREPO = -5,  /* not a repository, or a bad revision */
	EG_EGIT = -6,	   /* libgit2 failed on an object: scan incomplete */
	EG_EIO = -7,	   /* a file could not be read or written */
	EG_EDEADLINE = -8, /* the deadline passed */
	EG_ESHAPE = -9,	   /* content past the scanner's limits, as made */
};

/*
 * Set the calling thread's message (printf format) and return `code`, so a
 * failure reads `return eg_error_set(EG_ECONFIG, "...")`.
 */
int eg_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Like eg_error_set(), taking libgit2's last message as the detail:
 * "<what>: <libgit2 message>".  Returns EG_EGIT.
 */
int eg_error_set_git(const char *what);

/* The same with another code, such as EG_ENOTREPO for a bad revision. */
int eg_error_set_git_code(int code, const char *what);

/* libgit2's last message on this thread, or "unknown error"; borrowed. */
const char *eg_error_git_message(void);

/* The calling thread's last message; never NULL, borrowed. */
const char *eg_error_last(void);

/* Forget the calling thread's message. */
void eg_error_clear(void);

/* Abort with a message when memory runs out; used by the eg_x* helpers. */
void *eg_xmalloc(size_t size);
void *eg_xcalloc(size_t nmemb, size_t size);
void *eg_xrealloc(void *ptr, size_t size);
char *eg_xstrdup(const char *s);
char *eg_xstrndup(const char *s, size_t n);
/* Grow *ptr (of *alloc elements of `size`) to hold at least `need`. */
void eg_xgrow(void **ptr, size_t *alloc, size_t need, size_t size);

#define EG_GROW(ptr, alloc, need) \
	eg_xgrow((void **)&(ptr), &(alloc), (need), sizeof(*(ptr)))

#endif
