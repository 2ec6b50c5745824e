/* sigset.c: parsing signature packs (YAML) and compiling them once. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <pcre2.h>
#include <yaml.h>

#include "bitset.h"
#include "error.h"
#include "prefilter.h"
#include "sigset.h"
#include "trust.h"
#include "yamlutil.h"

struct eg_sigset *eg_sigset_new(void)
{
	struct eg_sigset *set = eg_xcalloc(1, sizeof(*set));

	pthread_mutex_init(&set->lazy_lock, NULL);
	return set;
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void cond_release(struct eg_cond *c)
{
	size_t i;

	for (i = 0; i < c->nkids; i++)
		cond_release(&c->kids[i]);
	free(c->kids);
}

void eg_sigset_free(struct eg_sigset *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->npacks; i++) {
		free(set->packs[i].id);
		free(set->packs[i].version);
		free(set->packs[i].title);
		free(set->packs[i].source);
	}
	for (i = 0; i < set->nsigs; i++) {
		struct eg_signature *s = &set->sigs[i];

		free(s->id);
		free(s->title);
		free(s->eccn);
		free(s->citation);
		free(s->description);
		free(s->effective);
		free(s->expires);
		free_strv(s->permitted, s->npermitted);
		free_strv(s->references, s->nreferences);
		cond_release(&s->controlled);
		cond_release(&s->review);
	}
	for (i = 0; i < set->ncriteria; i++) {
		free(set->criteria[i].id);
		free(set->criteria[i].title);
		free(set->criteria[i].regulation);
	}
	for (i = 0; i < set->npatterns; i++) {
		struct eg_pattern *p = &set->patterns[i];

		free(p->id);
		free(p->text);
		free_strv(p->paths, p->npaths);
		free_strv(p->prefilter, p->nprefilter);
		pcre2_code_free(p->code);
		free(p->unless);
		pcre2_code_free(p->unless_code);
	}
	for (i = 0; i <= EG_TEXT_KINDS; i++)
		eg_prefilter_free(set->prefilters[i]);
	pthread_mutex_destroy(&set->lazy_lock);
	free(set->packs);
	free(set->sigs);
	free(set->criteria);
	free(set->patterns);
	free(set);
}

/* Parsing state for one pack file. */
struct parse {
	struct eg_sigset *set;
	struct eg_yaml *y;
	size_t pack;
	/*
	 * Owned: every regex of the pack is compiled with it.  Lines end at
	 * \n, \r\n or \r, so that `$` holds at the end of a line of a file
	 * written on Windows, before its \r, and `.` does not take the \r.
	 */
	pcre2_compile_context *cctx;
};

static int parse_kinds(struct parse *ps, yaml_node_t *node, unsigned *out)
{
	yaml_node_item_t *it;

	*out = 0;
	if (node->type != YAML_SEQUENCE_NODE)
		return eg_yaml_error(ps->y, node, "kinds must be a list");
	for (it = node->data.sequence.items.start;
	     it < node->data.sequence.items.top; it++) {
		yaml_node_t *k = eg_yaml_node(ps->y, *it);
		const char *name = eg_yaml_scalar(k);
		unsigned bit = name ? eg_kind_parse(name) : 0;

		if (!bit)
			return eg_yaml_error(ps->y, k, "unknown file kind '%s'",
					     name ? name : "?");
		*out |= bit;
	}
	return 0;
}

/*
 * Whether `re` turns on extended mode anywhere ((?x), (?xx), (?ix),
 * (?x: ...)): its white space and # comments are then not text.
 */
static int sets_extended(const char *re)
{
	const char *p;

	for (p = strstr(re, "(?"); p; p = strstr(p + 2, "(?")) {
		const char *f = p + 2;
		int x = 0;

		while (isalpha((unsigned char)*f) || *f == '-' || *f == '^')
			x |= *f++ == 'x';
		if (x && (*f == ')' || *f == ':'))
			return 1;
	}
	return 0;
}

/*
 * The ']' that ends the class opening at p ('['), or NULL where unsure:
 * a POSIX class ([:alpha:]) or quoting (\Q) may hold a ']' that does not.
 */
static const char *class_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	for (; *p && *p != ']'; p++) {
		if (*p == '[' && p[1] && strchr(":.=", p[1]))
			return NULL;
		if (*p == '\\' && (!*++p || *p == 'Q'))
			return NULL;
	}
	return *p ? p : NULL;
}

/*
 * A literal every match of `re` must contain, lower-cased, or NULL: the
 * longest run of at least three plain characters outside any group, class
 * or alternation.  Conservative: where unsure, no prefilter.
 */
