/* match.c: prefilter, then the candidate regexes, on one file's content. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <fnmatch.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <pcre2.h>

#include "archive.h"
#include "error.h"
#include "evidence.h"
#include "kind.h"
#include "livescript.h"
#include "match.h"
#include "notebook.h"
#include "prefilter.h"
#include "rmarkdown.h"
#include "text.h"
#include "utf16.h"

/* Bounds on one regex on one file: past them the file is incomplete. */
#define MATCH_LIMIT  5000000
#define DEPTH_LIMIT  100000
#define NOTEBOOK_MAX (64u << 20)

/* Where a pattern's hits lie in eg_matcher.hits, in the file of `file`. */
struct hit_span {
	size_t from, to;
	unsigned long file;
};

struct eg_matcher {
	const struct eg_sigset *set;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit;
	eg_word *candidates;
	struct eg_prefilter_places *places; /* per pattern */
	size_t words;
	struct eg_hit *hits;
	size_t nhits, hits_alloc;
	/* per pattern, for its copies (eg_pattern.same_as); `file` counts */
	struct hit_span *spans;
	unsigned long file;
	int depth; /* of archives: 1 while an archive's members are matched */
	/* EXPORTGATE_PROFILE: time and runs per pattern, printed at the end */
	unsigned long long *profile_ns, *profile_runs;
};

struct eg_matcher *eg_matcher_new(const struct eg_sigset *set)
{
	struct eg_matcher *m = eg_xcalloc(1, sizeof(*m));

	m->set = set;
	m->md = pcre2_match_data_create(1, NULL);
	m->mctx = pcre2_match_context_create(NULL);
	m->jit = pcre2_jit_stack_create(32 * 1024, 4 * 1024 * 1024, NULL);
	if (!m->md || !m->mctx || !m->jit)
		eg_xmalloc((size_t)-1); /* aborts: out of memory */
	pcre2_set_match_limit(m->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, DEPTH_LIMIT);
	pcre2_jit_stack_assign(m->mctx, NULL, m->jit);
	m->words = EG_BITSET_WORDS(set->npatterns);
	m->candidates = eg_xcalloc(m->words ? m->words : 1, sizeof(eg_word));
	m->places = eg_xcalloc(set->npatterns ? set->npatterns : 1,
			       sizeof(*m->places));
	m->spans = eg_xcalloc(set->npatterns ? set->npatterns : 1,
			      sizeof(*m->spans));
	if (getenv("EXPORTGATE_PROFILE")) {
		m->profile_ns =
			eg_xcalloc(set->npatterns + 1, sizeof(*m->profile_ns));
		m->profile_runs = eg_xcalloc(set->npatterns + 1,
					     sizeof(*m->profile_runs));
	}
	return m;
}

void eg_matcher_free(struct eg_matcher *m)
{
	size_t i;

	if (!m)
		return;
	if (m->profile_ns) {
		for (i = 0; i < m->set->npatterns; i++)
			if (m->profile_runs[i])
				fprintf(stderr,
					"profile %-28s %8llu runs %10.1f ms\n",
					m->set->patterns[i].id,
					m->profile_runs[i],
					(double)m->profile_ns[i] / 1e6);
		free(m->profile_ns);
		free(m->profile_runs);
	}
	pcre2_match_data_free(m->md);
	pcre2_match_context_free(m->mctx);
	pcre2_jit_stack_free(m->jit);
	free(m->candidates);
	for (i = 0; i < m->set->npatterns; i++)
		free(m->places[i].at);
	free(m->places);
	free(m->spans);
	free(m->hits);
	free(m);
}

void eg_blob_result_free(struct eg_blob_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nhits; i++) {
		free(r->hits[i].excerpt);
		free(r->hits[i].member);
	}
	free(r->hits);
	free(r->patterns);
	free(r);
}

/* The line around `off`, trimmed, at most EG_EXCERPT_MAX bytes, UTF-8. */
static char *make_excerpt(const unsigned char *buf, size_t len,
			  size_t line_start, size_t off)
{
	size_t end = off, start = line_start, n = 0, i;
	char *out;

	while (end < len && buf[end] != '\n' && buf[end] != '\r')
		end++;
	while (start < end && (buf[start] == ' ' || buf[start] == '\t'))
		start++;
	/* keep the hit in view on long (minified) lines */
	if (off > start + EG_EXCERPT_MAX / 2)
		start = off - EG_EXCERPT_MAX / 4;
	while (start > line_start && start < end && (buf[start] & 0xc0) == 0x80)
		start++;
	out = eg_xmalloc(EG_EXCERPT_MAX + 8);
	for (i = start; i < end && n < EG_EXCERPT_MAX;)
		i += eg_utf8_line_copy(out, &n, buf + i, end - i);
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return out;
}

