/* yamlutil.c: a loaded YAML document, typed getters, file:line:col errors. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "yamlutil.h"

struct eg_yaml {
	char *name;
	yaml_document_t doc;
	int loaded;
};

int eg_yaml_parse_error(const char *name, const yaml_parser_t *parser,
			const char *buf, size_t len)
{
	size_t line = parser->problem_mark.line + 1;
	size_t col = parser->problem_mark.column + 1;
	const char *problem =
		parser->problem ? parser->problem : "malformed YAML";

	/* a reader error has a byte offset, not a mark */
	if (parser->error == YAML_READER_ERROR) {
		size_t i, end = parser->problem_offset;

		line = col = 1;
		for (i = 0; i < end && i < len; i++) {
			if (buf[i] == '\n')
				line++, col = 1;
			else if (((unsigned char)buf[i] & 0xc0) != 0x80)
				col++;
		}
	}
	return eg_error_set(EG_ECONFIG, "%s:%zu:%zu: %s%s%s", name, line, col,
			    problem, parser->context ? " " : "",
			    parser->context ? parser->context : "");
}

int eg_yaml_screen(const char *name, const char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int err = 0, done = 0, depth = 0;

	if (!yaml_parser_initialize(&parser))
		return eg_error_set(EG_ENOMEM, "%s: cannot start libyaml",
				    name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && !err) {
		/* a syntax error is the loader's to report, with its context */
		if (!yaml_parser_parse(&parser, &ev))
			break;
		if (ev.type == YAML_ALIAS_EVENT)
			err = eg_error_set(EG_ECONFIG,
					   "%s:%zu:%zu: YAML aliases are not "
					   "allowed; write the value out",
					   name, ev.start_mark.line + 1,
					   ev.start_mark.column + 1);
		if (ev.type == YAML_MAPPING_START_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT)
			depth++;
		if (ev.type == YAML_MAPPING_END_EVENT ||
		    ev.type == YAML_SEQUENCE_END_EVENT)
			depth--;
		if (!err && depth > EG_YAML_MAX_DEPTH)
			err = eg_error_set(EG_ECONFIG,
					   "%s:%zu:%zu: nested deeper than %d "
					   "levels",
					   name, ev.start_mark.line + 1,
					   ev.start_mark.column + 1,
					   EG_YAML_MAX_DEPTH);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return err;
}

static int cmp_key(const void *a, const void *b)
{
	const yaml_node_t *x = *(yaml_node_t *const *)a;
	const yaml_node_t *y = *(yaml_node_t *const *)b;
	size_t n = x->data.scalar.length < y->data.scalar.length
			   ? x->data.scalar.length
			   : y->data.scalar.length;
	int c = memcmp(x->data.scalar.value, y->data.scalar.value, n);

	if (c)
		return c;
	if (x->data.scalar.length != y->data.scalar.length)
		return x->data.scalar.length < y->data.scalar.length ? -1 : 1;
	return x->start_mark.index < y->start_mark.index ? -1 : 1;
}

/*
 * Refuse a mapping that has the same key twice: the parsers read each key
 * into one field, so a second one would either be ignored or replace (and
 * leak) the first.  Keys are sorted, so a mapping of n keys costs n log n.
 */
static int find_duplicate_key(const char *name, yaml_document_t *doc)
{
	yaml_node_t *node, **keys = NULL;
	yaml_node_pair_t *pair;
	size_t n, i, alloc = 0;
	int err = 0;

	for (node = doc->nodes.start; node < doc->nodes.top && !err; node++) {
		if (node->type != YAML_MAPPING_NODE)
			continue;
		n = 0;
		for (pair = node->data.mapping.pairs.start;
		     pair < node->data.mapping.pairs.top; pair++) {
			yaml_node_t *k = yaml_document_get_node(doc, pair->key);

			if (!k || k->type != YAML_SCALAR_NODE)
				continue;
			EG_GROW(keys, alloc, n + 1);
			keys[n++] = k;
		}
		if (n < 2)
			continue;
		qsort(keys, n, sizeof(*keys), cmp_key);
		for (i = 1; i < n && !err; i++) {
			if (keys[i - 1]->data.scalar.length !=
				    keys[i]->data.scalar.length ||
			    memcmp(keys[i - 1]->data.scalar.value,
				   keys[i]->data.scalar.value,
				   keys[i]->data.scalar.length))
				continue;
			err = eg_error_set(
				EG_ECONFIG, "%s:%zu:%zu: duplicate key '%s'",
				name, keys[i]->start_mark.line + 1,
				keys[i]->start_mark.column + 1,
				(const char *)keys[i]->data.scalar.value);
		}
	}
	free(keys);
	return err;
}

/*
 * Refuse a string that holds a NUL ("a\0b"): every reader takes scalars
 * as C strings, and would quietly use what comes before it.
 */
static int find_nul(const char *name, yaml_document_t *doc)
{
	yaml_node_t *node;

	for (node = doc->nodes.start; node < doc->nodes.top; node++)
		if (node->type == YAML_SCALAR_NODE &&
		    memchr(node->data.scalar.value, '\0',
			   node->data.scalar.length))
			return eg_error_set(
				EG_ECONFIG,
				"%s:%zu:%zu: a string holds a NUL character",
				name, node->start_mark.line + 1,
				node->start_mark.column + 1);
	return 0;
}

int eg_yaml_load(struct eg_yaml **out, const char *name, const char *buf,
		 size_t len)
{
	struct eg_yaml *y;
	yaml_parser_t parser;
	int err;

	*out = NULL;
	if ((err = eg_yaml_screen(name, buf, len)))
		return err;
	y = eg_xcalloc(1, sizeof(*y));
	y->name = eg_xstrdup(name);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &y->doc)) {
		err = eg_yaml_parse_error(name, &parser, buf, len);
		yaml_parser_delete(&parser);
		free(y->name);
		free(y);
		return err;
	}
	yaml_parser_delete(&parser);
	y->loaded = 1;
	if ((err = find_duplicate_key(name, &y->doc)) ||
	    (err = find_nul(name, &y->doc))) {
		eg_yaml_free(y);
		return err;
	}
	*out = y;
	return 0;
}

