/* yamlutil.h: a loaded YAML document, typed getters, file:line:col errors. */
#ifndef EG_YAMLUTIL_H
#define EG_YAMLUTIL_H

#include <stddef.h>

#include <yaml.h>

struct eg_yaml;

/*
 * Parse `buf` (named `name` in messages) into a document.  On success *out
 * is owned by the caller (eg_yaml_free()).  Malformed YAML fails with
 * EG_ECONFIG and "name:line:column: message".  Aliases are refused, so the
 * document's size is bounded by the input's.
 */
int eg_yaml_load(struct eg_yaml **out, const char *name, const char *buf,
		 size_t len);
void eg_yaml_free(struct eg_yaml *y);

/* No file the tool reads needs more; libyaml slows down past it. */
#define EG_YAML_MAX_DEPTH 64

/*
 * Refuse what the loader would take at too great a cost: an alias (an
 * alias bomb makes a small file expand hugely) and nesting deeper than
 * EG_YAML_MAX_DEPTH.  EG_ECONFIG with "name:line:column: message"; a
 * syntax error is left to the loader.
 */
int eg_yaml_screen(const char *name, const char *buf, size_t len);

/*
 * The error of `parser`, which failed on `buf`: EG_ECONFIG with
 * "name:line:column: problem context".  A reader error (bytes that are not
 * UTF-8) has its byte offset counted into the line and column.
 */
int eg_yaml_parse_error(const char *name, const yaml_parser_t *parser,
			const char *buf, size_t len);

/* Borrowed nodes; NULL when absent. */
yaml_node_t *eg_yaml_root(struct eg_yaml *y);
yaml_node_t *eg_yaml_node(struct eg_yaml *y, int index);
yaml_node_t *eg_yaml_get(struct eg_yaml *y, yaml_node_t *map, const char *key);
/* A scalar's text, or NULL when the node is not a scalar; borrowed. */
const char *eg_yaml_scalar(yaml_node_t *node);

/* Set "name:line:column: message" at `node` and return EG_ECONFIG. */
int eg_yaml_error(struct eg_yaml *y, yaml_node_t *node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Typed reads; *out is the caller's to free.  EG_ECONFIG on a wrong type. */
int eg_yaml_string(struct eg_yaml *y, yaml_node_t *node, char **out);
int eg_yaml_bool(struct eg_yaml *y, yaml_node_t *node, int *out);
int eg_yaml_int(struct eg_yaml *y, yaml_node_t *node, long long *out);
/* A YYYY-MM-DD date, checked. */
int eg_yaml_date(struct eg_yaml *y, yaml_node_t *node, char **out);
/* A list of strings (or one string); *out and each string the caller's. */
int eg_yaml_strv(struct eg_yaml *y, yaml_node_t *node, char ***out, size_t *n);

/*
 * Read a whole file of at most `max` bytes into *out (NUL-terminated, the
 * caller's to free).  EG_EIO with "path: reason" on failure.
 */
int eg_read_file(const char *path, size_t max, char **out, size_t *len);

#endif
