/* cmd_rules.c: `exportgate rules list | check | explain | test`. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bitset.h"
#include "cmd.h"
#include "error.h"
#include "match.h"
#include "sigset.h"
#include "yamlutil.h"

static const char usage_rules[] =
	"usage: exportgate rules list [--rules PATH]...\n"
	"       exportgate rules check FILE...\n"
	"       exportgate rules explain ID [--rules PATH]...\n"
	"       exportgate rules test DIR\n"
	"\n"
	"list     the signatures loaded (default: the built-in packs)\n"
	"check    validate signature files; errors as file:line:column\n"
	"explain  a signature with its criteria, conditions and citation\n"
	"test     run a pack's samples: DIR holds the pack (*.yml) and\n"
	"         samples/<signature>/<criterion>/{match,nomatch}/ files\n";

#define WIDTH 80

static int wants_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

/* A bad command line: what is wrong and where the help is; exit 2. */
static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr,
		"exportgate: rules: %s '%s'\n"
		"Try 'exportgate rules --help'.\n",
		what, arg);
	return 2;
}

/*
 * Print text from column `col`, breaking between words before WIDTH; each
 * further line starts with `indent` spaces, and a blank line in the text
 * (a YAML paragraph) stays one.  Ends the line.
 */
static void print_wrapped(const char *text, size_t col, size_t indent)
{
	const char *p = text ? text : "";
	int line_empty = 1;

	while (*p) {
		size_t len, w, i;

		if (*p == '\n' && p[1] == '\n' && p[strspn(p, "\n")]) {
			printf("\n\n%*s", (int)indent, "");
			col = indent;
			line_empty = 1;
			p += strspn(p, "\n");
			continue;
		}
		if (*p == ' ' || *p == '\n' || *p == '\t') {
			p++;
			continue;
		}
		len = strcspn(p, " \n\t");
		for (i = 0, w = 0; i < len; i++)
			w += ((unsigned char)p[i] & 0xc0) != 0x80;
		if (!line_empty && col + 1 + w > WIDTH) {
			printf("\n%*s", (int)indent, "");
			col = indent;
			line_empty = 1;
		}
		if (!line_empty) {
			putchar(' ');
			col++;
		}
		fwrite(p, 1, len, stdout);
		col += w;
		line_empty = 0;
		p += len;
	}
	putchar('\n');
}

/*
 * Load the packs named by --rules options from argv[first], or the built-in
 * ones.  Returns 0, or the exit code after saying what is wrong.
 */
static int load(struct eg_sigset **out, int argc, char **argv, int first)
{
	struct eg_sigset *set = eg_sigset_new();
	int i, err = 0, any = 0, rc = 2;

	for (i = first; i < argc && !err; i++) {
		if (!strcmp(argv[i], "--rules") && i + 1 < argc) {
			err = eg_sigset_add_path(set, argv[++i]);
			any = 1;
		} else if (!strncmp(argv[i], "--rules=", 8)) {
			err = eg_sigset_add_path(set, argv[i] + 8);
			any = 1;
		} else if (!strcmp(argv[i], "--rules")) {
			rc = usage_error("option needs a value:", argv[i]);
			goto done;
		} else if (argv[i][0] == '-') {
			rc = usage_error("unknown option", argv[i]);
			goto done;
		} else {
			rc = usage_error("unexpected argument", argv[i]);
			goto done;
		}
	}
	if (!err && !any)
		err = eg_sigset_add_builtin(set);
	if (!err)
		err = eg_sigset_compile(set);
	if (err) {
		fprintf(stderr, "exportgate: %s\n", eg_error_last());
		goto done;
	}
	*out = set;
	set = NULL;
	rc = 0;
done:
	eg_sigset_free(set);
	return rc;
}

/* The width of each column but the last: the longest cell, or its header. */
static void list_widths(const struct eg_sigset *set, int w[5])
{
	size_t i;
	int k;

	w[0] = 2, w[1] = 4, w[2] = 6, w[3] = 10, w[4] = 4;
	for (i = 0; i < set->nsigs; i++) {
		const struct eg_signature *s = &set->sigs[i];
		int n[5] = {(int)strlen(s->id),
			    s->eccn ? (int)strlen(s->eccn) : 1,
			    (int)strlen(eg_status_name(s->status)), 10,
			    (int)strlen(set->packs[s->pack].id)};

		for (k = 0; k < 5; k++)
			if (n[k] > w[k])
				w[k] = n[k];
	}
}

