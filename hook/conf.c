/* conf.c: loading the gate's YAML files and checking their shape. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "conf.h"
#include "yamlutil.h"
#include "digest.h"
#include "trust.h"

static int read_file(char **out, size_t *outlen, const char *path)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return eg_error_set(EG_EIO, "%s: cannot open: %s", path,
				    strerror(errno));
	if (fstat(fd, &st) < 0) {
		err = eg_error_set(EG_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		err = eg_error_set(EG_EIO, "%s: not a regular file", path);
		goto done;
	}
	/* a file another account may change could approve its own push */
	if ((err = eg_trust_file(path, &st)) < 0)
		goto done;
	if ((unsigned long long)st.st_size > EG_CONF_MAX_SIZE) {
		err = eg_error_set(EG_ECONFIG, "%s: larger than %u bytes", path,
				   EG_CONF_MAX_SIZE);
		goto done;
	}
	buf = eg_xmalloc((size_t)st.st_size + 1);
	/* The file may change under us; never read past what was allotted. */
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = eg_error_set(EG_EIO, "%s: cannot read: %s", path,
					   strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
done:
	free(buf);
	close(fd);
	return err;
}

int eg_conf_read(struct eg_conf *conf, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int err;

	err = read_file(&text, &len, path);
	if (err < 0)
		return err;
	err = eg_conf_parse(conf, path, text, len);
	free(text);
	return err;
}

int eg_conf_parse(struct eg_conf *conf, const char *name, const char *buf,
		  size_t len)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	yaml_node_t *node;
	int err = 0;

	if (conf->loaded || conf->text)
		eg_conf_release(conf);
	if (len > EG_CONF_MAX_SIZE)
		return eg_error_set(EG_ECONFIG, "%s: larger than %u bytes",
				    name, EG_CONF_MAX_SIZE);
	conf->name = eg_xstrdup(name);
	conf->text = eg_xstrndup(buf, len);
	conf->len = len;
	if (memchr(buf, '\0', len))
		return eg_error_set(EG_ECONFIG, "%s: contains a NUL byte",
				    name);
	err = eg_digest_sha256(conf->sha256, buf, len);
	if (!err)
		err = eg_yaml_screen(name, conf->text, len);
	if (err < 0)
		return err;

	if (!yaml_parser_initialize(&parser))
		return eg_error_set(EG_ENOMEM, "%s: cannot start libyaml",
				    name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)conf->text,
				     len);
	if (!yaml_parser_load(&parser, &conf->doc))
		goto parse_error;
	conf->loaded = 1;
	if (!yaml_parser_load(&parser, &extra))
		goto parse_error;
	node = yaml_document_get_root_node(&extra);
	if (node)
		err = eg_error_set(EG_ECONFIG,
				   "%s:%zu:%zu: only one YAML document is "
				   "allowed",
				   name, node->start_mark.line + 1,
				   node->start_mark.column + 1);
	yaml_document_delete(&extra);
	goto done;

parse_error:
	err = eg_yaml_parse_error(name, &parser, conf->text, len);
done:
	yaml_parser_delete(&parser);
	return err;
}

void eg_conf_release(struct eg_conf *conf)
{
	if (conf->loaded)
		yaml_document_delete(&conf->doc);
	free(conf->name);
	free(conf->text);
	memset(conf, 0, sizeof(*conf));
}

yaml_node_t *eg_conf_root(struct eg_conf *conf)
{
	return conf->loaded ? yaml_document_get_root_node(&conf->doc) : NULL;
}

yaml_node_t *eg_conf_node(struct eg_conf *conf, int index)
{
	return yaml_document_get_node(&conf->doc, index);
}

int eg_conf_error(const struct eg_conf *conf, const yaml_node_t *node,
		  const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return eg_error_set(EG_ECONFIG, "%s:%zu:%zu: %s", conf->name,
			    node ? node->start_mark.line + 1 : 1,
			    node ? node->start_mark.column + 1 : 1, msg);
}

static const char *scalar(const yaml_node_t *node)
{
	return (const char *)node->data.scalar.value;
}

int eg_conf_is_null(const yaml_node_t *node)
{
	const char *s;

	if (!node || node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = scalar(node);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
	       !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static const char *type_name(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return eg_conf_is_null(node) ? "nothing" : "a string";
	}
}

int eg_conf_string(const char **out, const struct eg_conf *conf,
		   const yaml_node_t *node, const char *what)
{
	if (node->type != YAML_SCALAR_NODE || eg_conf_is_null(node))
		return eg_conf_error(conf, node,
				     "%s: expected a string, got %s", what,
				     type_name(node));
	if (strlen(scalar(node)) != node->data.scalar.length)
		return eg_conf_error(conf, node, "%s: contains a NUL byte",
				     what);
	*out = scalar(node);
	return 0;
}

int eg_conf_strdup(char **out, const struct eg_conf *conf,
		   const yaml_node_t *node, const char *what)
{
	const char *s;
	int err = eg_conf_string(&s, conf, node, what);

	if (err < 0)
		return err;
	*out = eg_xstrdup(s);
	return 0;
}

int eg_conf_integer(long long *out, const struct eg_conf *conf,
		    const yaml_node_t *node, const char *what, long long min,
		    long long max)
{
	const char *s;
	char *end;
	long long v;

	if (node->type != YAML_SCALAR_NODE ||
	    node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    eg_conf_is_null(node))
		return eg_conf_error(conf, node,
				     "%s: expected a number, got %s", what,
				     type_name(node));
	s = scalar(node);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '+' || *s == ' ' || end == s || *end || errno)
		return eg_conf_error(
			conf, node, "%s: expected a number, got '%s'", what, s);
	if (v < min || v > max)
		return eg_conf_error(conf, node,
				     "%s: %lld is out of range [%lld, %lld]",
				     what, v, min, max);
	*out = v;
	return 0;
}

