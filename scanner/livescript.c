/* livescript.c: the code of a MATLAB live script, from its zip archive. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "livescript.h"
#include "text.h"
#include "zip.h"

#define DOCUMENT     "matlab/document.xml"
#define DOCUMENT_MAX (64u << 20)

/* Text being built: `n` bytes of `alloc`, owned by whoever builds it. */
struct text {
	char *buf;
	size_t n, alloc;
};

int eg_livescript_named(const char *name)
{
	size_t len = strlen(name);

	return (len > 4 && !strcasecmp(name + len - 4, ".mlx")) ||
	       (len > 6 && !strcasecmp(name + len - 6, ".mlapp"));
}

/* eg_zip_each(): stop at the document, copying it to `data`. */
static int take_document(const struct eg_zip_member *m, void *data)
{
	if (m->name_len != strlen(DOCUMENT) ||
	    memcmp(m->name, DOCUMENT, m->name_len))
		return 0;
	*(struct eg_zip_member *)data = *m;
	return 1;
}

static void put(struct text *t, const char *s, size_t len)
{
	EG_GROW(t->buf, t->alloc, t->n + len + 1);
	memcpy(t->buf + t->n, s, len);
	t->n += len;
}

static void put_utf8(struct text *t, unsigned long c)
{
	unsigned char u[4];

	put(t, (const char *)u, eg_utf8_put(u, (unsigned)c));
}

/* Decode the XML entity at `p` (an '&'); the bytes it took, 0 if none. */
static size_t put_entity(struct text *t, const char *p, const char *end)
{
	static const struct {
		const char *name, *text;
	} named[] = {{"&lt;", "<"},
		     {"&gt;", ">"},
		     {"&amp;", "&"},
		     {"&quot;", "\""},
		     {"&apos;", "'"}};
	const char *semi =
		memchr(p, ';', end - p < 12 ? (size_t)(end - p) : 12);
	unsigned long c;
	char *stop;
	size_t i;

	if (!semi)
		return 0;
	for (i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if ((size_t)(semi + 1 - p) == strlen(named[i].name) &&
		    !memcmp(p, named[i].name, (size_t)(semi + 1 - p))) {
			put(t, named[i].text, 1);
			return (size_t)(semi + 1 - p);
		}
	if (semi - p < 3 || p[1] != '#')
		return 0;
	if (p[2] == 'x' || p[2] == 'X')
		c = strtoul(p + 3, &stop, 16);
	else
		c = strtoul(p + 2, &stop, 10);
	if (stop != semi || p[2] == '-' || p[2] == '+' || !c || c > 0x10ffff)
		return 0;
	put_utf8(t, c);
	return (size_t)(semi + 1 - p);
}

/* The content of one <w:t> element, [p, end): CDATA and entities. */
static void put_run_text(struct text *t, const char *p, const char *end)
{
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p)), *amp, *stop;
		size_t took;

		if (lt == p) {
			if ((size_t)(end - p) >= 9 &&
			    !memcmp(p, "<![CDATA[", 9)) {
				p += 9;
				stop = memmem(p, (size_t)(end - p), "]]>", 3);
				put(t, p, (size_t)((stop ? stop : end) - p));
				p = stop ? stop + 3 : end;
			} else {
				stop = memchr(p, '>', (size_t)(end - p));
				p = stop ? stop + 1 : end;
			}
			continue;
		}
		stop = lt ? lt : end;
		while ((amp = memchr(p, '&', (size_t)(stop - p)))) {
			put(t, p, (size_t)(amp - p));
			took = put_entity(t, amp, stop);
			if (!took) {
				put(t, "&", 1);
				took = 1;
			}
			p = amp + took;
		}
		put(t, p, (size_t)(stop - p));
		p = stop;
	}
}

/* The next start tag `<name` in [p, end), its end after the '>'; NULL: none. */
static const char *next_tag(const char *p, const char *end, const char *name,
			    const char **tag_end)
{
	size_t nlen = strlen(name);

	while ((p = memmem(p, (size_t)(end - p), name, nlen))) {
		const char *gt;

		p += nlen;
		if (p == end || (*p != '>' && *p != ' ' && *p != '/'))
			continue;
		gt = memchr(p, '>', (size_t)(end - p));
		if (!gt)
			return NULL;
		*tag_end = gt + 1;
		return p - nlen;
	}
	return NULL;
}

/* Whether paragraph body [p, end) is styled "code". */
static int is_code(const char *p, const char *end)
{
	const char *tag_end, *tag = next_tag(p, end, "<w:pStyle", &tag_end);

	return tag && memmem(tag, (size_t)(tag_end - tag), "\"code\"", 6);
}

char *eg_livescript_code(const unsigned char *buf, size_t len, size_t *out)
{
	struct eg_zip_member m;
	struct text t = {NULL, 0, 0};
	const char *p, *end, *tag, *tag_end;
	char *xml;

	if (eg_zip_each(buf, len, take_document, &m) != 1 ||
	    !(xml = eg_zip_extract(&m, DOCUMENT_MAX)))
		return NULL;
	end = xml + m.size;
	for (p = xml; (tag = next_tag(p, end, "<w:p", &tag_end)); p = tag_end) {
		const char *close, *run, *run_end, *text_end;

		if (tag_end[-2] == '/') /* <w:p/> */
			continue;
		close = memmem(tag_end, (size_t)(end - tag_end), "</w:p>", 6);
		if (!close)
			close = end;
		if (is_code(tag_end, close)) {
			for (run = tag_end;
			     (run = next_tag(run, close, "<w:t", &run_end));
			     run = run_end) {
				if (run_end[-2] == '/') /* <w:t/> */
					continue;
				text_end = memmem(run_end,
						  (size_t)(close - run_end),
						  "</w:t>", 6);
				put_run_text(&t, run_end,
					     text_end ? text_end : close);
				run_end = text_end ? text_end + 6 : close;
			}
			put(&t, "\n", 1);
		}
		tag_end = close;
	}
	free(xml);
	if (!t.buf)
		t.buf = eg_xstrdup("");
	else
		t.buf[t.n] = '\0';
	*out = t.n;
	return t.buf;
}