static char *derive_prefilter(const char *re)
{
	char run[256], best[256];
	size_t n = 0, bestn = 0;
	const char *p;
	int depth = 0;

	if (sets_extended(re))
		return NULL;
	for (p = re; *p; p++) {
		int lit = -1;

		if (*p == '|' && depth == 0)
			return NULL;
		if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (*p == '[') {
			if (!(p = class_end(p)))
				return NULL;
		} else if (*p == '{') {
			/* a repeat count such as {2,5} is not text */
			size_t k = strspn(p + 1, "0123456789, ");

			if (p[1 + k] == '}')
				p += 1 + k;
		} else if (*p == '\\') {
			p++;
			/*
			 * Escapes that take arguments (\x6c, \154, \p{L},
			 * \k<name>, \Q...\E): what follows is not plain text
			 */
			if (!*p || strchr("xo0123456789cNpPkgQ", *p))
				return NULL;
			if (strchr(".()[]{}|*+?^$\\/-_ #:=<>,'\"", *p))
				lit = *p;
		} else if (depth == 0 && (isalnum((unsigned char)*p) ||
					  strchr("_-:/,'\"=<> #@!%&~;", *p))) {
			lit = *p;
		}
		if (lit >= 0 && depth == 0 && !(p[1] && strchr("?*{", p[1]))) {
			if (n < sizeof(run) - 1)
				run[n++] = (char)tolower(lit);
			if (p[1] == '+')
				lit = -1; /* the run may repeat here: end it */
			else
				continue;
		}
		if (n > bestn) {
			memcpy(best, run, n);
			bestn = n;
		}
		n = 0;
	}
	if (n > bestn) {
		memcpy(best, run, n);
		bestn = n;
	}
	return bestn >= 3 ? eg_xstrndup(best, bestn) : NULL;
}

/*
 * Whether a match may run many lines away from the literal it contains:
 * dot-all mode, explicit newlines, or long bounded repeats.  Such a regex
 * is run over the whole file rather than the lines around its literals.
 */
static int reaches_far(const char *re)
{
	const char *p;

	if (strstr(re, "(?s") || strstr(re, "\\n") || strstr(re, "\\s\\S") ||
	    strstr(re, "\\S\\s") || strstr(re, "\\R"))
		return 1;
	for (p = strchr(re, '{'); p; p = strchr(p + 1, '{')) {
		unsigned long lo, hi;

		if (sscanf(p, "{%lu,%lu}", &lo, &hi) == 2 && hi >= 200)
			return 1;
		if (sscanf(p, "{%lu,}", &lo) == 1 &&
		    p[strspn(p + 1, "0123456789") + 2] == '}')
			return 1;
	}
	return 0;
}