static int key_cmp(const void *a, const void *b)
{
	const yaml_node_t *x = *(yaml_node_t *const *)a;
	const yaml_node_t *y = *(yaml_node_t *const *)b;
	int c = strcmp(scalar(x), scalar(y));

	if (c)
		return c;
	return x->start_mark.index < y->start_mark.index ? -1 : 1;
}

int eg_conf_check_map(struct eg_conf *conf, const yaml_node_t *node,
		      const char *what)
{
	yaml_node_pair_t *pair;
	yaml_node_t **keys = NULL;
	size_t n = 0, i;
	int err = 0;

	if (node->type != YAML_MAPPING_NODE)
		return eg_conf_error(conf, node,
				     "%s: expected a mapping, got %s", what,
				     type_name(node));
	keys = eg_xcalloc((size_t)(node->data.mapping.pairs.top -
				   node->data.mapping.pairs.start),
			  sizeof(*keys));
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = eg_conf_node(conf, pair->key);
		const char *s;

		err = eg_conf_string(&s, conf, key, "key");
		if (err < 0)
			goto done;
		keys[n++] = key;
	}
	/* Sorting keeps this linear-logarithmic in the number of keys. */
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 1; i < n; i++) {
		if (!strcmp(scalar(keys[i - 1]), scalar(keys[i]))) {
			err = eg_conf_error(conf, keys[i],
					    "%s: duplicate key '%s'", what,
					    scalar(keys[i]));
			goto done;
		}
	}
done:
	free(keys);
	return err;
}

int eg_conf_check_seq(const struct eg_conf *conf, const yaml_node_t *node,
		      const char *what)
{
	if (node->type != YAML_SEQUENCE_NODE)
		return eg_conf_error(conf, node, "%s: expected a list, got %s",
				     what, type_name(node));
	return 0;
}

static void key_list(char *out, size_t size, const char *const *keys)
{
	size_t len = 0;
	size_t i;

	out[0] = '\0';
	for (i = 0; keys[i] && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					i ? ", " : "", keys[i]);
}

int eg_conf_mapping(yaml_node_t **vals, struct eg_conf *conf,
		    const yaml_node_t *node, const char *what,
		    const char *const *keys)
{
	yaml_node_pair_t *pair;
	size_t i;
	int err;

	err = eg_conf_check_map(conf, node, what);
	if (err < 0)
		return err;
	for (i = 0; keys[i]; i++)
		vals[i] = NULL;
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = eg_conf_node(conf, pair->key);
		char expected[512];

		for (i = 0; keys[i]; i++)
			if (!strcmp(keys[i], scalar(key)))
				break;
		if (keys[i]) {
			vals[i] = eg_conf_node(conf, pair->value);
			continue;
		}
		key_list(expected, sizeof(expected), keys);
		return eg_conf_error(conf, key,
				     "%s: unknown key '%s' (expected one of: "
				     "%s)",
				     what, scalar(key), expected);
	}
	return 0;
}

int eg_conf_string_list(char ***out, size_t *n, struct eg_conf *conf,
			const yaml_node_t *node, const char *what)
{
	yaml_node_item_t *item;
	char **list = NULL;
	size_t count = 0;
	int err = 0;

	if (node->type == YAML_SCALAR_NODE) {
		list = eg_xcalloc(2, sizeof(*list));
		err = eg_conf_strdup(&list[0], conf, node, what);
		count = err < 0 ? 0 : 1;
		goto done;
	}
	err = eg_conf_check_seq(conf, node, what);
	if (err < 0)
		return err;
	list = eg_xcalloc((size_t)(node->data.sequence.items.top -
				   node->data.sequence.items.start) +
				  1,
			  sizeof(*list));
	for (item = node->data.sequence.items.start;
	     item < node->data.sequence.items.top; item++) {
		err = eg_conf_strdup(&list[count], conf,
				     eg_conf_node(conf, *item), what);
		if (err < 0)
			goto done;
		count++;
	}
done:
	if (err < 0) {
		eg_conf_free_list(list);
		return err;
	}
	*out = list;
	*n = count;
	return 0;
}

void eg_conf_free_list(char **list)
{
	char **p;

	if (!list)
		return;
	for (p = list; *p; p++)
		free(*p);
	free(list);
}