static int rules_list(int argc, char **argv)
{
	struct eg_sigset *set;
	int w[5];
	size_t i;

	if (argc > 1 && wants_help(argv[1])) {
		fputs(usage_rules, stdout);
		return 0;
	}
	if (load(&set, argc, argv, 1))
		return 2;
	list_widths(set, w);
	printf("%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w[0], "ID", w[1], "ECCN",
	       w[2], "STATUS", w[3], "SCOPE", w[4], "PACK", "TITLE");
	for (i = 0; i < set->nsigs; i++) {
		const struct eg_signature *s = &set->sigs[i];

		printf("%-*s  %-*s  %-*s  %-*s  %-*s  %s\n", w[0], s->id, w[1],
		       s->eccn ? s->eccn : "-", w[2], eg_status_name(s->status),
		       w[3], s->scope == EG_SIG_FILE ? "file" : "repository",
		       w[4], set->packs[s->pack].id, s->title ? s->title : "");
	}
	eg_sigset_free(set);
	return 0;
}

static int rules_check(int argc, char **argv)
{
	int i, rc = 0;

	if (argc < 2) {
		fputs(usage_rules, stderr);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (wants_help(argv[i])) {
			fputs(usage_rules, stdout);
			return 0;
		}
		if (argv[i][0] == '-' && argv[i][1])
			return usage_error("unknown option", argv[i]);
	}
	for (i = 1; i < argc; i++) {
		struct eg_sigset *set = eg_sigset_new();
		int err = eg_sigset_add_path(set, argv[i]);

		if (!err)
			err = eg_sigset_compile(set);
		if (err) {
			fprintf(stderr, "%s\n", eg_error_last());
			rc = 2;
		} else {
			printf("%s: ok, %zu signatures, %zu criteria, %zu patterns\n",
			       argv[i], set->nsigs, set->ncriteria,
			       set->npatterns);
		}
		eg_sigset_free(set);
	}
	return rc;
}

/* "Controlled when: all of (...)", wrapped under its first word. */
static void print_cond(const char *label, const struct eg_sigset *set,
		       const struct eg_cond *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		abort();
	eg_cond_print(mem, set, c);
	fclose(mem);
	fputs(label, stdout);
	print_wrapped(text, strlen(label), strlen(label));
	free(text);
}

/* Whether a signature has counter-evidence: a criterion under a `none`. */
static int has_counter(const struct eg_sigset *set,
		       const struct eg_signature *sig)
{
	size_t i;

	for (i = 0; i < sig->ncriteria; i++)
		if (set->criteria[sig->first_criterion + i].counter)
			return 1;
	return 0;
}

static void explain_criterion(const struct eg_sigset *set,
			      const struct eg_criterion *c)
{
	size_t k, col;

	printf("  %s: ", c->id);
	print_wrapped(c->title, 4 + strlen(c->id), 6);
	if (c->match == EG_COND_AT_LEAST)
		printf("    holds when %u of its %zu patterns hit in one file\n",
		       c->at_least, c->npatterns);
	else if (c->match == EG_COND_ALL)
		printf("    holds when all of its %zu patterns hit in one file\n",
		       c->npatterns);
	else
		printf("    holds when any of its %zu patterns hits\n",
		       c->npatterns);
	if (c->counter)
		fputs("    counter-evidence: named under 'none', it holds a "
		      "snapshot back\n",
		      stdout);
	if (c->regulation) {
		fputs("    regulation: ", stdout);
		print_wrapped(c->regulation, 16, 6);
	}
	fputs("    patterns:", stdout);
	col = 13;
	for (k = 0; k < c->npatterns; k++) {
		const char *id = set->patterns[c->first_pattern + k].id;
		size_t w = strlen(id) + (k + 1 < c->npatterns);

		if (k && col + 1 + w > WIDTH) {
			fputs("\n     ", stdout);
			col = 5;
		}
		printf(" %s%s", id, k + 1 < c->npatterns ? "," : "");
		col += 1 + w;
	}
	putchar('\n');
}

