/*
 * notebook.c: a Jupyter notebook's code cells, and where their lines are.
 *
 * A small JSON reader of its own, rather than a JSON library's: it has to
 * know where in the file each decoded line of code starts, so that a hit
 * names the file's line and column, which a reviewer opens, and not those
 * of the code once decoded.  It reads one pass, without recursion.
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

struct frame {
	unsigned char is_object, role, key, want_key;
};

/* The text and the line map of one cell, or of all the code so far. */
struct code {
	char *text;
	size_t n, alloc;
	struct eg_notebook_map map;
	int at_line_start;
};

struct reader {
	const unsigned char *buf;
	size_t len, at;
	uint32_t line, column; /* of buf[at] */
	struct frame *stack;
	size_t depth;
	struct code cell, out;
	int cell_is_code;
	uint32_t cell_end_line, cell_end_column;
	size_t cell_end_at;
	int done; /* the top value has been read */
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
	while (r->at < r->len && strchr(" \t\r\n", r->buf[r->at]))
		advance(r, 1);
}

static void map_add(struct eg_notebook_map *map, size_t at, uint32_t line,
		    uint32_t column)
{
	EG_GROW(map->lines, map->alloc, map->n + 1);
	map->lines[map->n].at = at;
	map->lines[map->n].line = line;
	map->lines[map->n].column = column;
	map->n++;
}

static void code_put(struct code *c, const char *s, size_t n)
{
	EG_GROW(c->text, c->alloc, c->n + n + 1);
	memcpy(c->text + c->n, s, n);
	c->n += n;
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
	unsigned lo;
	size_t n;

	if (!left || s[0] == '"' || s[0] < 0x20)
		return 0;
	if (s[0] != '\\')
		return eg_utf8_decode(s, left, cp);
	if (left < 2)
		return 0;
	switch (s[1]) {
	case '"':
	case '\\':
	case '/':
		*cp = s[1];
		return 2;
	case 'b':
		*cp = '\b';
		return 2;
	case 'f':
		*cp = '\f';
		return 2;
	case 'n':
		*cp = '\n';
		return 2;
	case 'r':
		*cp = '\r';
		return 2;
	case 't':
		*cp = '\t';
		return 2;
	case 'u':
		break;
	default:
		return 0;
	}
	if (left < 6 || hex4(s + 2, cp))
		return 0;
	n = 6;
	if (*cp >= 0xd800 && *cp <= 0xdbff) {
		if (left < 12 || s[6] != '\\' || s[7] != 'u' ||
		    hex4(s + 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return 0;
		*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
		n = 12;
	} else if (*cp >= 0xdc00 && *cp <= 0xdfff) {
		return 0;
	}
	return n;
}

/* How many code points of the file a character of n bytes at s is. */
static uint32_t raw_width(const unsigned char *s, size_t n)
{
	return s[0] == '\\' ? (uint32_t)n : 1;
}

/*
 * Read the string at r->at (its opening quote).  Into `into` with its line
 * map when it is a line of source, into key[] when it is a key, else
 * nowhere.  -1 when it is not a JSON string.
 */
static int read_string(struct reader *r, struct code *into, char *key,
		       size_t keymax)
{
	size_t k = 0, n;
	unsigned cp;

	advance(r, 1);
	while ((n = string_char(r->buf + r->at, r->len - r->at, &cp))) {
		if (into) {
			unsigned char utf8[4];

			if (into->at_line_start)
				map_add(&into->map, r->at, r->line, r->column);
			into->at_line_start = cp == '\n';
			code_put(into, (const char *)utf8,
				 eg_utf8_put(utf8, cp));
		} else if (key && k < keymax) {
			key[k++] = cp < 0x80 ? (char)cp : '?';
		}
		r->column += raw_width(r->buf + r->at, n);
		r->at += n;
	}
	if (r->at >= r->len || r->buf[r->at] != '"')
		return -1;
	if (key)
		key[k < keymax ? k : keymax] = '\0';
	advance(r, 1);
	return 0;
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
	r->cell.at_line_start = 1;
	r->cell_is_code = 0;
}

/* A cell ends: its code joins the rest, with a newline after it. */
static void cell_end(struct reader *r)
{
	struct code *out = &r->out;
	size_t i;

	if (!r->cell_is_code)
		return;
	code_put(out, r->cell.text ? r->cell.text : "", r->cell.n);
	for (i = 0; i < r->cell.map.n; i++)
		map_add(&out->map, r->cell.map.lines[i].at,
			r->cell.map.lines[i].line, r->cell.map.lines[i].column);
	/* an empty last line still needs a place: the cell's end */
	if (r->cell.at_line_start)
		map_add(&out->map, r->cell_end_at, r->cell_end_line,
			r->cell_end_column);
	code_put(out, "\n", 1);
}

/* A value in a string: where it goes, by the container it is in. */
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

static int read_json(struct reader *r)
{
	char key[16];

	for (;;) {
		struct frame *top = r->depth ? &r->stack[r->depth - 1] : NULL;
		unsigned char c;

		skip_blanks(r);
		if (r->at >= r->len)
			return r->done ? 0 : -1;
		if (r->done)
			return -1; /* something after the top value */
		c = r->buf[r->at];
		if (c == '{' || c == '[') {
			struct frame f = {c == '{',
					  (unsigned char)child_role(r),
					  KEY_OTHER, c == '{'};

			if (r->depth == MAX_DEPTH)
				return -1;
			if (f.role == ROLE_CELL)
				cell_start(r);
			r->stack[r->depth++] = f;
			advance(r, 1);
			continue;
		}
		if (c == '}' || c == ']') {
			if (!top || top->is_object != (c == '}'))
				return -1;
			if (top->role == ROLE_CELL) {
				r->cell_end_at = r->at;
				r->cell_end_line = r->line;
				r->cell_end_column = r->column;
				cell_end(r);
			}
			r->depth--;
			advance(r, 1);
		} else if (c == ',' && top) {
			top->want_key = top->is_object;
			advance(r, 1);
			continue;
		} else if (c == ':' && top && top->is_object) {
			advance(r, 1);
			continue;
		} else if (c == '"' && top && top->want_key) {
			if (read_string(r, NULL, key, sizeof(key) - 1))
				return -1;
			top->key = (unsigned char)key_of(key);
			top->want_key = 0;
			continue;
		} else if (c == '"') {
			if (value_string(r))
				return -1;
		} else if (strchr("-0123456789tfn", c)) {
			while (r->at < r->len &&
			       strchr("-+.0123456789eEtruefalsn",
				      r->buf[r->at]))
				advance(r, 1);
		} else {
			return -1;
		}
		/* a value was read, or a container closed */
		r->done = !r->depth;
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

void eg_notebook_place(const struct eg_notebook_map *map,
		       const unsigned char *buf, size_t len, uint32_t *line,
		       uint32_t *column)
{
	const struct eg_notebook_line *e;
	uint32_t i, raw = 0;
	size_t at, n;
	unsigned cp;

	if (*line < 1 || *line > map->n)
		return;
	e = &map->lines[*line - 1];
	at = e->at;
	/* a line that runs on into the next string stops at this one's end */
	for (i = 1;
	     i < *column && (n = string_char(buf + at, len - at, &cp)) != 0;
	     i++) {
		raw += raw_width(buf + at, n);
		at += n;
	}
	*line = e->line;
	*column = e->column + raw;
}

void eg_notebook_map_release(struct eg_notebook_map *map)
{
	free(map->lines);
	memset(map, 0, sizeof(*map));
}
