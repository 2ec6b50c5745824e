/* progress.c: one self-updating progress line on stderr. */
#include <stdio.h>

#include "progress.h"
#include "scan.h"

void eg_progress_init(struct eg_progress *p, int enabled)
{
	p->enabled = enabled;
	p->start_ms = p->last_ms = eg_now_ms();
	p->total_commits = 0;
	p->shown = 0;
}

void eg_progress_update(struct eg_progress *p, const struct eg_report *r)
{
	long long now, elapsed;
	double mib, rate;

	if (!p->enabled)
		return;
	now = eg_now_ms();
	if (now - p->last_ms < 200)
		return;
	p->last_ms = now;
	elapsed = now - p->start_ms;
	mib = (double)r->bytes / (1024.0 * 1024.0);
	rate = elapsed > 0 ? mib * 1000.0 / (double)elapsed : 0.0;
	fprintf(stderr, "\r\033[Kexportgate: commits %llu", r->commits);
	if (p->total_commits)
		fprintf(stderr, "/%zu", p->total_commits);
	fprintf(stderr, ", blobs %llu, %.1f MiB, %.1f MiB/s", r->blobs, mib,
		rate);
	if (p->total_commits && r->commits > 0 &&
	    r->commits < p->total_commits) {
		long long eta = elapsed * (long long)(p->total_commits - r->commits) /
				(long long)r->commits / 1000;

		fprintf(stderr, ", ETA %llds", eta);
	}
	fflush(stderr);
	p->shown = 1;
}

void eg_progress_done(struct eg_progress *p)
{
	if (p->enabled && p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}