static char *lower_dup(const char *s)
{
	char *d = eg_xstrdup(s), *p;

	for (p = d; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

/* Compile `text` (a regex, or a literal) into *code, as `what` in errors. */
static int compile_regex(struct parse *ps, yaml_node_t *at, const char *what,
			 const char *text, int literal, int icase, void **code)
{
	uint32_t flags = PCRE2_MULTILINE;
	int err;
	PCRE2_SIZE off;
	PCRE2_UCHAR msg[256];

	if (icase)
		flags |= PCRE2_CASELESS;
	if (literal)
		flags = PCRE2_LITERAL | (flags & PCRE2_CASELESS);
	*code = pcre2_compile((PCRE2_SPTR)text, PCRE2_ZERO_TERMINATED, flags,
			      &err, &off, ps->cctx);
	if (!*code) {
		pcre2_get_error_message(err, msg, sizeof(msg));
		return eg_yaml_error(ps->y, at, "bad %s at offset %zu: %s",
				     what, (size_t)off, (char *)msg);
	}
	return 0;
}

/* An id: a string, and not an empty one, which nothing could name. */
static int parse_id(struct parse *ps, yaml_node_t *v, char **out)
{
	int err = eg_yaml_string(ps->y, v, out);

	if (!err && !**out)
		return eg_yaml_error(ps->y, v, "an empty id");
	return err;
}

int eg_is_jurisdiction(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

	return n >= 2 && n <= 32 && !s[n] && isupper((unsigned char)s[0]);
}

/*
 * The jurisdictions a signature permits, one code or a list.  A code a
 * policy could never name ("usa", "12") would leave every destination not
 * permitted, silently.
 */
static int parse_permitted(struct parse *ps, yaml_node_t *v,
			   struct eg_signature *s)
{
	size_t i;
	int err = eg_yaml_strv(ps->y, v, &s->permitted, &s->npermitted);

	for (i = 0; !err && i < s->npermitted; i++) {
		yaml_node_t *item =
			v->type == YAML_SEQUENCE_NODE
				? eg_yaml_node(ps->y,
					       v->data.sequence.items.start[i])
				: v;

		if (!eg_is_jurisdiction(s->permitted[i]))
			err = eg_yaml_error(ps->y, item,
					    "'%s' is not a jurisdiction code "
					    "(upper case, such as US, DE or "
					    "US-CA)",
					    s->permitted[i]);
	}
	return err;
}

static int parse_pattern(struct parse *ps, yaml_node_t *node, size_t crit)
{
	struct eg_sigset *set = ps->set;
	struct eg_pattern *p;
	yaml_node_t *v, *text_node = NULL, *unless_node = NULL;
	yaml_node_pair_t *pair;
	int err, have_kinds = 0;

	if (node->type != YAML_MAPPING_NODE)
		return eg_yaml_error(ps->y, node,
				     "a pattern must be a mapping");
	EG_GROW(set->patterns, set->patterns_alloc, set->npatterns + 1);
	p = &set->patterns[set->npatterns++];
	memset(p, 0, sizeof(*p));
	p->criterion = crit;
	p->kinds = EG_KIND_ANY_TEXT;
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = eg_yaml_node(ps->y, pair->key);
		const char *key = eg_yaml_scalar(k);

		v = eg_yaml_node(ps->y, pair->value);
		if (!key)
			return eg_yaml_error(ps->y, k, "keys must be strings");
		if (!strcmp(key, "id"))
			err = parse_id(ps, v, &p->id);
		else if (!strcmp(key, "regex") || !strcmp(key, "literal")) {
			if (p->text)
				return eg_yaml_error(
					ps->y, k,
					"a pattern has one regex or literal");
			p->literal = key[0] == 'l';
			text_node = v;
			err = eg_yaml_string(ps->y, v, &p->text);
			if (!err && !p->text[0])
				return eg_yaml_error(ps->y, v, "empty %s", key);
		} else if (!strcmp(key, "unless")) {
			unless_node = v;
			err = eg_yaml_string(ps->y, v, &p->unless);
			if (!err && !p->unless[0])
				return eg_yaml_error(ps->y, v, "empty unless");
		} else if (!strcmp(key, "icase"))
			err = eg_yaml_bool(ps->y, v, &p->icase);
		else if (!strcmp(key, "kinds")) {
			err = parse_kinds(ps, v, &p->kinds);
			have_kinds = 1;
		} else if (!strcmp(key, "paths")) {
			err = eg_yaml_strv(ps->y, v, &p->paths, &p->npaths);
			for (size_t i = 0; !err && i < p->npaths; i++)
				if (strchr(p->paths[i], '/'))
					err = eg_yaml_error(
						ps->y, v,
						"paths: '%s' holds a '/', and "
						"globs match a file's base "
						"name (train*.py), never its "
						"folders",
						p->paths[i]);
		} else if (!strcmp(key, "prefilter"))
			err = eg_yaml_strv(ps->y, v, &p->prefilter,
					   &p->nprefilter);
		else
			return eg_yaml_error(ps->y, k,
					     "unknown pattern key '%s'", key);
		if (err)
			return err;
	}
	if (!p->id)
		return eg_yaml_error(ps->y, node, "pattern without an id");
	if (!p->text) {
		if (p->unless)
			return eg_yaml_error(
				ps->y, unless_node,
				"'unless' needs a regex or a literal");
		if (!have_kinds || (p->kinds & EG_KIND_ANY_TEXT))
			return eg_yaml_error(
				ps->y, node,
				"pattern '%s' needs a regex, a literal, or binary kinds",
				p->id);
		p->kind_only = 1;
		return 0;
	}
	if ((err = compile_regex(ps, text_node, "regex", p->text, p->literal,
				 p->icase, &p->code)) ||
	    (p->unless &&
	     (err = compile_regex(ps, unless_node, "unless regex", p->unless, 0,
				  p->icase, &p->unless_code))))
		return err;
	p->whole_file = !p->literal && reaches_far(p->text);
	if (p->nprefilter) {
		size_t i;

		for (i = 0; i < p->nprefilter; i++) {
			char *l = lower_dup(p->prefilter[i]);

			free(p->prefilter[i]);
			p->prefilter[i] = l;
			if (!l[0])
				return eg_yaml_error(ps->y, node,
						     "empty prefilter literal");
		}
	} else {
		char *lit = p->literal ? lower_dup(p->text)
				       : derive_prefilter(p->text);

		if (lit) {
			p->prefilter = eg_xmalloc(sizeof(char *));
			p->prefilter[0] = lit;
			p->nprefilter = 1;
		}
	}
	return 0;
}

static int parse_match(struct parse *ps, yaml_node_t *v, struct eg_criterion *c)
{
	const char *s = eg_yaml_scalar(v);

	if (s && !strcmp(s, "any")) {
		c->match = EG_COND_ANY;
		return 0;
	}
	if (s && !strcmp(s, "all")) {
		c->match = EG_COND_ALL;
		return 0;
	}
	if (v->type == YAML_MAPPING_NODE) {
		yaml_node_t *n = eg_yaml_get(ps->y, v, "at_least");
		long long k;
		int err;

		if (n &&
		    v->data.mapping.pairs.top - v->data.mapping.pairs.start ==
			    1) {
			if ((err = eg_yaml_int(ps->y, n, &k)))
				return err;
			if (k < 1 || k > 1000)
				return eg_yaml_error(
					ps->y, n, "at_least must be 1 to 1000");
			c->match = EG_COND_AT_LEAST;
			c->at_least = (unsigned)k;
			return 0;
		}
	}
	return eg_yaml_error(ps->y, v,
			     "match must be any, all or {at_least: N}");
}

static int parse_criterion(struct parse *ps, yaml_node_t *node, size_t sig)
{
	struct eg_sigset *set = ps->set;
	struct eg_criterion *c;
	size_t ci;
	yaml_node_pair_t *pair;
	yaml_node_t *patterns = NULL;
	int err;

	if (node->type != YAML_MAPPING_NODE)
		return eg_yaml_error(ps->y, node,
				     "a criterion must be a mapping");
	EG_GROW(set->criteria, set->criteria_alloc, set->ncriteria + 1);
	ci = set->ncriteria++;
	c = &set->criteria[ci];
	memset(c, 0, sizeof(*c));
	c->signature = sig;
	c->match = EG_COND_ANY;
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = eg_yaml_node(ps->y, pair->key);
		yaml_node_t *v = eg_yaml_node(ps->y, pair->value);
		const char *key = eg_yaml_scalar(k);

		c = &set->criteria[ci];
		if (!key)
			return eg_yaml_error(ps->y, k, "keys must be strings");
		if (!strcmp(key, "id"))
			err = parse_id(ps, v, &c->id);
		else if (!strcmp(key, "title"))
			err = eg_yaml_string(ps->y, v, &c->title);
		else if (!strcmp(key, "regulation"))
			err = eg_yaml_string(ps->y, v, &c->regulation);
		else if (!strcmp(key, "match"))
			err = parse_match(ps, v, c);
		else if (!strcmp(key, "patterns")) {
			patterns = v;
			err = 0;
		} else
			return eg_yaml_error(ps->y, k,
					     "unknown criterion key '%s'", key);
		if (err)
			return err;
	}
	if (!set->criteria[ci].id)
		return eg_yaml_error(ps->y, node, "criterion without an id");
	if (!patterns || patterns->type != YAML_SEQUENCE_NODE ||
	    patterns->data.sequence.items.top ==
		    patterns->data.sequence.items.start)
		return eg_yaml_error(ps->y, patterns ? patterns : node,
				     "criterion '%s' needs a list of patterns",
				     set->criteria[ci].id);
	set->criteria[ci].first_pattern = set->npatterns;
	for (yaml_node_item_t *it = patterns->data.sequence.items.start;
	     it < patterns->data.sequence.items.top; it++)
		if ((err = parse_pattern(ps, eg_yaml_node(ps->y, *it), ci)))
			return err;
	c = &set->criteria[ci];
	c->npatterns = set->npatterns - c->first_pattern;
	if (c->match == EG_COND_AT_LEAST && c->at_least > c->npatterns)
		return eg_yaml_error(
			ps->y, node,
			"criterion '%s' asks for at least %u of %zu patterns",
			c->id, c->at_least, c->npatterns);
	return 0;
}

