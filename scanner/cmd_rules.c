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

static int load(struct eg_sigset **out, int argc, char **argv, int first)
{
	struct eg_sigset *set = eg_sigset_new();
	int i, err = 0, any = 0;

	for (i = first; i < argc && !err; i++) {
		if (!strcmp(argv[i], "--rules") && i + 1 < argc) {
			err = eg_sigset_add_path(set, argv[++i]);
			any = 1;
		} else if (!strncmp(argv[i], "--rules=", 8)) {
			err = eg_sigset_add_path(set, argv[i] + 8);
			any = 1;
		} else {
			err = eg_error_set(EG_EUSAGE, "unexpected argument '%s'",
					   argv[i]);
		}
	}
	if (!err && !any)
		err = eg_sigset_add_builtin(set);
	if (!err)
		err = eg_sigset_compile(set);
	if (err) {
		eg_sigset_free(set);
		fprintf(stderr, "exportgate: %s\n", eg_error_last());
		return 2;
	}
	*out = set;
	return 0;
}

static int rules_list(int argc, char **argv)
{
	struct eg_sigset *set;
	size_t i;

	if (load(&set, argc, argv, 1))
		return 2;
	printf("%-12s %-6s %-10s %-10s %-22s %s\n", "ID", "ECCN", "STATUS",
	       "SCOPE", "PACK", "TITLE");
	for (i = 0; i < set->nsigs; i++) {
		const struct eg_signature *s = &set->sigs[i];

		printf("%-12s %-6s %-10s %-10s %-22s %s\n", s->id,
		       s->eccn ? s->eccn : "-", eg_status_name(s->status),
		       s->scope == EG_SIG_FILE ? "file" : "repository",
		       set->packs[s->pack].id, s->title);
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

static void print_cond(const struct eg_sigset *set, const struct eg_cond *c)
{
	size_t i;

	if (c->op == EG_COND_CRITERION) {
		fputs(set->criteria[c->criterion].id, stdout);
		return;
	}
	if (c->op == EG_COND_AT_LEAST)
		printf("at least %u of (", c->at_least);
	else
		printf("%s (", c->op == EG_COND_ALL ? "all of" : "any of");
	for (i = 0; i < c->nkids; i++) {
		if (i)
			fputs(", ", stdout);
		print_cond(set, &c->kids[i]);
	}
	fputc(')', stdout);
}

static int rules_explain(int argc, char **argv)
{
	const struct eg_signature *s;
	struct eg_sigset *set;
	size_t i, k;

	if (argc < 2) {
		fputs(usage_rules, stderr);
		return 2;
	}
	if (load(&set, argc, argv, 2))
		return 2;
	if (!(s = eg_sigset_find(set, argv[1]))) {
		fprintf(stderr, "exportgate: no signature '%s' (see 'exportgate rules list')\n",
			argv[1]);
		eg_sigset_free(set);
		return 2;
	}
	printf("%s: %s\n", s->id, s->title);
	printf("  ECCN:       %s\n", s->eccn ? s->eccn : "-");
	printf("  citation:   %s\n", s->citation ? s->citation : "-");
	printf("  status:     %s", eg_status_name(s->status));
	if (s->effective)
		printf(", effective %s", s->effective);
	if (s->expires)
		printf(", expires %s", s->expires);
	printf("\n  scope:      %s\n",
	       s->scope == EG_SIG_FILE ? "file" : "repository (a whole snapshot)");
	printf("  permitted:  ");
	for (i = 0; i < s->npermitted; i++)
		printf("%s%s", i ? ", " : "", s->permitted[i]);
	printf("%s\n  pack:       %s %s (sha256 %s)\n", s->npermitted ? "" : "-",
	       set->packs[s->pack].id, set->packs[s->pack].version,
	       set->packs[s->pack].sha256);
	if (s->description)
		printf("\n%s\n", s->description);
	printf("\nCriteria:\n");
	for (i = 0; i < s->ncriteria; i++) {
		const struct eg_criterion *c = &set->criteria[s->first_criterion + i];

		printf("  %s: %s (%zu patterns, %s)\n", c->id,
		       c->title ? c->title : "", c->npatterns,
		       c->match == EG_COND_ALL ? "all must hit"
		       : c->match == EG_COND_AT_LEAST ? "at least some must hit"
						       : "any may hit");
		if (c->match == EG_COND_AT_LEAST)
			printf("    needs %u of its patterns in one file\n",
			       c->at_least);
		if (c->regulation)
			printf("    regulation: %s\n", c->regulation);
		for (k = 0; k < c->npatterns && k < 50; k++)
			printf("    - %s\n", set->patterns[c->first_pattern + k].id);
	}
	printf("\nControlled when: ");
	print_cond(set, &s->controlled);
	if (s->has_review) {
		printf("\nReview when:     ");
		print_cond(set, &s->review);
	}
	printf("\n");
	for (i = 0; i < s->nreferences; i++)
		printf("%s %s\n", i ? "           " : "References:",
		       s->references[i]);
	eg_sigset_free(set);
	return 0;
}

/* Match every file of dir; count those where the criterion (not) holds. */
static void test_samples(const struct eg_sigset *set, struct eg_matcher *m,
			 size_t ci, const char *dir, int want,
			 unsigned *pass, unsigned *failed)
{
	struct dirent **names = NULL;
	size_t words = EG_BITSET_WORDS(set->ncriteria);
	eg_word *bits = eg_xcalloc(words ? words : 1, sizeof(eg_word));
	int n = scandir(dir, &names, NULL, alphasort), i;

	for (i = 0; i < n; i++) {
		struct eg_blob_result *r = NULL;
		const char *name = names[i]->d_name;
		char *full, *buf;
		size_t len;
		int holds;

		if (name[0] == '.') {
			free(names[i]);
			continue;
		}
		if (asprintf(&full, "%s/%s", dir, name) < 0)
			abort();
		if (eg_read_file(full, 64 << 20, &buf, &len)) {
			printf("FAIL %s: %s\n", full, eg_error_last());
			(*failed)++;
		} else {
			eg_match_buffer(&r, m, eg_kind_from_name(name, strlen(name)),
					name, (const unsigned char *)buf, len);
			memset(bits, 0, words * sizeof(eg_word));
			if (r)
				eg_match_criteria(set, r, name, bits);
			holds = eg_bit_test(bits, ci);
			printf("%s %s: criterion %s %s\n",
			       holds == want ? "ok  " : "FAIL", full,
			       set->criteria[ci].id, holds ? "holds" : "does not hold");
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

static int rules_test(int argc, char **argv)
{
	struct eg_sigset *set = eg_sigset_new();
	struct eg_matcher *m;
	unsigned pass = 0, failed = 0;
	size_t s, c;
	int err;

	if (argc != 2) {
		fputs(usage_rules, stderr);
		eg_sigset_free(set);
		return 2;
	}
	if ((err = eg_sigset_add_path(set, argv[1])) ||
	    (err = eg_sigset_compile(set))) {
		fprintf(stderr, "exportgate: %s\n", eg_error_last());
		eg_sigset_free(set);
		return 2;
	}
	m = eg_matcher_new(set);
	for (s = 0; s < set->nsigs; s++)
		for (c = 0; c < set->sigs[s].ncriteria; c++) {
			size_t ci = set->sigs[s].first_criterion + c;
			char *base;

			if (asprintf(&base, "%s/samples/%s/%s", argv[1],
				     set->sigs[s].id, set->criteria[ci].id) < 0)
				abort();
			for (int want = 1; want >= 0; want--) {
				char *dir;

				if (asprintf(&dir, "%s/%s", base,
					     want ? "match" : "nomatch") < 0)
					abort();
				test_samples(set, m, ci, dir, want, &pass, &failed);
				free(dir);
			}
			free(base);
		}
	eg_matcher_free(m);
	eg_sigset_free(set);
	printf("%u passed, %u failed\n", pass, failed);
	if (!pass && !failed) {
		fprintf(stderr, "exportgate: no samples under %s/samples/\n", argv[1]);
		return 2;
	}
	return failed ? 1 : 0;
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
