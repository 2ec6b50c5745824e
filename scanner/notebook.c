/*
 * notebook.c: a Jupyter notebook's code cells, and where their lines are.
 *
 * A small JSON reader of its own, rather than a JSON library's: it has to
 * know where in the file each run of decoded code starts, so that a hit
 * names the file's line and column, which a reviewer opens, and not those
 * of the code once decoded.  It reads one pass, without recursion, and as
 * strictly as RFC 8259: what it does not take is read as plain text by the
 * caller, never left unread.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "notebook.h"
#include "text.h"

/* Deeper than any notebook's outputs; jansson stops there too. */
#define MAX_DEPTH 2048

/* What a JSON container is to the notebook. */
enum role {
	ROLE_OTHER,
	ROLE_ROOT,   /* the top object */
	ROLE_CELLS,  /* root.cells */
	ROLE_CELL,   /* one of root.cells */
	ROLE_SOURCE, /* cell.source, a list of strings */
};

/* The key an object's value is under, as far as the notebook cares. */
enum key { KEY_OTHER, KEY_CELLS, KEY_CELL_TYPE, KEY_SOURCE };

/* What the grammar allows next. */
enum expect {
	EXPECT_VALUE,
	EXPECT_VALUE_OR_CLOSE, /* after "[" */
	EXPECT_KEY_OR_CLOSE,   /* after "{" */
	EXPECT_KEY,	       /* after "," in an object */
	EXPECT_COLON,
	EXPECT_COMMA_OR_CLOSE,
	EXPECT_END, /* the top value is read */
};

struct frame {
	unsigned char is_object, role, key;
};

/* The text and the map of one cell, or of all the code so far. */
struct code {
	char *text;
	size_t n, alloc;
	struct eg_notebook_map map;
	uint32_t lines;	 /* newlines in text */
	uint32_t column; /* code points since the last newline */
};

struct reader {
	const unsigned char *buf;
	size_t len, at;
	uint32_t line, column; /* of buf[at] */
	struct frame *stack;
	size_t depth;
	enum expect expect;
	struct code cell, out;
	int cell_is_code;
};

static void advance(struct reader *r, size_t n)
{
	size_t end = r->at + n;

	for (; r->at < end; r->at++) {
		if (r->buf[r->at] == '\n')
			r->line++, r->column = 1;
		else if ((r->buf[r->at] & 0xc0) != 0x80)
			r->column++;
	}
}

static void skip_blanks(struct reader *r)
{
	while (r->at < r->len && strchr(" \t\r\n", r->buf[r->at]) &&
	       r->buf[r->at])
		advance(r, 1);
}

static void map_add(struct eg_notebook_map *map,
		    const struct eg_notebook_segment *seg)
{
	EG_GROW(map->v, map->alloc, map->n + 1);
	map->v[map->n++] = *seg;
}

static void code_put(struct code *c, const char *s, size_t n)
{
	EG_GROW(c->text, c->alloc, c->n + n + 1);
	memcpy(c->text + c->n, s, n);
	c->n += n;
}

/* Add code point cp to `c`, keeping its line and column. */
static void code_put_cp(struct code *c, unsigned cp)
{
	unsigned char utf8[4];

	code_put(c, (const char *)utf8, eg_utf8_put(utf8, cp));
	if (cp == '\n')
		c->lines++, c->column = 0;
	else
		c->column++;
}

static int hex4(const unsigned char *s, unsigned *out)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	*out = v;
	return 0;
}

/*
 * The code point of the JSON string character at s (an escape or a UTF-8
 * sequence), and how many bytes it takes; 0 at the closing quote or on
 * anything JSON does not allow in a string.
 */
