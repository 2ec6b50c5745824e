/* progress.c: one self-updating progress line on stderr. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "progress.h"
#include "scan.h"

#define DEFAULT_INTERVAL_MS 200
#define LINE_MAX_BYTES	    256

/* A line being built; what does not fit is dropped. */
struct line {
	char buf[LINE_MAX_BYTES];
	size_t len;
};

static void add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n < sizeof(l->buf) - l->len
				  ? (size_t)n
				  : sizeof(l->buf) - l->len - 1;
}

void eg_progress_format_size(char *buf, size_t len, unsigned long long n)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%llu %s", n, n == 1 ? "byte" : "bytes");
		return;
	}
	while (v >= 1024.0 && u < 3) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, units[u]);
}

static void add_eta(struct line *l, long long seconds)
{
	if (seconds < 60)
		add(l, ", ETA %llds", seconds);
	else if (seconds < 3600)
		add(l, ", ETA %lldm%02llds", seconds / 60, seconds % 60);
	else
		add(l, ", ETA %lldh%02lldm", seconds / 3600, seconds / 60 % 60);
}

/* Time left for `todo` more items at the pace of `done` in `ms`. */
static void add_eta_for(struct line *l, unsigned long long done,
			unsigned long long todo, long long ms)
{
	if (done && ms > 0)
		add_eta(l, (long long)((double)ms * (double)todo /
				       (double)done / 1000.0));
}

/* The columns of stderr's terminal, 80 when it has none. */
static size_t term_columns(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

void eg_progress_init(struct eg_progress *p, int enabled)
{
	const char *env = getenv("EXPORTGATE_PROGRESS_MS");
	char *end;
	long ms;

	memset(p, 0, sizeof(*p));
	p->enabled = enabled;
	p->interval_ms = DEFAULT_INTERVAL_MS;
	if (env && *env) {
		ms = strtol(env, &end, 10);
		if (!*end && ms >= 0 && ms <= 60000)
			p->interval_ms = ms;
	}
	p->start_ms = p->last_ms = p->phase_ms = eg_now_ms();
}

static void begin_phase(struct eg_progress *p, enum eg_progress_phase phase,
			const struct eg_report *r)
{
	p->shown_phase = phase;
	p->phase_ms = eg_now_ms();
	p->phase_commits = r->commits;
	p->phase_blobs = r->blobs;
	p->phase_bytes = r->bytes;
}

void eg_progress_set_phase(struct eg_progress *p, enum eg_progress_phase phase,
			   const struct eg_report *r)
{
	p->phase = phase;
	if (phase != EG_PROGRESS_AUTO)
		begin_phase(p, phase, r);
}

/*
 * Without word from the scan: a folder is read file by file, one snapshot
 * blob by blob; a history's blobs come first when no commit has been
 * judged yet.
 */
static enum eg_progress_phase guess_phase(const struct eg_progress *p,
					  const struct eg_report *r)
{
	if (r->scope == EG_TARGET_DIR || r->scope == EG_TARGET_WORKTREE)
		return EG_PROGRESS_FILES;
	if (r->scope == EG_TARGET_TREE)
		return EG_PROGRESS_BLOBS;
	if (p->total_commits > 1 && r->commits == 0)
		return EG_PROGRESS_BLOBS;
	return EG_PROGRESS_COMMITS;
}

/* Per second, over the current phase. */
static double per_second(unsigned long long n, long long ms)
{
	return ms > 0 ? (double)n * 1000.0 / (double)ms : 0.0;
}

/*
 * Most telling first: what is done of what, and the ETA, so that a narrow
 * terminal cuts only the sizes and rates at the end.
 */
static void describe(struct line *l, const struct eg_progress *p,
		     const struct eg_report *r, long long now)
{
	long long ms = now - p->phase_ms;
	char size[32], speed[32];

	eg_progress_format_size(size, sizeof(size), r->bytes);
	eg_progress_format_size(
		speed, sizeof(speed),
		(unsigned long long)per_second(r->bytes - p->phase_bytes, ms));
	switch (p->shown_phase) {
	case EG_PROGRESS_LISTING:
		add(l, "listing blobs: %zu found", p->total_blobs);
		if (p->total_commits)
			add(l, " in the trees of %zu commits",
			    p->total_commits);
		break;
	case EG_PROGRESS_FILES:
		add(l, "reading files: %llu, %s at %s/s", r->blobs, size,
		    speed);
		break;
	case EG_PROGRESS_BLOBS:
		add(l, "reading blobs: %llu", r->blobs);
		if (p->total_blobs)
			add(l, "/%zu", p->total_blobs);
		if (p->total_blobs && r->blobs < p->total_blobs)
			add_eta_for(l, r->blobs - p->phase_blobs,
				    p->total_blobs - r->blobs, ms);
		add(l, ", %s at %s/s", size, speed);
		if (p->total_commits)
			add(l, ", of %zu commits", p->total_commits);
		break;
	default:
		add(l, "judging commits: %llu", r->commits);
		if (p->total_commits)
			add(l, "/%zu", p->total_commits);
		if (p->total_commits && r->commits < p->total_commits)
			add_eta_for(l, r->commits - p->phase_commits,
				    p->total_commits - r->commits, ms);
		if (ms > 0)
			add(l, ", %.0f/s",
			    per_second(r->commits - p->phase_commits, ms));
		add(l, ", %llu %s, %s", r->blobs,
		    r->blobs == 1 ? "blob" : "blobs", size);
		break;
	}
}

void eg_progress_update(struct eg_progress *p, const struct eg_report *r)
{
	struct line l = {"", 0};
	enum eg_progress_phase phase;
	size_t width;
	long long now;

	if (!p->enabled)
		return;
	phase = p->phase != EG_PROGRESS_AUTO ? p->phase : guess_phase(p, r);
	if (phase != p->shown_phase)
		begin_phase(p, phase, r);
	now = eg_now_ms();
	if (now - p->last_ms < p->interval_ms)
		return;
	p->last_ms = now;
	add(&l, "exportgate: ");
	describe(&l, p, r, now);
	/* One character short of the width, so the line never wraps. */
	width = term_columns();
	if (l.len > width - 1)
		l.len = width - 1;
	fprintf(stderr, "\r\033[K%.*s", (int)l.len, l.buf);
	fflush(stderr);
	p->shown = 1;
}

void eg_progress_done(struct eg_progress *p)
{
	if (p->enabled && p->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->shown = 0;
}
