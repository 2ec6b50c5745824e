/* audit.c: appending to the audit log's hash chain, and checking it. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "audit.h"
#include "digest.h"

#define LOCK_TIMEOUT_MS 30000
#define LOCK_POLL_MS	10
/* The tail read to chain a record: a torn fragment and the line before. */
#define MAX_TAIL (4 * (EG_AUDIT_MAX_RECORD + 2))

/* The end of the log that an append needs to read. */
struct tail {
	char *buf;
	size_t len; /* bytes of the file's end held in buf */
	off_t off;  /* where buf starts in the file */
};

/* Index just past the last '\n' in buf[0, end), or 0 when none. */
static size_t line_start(const char *buf, size_t end)
{
	while (end > 0 && buf[end - 1] != '\n')
		end--;
	return end;
}

static int pread_full(int fd, char *buf, size_t len, off_t off)
{
	ssize_t n;
	size_t got = 0;

	while (got < len) {
		n = pread(fd, buf + got, len - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

/*
 * Whether the tail holds what an append must hash: the whole last line
 * and, when the file does not end with a newline, the line before it too.
 */
static int tail_enough(const struct tail *t)
{
	size_t s;

	if (t->off == 0)
		return 1;
	if (t->buf[t->len - 1] == '\n')
		return line_start(t->buf, t->len - 1) > 0;
	s = line_start(t->buf, t->len);
	return s > 0 && line_start(t->buf, s - 1) > 0;
}

static int read_tail(struct tail *t, int fd, off_t size, const char *path)
{
	size_t window = 1u << 16;

	for (;;) {
		t->off = size > (off_t)window ? size - (off_t)window : 0;
		t->len = (size_t)(size - t->off);
		t->buf = eg_xrealloc(t->buf, t->len);
		if (pread_full(fd, t->buf, t->len, t->off) < 0)
			return eg_error_set(EG_EIO, "%s: cannot read: %s", path,
					    errno ? strerror(errno)
						  : "file shrank");
		if (tail_enough(t))
			return 0;
		if (window >= MAX_TAIL)
			return eg_error_set(EG_EIO,
					    "%s: the last line is longer than "
					    "any record (%u bytes): the log is "
					    "damaged; move it aside",
					    path, EG_AUDIT_MAX_RECORD);
		window *= 2;
	}
}

/*
 * "prev" for a new record after the tail, and when the log ends in a torn
 * fragment, the "torn" object that seals it (set in *torn, new reference).
 */
static int chain(char prev[EG_DIGEST_HEX], json_t **torn, const struct tail *t)
{
	char before[EG_DIGEST_HEX];
	size_t f, p;
	int err;

	*torn = NULL;
	if (!t->len) {
		memcpy(prev, EG_DIGEST_ZERO, EG_DIGEST_HEX);
		return 0;
	}
	if (t->buf[t->len - 1] == '\n') {
		p = line_start(t->buf, t->len - 1);
		return eg_digest_sha256(prev, t->buf + p, t->len - 1 - p);
	}
	f = line_start(t->buf, t->len);
	err = eg_digest_sha256(prev, t->buf + f, t->len - f);
	if (err < 0)
		return err;
	if (f == 0) {
		memcpy(before, EG_DIGEST_ZERO, EG_DIGEST_HEX);
	} else {
		p = line_start(t->buf, f - 1);
		err = eg_digest_sha256(before, t->buf + p, f - 1 - p);
		if (err < 0)
			return err;
	}
	*torn = json_pack("{s:I,s:s}", "bytes", (json_int_t)(t->len - f),
			  "prev", before);
	if (!*torn)
		return eg_error_set(EG_ENOMEM, "cannot build the audit record");
	return 0;
}

/* The line to append: "prev" (and "torn") first, then the record. */
static int render(char **out, size_t *outlen, const json_t *record,
		  const char *prev, json_t *torn, const char *path)
{
	json_t *obj = json_object();
	const char *key;
	json_t *value;
	char *text = NULL;
	size_t len;
	int err = 0;

	if (!obj || json_object_set_new(obj, "prev", json_string(prev)) ||
	    (torn && json_object_set(obj, "torn", torn))) {
		err = eg_error_set(EG_ENOMEM, "cannot build the audit record");
		goto done;
	}
	/* jansson's iteration is read-only; the cast is for its macro. */
	json_object_foreach((json_t *)record, key, value)
	{
		if (!strcmp(key, "prev") || !strcmp(key, "torn"))
			continue;
		if (json_object_set(obj, key, value)) {
			err = eg_error_set(EG_ENOMEM,
					   "cannot build the audit record");
			goto done;
		}
	}
	text = json_dumps(obj, JSON_COMPACT);
	if (!text) {
		err = eg_error_set(EG_ENOMEM, "cannot build the audit record");
		goto done;
	}
	len = strlen(text);
	if (len > EG_AUDIT_MAX_RECORD) {
		err = eg_error_set(EG_ERROR,
				   "%s: record of %zu bytes is too long", path,
				   len);
		goto done;
	}
	*out = eg_xmalloc(len + 3);
	*outlen = 0;
	if (torn)
		(*out)[(*outlen)++] = '\n';
	memcpy(*out + *outlen, text, len);
	*outlen += len;
	(*out)[(*outlen)++] = '\n';
	(*out)[*outlen] = '\0';
done:
	free(text);
	json_decref(obj);
	return err;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/*
 * Open and lock the log.  A log rotated (renamed) between our open and our
 * lock is not the log any more: open the new one and lock again.
 */
static int open_locked(int *out, const char *path)
{
	struct stat a, b;
	long waited = 0;
	int fd, tries;

	for (tries = 0; tries < 5; tries++) {
		fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (fd < 0)
			return eg_error_set(EG_EIO, "%s: cannot open: %s", path,
					    strerror(errno));
		while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if ((errno != EWOULDBLOCK && errno != EINTR) ||
			    waited >= LOCK_TIMEOUT_MS) {
				int e = errno;

				close(fd);
				return eg_error_set(
					EG_EIO, "%s: cannot lock: %s", path,
					e == EWOULDBLOCK ? "still locked after "
							   "30 seconds"
							 : strerror(e));
			}
			sleep_ms(LOCK_POLL_MS);
			waited += LOCK_POLL_MS;
		}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
			*out = fd;
			return 0;
		}
		close(fd);
	}
	return eg_error_set(EG_EIO, "%s: keeps being replaced", path);
}

/* A new log's name must survive a crash too. */
static void sync_dir(const char *path)
{
	char *copy = eg_xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

int eg_audit_append(const char *path, const json_t *record,
		    char head[EG_DIGEST_HEX])
{
	struct tail t = {NULL, 0, 0};
	char prev[EG_DIGEST_HEX];
	json_t *torn = NULL;
	char *line = NULL;
	size_t len = 0;
	struct stat st;
	ssize_t n;
	int fd = -1, err;

	err = open_locked(&fd, path);
	if (err < 0)
		return err;
	if (fstat(fd, &st) < 0) {
		err = eg_error_set(EG_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		err = eg_error_set(EG_EIO, "%s: not a regular file", path);
		goto done;
	}
	err = read_tail(&t, fd, st.st_size, path);
	if (!err)
		err = chain(prev, &torn, &t);
	if (!err)
		err = render(&line, &len, record, prev, torn, path);
	if (err < 0)
		goto done;

	do {
		n = write(fd, line, len);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len) {
		err = eg_error_set(EG_EIO, "%s: cannot write: %s", path,
				   n < 0 ? strerror(errno) : "short write");
		/* Leave no torn record behind when we can help it. */
		if (ftruncate(fd, st.st_size) < 0)
			err = eg_error_set(EG_EIO,
					   "%s: cannot write, and a torn "
					   "record is left: %s",
					   path, strerror(errno));
		goto done;
	}
	if (fsync(fd) < 0) {
		err = eg_error_set(EG_EIO, "%s: cannot sync: %s", path,
				   strerror(errno));
		/* Best effort: a record of a push that is rejected now. */
		if (ftruncate(fd, st.st_size) == 0)
			fsync(fd);
		goto done;
	}
	if (st.st_size == 0)
		sync_dir(path);
	/* the record alone: a seal's newline ends the line before it */
	if (head)
		err = eg_digest_sha256(head, line + (torn != NULL),
				       len - 1 - (torn != NULL));
done:
	if (fd >= 0)
		close(fd); /* releases the lock */
	json_decref(torn);
	free(line);
	free(t.buf);
	return err;
}

static void broken(struct eg_audit_check *check, size_t line, const char *why)
{
	check->bad_line = line;
	snprintf(check->why, sizeof(check->why), "%s", why);
}

/* The chain as it stands after the lines read so far. */
struct verify_state {
	size_t ln;		    /* the last line read */
	char hash[EG_DIGEST_HEX];   /* of line ln, zeros before line 1 */
	char before[EG_DIGEST_HEX]; /* of line ln - 1, zeros before 1 */
	size_t len;		    /* bytes of line ln */
	int fragment;		    /* line ln is not a record */
};

/*
 * Check the record `obj` at line `ln` against the chain `st` of the lines
 * before it.  0 when it holds, 1 when check names the broken line.
 */
static int check_record(struct eg_audit_check *check, json_t *obj, size_t ln,
			const struct verify_state *st)
{
	const char *prev = json_string_value(json_object_get(obj, "prev"));
	json_t *torn = json_object_get(obj, "torn");
	json_t *bytes = json_object_get(torn, "bytes");
	const char *tprev = json_string_value(json_object_get(torn, "prev"));
	char why[200];

	if (!prev || !eg_digest_is_hex(prev)) {
		broken(check, ln, "no \"prev\" hash of 64 hex digits");
		return 1;
	}
	if (st->fragment && !torn) {
		broken(check, st->ln,
		       "not a record, and the record after it does not seal "
		       "it as torn");
		return 1;
	}
	if (strcmp(prev, st->hash)) {
		snprintf(why, sizeof(why),
			 ln == 1 ? "\"prev\" of the first record is not 64 "
				   "zeros: records before it were removed"
				 : "\"prev\" is not the SHA-256 of line %zu: "
				   "a record was changed, removed or inserted",
			 ln - 1);
		broken(check, ln, why);
		return 1;
	}
	if (!torn)
		return 0;
	/* A seal vouches for the line it follows and for the one before. */
	if (ln == 1 || !json_is_integer(bytes) ||
	    json_integer_value(bytes) != (json_int_t)st->len || !tprev ||
	    strcmp(tprev, st->before)) {
		snprintf(why, sizeof(why),
			 "\"torn\" does not describe line %zu and the line "
			 "before it: a record was changed, removed or inserted",
			 ln - 1);
		broken(check, ln, why);
		return 1;
	}
	check->sealed++;
	if (!check->first_sealed)
		check->first_sealed = ln - 1;
	return 0;
}

int eg_audit_verify(const char *path, const char *expect,
		    struct eg_audit_check *check)
{
	struct verify_state st;
	size_t cap = 0;
	char *line = NULL;
	ssize_t n;
	FILE *f;
	int err = 0;

	memset(check, 0, sizeof(*check));
	memset(&st, 0, sizeof(st));
	memcpy(st.hash, EG_DIGEST_ZERO, EG_DIGEST_HEX);
	memcpy(st.before, EG_DIGEST_ZERO, EG_DIGEST_HEX);
	f = fopen(path, "re");
	if (!f)
		return eg_error_set(EG_EIO, "%s: cannot open: %s", path,
				    strerror(errno));
	errno = 0;
	while ((n = getline(&line, &cap, f)) > 0) {
		size_t len = (size_t)n, ln = st.ln + 1;
		json_t *obj;
		int fragment;

		if (line[len - 1] != '\n') {
			broken(check, ln,
			       "torn record: the log does not end with a "
			       "newline (an append was interrupted); the next "
			       "append seals it");
			st.ln = ln;
			goto done;
		}
		line[--len] = '\0';
		obj = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
		fragment = !json_is_object(obj);
		if (fragment && st.fragment) {
			broken(check, st.ln,
			       "not a record, and the line after it is not one "
			       "either");
		} else if (!fragment && !check_record(check, obj, ln, &st)) {
			check->records++;
		}
		json_decref(obj);
		st.ln = ln;
		if (check->bad_line)
			goto done;
		memcpy(st.before, st.hash, EG_DIGEST_HEX);
		err = eg_digest_sha256(st.hash, line, len);
		if (err < 0)
			goto done;
		if (expect && !check->head_line && !strcmp(st.hash, expect))
			check->head_line = ln;
		st.len = len;
		st.fragment = fragment;
		errno = 0;
	}
	if (ferror(f)) {
		err = eg_error_set(EG_EIO, "%s: cannot read: %s", path,
				   strerror(errno));
		goto done;
	}
	if (st.fragment)
		broken(check, st.ln,
		       "not a record (the last line), and not sealed as torn");
done:
	check->lines = st.ln;
	memcpy(check->head, st.hash, EG_DIGEST_HEX);
	free(line);
	fclose(f);
	return err;
}