static int find_criterion(const struct eg_sigset *set,
			  const struct eg_signature *sig, const char *id,
			  size_t *out)
{
	size_t i;

	for (i = 0; i < sig->ncriteria; i++)
		if (!strcmp(set->criteria[sig->first_criterion + i].id, id)) {
			*out = sig->first_criterion + i;
			return 0;
		}
	return -1;
}

/*
 * `in_none`: the condition is an operand of a `none`, directly or not.
 * A `none` there would turn counter-evidence into evidence, and make
 * eg_signature_level_bound() no bound, so it is refused.
 */
static int parse_cond(struct parse *ps, yaml_node_t *node,
		      const struct eg_signature *sig, struct eg_cond *out,
		      int depth, int in_none)
{
	const char *s = eg_yaml_scalar(node);
	const char *list_key = NULL;
	yaml_node_t *list = NULL;
	yaml_node_pair_t *pair;
	long long n = 0;
	int err;

	memset(out, 0, sizeof(*out));
	if (depth > EG_COND_MAX_DEPTH)
		return eg_yaml_error(ps->y, node, "condition nested too deep");
	if (s) {
		out->op = EG_COND_CRITERION;
		if (find_criterion(ps->set, sig, s, &out->criterion))
			return eg_yaml_error(
				ps->y, node,
				"condition names unknown criterion '%s'", s);
		if (in_none)
			ps->set->criteria[out->criterion].counter = 1;
		return 0;
	}
	if (node->type != YAML_MAPPING_NODE)
		return eg_yaml_error(
			ps->y, node,
			"a condition is a criterion id, {all: [...]}, {any: [...]}, {none: [...]} or {at_least: N, of: [...]}");
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = eg_yaml_node(ps->y, pair->key);
		yaml_node_t *v = eg_yaml_node(ps->y, pair->value);
		const char *key = eg_yaml_scalar(k);

		if (key && (!strcmp(key, "all") || !strcmp(key, "any") ||
			    !strcmp(key, "none") || !strcmp(key, "of"))) {
			if (list)
				return eg_yaml_error(ps->y, k,
						     "one list per condition");
			list = v;
			list_key = key;
		} else if (key && !strcmp(key, "at_least")) {
			if ((err = eg_yaml_int(ps->y, v, &n)))
				return err;
			if (n < 1 || n > 1000)
				return eg_yaml_error(
					ps->y, v, "at_least must be 1 to 1000");
		} else {
			return eg_yaml_error(ps->y, k,
					     "unknown condition key '%s'",
					     key ? key : "?");
		}
	}
	if (!list || list->type != YAML_SEQUENCE_NODE ||
	    list->data.sequence.items.top == list->data.sequence.items.start)
		return eg_yaml_error(ps->y, list ? list : node,
				     "a condition needs a non-empty list");
	if (!strcmp(list_key, "of") != !!n)
		return eg_yaml_error(ps->y, node,
				     n ? "at_least takes its list in 'of'"
				       : "'of' goes with at_least");
	if (n) {
		out->op = EG_COND_AT_LEAST;
		out->at_least = (unsigned)n;
	} else if (!strcmp(list_key, "any")) {
		out->op = EG_COND_ANY;
	} else if (!strcmp(list_key, "none")) {
		if (in_none)
			return eg_yaml_error(ps->y, node,
					     "'none' inside 'none'");
		out->op = EG_COND_NONE;
	} else {
		out->op = EG_COND_ALL;
	}
	out->nkids = (size_t)(list->data.sequence.items.top -
			      list->data.sequence.items.start);
	out->kids = eg_xcalloc(out->nkids, sizeof(*out->kids));
	for (size_t i = 0; i < out->nkids; i++) {
		yaml_node_t *kid =
			eg_yaml_node(ps->y, list->data.sequence.items.start[i]);

		if ((err = parse_cond(ps, kid, sig, &out->kids[i], depth + 1,
				      in_none || out->op == EG_COND_NONE)))
			return err;
	}
	if (out->op == EG_COND_AT_LEAST && out->at_least > out->nkids)
		return eg_yaml_error(ps->y, node,
				     "at_least %u of %zu can never hold",
				     out->at_least, out->nkids);
	return 0;
}

