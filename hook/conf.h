/* conf.h: the gate's YAML files (policy, approvals), loaded with libyaml. */
#ifndef EG_CONF_H
#define EG_CONF_H

#include <stddef.h>

#include <yaml.h>

/* Configuration files are written by people; anything larger is a mistake. */
#define EG_CONF_MAX_SIZE (16u << 20)

/*
 * One loaded YAML document and the text it came from.  Every error about it
 * names "name:line:column", taken from the node at fault, so the reader can
 * find the mistake.  Aliases ("*name") are refused, as in signature packs,
 * so every node is walked once and the work is bounded by the file's size.
 */
struct eg_conf {
	char *name; /* as given, for messages */
	char *text; /* the file, NUL-terminated */
	size_t len;
	char sha256[65]; /* of text, lower-case hex */
	yaml_document_t doc;
	int loaded;
};

/* clang-format off */
#define EG_CONF_INIT {0}
/* clang-format on */

/*
 * Read `path` (at most EG_CONF_MAX_SIZE bytes) and parse it.  EG_EIO when
 * the file cannot be read, EG_ECONFIG with "path:line:column: message" when
 * it is not one well-formed YAML document or uses aliases.  Release `conf`
 * in every case.
 */
int eg_conf_read(struct eg_conf *conf, const char *path);

/* The same on text in memory, `name` standing for the file in messages. */
int eg_conf_parse(struct eg_conf *conf, const char *name, const char *buf,
		  size_t len);

/* Free what `conf` holds and make it EG_CONF_INIT again. */
void eg_conf_release(struct eg_conf *conf);

/* The root node, or NULL when the document is empty.  Borrowed. */
yaml_node_t *eg_conf_root(struct eg_conf *conf);

/* A node by the index libyaml keeps in pairs and sequences.  Borrowed. */
yaml_node_t *eg_conf_node(struct eg_conf *conf, int index);

/*
 * Set "name:line:column: message" for `node` (the document's start when
 * NULL) and return EG_ECONFIG.
 */
int eg_conf_error(const struct eg_conf *conf, const yaml_node_t *node,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A plain scalar that YAML reads as null: empty, "~" or "null". */
int eg_conf_is_null(const yaml_node_t *node);

/*
 * The text of a scalar that is a string: not null, no NUL byte inside.
 * EG_ECONFIG naming `what` otherwise.  *out is borrowed from the document.
 */
int eg_conf_string(const char **out, const struct eg_conf *conf,
		   const yaml_node_t *node, const char *what);

/* eg_conf_string() into a new copy the caller frees. */
int eg_conf_strdup(char **out, const struct eg_conf *conf,
		   const yaml_node_t *node, const char *what);

/*
 * A plain scalar holding a decimal integer in [min, max].  EG_ECONFIG
 * otherwise.
 */
int eg_conf_integer(long long *out, const struct eg_conf *conf,
		    const yaml_node_t *node, const char *what, long long min,
		    long long max);

/*
 * Check that `node` is a mapping whose keys are scalars out of `keys`
 * (NULL-terminated), each at most once.  On success, vals[i] is the value
 * node of keys[i], or NULL when absent.  EG_ECONFIG names the offending key
 * and lists the allowed ones.
 */
int eg_conf_mapping(yaml_node_t **vals, struct eg_conf *conf,
		    const yaml_node_t *node, const char *what,
		    const char *const *keys);

/*
 * Check that `node` is a mapping of scalar keys, none twice, so the caller
 * can walk node->data.mapping.pairs knowing every key is a string.
 */
int eg_conf_check_map(struct eg_conf *conf, const yaml_node_t *node,
		      const char *what);

/* The same for a sequence (any items). */
int eg_conf_check_seq(const struct eg_conf *conf, const yaml_node_t *node,
		      const char *what);

/*
 * A sequence of strings, or one string standing for a list of one, copied
 * into a new NULL-terminated array the caller frees with eg_conf_free_list().
 */
int eg_conf_string_list(char ***out, size_t *n, struct eg_conf *conf,
			const yaml_node_t *node, const char *what);

void eg_conf_free_list(char **list);

#endif