static int rules_explain(int argc, char **argv)
{
	const struct eg_signature *s;
	struct eg_sigset *set;
	size_t i;

	if (argc > 1 && wants_help(argv[1])) {
		fputs(usage_rules, stdout);
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		fputs("exportgate: rules explain: which signature? "
		      "(see 'exportgate rules list')\n",
		      stderr);
		return 2;
	}
	if (load(&set, argc, argv, 2))
		return 2;
	if (!(s = eg_sigset_find(set, argv[1]))) {
		fprintf(stderr,
			"exportgate: no signature '%s' (see 'exportgate rules list')\n",
			argv[1]);
		eg_sigset_free(set);
		return 2;
	}
	printf("%s: ", s->id);
	print_wrapped(s->title, strlen(s->id) + 2, 2);
	printf("  ECCN:       %s\n", s->eccn ? s->eccn : "-");
	fputs("  citation:   ", stdout);
	print_wrapped(s->citation ? s->citation : "-", 14, 14);
	printf("  status:     %s", eg_status_name(s->status));
	if (s->effective)
		printf(", effective %s", s->effective);
	if (s->expires)
		printf(", expires %s", s->expires);
	printf("\n  scope:      %s\n",
	       s->scope == EG_SIG_FILE ? "file (each file alone)"
	       : has_counter(set, s)
		       ? "repository (a whole snapshot; where counter-evidence "
			 "holds it\n              back, each top-level folder "
			 "too)"
		       : "repository (a whole snapshot)");
	printf("  permitted:  ");
	for (i = 0; i < s->npermitted; i++)
		printf("%s%s", i ? ", " : "", s->permitted[i]);
	printf("%s\n  pack:       %s %s\n  sha256:     %s\n",
	       s->npermitted ? "" : "-", set->packs[s->pack].id,
	       set->packs[s->pack].version, set->packs[s->pack].sha256);
	if (s->description) {
		fputs("\n  ", stdout);
		print_wrapped(s->description, 2, 2);
	}
	printf("\nCriteria:\n");
	for (i = 0; i < s->ncriteria; i++)
		explain_criterion(set, &set->criteria[s->first_criterion + i]);
	putchar('\n');
	print_cond("Controlled when: ", set, &s->controlled);
	if (s->has_review)
		print_cond("Review when:     ", set, &s->review);
	for (i = 0; i < s->nreferences; i++)
		printf("%s %s\n",
		       i ? "           " : "References:", s->references[i]);
	eg_sigset_free(set);
	return 0;
}

static int is_dot_or_dotdot(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..");
}

/*
 * Match every file of dir; count those where the criterion (not) holds.
 * A folder inside holds more samples, so that two can share the name
 * that gives them their kind (two `requirements.txt`); a sample is still
 * matched under its base name alone.  A symbolic link is not followed
 * into a folder, so a link to a parent cannot loop.
 */
static void test_samples(const struct eg_sigset *set, struct eg_matcher *m,
			 size_t ci, const char *dir, int want, unsigned *pass,
			 unsigned *failed)
{
	struct dirent **names = NULL;
	size_t words = EG_BITSET_WORDS(set->ncriteria);
	eg_word *bits = eg_xcalloc(words ? words : 1, sizeof(eg_word));
	int n = scandir(dir, &names, NULL, alphasort), i;

	for (i = 0; i < n; i++) {
		struct eg_blob_result *r = NULL;
		const char *name = names[i]->d_name;
		struct stat st;
		char *full, *buf;
		size_t len;
		int holds;

		/* a sample may be a dot-file: .gitlab-ci.yml, .env */
		if (is_dot_or_dotdot(name)) {
			free(names[i]);
			continue;
		}
		if (asprintf(&full, "%s/%s", dir, name) < 0)
			abort();
		if (!lstat(full, &st) && S_ISDIR(st.st_mode)) {
			test_samples(set, m, ci, full, want, pass, failed);
		} else if (eg_read_file(full, 64 << 20, &buf, &len)) {
			printf("FAIL %s: %s\n", full, eg_error_last());
			(*failed)++;
		} else {
			eg_match_buffer(&r, m,
					eg_kind_from_name(name, strlen(name)),
					name, (const unsigned char *)buf, len);
			memset(bits, 0, words * sizeof(eg_word));
			if (r)
				eg_match_criteria(set, r, name, bits);
			holds = eg_bit_test(bits, ci);
			printf("%s %s: criterion %s %s\n",
			       holds == want ? "ok  " : "FAIL", full,
			       set->criteria[ci].id,
			       holds ? "holds" : "does not hold");
			if (holds == want)
				(*pass)++;
			else
				(*failed)++;
			eg_blob_result_free(r);
			free(buf);
		}
		free(full);
		free(names[i]);
	}
	free(names);
	free(bits);
}

static int has_criterion(const struct eg_sigset *set,
			 const struct eg_signature *sig, const char *id)
{
	size_t c;

	for (c = 0; c < sig->ncriteria; c++)
		if (!strcmp(set->criteria[sig->first_criterion + c].id, id))
			return 1;
	return 0;
}

/*
 * In a criterion's folder, what is not match/ or nomatch/ (a "matchs/", a
 * file beside them) would never run; counts each as failed.
 */