static void add_hit(struct eg_matcher *m, uint32_t pattern, uint32_t line,
		    uint32_t col, char *excerpt)
{
	EG_GROW(m->hits, m->hits_alloc, m->nhits + 1);
	m->hits[m->nhits].member = NULL;
	m->hits[m->nhits].pattern = pattern;
	m->hits[m->nhits].line = line;
	m->hits[m->nhits].column = col;
	m->hits[m->nhits].excerpt = excerpt;
	m->nhits++;
}

/*
 * A match contains one of its pattern's literals (the prefilter's
 * invariant), so it lies in the lines around where a literal starts: search
 * only there, CONTEXT_LINES either side, unless the regex reaches far.
 */
#define CONTEXT_LINES 8

static size_t lines_back(const unsigned char *buf, size_t at, int n)
{
	while (at > 0) {
		if (buf[at - 1] == '\n' && n-- == 0)
			break;
		at--;
	}
	return at;
}

static size_t lines_forward(const unsigned char *buf, size_t len, size_t at,
			    int n)
{
	const unsigned char *nl;

	while (at < len && (nl = memchr(buf + at, '\n', len - at))) {
		at = (size_t)(nl - buf) + 1;
		if (n-- == 0)
			return at;
	}
	return len;
}

struct line_counter {
	size_t scanned, line_start;
	uint32_t line;
};

static void count_lines(struct line_counter *lc, const unsigned char *buf,
			size_t to)
{
	const unsigned char *nl;

	while (lc->scanned < to &&
	       (nl = memchr(buf + lc->scanned, '\n', to - lc->scanned))) {
		lc->line++;
		lc->line_start = lc->scanned = (size_t)(nl - buf) + 1;
	}
	lc->scanned = to;
}

/* Search [start, end) of buf; record hits until `*found` reaches the cap. */
static int search(struct eg_matcher *m, uint32_t pi, const unsigned char *buf,
		  size_t len, size_t start, size_t end, struct line_counter *lc,
		  int *found)
{
	const pcre2_code *code = eg_sigset_code(m->set, pi);
	int rc;

	while (*found < EG_MATCH_HITS_PER_PATTERN && start <= end) {
		size_t off, col;

		rc = pcre2_match(code, buf, end, start, 0, m->md, m->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0)
			return -1;
		off = pcre2_get_ovector_pointer(m->md)[0];
		if (off < lc->scanned)
			return 0; /* already found from an earlier window */
		count_lines(lc, buf, off);
		col = eg_utf8_chars(buf + lc->line_start, off - lc->line_start);
		add_hit(m, pi, lc->line, (uint32_t)col + 1,
			make_excerpt(buf, len, lc->line_start, off));
		(*found)++;
		/* one hit per line is enough evidence */
		start = off;
		while (start < end && buf[start] != '\n')
			start++;
		if (start >= end)
			return 0;
	}
	return 0;
}

/* Run pattern `pi`; record up to EG_MATCH_HITS_PER_PATTERN hits. */
static int run_pattern(struct eg_matcher *m, uint32_t pi,
		       const unsigned char *buf, size_t len)
{
	const struct eg_pattern *p = &m->set->patterns[pi];
	const struct eg_prefilter_places *pl = &m->places[pi];
	struct line_counter lc = {0, 0, 1};
	size_t k, ws, we = 0;
	int found = 0;

	if (p->whole_file || !p->nprefilter || !pl->n)
		return search(m, pi, buf, len, 0, len, &lc, &found) < 0 ? -1
									: found;
	for (k = 0; k < pl->n && found < EG_MATCH_HITS_PER_PATTERN; k++) {
		if (pl->at[k] < we)
			continue; /* inside the window just searched */
		ws = lines_back(buf, pl->at[k], CONTEXT_LINES);
		we = lines_forward(buf, len, pl->at[k], CONTEXT_LINES);
		/* past the recorded places, search on to the end */
		if (k + 1 == pl->n && pl->overflow)
			we = len;
		/* merge with the next places' windows */
		while (k + 1 < pl->n &&
		       lines_back(buf, pl->at[k + 1], CONTEXT_LINES) <= we) {
			k++;
			we = (k + 1 == pl->n && pl->overflow)
				     ? len
				     : lines_forward(buf, len, pl->at[k],
						     CONTEXT_LINES);
		}
		if (ws < lc.scanned)
			ws = lc.scanned;
		if (search(m, pi, buf, len, ws, we, &lc, &found) < 0)
			return -1;
	}
	return found;
}