static int parse_status(struct parse *ps, yaml_node_t *v, enum eg_status *out)
{
	const char *s = eg_yaml_scalar(v);

	if (s && !strcmp(s, "active"))
		*out = EG_STATUS_ACTIVE;
	else if (s && !strcmp(s, "expired"))
		*out = EG_STATUS_EXPIRED;
	else if (s && !strcmp(s, "contested"))
		*out = EG_STATUS_CONTESTED;
	else
		return eg_yaml_error(
			ps->y, v,
			"status must be active, expired or contested");
	return 0;
}

static int parse_scope(struct parse *ps, yaml_node_t *v, enum eg_sig_scope *out)
{
	const char *s = eg_yaml_scalar(v);

	if (s && !strcmp(s, "file"))
		*out = EG_SIG_FILE;
	else if (s && !strcmp(s, "repository"))
		*out = EG_SIG_REPOSITORY;
	else
		return eg_yaml_error(ps->y, v,
				     "scope must be file or repository");
	return 0;
}

static int parse_signature(struct parse *ps, yaml_node_t *node)
{
	struct eg_sigset *set = ps->set;
	struct eg_signature *s;
	size_t si;
	yaml_node_pair_t *pair;
	yaml_node_t *criteria = NULL, *controlled = NULL, *review = NULL;
	int err = 0;

	if (node->type != YAML_MAPPING_NODE)
		return eg_yaml_error(ps->y, node,
				     "a signature must be a mapping");
	EG_GROW(set->sigs, set->sigs_alloc, set->nsigs + 1);
	si = set->nsigs++;
	s = &set->sigs[si];
	memset(s, 0, sizeof(*s));
	s->pack = ps->pack;
	s->scope = EG_SIG_REPOSITORY;
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = eg_yaml_node(ps->y, pair->key);
		yaml_node_t *v = eg_yaml_node(ps->y, pair->value);
		const char *key = eg_yaml_scalar(k);

		if (!key)
			return eg_yaml_error(ps->y, k, "keys must be strings");
		if (!strcmp(key, "id"))
			err = parse_id(ps, v, &s->id);
		else if (!strcmp(key, "title"))
			err = eg_yaml_string(ps->y, v, &s->title);
		else if (!strcmp(key, "eccn"))
			err = eg_yaml_string(ps->y, v, &s->eccn);
		else if (!strcmp(key, "citation"))
			err = eg_yaml_string(ps->y, v, &s->citation);
		else if (!strcmp(key, "description"))
			err = eg_yaml_string(ps->y, v, &s->description);
		else if (!strcmp(key, "status"))
			err = parse_status(ps, v, &s->status);
		else if (!strcmp(key, "effective"))
			err = eg_yaml_date(ps->y, v, &s->effective);
		else if (!strcmp(key, "expires"))
			err = eg_yaml_date(ps->y, v, &s->expires);
		else if (!strcmp(key, "permitted"))
			err = parse_permitted(ps, v, s);
		else if (!strcmp(key, "references"))
			err = eg_yaml_strv(ps->y, v, &s->references,
					   &s->nreferences);
		else if (!strcmp(key, "scope"))
			err = parse_scope(ps, v, &s->scope);
		else if (!strcmp(key, "criteria"))
			criteria = v;
		else if (!strcmp(key, "controlled"))
			controlled = v;
		else if (!strcmp(key, "review"))
			review = v;
		else
			return eg_yaml_error(ps->y, k,
					     "unknown signature key '%s'", key);
		if (err)
			return err;
	}
	if (!s->id)
		return eg_yaml_error(ps->y, node, "signature without an id");
	for (size_t i = 0; i + 1 < set->nsigs; i++)
		if (!strcmp(set->sigs[i].id, s->id))
			return eg_yaml_error(ps->y, node,
					     "duplicate signature id '%s'",
					     s->id);
	if (!s->title)
		s->title = eg_xstrdup(s->id);
	if (!criteria || criteria->type != YAML_SEQUENCE_NODE ||
	    criteria->data.sequence.items.top ==
		    criteria->data.sequence.items.start)
		return eg_yaml_error(ps->y, criteria ? criteria : node,
				     "signature '%s' needs a list of criteria",
				     s->id);
	if (!controlled)
		return eg_yaml_error(
			ps->y, node,
			"signature '%s' needs a controlled condition", s->id);
	s->first_criterion = set->ncriteria;
	for (yaml_node_item_t *it = criteria->data.sequence.items.start;
	     it < criteria->data.sequence.items.top; it++) {
		if ((err = parse_criterion(ps, eg_yaml_node(ps->y, *it), si)))
			return err;
		s = &set->sigs[si];
		s->ncriteria = set->ncriteria - s->first_criterion;
		for (size_t j = s->first_criterion; j + 1 < set->ncriteria; j++)
			if (!strcmp(set->criteria[j].id,
				    set->criteria[set->ncriteria - 1].id))
				return eg_yaml_error(
					ps->y, eg_yaml_node(ps->y, *it),
					"duplicate criterion id '%s'",
					set->criteria[j].id);
	}
	if ((err = parse_cond(ps, controlled, s, &s->controlled, 0, 0)))
		return err;
	if (review) {
		if ((err = parse_cond(ps, review, s, &s->review, 0, 0)))
			return err;
		s->has_review = 1;
	}
	return 0;
}