static void stray_in_criterion(const char *dir, unsigned *failed)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort), i;

	for (i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *full;
		struct stat st;

		if (asprintf(&full, "%s/%s", dir, name) < 0)
			abort();
		if (!is_dot_or_dotdot(name) &&
		    (stat(full, &st) || !S_ISDIR(st.st_mode) ||
		     (strcmp(name, "match") && strcmp(name, "nomatch")))) {
			printf("FAIL %s: not a match/ or nomatch/ folder; "
			       "its samples would never run\n",
			       full);
			(*failed)++;
		}
		free(full);
		free(names[i]);
	}
	free(names);
}

/*
 * Sample folders that name no signature or criterion of the pack, and
 * entries of a criterion's folder that are not match/ or nomatch/, would
 * never run: a typo must not pass for a tested criterion.  Counts each as
 * failed.
 */
static void stray_samples(const struct eg_sigset *set, const char *samples,
			  unsigned *failed)
{
	struct dirent **sigs = NULL, **crits = NULL;
	int n = scandir(samples, &sigs, NULL, alphasort), i, k, m;

	for (i = 0; i < n; i++) {
		const char *id = sigs[i]->d_name;
		const struct eg_signature *sig = eg_sigset_find(set, id);
		char *dir;

		if (is_dot_or_dotdot(id))
			goto next;
		if (!sig) {
			printf("FAIL %s/%s: no signature '%s' in the pack\n",
			       samples, id, id);
			(*failed)++;
			goto next;
		}
		if (asprintf(&dir, "%s/%s", samples, id) < 0)
			abort();
		m = scandir(dir, &crits, NULL, alphasort);
		for (k = 0; k < m; k++) {
			const char *crit = crits[k]->d_name;
			char *cdir;

			if (is_dot_or_dotdot(crit)) {
				free(crits[k]);
				continue;
			}
			if (!has_criterion(set, sig, crit)) {
				printf("FAIL %s/%s: no criterion '%s' in %s\n",
				       dir, crit, crit, id);
				(*failed)++;
			} else {
				if (asprintf(&cdir, "%s/%s", dir, crit) < 0)
					abort();
				stray_in_criterion(cdir, failed);
				free(cdir);
			}
			free(crits[k]);
		}
		free(crits);
		crits = NULL;
		free(dir);
	next:
		free(sigs[i]);
	}
	free(sigs);
}

static int rules_test(int argc, char **argv)
{
	struct eg_sigset *set = NULL;
	struct eg_matcher *m = NULL;
	unsigned pass = 0, failed = 0;
	char *samples = NULL;
	size_t s, c;
	int rc = 2;

	if (argc > 1 && wants_help(argv[1])) {
		fputs(usage_rules, stdout);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fputs(argc == 2 ? "exportgate: rules test: unknown option\n"
				: "exportgate: rules test: which folder?\n",
		      stderr);
		fputs("Try 'exportgate rules --help'.\n", stderr);
		return 2;
	}
	set = eg_sigset_new();
	if (eg_sigset_add_path(set, argv[1]) || eg_sigset_compile(set)) {
		fprintf(stderr, "exportgate: %s\n", eg_error_last());
		goto done;
	}
	if (asprintf(&samples, "%s/samples", argv[1]) < 0)
		abort();
	m = eg_matcher_new(set);
	for (s = 0; s < set->nsigs; s++)
		for (c = 0; c < set->sigs[s].ncriteria; c++) {
			size_t ci = set->sigs[s].first_criterion + c;
			int want;

			for (want = 1; want >= 0; want--) {
				char *dir;

				if (asprintf(&dir, "%s/%s/%s/%s", samples,
					     set->sigs[s].id,
					     set->criteria[ci].id,
					     want ? "match" : "nomatch") < 0)
					abort();
				test_samples(set, m, ci, dir, want, &pass,
					     &failed);
				free(dir);
			}
		}
	stray_samples(set, samples, &failed);
	printf("%u passed, %u failed\n", pass, failed);
	if (!pass && !failed)
		fprintf(stderr, "exportgate: no samples under %s/\n", samples);
	else
		rc = failed ? 1 : 0;
done:
	free(samples);
	eg_matcher_free(m);
	eg_sigset_free(set);
	return rc;
}

int eg_cmd_rules(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub || !strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(usage_rules, sub ? stdout : stderr);
		return sub ? 0 : 2;
	}
	if (!strcmp(sub, "list"))
		return rules_list(argc - 1, argv + 1);
	if (!strcmp(sub, "check"))
		return rules_check(argc - 1, argv + 1);
	if (!strcmp(sub, "explain"))
		return rules_explain(argc - 1, argv + 1);
	if (!strcmp(sub, "test"))
		return rules_test(argc - 1, argv + 1);
	fprintf(stderr, "exportgate: unknown rules command '%s'\n%s", sub,
		usage_rules);
	return 2;
}