/*
 * Whether pattern `pi`'s `unless` regex matches anywhere in the content:
 * then its hits there do not count.  Run only once the pattern has hit,
 * so a file-wide exception costs a search of the few files it concerns.
 * A match limit counts as a match: the hits are dropped, not invented.
 */
static int unless_holds(struct eg_matcher *m, size_t pi,
			const unsigned char *buf, size_t len)
{
	const pcre2_code *code = eg_sigset_unless(m->set, pi);

	return code && pcre2_match(code, buf, len, 0, 0, m->md, m->mctx) !=
			       PCRE2_ERROR_NOMATCH;
}

/*
 * Give pattern `pi` the hits its earlier copy `from` (eg_pattern.same_as)
 * found in this file, instead of searching again.  Whether any.
 */
static int copy_hits(struct eg_matcher *m, size_t from, uint32_t pi)
{
	const struct hit_span *span = &m->spans[from];
	size_t k;

	for (k = span->from; k < span->to; k++)
		add_hit(m, pi, m->hits[k].line, m->hits[k].column,
			eg_xstrdup(m->hits[k].excerpt));
	return span->to > span->from;
}

/* Forget the hits recorded from index `from` on. */
static void drop_hits(struct eg_matcher *m, size_t from)
{
	while (m->nhits > from)
		free(m->hits[--m->nhits].excerpt);
}

/* run_pattern(), timed per pattern under EXPORTGATE_PROFILE. */
static int run_timed(struct eg_matcher *m, uint32_t pi,
		     const unsigned char *buf, size_t len)
{
	struct timespec t0, t1;
	int rc;

	if (!m->profile_ns)
		return run_pattern(m, pi, buf, len);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
	rc = run_pattern(m, pi, buf, len);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
	m->profile_runs[pi]++;
	m->profile_ns[pi] +=
		(unsigned long long)((t1.tv_sec - t0.tv_sec) * 1000000000LL +
				     (t1.tv_nsec - t0.tv_nsec));
	return rc;
}

/* Whether a regex for notebooks may run on this raw notebook text. */
static int worth_decoding(struct eg_matcher *m, const unsigned char *buf,
			  size_t len)
{
	size_t i;

	eg_prefilter_scan(eg_sigset_prefilter(m->set, EG_KIND_NOTEBOOK), buf,
			  len, m->candidates, m->places);
	for (i = 0; i < m->set->npatterns; i++) {
		const struct eg_pattern *p = &m->set->patterns[i];

		if ((p->kinds & EG_KIND_NOTEBOOK) && !p->kind_only &&
		    eg_bit_test(m->candidates, i))
			return 1;
	}
	return 0;
}

static int looks_minified(const unsigned char *buf, size_t len)
{
	size_t lines = 1, i;

	if (len < 4096)
		return 0;
	for (i = 0; i < len; i++)
		lines += buf[i] == '\n';
	return len / lines > 400;
}

void eg_match_buffer(struct eg_blob_result **out, struct eg_matcher *m,
		     unsigned name_kind, const char *name,
		     const unsigned char *buf, size_t len)
{
	eg_match_noted(out, m, name_kind, name, buf, len, NULL);
}

struct eg_prefilter_memo *eg_matcher_memo(struct eg_matcher *m, unsigned kind,
					  const unsigned char *buf, size_t len,
					  const struct eg_prefilter_memo *base,
					  const struct eg_delta_copy *copies,
					  size_t ncopies, size_t *bytes)
{
	const struct eg_prefilter *pf;
	struct eg_prefilter_memo *memo;

	/* a notebook's prefilter runs on its decoded code */
	*bytes = 0;
	if (!(kind & EG_KIND_ANY_TEXT) || kind == EG_KIND_NOTEBOOK)
		return NULL;
	pf = eg_sigset_prefilter(m->set, kind);
	memset(m->candidates, 0, m->words * sizeof(eg_word));
	eg_prefilter_scan_delta(pf, buf, len, base, copies, ncopies,
				m->candidates, m->places);
	*bytes = eg_prefilter_memo_new(&memo, pf, len, m->candidates, m->places,
				       m->set->npatterns);
	return memo;
}

