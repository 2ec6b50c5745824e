/* progress.h: one self-updating progress line on stderr. */
#ifndef EG_PROGRESS_H
#define EG_PROGRESS_H

#include <stddef.h>

#include "report.h"

struct eg_progress {
	int enabled;
	long long start_ms, last_ms;
	size_t total_commits;
	int shown;
};

void eg_progress_init(struct eg_progress *p, int enabled);
/* Redraw at most a few times a second.  Can't fail. */
void eg_progress_update(struct eg_progress *p, const struct eg_report *r);
/* Clear the line. */
void eg_progress_done(struct eg_progress *p);

#endif
