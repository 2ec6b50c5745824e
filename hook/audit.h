/* audit.h: the audit log, JSON Lines chained by SHA-256. */
#ifndef EG_AUDIT_H
#define EG_AUDIT_H

#include <stddef.h>

#include <jansson.h>

#include "digest.h"

#define EG_AUDIT_DEFAULT_PATH "/var/log/exportgate/audit.jsonl"

/* No record may be longer; the record writer keeps well under it. */
#define EG_AUDIT_MAX_RECORD (1u << 20)

/*
 * The log is a file of lines, one JSON object each.  Every record's first
 * key is "prev": the hex SHA-256 of the previous line's bytes (without its
 * newline), or 64 zeros for the first line, so changing, removing or
 * inserting a record breaks the chain at the next one.  The chain alone
 * does not show records cut from the end, nor a tail rewritten with its
 * hashes computed again: the chain's head (the SHA-256 of the last line)
 * kept elsewhere does.  The hook writes each new head to syslog, and
 * `audit verify --head` checks that the chain still reaches one.
 *
 * A torn line (an append cut short by a crash or power loss, so the file
 * does not end with a newline) is handled thus:
 *
 *  - eg_audit_verify() reports it as broken ("torn record") as long as it
 *    is the last line;
 *  - the next eg_audit_append() ends the fragment with a newline and writes
 *    its record after it, in the same write.  That record's "prev" is the
 *    SHA-256 of the fragment, like any line, and it carries
 *    "torn": {"bytes": N, "prev": H}: the fragment's length and the SHA-256
 *    of the line before the fragment (64 zeros when there is none).  The
 *    fragment is thus sealed: it stays in the log as evidence, its bytes
 *    and its place are covered by the chain, and the records before it stay
 *    linked through "torn.prev";
 *  - eg_audit_verify() then counts it as sealed rather than broken.  A line
 *    that is not a record and is not sealed that way is broken.
 *
 * A push whose append was torn was not accepted: the hook died before it
 * could exit 0.
 */

/*
 * Append `record` (a JSON object, borrowed; it must not have "prev" or
 * "torn" keys) to the log at `path`, creating the file (mode 0640) when
 * missing.  The append holds flock(LOCK_EX) on the log itself, reads the
 * last line under the lock to compute "prev", writes the whole line with
 * one write() and fsyncs before unlocking, so concurrent pushes chain one
 * after the other.  A failed or short write is undone (the file is cut back
 * to its length before) and returns EG_EIO, as do an unwritable file, a
 * full disk, a failed fsync and a lock not obtained within 30 seconds; the
 * caller turns that into a rejection.  On success `head`, when not NULL,
 * is the SHA-256 of the line written: the chain's new head.
 */
int eg_audit_append(const char *path, const json_t *record,
		    char head[EG_DIGEST_HEX]);

/* What eg_audit_verify() found. */
struct eg_audit_check {
	size_t records;	     /* records checked before the break, or all */
	size_t lines;	     /* lines read */
	size_t bad_line;     /* first broken line (1-based), 0 when intact */
	char why[256];	     /* why bad_line is broken */
	size_t sealed;	     /* torn lines sealed by the record after them */
	size_t first_sealed; /* the line of the first of those, or 0 */
	char head[EG_DIGEST_HEX]; /* SHA-256 of the last line read, or zeros */
	size_t head_line;	  /* the line whose SHA-256 is `expect`, or 0 */
};

/*
 * Check the chain of the log at `path`.  Returns 0 after reading the whole
 * log or up to its first broken record, with check->bad_line 0 when the
 * chain is intact (an empty file is intact, with no records); EG_EIO when
 * the file cannot be opened or read.  `expect`, when not NULL, is a head
 * kept elsewhere: check->head_line says which line it is, 0 when none.
 */
int eg_audit_verify(const char *path, const char *expect,
		    struct eg_audit_check *check);

#endif