/*
 * The members of an archive are read up to MEMBER_MAX bytes each and
 * ARCHIVE_MAX in all (a tar, gzipped, may inflate that far).
 */
#define MEMBER_MAX  (16u << 20)
#define ARCHIVE_MAX (256u << 20)

/* What an archive's members matched, gathered as they are read. */
struct members {
	struct eg_matcher *m;
	size_t budget; /* bytes still to read */
	struct eg_hit *hits;
	size_t nhits, alloc;
	unsigned *per_pattern; /* hits kept of each pattern */
	eg_word *held;	       /* the criteria a member makes hold */
	const char *unscanned;
};

/*
 * Keep the hits of one member's result that make a criterion hold in it,
 * naming the member: a criterion holds in an archive where it holds in one
 * of its members, not on hits gathered from several.  The hits kept are
 * moved out of `r`.
 */
static void keep_member_hits(struct members *w, struct eg_blob_result *r,
			     const char *name)
{
	const struct eg_sigset *set = w->m->set;
	size_t i;

	memset(w->held, 0, EG_BITSET_WORDS(set->ncriteria) * sizeof(eg_word));
	eg_match_criteria(set, r, name, w->held);
	for (i = 0; i < r->nhits; i++) {
		struct eg_hit *h = &r->hits[i];
		const struct eg_pattern *p = &set->patterns[h->pattern];

		if (!eg_bit_test(w->held, p->criterion) ||
		    w->per_pattern[h->pattern] >= EG_MATCH_HITS_PER_PATTERN)
			continue;
		w->per_pattern[h->pattern]++;
		EG_GROW(w->hits, w->alloc, w->nhits + 1);
		w->hits[w->nhits] = *h;
		w->hits[w->nhits].member = eg_xstrdup(name);
		w->nhits++;
		h->excerpt = NULL; /* moved */
	}
	if (r->unscanned && !w->unscanned)
		w->unscanned = r->unscanned;
}

/* eg_archive_each(): match one member as a file of its name. */
static int match_member(const struct eg_archive_member *am, void *data)
{
	struct members *w = data;
	int code = eg_archive_code_name(am->name, am->name_len);
	struct eg_blob_result *r = NULL;
	const char *base;
	char *content, *name;

	if (!am->regular || eg_archive_resource_fork(am->name, am->name_len))
		return 0;
	if (am->size > MEMBER_MAX || am->size > w->budget) {
		if (code && !w->unscanned)
			w->unscanned = "archive of source code: a member over "
				       "16 MiB, or past 256 MiB in all, not "
				       "read";
		return 0;
	}
	if (!(content = eg_archive_content(am, MEMBER_MAX))) {
		if (code && !w->unscanned)
			w->unscanned = "archive of source code: a member "
				       "encrypted, compressed other than by "
				       "deflate, or damaged";
		return 0;
	}
	w->budget -= am->size;
	name = eg_xstrndup(am->name, am->name_len);
	base = eg_basename(name);
	w->m->depth++;
	eg_match_buffer(&r, w->m, eg_kind_from_name(base, strlen(base)), base,
			(const unsigned char *)content, am->size);
	w->m->depth--;
	if (r)
		keep_member_hits(w, r, name);
	eg_blob_result_free(r);
	free(content);
	free(name);
	return 0;
}

/*
 * Match the members of the archive `buf` into `w`, when one of them is
 * named as code; 0 when none is (the archive is binary content).  Code
 * archived is code committed, so it is read, not passed unseen; an archive
 * of code inside one is not opened again, but named as not scanned.
 */
static int match_members(struct members *w, struct eg_matcher *m,
			 const unsigned char *buf, size_t len)
{
	memset(w, 0, sizeof(*w));
	if (!eg_archive_of_code(buf, len, ARCHIVE_MAX))
		return 0;
	if (m->depth) {
		w->unscanned = "archive of source code inside an archive: "
			       "members not read (commit them unpacked)";
		return 1;
	}
	w->m = m;
	w->budget = ARCHIVE_MAX;
	w->per_pattern = eg_xcalloc(m->set->npatterns ? m->set->npatterns : 1,
				    sizeof(*w->per_pattern));
	w->held = eg_xcalloc(EG_BITSET_WORDS(m->set->ncriteria) + 1,
			     sizeof(eg_word));
	if (eg_archive_each(buf, len, ARCHIVE_MAX, match_member, w) < 0 &&
	    !w->unscanned)
		w->unscanned = "archive of source code: damaged, truncated or "
			       "over 256 MiB inflated";
	free(w->per_pattern);
	free(w->held);
	w->per_pattern = NULL;
	w->held = NULL;
	return 1;
}