static size_t string_char(const unsigned char *s, size_t left, unsigned *cp)
{
	static const char escapes[] = "\"\"\\\\//b\bf\fn\nr\rt\t";
	unsigned lo;
	const char *e;

	if (!left || s[0] == '"' || s[0] < 0x20)
		return 0;
	if (s[0] != '\\')
		return eg_utf8_decode(s, left, cp);
	if (left < 2)
		return 0;
	if (s[1] != 'u') {
		for (e = escapes; *e && *e != (char)s[1]; e += 2)
			;
		if (!*e)
			return 0;
		*cp = (unsigned char)e[1];
		return 2;
	}
	if (left < 6 || hex4(s + 2, cp))
		return 0;
	if (*cp < 0xd800 || *cp > 0xdfff)
		return 6;
	/* a pair is one code point; a lone half, which JSON allows, none */
	if (*cp <= 0xdbff && left >= 12 && s[6] == '\\' && s[7] == 'u' &&
	    !hex4(s + 8, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
		*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
		return 12;
	}
	*cp = 0xfffd;
	return 6;
}

/* How many code points of the file a character of n bytes at s is. */
static uint32_t raw_width(const unsigned char *s, size_t n)
{
	return s[0] == '\\' ? (uint32_t)n : 1;
}

/*
 * Read the string at r->at (its opening quote): into `into` with its map
 * when it is source, into key[] when it is a key, else nowhere.  -1 when
 * it is not a JSON string.
 */
static int read_string(struct reader *r, struct code *into, char *key,
		       size_t keymax)
{
	size_t k = 0, n;
	unsigned cp;
	int first = 1;

	advance(r, 1);
	while ((n = string_char(r->buf + r->at, r->len - r->at, &cp))) {
		if (into) {
			/* a run starts at a line's start or a string's */
			if (first || !into->column) {
				struct eg_notebook_segment seg = {
					r->at, r->line, r->column,
					into->lines + 1, into->column + 1};

				map_add(&into->map, &seg);
			}
			code_put_cp(into, cp);
		} else if (key && k < keymax) {
			key[k++] = cp < 0x80 ? (char)cp : '?';
		}
		first = 0;
		r->column += raw_width(r->buf + r->at, n);
		r->at += n;
	}
	if (r->at >= r->len || r->buf[r->at] != '"')
		return -1;
	if (key)
		key[k] = '\0';
	advance(r, 1);
	return 0;
}

/* The length of the JSON number at s, 0 when there is none. */
static size_t number_len(const unsigned char *s, size_t left)
{
	size_t i = 0, d;

	if (i < left && s[i] == '-')
		i++;
	if (i < left && s[i] == '0')
		i++;
	else if (i < left && s[i] >= '1' && s[i] <= '9')
		while (i < left && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return 0;
	if (i < left && s[i] == '.') {
		for (d = ++i; i < left && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	if (i < left && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < left && (s[i] == '+' || s[i] == '-'))
			i++;
		for (d = i; i < left && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == d)
			return 0;
	}
	return i;
}

/* The length of the literal or number at r->at, 0 when there is none. */
static size_t scalar_len(const struct reader *r)
{
	static const char *const words[] = {"true", "false", "null"};
	const unsigned char *s = r->buf + r->at;
	size_t left = r->len - r->at, i, n;

	for (i = 0; i < 3; i++) {
		n = strlen(words[i]);
		if (left >= n && !memcmp(s, words[i], n))
			return n;
	}
	return number_len(s, left);
}

static enum key key_of(const char *s)
{
	if (!strcmp(s, "cells"))
		return KEY_CELLS;
	if (!strcmp(s, "cell_type"))
		return KEY_CELL_TYPE;
	if (!strcmp(s, "source"))
		return KEY_SOURCE;
	return KEY_OTHER;
}

/* The role of a container that starts where a value is expected. */
static enum role child_role(const struct reader *r)
{
	const struct frame *top;

	if (!r->depth)
		return ROLE_ROOT;
	top = &r->stack[r->depth - 1];
	if (top->role == ROLE_ROOT && top->key == KEY_CELLS)
		return ROLE_CELLS;
	if (top->role == ROLE_CELLS)
		return ROLE_CELL;
	if (top->role == ROLE_CELL && top->key == KEY_SOURCE)
		return ROLE_SOURCE;
	return ROLE_OTHER;
}

static void cell_start(struct reader *r)
{
	r->cell.n = 0;
	r->cell.map.n = 0;
	r->cell.lines = r->cell.column = 0;
	r->cell_is_code = 0;
}

/*
 * A cell ends at r->at (its closing brace): its code joins the rest, and
 * a newline ends it.
 */
static void cell_end(struct reader *r)
{
	struct code *out = &r->out;
	size_t i;

	if (!r->cell_is_code)
		return;
	code_put(out, r->cell.text ? r->cell.text : "", r->cell.n);
	for (i = 0; i < r->cell.map.n; i++) {
		struct eg_notebook_segment seg = r->cell.map.v[i];

		seg.dline += out->lines;
		map_add(&out->map, &seg);
	}
	out->lines += r->cell.lines;
	out->column = r->cell.column;
	/* an empty last line still needs a place: the cell's end */
	if (!out->column) {
		struct eg_notebook_segment seg = {r->at, r->line, r->column,
						  out->lines + 1, 1};

		map_add(&out->map, &seg);
	}
	code_put_cp(out, '\n');
}

/* A value that is a string: where it goes, by the container it is in. */
static int value_string(struct reader *r)
{
	const struct frame *top = r->depth ? &r->stack[r->depth - 1] : NULL;
	char type[8];

	if (top && top->role == ROLE_CELL && top->key == KEY_CELL_TYPE) {
		if (read_string(r, NULL, type, sizeof(type) - 1))
			return -1;
		r->cell_is_code = !strcmp(type, "code");
		return 0;
	}
	if (top && ((top->role == ROLE_CELL && top->key == KEY_SOURCE) ||
		    top->role == ROLE_SOURCE))
		return read_string(r, &r->cell, NULL, 0);
	return read_string(r, NULL, NULL, 0);
}

static void after_value(struct reader *r)
{
	r->expect = r->depth ? EXPECT_COMMA_OR_CLOSE : EXPECT_END;
}

/* A value where one is expected; -1 when there is none. */
static int read_value(struct reader *r, unsigned char c)
{
	size_t n;

	if (c == '{' || c == '[') {
		struct frame f = {c == '{', (unsigned char)child_role(r),
				  KEY_OTHER};

		if (r->depth == MAX_DEPTH)
			return -1;
		if (f.role == ROLE_CELL)
			cell_start(r);
		r->stack[r->depth++] = f;
		r->expect =
			c == '{' ? EXPECT_KEY_OR_CLOSE : EXPECT_VALUE_OR_CLOSE;
		advance(r, 1);
		return 0;
	}
	if (c == '"') {
		if (value_string(r))
			return -1;
	} else if ((n = scalar_len(r))) {
		advance(r, n);
	} else {
		return -1;
	}
	after_value(r);
	return 0;
}

/* The container at the top closes with c; -1 when it is not its end. */
static int close_container(struct reader *r, unsigned char c)
{
	const struct frame *top = &r->stack[r->depth - 1];

	if (top->is_object != (c == '}'))
		return -1;
	if (top->role == ROLE_CELL)
		cell_end(r);
	r->depth--;
	advance(r, 1);
	after_value(r);
	return 0;
}

static int read_json(struct reader *r)
{
	char key[16];

	for (;;) {
		struct frame *top = r->depth ? &r->stack[r->depth - 1] : NULL;
		unsigned char c;

		skip_blanks(r);
		if (r->at >= r->len)
			return r->expect == EXPECT_END ? 0 : -1;
		c = r->buf[r->at];
		switch (r->expect) {
		case EXPECT_VALUE_OR_CLOSE:
			if (c == ']') {
				if (close_container(r, c))
					return -1;
				break;
			}
			/* fall through */
		case EXPECT_VALUE:
			if (read_value(r, c))
				return -1;
			break;
		case EXPECT_KEY_OR_CLOSE:
			if (c == '}') {
				if (close_container(r, c))
					return -1;
				break;
			}
			/* fall through */
		case EXPECT_KEY:
			if (c != '"' ||
			    read_string(r, NULL, key, sizeof(key) - 1))
				return -1;
			top->key = (unsigned char)key_of(key);
			r->expect = EXPECT_COLON;
			break;
		case EXPECT_COLON:
			if (c != ':')
				return -1;
			advance(r, 1);
			r->expect = EXPECT_VALUE;
			break;
		case EXPECT_COMMA_OR_CLOSE:
			if (c == ',') {
				advance(r, 1);
				r->expect = top->is_object ? EXPECT_KEY
							   : EXPECT_VALUE;
			} else if ((c != '}' && c != ']') ||
				   close_container(r, c)) {
				return -1;
			}
			break;
		case EXPECT_END:
			return -1; /* something after the top value */
		}
	}
}

char *eg_notebook_code(const unsigned char *buf, size_t len, size_t *out_len,
		       struct eg_notebook_map *map)
{
	struct reader r;
	int err;

	memset(&r, 0, sizeof(r));
	memset(map, 0, sizeof(*map));
	r.buf = buf;
	r.len = len;
	r.line = r.column = 1;
	r.expect = EXPECT_VALUE;
	r.stack = eg_xcalloc(MAX_DEPTH, sizeof(*r.stack));
	err = read_json(&r);
	free(r.stack);
	free(r.cell.text);
	eg_notebook_map_release(&r.cell.map);
	if (err) {
		free(r.out.text);
		eg_notebook_map_release(&r.out.map);
		return NULL;
	}
	code_put(&r.out, "", 0);
	r.out.text[r.out.n] = '\0';
	*out_len = r.out.n;
	*map = r.out.map;
	return r.out.text;
}

/* Whether segment s starts at or before decoded line l, column c. */
static int starts_by(const struct eg_notebook_segment *s, uint32_t l,
		     uint32_t c)
{
	return s->dline < l || (s->dline == l && s->dcolumn <= c);
}

void eg_notebook_place(const struct eg_notebook_map *map,
		       const unsigned char *buf, size_t len, uint32_t *line,
		       uint32_t *column)
{
	const struct eg_notebook_segment *s;
	size_t lo = 0, hi = map->n, at, n;
	uint32_t i, raw = 0;
	unsigned cp;

	/* the last segment that starts by the place */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (starts_by(&map->v[mid], *line, *column))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || map->v[lo - 1].dline != *line)
		return;
	s = &map->v[lo - 1];
	at = s->at;
	for (i = s->dcolumn;
	     i < *column && (n = string_char(buf + at, len - at, &cp)) != 0;
	     i++) {
		raw += raw_width(buf + at, n);
		at += n;
	}
	*line = s->line;
	*column = s->column + raw;
}

void eg_notebook_map_release(struct eg_notebook_map *map)
{
	free(map->v);
	memset(map, 0, sizeof(*map));
}
