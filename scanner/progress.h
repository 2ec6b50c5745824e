/* progress.h: one self-updating progress line on stderr. */
#ifndef EG_PROGRESS_H
#define EG_PROGRESS_H

#include <stddef.h>

#include "report.h"

/*
 * What a scan is doing.  A history scan with worker threads first lists
 * the unique blobs of every snapshot (LISTING), reads and matches them
 * (BLOBS), then judges each commit's snapshot (COMMITS); with one thread it
 * reads blobs while judging commits.
 */
enum eg_progress_phase {
	EG_PROGRESS_AUTO,    /* guessed from the scope and the counters */
	EG_PROGRESS_LISTING, /* counting blobs into total_blobs */
	EG_PROGRESS_BLOBS,   /* reading and matching the blobs */
	EG_PROGRESS_COMMITS, /* judging each commit */
	EG_PROGRESS_FILES,   /* reading a folder or a work tree */
};

/*
 * The scan sets total_commits when the commits are listed, and counts
 * total_blobs up while LISTING (0: not known).  The other counters are the
 * report's; a phase's rate and ETA are measured from when it began.
 */
struct eg_progress {
	int enabled;
	long long interval_ms; /* between redraws; EXPORTGATE_PROGRESS_MS */
	long long start_ms, last_ms;
	size_t total_commits;
	size_t total_blobs;
	enum eg_progress_phase phase; /* as set, or AUTO */
	enum eg_progress_phase shown_phase;
	long long phase_ms;
	unsigned long long phase_commits, phase_blobs, phase_bytes;
	int shown;
};

void eg_progress_init(struct eg_progress *p, int enabled);
/*
 * Say which phase the scan is in from now on, with the report's counters
 * as they are at its start; EG_PROGRESS_AUTO goes back to guessing.
 * Can't fail.
 */
void eg_progress_set_phase(struct eg_progress *p, enum eg_progress_phase phase,
			   const struct eg_report *r);
/* Redraw at most every interval_ms.  Can't fail. */
void eg_progress_update(struct eg_progress *p, const struct eg_report *r);
/* Clear the line. */
void eg_progress_done(struct eg_progress *p);

/* n bytes for people: "512 bytes", "4.6 KiB", "1.2 GiB".  Can't fail. */
void eg_progress_format_size(char *buf, size_t len, unsigned long long n);

#endif