/*
 * The hits of `r` with those of an archive's members after them, in
 * pattern order (eg_blob_result.hits), and their patterns noted.
 */
static void add_member_hits(struct eg_blob_result *r, struct members *w)
{
	size_t i, j;

	r->hits =
		eg_xrealloc(r->hits, (r->nhits + w->nhits) * sizeof(*r->hits));
	for (i = 0; i < w->nhits; i++) {
		struct eg_hit h = w->hits[i];

		/* after every hit of its pattern or before: stable */
		for (j = r->nhits; j > 0 && r->hits[j - 1].pattern > h.pattern;
		     j--)
			r->hits[j] = r->hits[j - 1];
		r->hits[j] = h;
		r->nhits++;
		eg_bit_set(r->patterns, h.pattern);
	}
	free(w->hits);
	w->hits = NULL;
	w->nhits = 0;
}

void eg_match_noted(struct eg_blob_result **out, struct eg_matcher *m,
		    unsigned name_kind, const char *name,
		    const unsigned char *buf, size_t len,
		    const struct eg_prefilter_memo *memo)
{
	const struct eg_sigset *set = m->set;
	struct eg_blob_result *r;
	unsigned kind = eg_kind_classify(name_kind, name, buf, len);
	const char *unscanned = NULL;
	char *decoded = NULL, *wide = NULL;
	struct eg_notebook_map cells = {NULL, 0, 0};
	struct members members = {.nhits = 0};
	const unsigned char *raw;
	size_t i, dlen, before, rawlen;
	int any = 0, scanned = 0;

	/* the members first: they use the matcher's state for themselves */
	if (kind == EG_KIND_ARCHIVE && !eg_livescript_named(name) &&
	    match_members(&members, m, buf, len)) {
		unscanned = members.unscanned;
		any = members.nhits > 0;
	}
	*out = NULL;
	m->nhits = 0;
	m->file++;
	memset(m->candidates, 0, m->words * sizeof(eg_word));
	/*
	 * A file named as text whose NULs are those of UTF-16 (utf16.h) is
	 * read as its UTF-8; its raw bytes' prefilter notes do not stand.
	 */
	if (kind == EG_KIND_BINARY && name_kind != EG_KIND_TEXT &&
	    (wide = eg_utf16_text(buf, len, &dlen))) {
		buf = (const unsigned char *)wide;
		len = dlen;
		kind = eg_kind_classify(name_kind, name, buf, len);
	}
	/* a notebook's hits are placed in its text, as UTF-8 */
	raw = buf;
	rawlen = len;
	if (kind == EG_KIND_LFS_POINTER) {
		unscanned = "Git LFS pointer: content not present";
	} else if (kind == EG_KIND_ARCHIVE && eg_livescript_named(name)) {
		/* a live script is matched as the MATLAB code it holds */
		if ((decoded = eg_livescript_code(buf, len, &dlen))) {
			buf = (const unsigned char *)decoded;
			len = dlen;
			kind = EG_KIND_OTHER_CODE;
		} else {
			unscanned = "MATLAB live script: no readable "
				    "matlab/document.xml";
		}
	} else if ((kind & EG_KIND_ANY_TEXT) && eg_rmarkdown_named(name)) {
		/* R Markdown: its code chunks, as R, where they are */
		decoded = eg_rmarkdown_code(buf, len);
		buf = (const unsigned char *)decoded;
		kind = EG_KIND_OTHER_CODE;
	} else if (kind & EG_KIND_ANY_TEXT) {
		/*
		 * Decoding a notebook costs more than matching it, mostly for
		 * its outputs: only decode one whose raw text has a literal
		 * some notebook pattern needs.
		 */
		if (kind == EG_KIND_NOTEBOOK) {
			scanned = 1; /* the raw text's candidates stand ... */
			if (len <= NOTEBOOK_MAX &&
			    worth_decoding(m, buf, len) &&
			    (decoded = eg_notebook_code(buf, len, &dlen,
							&cells))) {
				buf = (const unsigned char *)decoded;
				len = dlen;
				/* ... unless the code cells replace it */
				memset(m->candidates, 0,
				       m->words * sizeof(eg_word));
				scanned = 0;
			}
		}
	}
	/* binary content: only the patterns without literals (kind patterns) */
	if (!scanned &&
	    (decoded || wide ||
	     eg_prefilter_memo_restore(memo, eg_sigset_prefilter(set, kind),
				       m->candidates, m->places)))
		eg_prefilter_scan(eg_sigset_prefilter(set, kind), buf,
				  (kind & EG_KIND_ANY_TEXT) ? len : 0,
				  m->candidates, m->places);
	for (i = 0; i < set->npatterns; i++) {
		const struct eg_pattern *p;

		if (!m->candidates[i / 64]) {
			i |= 63;
			continue;
		}
		if (!eg_bit_test(m->candidates, i))
			continue;
		p = &set->patterns[i];
		if (!(p->kinds & kind))
			continue;
		if (p->kind_only) {
			add_hit(m, (uint32_t)i, 1, 1,
				eg_xstrdup(eg_kind_name(kind)
						   ? eg_kind_name(kind)
						   : "binary"));
			any = 1;
			continue;
		}
		/* its copy ran here (they run in the same files) */
		if (p->same_as != i && m->spans[p->same_as].file == m->file) {
			any |= copy_hits(m, p->same_as, (uint32_t)i);
			continue;
		}
		before = m->nhits;
		if (run_timed(m, (uint32_t)i, buf, len) < 0)
			unscanned = "regex match limit hit";
		else if (m->nhits > before && unless_holds(m, i, buf, len))
			drop_hits(m, before);
		else if (m->nhits > before)
			any = 1;
		m->spans[i] = (struct hit_span){before, m->nhits, m->file};
	}
	/* a notebook's hits name the file's lines, not the decoded code's */
	for (i = 0; i < m->nhits && cells.n; i++)
		if (!set->patterns[m->hits[i].pattern].kind_only)
			eg_notebook_place(&cells, raw, rawlen, &m->hits[i].line,
					  &m->hits[i].column);
	eg_notebook_map_release(&cells);
	if (!any && !unscanned) {
		free(decoded);
		free(wide);
		return;
	}
	r = eg_xcalloc(1, sizeof(*r));
	r->kind = kind;
	r->unscanned = unscanned;
	r->patterns = eg_xcalloc(m->words ? m->words : 1, sizeof(eg_word));
	for (i = 0; i < m->nhits; i++)
		eg_bit_set(r->patterns, m->hits[i].pattern);
	if (m->nhits) {
		r->hits = eg_xmalloc(m->nhits * sizeof(*r->hits));
		memcpy(r->hits, m->hits, m->nhits * sizeof(*r->hits));
		r->nhits = m->nhits;
	}
	m->nhits = 0;
	if (members.nhits)
		add_member_hits(r, &members);
	if (kind == EG_KIND_JS)
		r->minified = looks_minified(buf, len);
	free(decoded);
	free(wide);
	*out = r;
}

int eg_pattern_applies(const struct eg_pattern *p, const char *path)
{
	const char *base;
	size_t i;

	if (!p->npaths)
		return 1;
	base = eg_basename(path);
	for (i = 0; i < p->npaths; i++)
		if (!fnmatch(p->paths[i], base, 0))
			return 1;
	return 0;
}

void eg_match_criteria(const struct eg_sigset *set,
		       const struct eg_blob_result *r, const char *path,
		       eg_word *criteria)
{
	size_t ci, k;

	for (ci = 0; ci < set->ncriteria; ci++) {
		const struct eg_criterion *c = &set->criteria[ci];
		unsigned n = 0;
		int holds;

		for (k = 0; k < c->npatterns; k++) {
			size_t pi = c->first_pattern + k;

			if (eg_bit_test(r->patterns, pi) &&
			    eg_pattern_applies(&set->patterns[pi], path))
				n++;
		}
		switch (c->match) {
		case EG_COND_ALL:
			holds = n == c->npatterns;
			break;
		case EG_COND_AT_LEAST:
			holds = n >= c->at_least;
			break;
		default:
			holds = n > 0;
			break;
		}
		if (holds)
			eg_bit_set(criteria, ci);
	}
}