void eg_yaml_free(struct eg_yaml *y)
{
	if (!y)
		return;
	if (y->loaded)
		yaml_document_delete(&y->doc);
	free(y->name);
	free(y);
}

yaml_node_t *eg_yaml_root(struct eg_yaml *y)
{
	return yaml_document_get_root_node(&y->doc);
}

yaml_node_t *eg_yaml_node(struct eg_yaml *y, int index)
{
	return yaml_document_get_node(&y->doc, index);
}

const char *eg_yaml_scalar(yaml_node_t *node)
{
	if (!node || node->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)node->data.scalar.value;
}

yaml_node_t *eg_yaml_get(struct eg_yaml *y, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = eg_yaml_scalar(eg_yaml_node(y, p->key));

		if (k && !strcmp(k, key))
			return eg_yaml_node(y, p->value);
	}
	return NULL;
}

int eg_yaml_error(struct eg_yaml *y, yaml_node_t *node, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	size_t line = node ? node->start_mark.line + 1 : 1;
	size_t col = node ? node->start_mark.column + 1 : 1;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return eg_error_set(EG_ECONFIG, "%s:%zu:%zu: %s", y->name, line, col,
			    msg);
}

int eg_yaml_string(struct eg_yaml *y, yaml_node_t *node, char **out)
{
	const char *s = eg_yaml_scalar(node);

	if (!s)
		return eg_yaml_error(y, node, "expected a string");
	free(*out);
	*out = eg_xstrdup(s);
	return 0;
}

int eg_yaml_bool(struct eg_yaml *y, yaml_node_t *node, int *out)
{
	const char *s = eg_yaml_scalar(node);

	if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) {
		*out = 1;
		return 0;
	}
	if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) {
		*out = 0;
		return 0;
	}
	return eg_yaml_error(y, node, "expected true or false");
}

int eg_yaml_int(struct eg_yaml *y, yaml_node_t *node, long long *out)
{
	const char *s = eg_yaml_scalar(node);
	char *end;

	if (!s || !*s)
		return eg_yaml_error(y, node, "expected a number");
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno || *end)
		return eg_yaml_error(y, node, "expected a number, not '%s'", s);
	return 0;
}

int eg_yaml_date(struct eg_yaml *y, yaml_node_t *node, char **out)
{
	const char *s = eg_yaml_scalar(node);
	int yy, mm, dd, n = 0;

	if (!s || sscanf(s, "%4d-%2d-%2d%n", &yy, &mm, &dd, &n) != 3 ||
	    n != 10 || s[10] || mm < 1 || mm > 12 || dd < 1 || dd > 31)
		return eg_yaml_error(y, node, "expected a date YYYY-MM-DD");
	free(*out);
	*out = eg_xstrdup(s);
	return 0;
}

int eg_yaml_strv(struct eg_yaml *y, yaml_node_t *node, char ***out, size_t *n)
{
	yaml_node_item_t *it;
	size_t i = 0;

	if (eg_yaml_scalar(node)) {
		*out = eg_xcalloc(1, sizeof(char *));
		(*out)[0] = eg_xstrdup(eg_yaml_scalar(node));
		*n = 1;
		return 0;
	}
	if (!node || node->type != YAML_SEQUENCE_NODE)
		return eg_yaml_error(y, node, "expected a list of strings");
	*n = (size_t)(node->data.sequence.items.top -
		      node->data.sequence.items.start);
	*out = eg_xcalloc(*n, sizeof(char *));
	for (it = node->data.sequence.items.start;
	     it < node->data.sequence.items.top; it++, i++) {
		yaml_node_t *item = eg_yaml_node(y, *it);

		if (!eg_yaml_scalar(item))
			return eg_yaml_error(y, item, "expected a string");
		(*out)[i] = eg_xstrdup(eg_yaml_scalar(item));
	}
	return 0;
}

int eg_read_file(const char *path, size_t max, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, alloc = 0, got;

	*out = NULL;
	*len = 0;
	if (!f)
		return eg_error_set(EG_EIO, "%s: %s", path, strerror(errno));
	do {
		EG_GROW(buf, alloc, n + 65536 + 1);
		got = fread(buf + n, 1, alloc - n - 1, f);
		n += got;
		if (n > max) {
			fclose(f);
			free(buf);
			return eg_error_set(EG_EIO, "%s: larger than %zu bytes",
					    path, max);
		}
	} while (got);
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return eg_error_set(EG_EIO, "%s: read error", path);
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}