static int parse_pack_header(struct parse *ps, yaml_node_t *node)
{
	struct eg_pack *pack = &ps->set->packs[ps->pack];
	yaml_node_pair_t *pair;
	int err = 0;

	if (node->type != YAML_MAPPING_NODE)
		return eg_yaml_error(ps->y, node, "pack must be a mapping");
	for (pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = eg_yaml_node(ps->y, pair->key);
		yaml_node_t *v = eg_yaml_node(ps->y, pair->value);
		const char *key = eg_yaml_scalar(k);

		if (key && !strcmp(key, "id"))
			err = parse_id(ps, v, &pack->id);
		else if (key && !strcmp(key, "version"))
			err = eg_yaml_string(ps->y, v, &pack->version);
		else if (key && !strcmp(key, "title"))
			err = eg_yaml_string(ps->y, v, &pack->title);
		else
			return eg_yaml_error(ps->y, k, "unknown pack key '%s'",
					     key ? key : "?");
		if (err)
			return err;
	}
	if (!pack->id || !pack->version)
		return eg_yaml_error(ps->y, node,
				     "pack needs an id and a version");
	return 0;
}

static void sha256_hex(const void *buf, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;
	int i;

	EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

int eg_sigset_add_buffer(struct eg_sigset *set, const char *name,
			 const char *buf, size_t len)
{
	struct parse ps = {set, NULL, 0, NULL};
	yaml_node_t *root, *v;
	yaml_node_pair_t *pair;
	struct eg_pack *pack;
	int err;

	if (set->compiled)
		return eg_error_set(EG_ERROR, "signature set already compiled");
	if ((err = eg_yaml_load(&ps.y, name, buf, len)))
		return err;
	if (!(ps.cctx = pcre2_compile_context_create(NULL))) {
		err = eg_error_set(EG_ERROR, "out of memory");
		goto done;
	}
	pcre2_set_newline(ps.cctx, PCRE2_NEWLINE_ANYCRLF);
	EG_GROW(set->packs, set->packs_alloc, set->npacks + 1);
	ps.pack = set->npacks++;
	pack = &set->packs[ps.pack];
	memset(pack, 0, sizeof(*pack));
	pack->source = eg_xstrdup(name);
	sha256_hex(buf, len, pack->sha256);
	root = eg_yaml_root(ps.y);
	if (!root || root->type != YAML_MAPPING_NODE) {
		err = eg_yaml_error(
			ps.y, root,
			"a signature pack is a mapping with 'pack' and 'signatures'");
		goto done;
	}
	if (!(v = eg_yaml_get(ps.y, root, "pack"))) {
		err = eg_yaml_error(ps.y, root, "missing 'pack'");
		goto done;
	}
	for (pair = root->data.mapping.pairs.start;
	     pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *k = eg_yaml_node(ps.y, pair->key);
		const char *key = eg_yaml_scalar(k);

		if (!key ||
		    (strcmp(key, "pack") && strcmp(key, "signatures"))) {
			err = eg_yaml_error(ps.y, k,
					    "unknown top-level key '%s'",
					    key ? key : "?");
			goto done;
		}
	}
	if ((err = parse_pack_header(&ps, v)))
		goto done;
	for (size_t i = 0; i + 1 < set->npacks; i++)
		if (!strcmp(set->packs[i].id, set->packs[ps.pack].id)) {
			err = eg_yaml_error(ps.y, v,
					    "pack '%s' is loaded twice",
					    set->packs[i].id);
			goto done;
		}
	v = eg_yaml_get(ps.y, root, "signatures");
	if (!v || v->type != YAML_SEQUENCE_NODE) {
		err = eg_yaml_error(ps.y, v ? v : root,
				    "'signatures' must be a list");
		goto done;
	}
	for (yaml_node_item_t *it = v->data.sequence.items.start;
	     it < v->data.sequence.items.top; it++)
		if ((err = parse_signature(&ps, eg_yaml_node(ps.y, *it))))
			goto done;
done:
	eg_yaml_free(ps.y);
	pcre2_compile_context_free(ps.cctx);
	return err;
}

/* eg_sigset_add_path(), and eg_sigset_add_rules() when `trusted` */
static int add_path(struct eg_sigset *set, const char *path, int trusted)
{
	struct stat st;
	char *buf = NULL;
	size_t len;
	int err;

	if (stat(path, &st) < 0)
		return eg_error_set(EG_ECONFIG, "%s: %s", path,
				    strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		struct dirent **names = NULL;
		int n = scandir(path, &names, NULL, alphasort), i;
		int packs = 0;

		if (n < 0)
			return eg_error_set(EG_ECONFIG, "%s: %s", path,
					    strerror(errno));
		err = 0;
		for (i = 0; i < n; i++) {
			const char *d = names[i]->d_name;
			size_t dl = strlen(d);
			char *full;

			if (!err &&
			    ((dl > 4 && !strcmp(d + dl - 4, ".yml")) ||
			     (dl > 5 && !strcmp(d + dl - 5, ".yaml")))) {
				if (asprintf(&full, "%s/%s", path, d) < 0)
					abort();
				err = add_path(set, full, trusted);
				free(full);
				packs++;
			}
			free(names[i]);
		}
		free(names);
		/* with no signatures a scan finds nothing, and looks clean */
		if (!err && !packs)
			err = eg_error_set(
				EG_ECONFIG,
				"no signature pack (*.yml, *.yaml) in %s",
				path);
		return err;
	}
	if (trusted && (err = eg_trust_file(path, &st)))
		return err;
	if ((err = eg_read_file(path, 64 << 20, &buf, &len)))
		return err == EG_EIO ? EG_ECONFIG : err;
	err = eg_sigset_add_buffer(set, path, buf, len);
	free(buf);
	return err;
}

int eg_sigset_add_path(struct eg_sigset *set, const char *path)
{
	return add_path(set, path, 0);
}

int eg_sigset_add_rules(struct eg_sigset *set, const char *path)
{
	return add_path(set, path, 1);
}

int eg_sigset_add_builtin(struct eg_sigset *set)
{
	const struct eg_builtin_pack *b;
	int err;

	for (b = eg_builtin_packs; b->name; b++)
		if ((err = eg_sigset_add_buffer(set, b->name, b->text, b->len)))
			return err;
	return 0;
}

static int same_strings(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * Whether two patterns find the same hits in any file both apply to: the
 * same regex or literal, case, kinds, `unless` and prefilter literals
 * (which decide where the regex runs).  Their globs may differ: they are
 * applied to the hits afterwards (eg_match_criteria()).
 */
static int match_alike(const struct eg_pattern *a, const struct eg_pattern *b)
{
	size_t i;

	if (a->kind_only || b->kind_only || a->literal != b->literal ||
	    a->icase != b->icase || a->kinds != b->kinds ||
	    a->whole_file != b->whole_file || a->nprefilter != b->nprefilter ||
	    !same_strings(a->text, b->text) ||
	    !same_strings(a->unless, b->unless))
		return 0;
	for (i = 0; i < a->nprefilter; i++)
		if (strcmp(a->prefilter[i], b->prefilter[i]))
			return 0;
	return 1;
}

int eg_sigset_compile(struct eg_sigset *set)
{
	char *all = NULL;
	size_t i, j, n = 0, alloc = 0;
	int err;

	if (set->compiled)
		return 0;
	if ((err = eg_prefilter_check(set)))
		return err;
	for (i = 0; i < set->npatterns; i++) {
		struct eg_pattern *p = &set->patterns[i];

		p->same_as = i;
		for (j = 0; j < i; j++)
			if (set->patterns[j].same_as == j &&
			    match_alike(&set->patterns[j], p)) {
				p->same_as = j;
				break;
			}
	}
	for (i = 0; i < set->npacks; i++) {
		EG_GROW(all, alloc, n + 65);
		memcpy(all + n, set->packs[i].sha256, 64);
		n += 64;
	}
	sha256_hex(all ? all : "", n, set->sha256);
	free(all);
	set->compiled = 1;
	return 0;
}

const void *eg_sigset_code(const struct eg_sigset *set, size_t pattern)
{
	/* like the prefilters, JIT code is built on first use, once */
	struct eg_sigset *mut = (struct eg_sigset *)set;
	struct eg_pattern *p = &mut->patterns[pattern];

	if (!__atomic_load_n(&p->jitted, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&mut->lazy_lock);
		if (!p->jitted) {
			/* without JIT (some platforms) the interpreter works */
			(void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
			if (p->unless_code)
				(void)pcre2_jit_compile(p->unless_code,
							PCRE2_JIT_COMPLETE);
			__atomic_store_n(&p->jitted, 1, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&mut->lazy_lock);
	}
	return p->code;
}

const void *eg_sigset_unless(const struct eg_sigset *set, size_t pattern)
{
	return set->patterns[pattern].unless_code;
}

const struct eg_prefilter *eg_sigset_prefilter(const struct eg_sigset *set,
					       unsigned kind)
{
	/* the lazily built automata are the one thing a compiled set changes */
	struct eg_sigset *mut = (struct eg_sigset *)set;
	unsigned slot = EG_TEXT_KINDS, kinds = ~EG_KIND_ANY_TEXT, i;
	struct eg_prefilter *pf;

	for (i = 0; i < EG_TEXT_KINDS; i++)
		if (kind == 1u << i) {
			slot = i;
			kinds = kind;
		}
	pf = __atomic_load_n(&mut->prefilters[slot], __ATOMIC_ACQUIRE);
	if (pf)
		return pf;
	pthread_mutex_lock(&mut->lazy_lock);
	if (!(pf = mut->prefilters[slot])) {
		if (eg_prefilter_build(&pf, set, kinds))
			abort(); /* eg_prefilter_check() said it fits */
		__atomic_store_n(&mut->prefilters[slot], pf, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&mut->lazy_lock);
	return pf;
}

const struct eg_signature *eg_sigset_find(const struct eg_sigset *set,
					  const char *id)
{
	size_t i;

	for (i = 0; i < set->nsigs; i++)
		if (!strcmp(set->sigs[i].id, id))
			return &set->sigs[i];
	return NULL;
}

/*
 * Criteria bits as a condition reads them: a criterion holds when it is
 * set in any of the `nsets` sets of `words` words at `bits`.
 */
struct held_in {
	const unsigned long long *bits;
	size_t words, nsets;
};

static int holds(const struct held_in *in, size_t criterion)
{
	size_t k;

	for (k = 0; k < in->nsets; k++)
		if (eg_bit_test(in->bits + k * in->words, criterion))
			return 1;
	return 0;
}

/* eg_cond_eval(); `bound`: every `none` holds (counter-evidence set aside). */
static int cond_eval(const struct eg_cond *cond, const struct held_in *in,
		     int bound)
{
	size_t i, n = 0;

	switch (cond->op) {
	case EG_COND_CRITERION:
		return holds(in, cond->criterion);
	case EG_COND_ALL:
		for (i = 0; i < cond->nkids; i++)
			if (!cond_eval(&cond->kids[i], in, bound))
				return 0;
		return 1;
	case EG_COND_ANY:
		for (i = 0; i < cond->nkids; i++)
			if (cond_eval(&cond->kids[i], in, bound))
				return 1;
		return 0;
	case EG_COND_AT_LEAST:
		for (i = 0; i < cond->nkids; i++)
			n += cond_eval(&cond->kids[i], in, bound) ? 1 : 0;
		return n >= cond->at_least;
	case EG_COND_NONE:
		if (bound)
			return 1;
		for (i = 0; i < cond->nkids; i++)
			if (cond_eval(&cond->kids[i], in, bound))
				return 0;
		return 1;
	}
	return 0;
}

int eg_cond_eval(const struct eg_cond *cond, const unsigned long long *bits)
{
	const struct held_in in = {bits, 0, 1};

	return cond_eval(cond, &in, 0);
}

void eg_cond_print(FILE *f, const struct eg_sigset *set,
		   const struct eg_cond *cond)
{
	size_t i;

	switch (cond->op) {
	case EG_COND_CRITERION:
		fputs(set->criteria[cond->criterion].id, f);
		return;
	case EG_COND_ALL:
		fputs("all of (", f);
		break;
	case EG_COND_ANY:
		fputs("any of (", f);
		break;
	case EG_COND_AT_LEAST:
		fprintf(f, "at least %u of (", cond->at_least);
		break;
	case EG_COND_NONE:
		fputs("none of (", f);
		break;
	}
	for (i = 0; i < cond->nkids; i++) {
		if (i)
			fputs(", ", f);
		eg_cond_print(f, set, &cond->kids[i]);
	}
	fputc(')', f);
}

/*
 * The level over criteria as each condition reads them (see
 * eg_signature_level_of()); `bound`: as eg_signature_level_bound().
 */
static enum eg_level level_in(const struct eg_signature *sig,
			      const struct held_in *product,
			      const struct held_in *owned,
			      const struct held_in *anywhere, int bound)
{
	if (cond_eval(&sig->controlled, owned, bound))
		return EG_LEVEL_CONTROLLED;
	if (sig->has_review && cond_eval(&sig->review, product, bound))
		return EG_LEVEL_REVIEW;
	if (cond_eval(&sig->controlled, anywhere, bound))
		return EG_LEVEL_REVIEW;
	return EG_LEVEL_NONE;
}

static enum eg_level level_of(const struct eg_signature *sig,
			      const unsigned long long *sets, size_t words,
			      int bound)
{
	const struct held_in product = {sets, words, 1};
	const struct held_in owned = {sets, words, EG_IN_WEAK + 1};
	const struct held_in anywhere = {sets, words, EG_CRITERIA_SETS};

	return level_in(sig, &product, &owned, &anywhere, bound);
}

enum eg_level eg_signature_level_of(const struct eg_signature *sig,
				    const unsigned long long *sets,
				    size_t words)
{
	return level_of(sig, sets, words, 0);
}

enum eg_level eg_signature_level_bound(const struct eg_signature *sig,
				       const unsigned long long *sets,
				       size_t words)
{
	return level_of(sig, sets, words, 1);
}

enum eg_level eg_signature_level(const struct eg_signature *sig,
				 const unsigned long long *bits)
{
	const struct held_in in = {bits, 0, 1};

	return level_in(sig, &in, &in, &in, 0);
}

const char *eg_level_name(enum eg_level level)
{
	switch (level) {
	case EG_LEVEL_CONTROLLED:
		return "controlled";
	case EG_LEVEL_REVIEW:
		return "review";
	default:
		return "none";
	}
}

const char *eg_status_name(enum eg_status status)
{
	switch (status) {
	case EG_STATUS_EXPIRED:
		return "expired";
	case EG_STATUS_CONTESTED:
		return "contested";
	default:
		return "active";
	}
}
