/* test_report_formats.c: the SARIF and Markdown writers, both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "error.h"
#include "report.h"
#include "sigset.h"

static const char pack_yaml[] =
	"pack:\n"
	"  id: test-formats\n"
	"  version: \"0.3.1\"\n"
	"  title: \"Report format test pack\"\n"
	"signatures:\n"
	"  - id: \"TEST.1\"\n"
	"    title: \"Synthetic repository signature\"\n"
	"    eccn: \"0D521\"\n"
	"    citation: \"15 CFR 774, Supp. 1, ECCN 0D521 No. 1; 85 FR 459\"\n"
	"    status: active\n"
	"    effective: 2020-01-06\n"
	"    expires: 2023-01-06\n"
	"    permitted: [US, CA]\n"
	"    scope: repository\n"
	"    description: \"Synthetic, for tests.\"\n"
	"    references: [\"https://www.federalregister.gov/d/2020-00093\"]\n"
	"    criteria:\n"
	"      - id: alpha\n"
	"        title: \"Alpha feature\"\n"
	"        regulation: \"1. Provides alpha | beta_gamma\"\n"
	"        patterns:\n"
	"          - id: alpha-lit\n"
	"            regex: 'alpha_call\\('\n"
	"      - id: beta\n"
	"        title: \"Beta feature\"\n"
	"        regulation: \"2. Performs beta\"\n"
	"        patterns:\n"
	"          - id: beta-lit\n"
	"            regex: 'beta_call\\('\n"
	"      - id: gamma\n"
	"        title: \"Gamma feature\"\n"
	"        regulation: \"3. Trains gamma\"\n"
	"        patterns:\n"
	"          - id: gamma-lit\n"
	"            regex: 'gamma_call\\('\n"
	"    controlled: {at_least: 2, of: [alpha, beta, gamma]}\n"
	"    review: {any: [alpha, beta, gamma]}\n"
	"  - id: \"TEST.2\"\n"
	"    title: \"Synthetic file signature\"\n"
	"    eccn: \"5D002\"\n"
	"    citation: \"15 CFR 740.17(b)(1)\"\n"
	"    status: contested\n"
	"    permitted: [US]\n"
	"    scope: file\n"
	"    criteria:\n"
	"      - id: sbox\n"
	"        title: \"Cipher table\"\n"
	"        regulation: \"Implements a cipher\"\n"
	"        patterns:\n"
	"          - id: sbox-lit\n"
	"            regex: '0x63, 0x7c'\n"
	"    controlled: {all: [sbox]}\n";

/* A name git accepts: '|', backticks, a newline, bytes that are not UTF-8. */
static const char evil_path[] = "src/ev|il `x` \n\xff\xfe name.py";
static const char evil_uri[] = "src/ev%7Cil%20%60x%60%20%0A%FF%FE%20name.py";
static const char commit[] = "0123456789abcdef0123456789abcdef01234567";
static const char tree[] = "89abcdef0123456789abcdef0123456789abcdef";
static const char blob[] = "fedcba9876543210fedcba9876543210fedcba98";

struct fixture {
	struct eg_sigset *set;
	struct eg_report *report;
	char *out;
	size_t len;
};

static void add_evidence(struct eg_criterion_result *cr, const char *path,
			 unsigned line, unsigned column, const char *excerpt)
{
	struct eg_evidence *ev;

	cr->evidence = eg_xrealloc(cr->evidence,
				   (cr->nevidence + 1) * sizeof(*cr->evidence));
	ev = &cr->evidence[cr->nevidence++];
	memset(ev, 0, sizeof(*ev));
	ev->path = eg_xstrdup(path);
	memcpy(ev->blob, blob, sizeof(blob));
	ev->line = line;
	ev->column = column;
	ev->excerpt = excerpt ? eg_xstrdup(excerpt) : NULL;
	ev->pattern = eg_xstrdup("some-pattern");
}

/* Criterion results for every criterion of sig, met as `met` says. */
static void fill_criteria(struct eg_finding *f, const struct eg_sigset *set,
			  const int *met)
{
	size_t i;

	f->ncriteria = f->sig->ncriteria;
	f->criteria = eg_xcalloc(f->ncriteria, sizeof(*f->criteria));
	for (i = 0; i < f->ncriteria; i++) {
		f->criteria[i].criterion =
			&set->criteria[f->sig->first_criterion + i];
		f->criteria[i].met = met[i];
	}
}

static struct eg_sigset *test_sigset(void)
{
	struct eg_sigset *set = eg_sigset_new();

	if (eg_sigset_add_buffer(set, "formats.yml", pack_yaml,
				 strlen(pack_yaml)) < 0 ||
	    eg_sigset_compile(set) < 0)
		fail_msg("test pack: %s", eg_error_last());
	return set;
}

static int setup(void **state)
{
	static const int met1[] = {1, 1, 0}, met2[] = {1};
	struct fixture *fx = eg_xcalloc(1, sizeof(*fx));
	struct eg_finding *f;

	fx->set = test_sigset();
	fx->report = eg_report_new(fx->set, "/nonexistent/target/repo",
				   EG_TARGET_ALL);
	fx->report->commits = 3;
	fx->report->blobs = 12;
	fx->report->bytes = 4096;

	f = eg_report_add_finding(fx->report, eg_sigset_find(fx->set, "TEST.2"),
				  EG_LEVEL_REVIEW);
	fill_criteria(f, fx->set, met2);
	add_evidence(&f->criteria[0], "lib/aes.c", 12, 1, "0x63, 0x7c, 0x77");
	f->path = eg_xstrdup("lib/aes.c");
	memcpy(f->content, blob, sizeof(blob));
	memcpy(f->commit, commit, sizeof(commit));

	f = eg_report_add_finding(fx->report, eg_sigset_find(fx->set, "TEST.1"),
				  EG_LEVEL_CONTROLLED);
	fill_criteria(f, fx->set, met1);
	add_evidence(&f->criteria[0], "src/a.py", 3, 5, "alpha_call(x) | `y`");
	add_evidence(&f->criteria[1], evil_path, 7, 1, "beta_call(*z*)");
	add_evidence(&f->criteria[1], "weights/model.onnx", 0, 0, NULL);
	f->criteria[1].files = 2; /* alpha is not counted: no count shown */
	f->criteria[1].weak_files = 1;
	memcpy(f->commit, commit, sizeof(commit));
	memcpy(f->content, tree, sizeof(tree));
	f->author = eg_xstrdup("Ada <ada@example.com>");
	f->time = 1700000000;

	eg_report_add_unscanned(fx->report, "big|model.bin", blob,
				"larger than --max-blob-size");
	eg_report_finish(fx->report);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	eg_report_free(fx->report);
	eg_sigset_free(fx->set);
	free(fx->out);
	free(fx);
	return 0;
}

typedef int (*writer_fn)(const struct eg_report *, FILE *,
			 const struct eg_output_opts *);

static void write_report(struct fixture *fx, writer_fn writer)
{
	struct eg_output_opts opts = {0, "9.8.7"};
	FILE *f = open_memstream(&fx->out, &fx->len);

	assert_non_null(f);
	assert_int_equal(writer(fx->report, f, &opts), 0);
	assert_int_equal(fclose(f), 0);
}

static const struct eg_finding *finding_of(const struct eg_report *report,
					   const char *id)
{
	size_t i;

	for (i = 0; i < report->nfindings; i++)
		if (!strcmp(report->findings[i].sig->id, id))
			return &report->findings[i];
	fail_msg("no finding of %s", id);
	return NULL;
}

static json_t *result_of(json_t *results, const char *rule)
{
	size_t i;
	json_t *r;

	json_array_foreach(results, i, r)
	{
		if (!strcmp(json_string_value(json_object_get(r, "ruleId")),
			    rule))
			return r;
	}
	fail_msg("no result for %s", rule);
	return NULL;
}

static void test_sarif_results(void **state)
{
	struct fixture *fx = *state;
	const struct eg_finding *f1 = finding_of(fx->report, "TEST.1");
	const struct eg_finding *f2 = finding_of(fx->report, "TEST.2");
	json_error_t err;
	json_t *root, *run, *results, *r, *locs, *loc, *rules, *met, *unmet;
	json_t *files;
	const char *msg;

	write_report(fx, eg_report_write_sarif);
	/* jansson refuses invalid UTF-8: the evil path stayed valid. */
	root = json_loadb(fx->out, fx->len, 0, &err);
	if (!root)
		fail_msg("SARIF is not JSON: %d:%d %s", err.line, err.column,
			 err.text);
	assert_string_equal(json_string_value(json_object_get(root, "version")),
			    "2.1.0");
	assert_non_null(
		strstr(json_string_value(json_object_get(root, "$schema")),
		       "sarif-schema-2.1.0.json"));
	run = json_array_get(json_object_get(root, "runs"), 0);
	assert_non_null(run);
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(run, "tool"), "driver"),
			"name")),
		"exportgate");
	rules = json_object_get(
		json_object_get(json_object_get(run, "tool"), "driver"),
		"rules");
	assert_int_equal(json_array_size(rules), fx->set->nsigs);
	assert_non_null(strstr(
		json_string_value(json_object_get(
			json_object_get(json_array_get(rules, 0), "help"),
			"text")),
		"85 FR 459"));

	/* Columns are characters (match.h), not UTF-16 units. */
	assert_string_equal(
		json_string_value(json_object_get(run, "columnKind")),
		"unicodeCodePoints");
	results = json_object_get(run, "results");
	assert_int_equal(json_array_size(results), 2);

	r = result_of(results, "TEST.1");
	assert_string_equal(json_string_value(json_object_get(r, "level")),
			    "error");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(r, "partialFingerprints"),
				    "exportgate/v1")),
			    f1->fingerprint);
	msg = json_string_value(
		json_object_get(json_object_get(r, "message"), "text"));
	assert_non_null(strstr(msg, "TEST.1"));
	assert_non_null(strstr(msg, "controlled"));
	assert_non_null(strstr(msg, "\xe2\x9c\x93 alpha"));
	assert_non_null(strstr(msg, "\xe2\x9c\x97 gamma"));

	locs = json_object_get(r, "locations");
	assert_int_equal(json_array_size(locs), 3);
	loc = json_object_get(json_array_get(locs, 0), "physicalLocation");
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(loc, "artifactLocation"), "uri")),
		"src/a.py");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(loc, "region"), "startLine")),
			 3);
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(loc, "region"), "startColumn")),
		5);
	/* The region runs from column 5; the line is its context. */
	assert_null(json_object_get(json_object_get(loc, "region"), "snippet"));
	assert_int_equal(
		json_integer_value(json_object_get(
			json_object_get(loc, "contextRegion"), "startLine")),
		3);
	assert_null(json_object_get(json_object_get(loc, "contextRegion"),
				    "startColumn"));
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(loc, "contextRegion"),
					"snippet"),
			"text")),
		"alpha_call(x) | `y`");
	loc = json_object_get(json_array_get(locs, 1), "physicalLocation");
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(loc, "artifactLocation"), "uri")),
		evil_uri);
	/* A hit in column 1 is the line: its region has the snippet. */
	assert_null(json_object_get(loc, "contextRegion"));
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(loc, "region"),
					"snippet"),
			"text")),
		"beta_call(*z*)");
	/* A hit without a line has no region: SARIF lines start at 1. */
	loc = json_object_get(json_array_get(locs, 2), "physicalLocation");
	assert_null(json_object_get(loc, "region"));

	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(r, "properties"), "commit")),
		commit);
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(r, "properties"), "content")),
		tree);
	met = json_object_get(
		json_object_get(json_object_get(r, "properties"), "criteria"),
		"met");
	unmet = json_object_get(
		json_object_get(json_object_get(r, "properties"), "criteria"),
		"unmet");
	assert_int_equal(json_array_size(met), 2);
	assert_int_equal(json_array_size(unmet), 1);
	assert_string_equal(json_string_value(json_array_get(unmet, 0)),
			    "gamma");
	files = json_object_get(
		json_object_get(json_object_get(r, "properties"), "criteria"),
		"files");
	assert_int_equal(json_object_size(files), 1);
	assert_int_equal(json_integer_value(json_object_get(files, "beta")), 2);

	r = result_of(results, "TEST.2");
	assert_string_equal(json_string_value(json_object_get(r, "level")),
			    "warning");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(r, "partialFingerprints"),
				    "exportgate/v1")),
			    f2->fingerprint);
	json_decref(root);
}

static void test_sarif_invocation(void **state)
{
	struct fixture *fx = *state;
	json_t *root, *run, *inv, *notes, *note;

	write_report(fx, eg_report_write_sarif);
	root = json_loadb(fx->out, fx->len, 0, NULL);
	assert_non_null(root);
	run = json_array_get(json_object_get(root, "runs"), 0);
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(run, "tool"), "driver"),
			"version")),
		"9.8.7");
	inv = json_array_get(json_object_get(run, "invocations"), 0);
	assert_true(json_is_true(json_object_get(inv, "executionSuccessful")));
	assert_true(json_is_true(json_object_get(
		json_object_get(inv, "properties"), "incomplete")));
	notes = json_object_get(inv, "toolExecutionNotifications");
	assert_int_equal(json_array_size(notes), 1);
	note = json_array_get(notes, 0);
	assert_string_equal(json_string_value(json_object_get(note, "level")),
			    "error");
	assert_non_null(
		strstr(json_string_value(json_object_get(
			       json_object_get(note, "message"), "text")),
		       "larger than --max-blob-size"));
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(
				json_object_get(
					json_array_get(
						json_object_get(note,
								"locations"),
						0),
					"physicalLocation"),
				"artifactLocation"),
			"uri")),
		"big%7Cmodel.bin");
	json_decref(root);
}

static int valid_utf8(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	unsigned cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 2, cp = s[i] & 0x1f;
		else if (s[i] >= 0xe0 && s[i] <= 0xef)
			n = 3, cp = s[i] & 0x0f;
		else if (s[i] >= 0xf0 && s[i] <= 0xf4)
			n = 4, cp = s[i] & 0x07;
		else
			return 0;
		if (i + n > len)
			return 0;
		for (k = 1; k < n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += n;
	}
	return 1;
}

/* Cell delimiters as GitHub's table parser sees them: '|' not after '\'. */
static size_t count_cell_pipes(const char *line, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (line[i] == '|' && (i == 0 || line[i - 1] != '\\'))
			n++;
	return n;
}

/* Each line starting with `prefix` has `pipes` delimiters; how many. */
static size_t check_rows(const char *md, const char *prefix, size_t pipes)
{
	const char *line = md, *end;
	size_t rows = 0;

	for (; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if (strncmp(line, prefix, strlen(prefix)))
			continue;
		rows++;
		if (count_cell_pipes(line, (size_t)(end - line)) != pipes)
			fail_msg("table row broken: %.*s", (int)(end - line),
				 line);
	}
	return rows;
}

static void test_markdown_review(void **state)
{
	struct fixture *fx = *state;
	const struct eg_finding *f1 = finding_of(fx->report, "TEST.1");
	const char *md;

	write_report(fx, eg_report_write_markdown);
	md = fx->out;
	assert_true(valid_utf8((const unsigned char *)md, fx->len));
	assert_non_null(strstr(md, "# Export control review: "));
	assert_non_null(strstr(md, "/nonexistent/target/repo"));
	assert_non_null(strstr(md, "| controlled | 1 |"));
	assert_non_null(strstr(md, "| review | 1 |"));
	assert_non_null(strstr(md, "Scanned 3 commits, 12 blobs, 4096 bytes"));
	assert_non_null(strstr(md, "**The scan is incomplete**"));

	/* The criteria table: both ways, with the regulation text. */
	assert_non_null(strstr(md, "| Holds | Criterion | Regulation | "
				   "Evidence |"));
	assert_non_null(strstr(md, "| \xe2\x9c\x93 | Alpha feature (`alpha`) | "
				   "1. Provides alpha \\| beta\\_gamma |"));
	assert_non_null(strstr(md, "| \xe2\x9c\x93 | Beta feature (`beta`) "
				   "*(holds in 2 files, and 1 vendored, docs "
				   "or test file)* |"));
	assert_non_null(strstr(md, "| \xe2\x9c\x97 | Gamma feature (`gamma`) | "
				   "3. Trains gamma | none |"));
	assert_int_equal(check_rows(md, "| \xe2\x9c", 5), 4);

	/* Evidence: path:line at the commit, the excerpt as code. */
	assert_non_null(strstr(md, "`src/a.py:3` at `0123456789ab`: "
				   "`` alpha_call(x) \\| `y` ``"));
	assert_non_null(strstr(md, "- **First commit:** `0123456789abcdef"
				   "0123456789abcdef01234567` by Ada "
				   "\\<ada@example.com\\>, 2023-11-14 "
				   "22:13:20 UTC"));
	assert_non_null(strstr(md, f1->fingerprint));

	/* The evil path: '|' escaped, newline and bad bytes made visible. */
	assert_non_null(strstr(md, "``src/ev\\|il `x` \xe2\x90\x8a"
				   "\xef\xbf\xbd\xef\xbf\xbd name.py:7``"));
	assert_null(strstr(md, "\n\xff"));

	/* Citation, status and dates, packs and their hashes. */
	assert_non_null(
		strstr(md, "15 CFR 774, Supp. 1, ECCN 0D521 No. 1; 85 FR 459"));
	assert_non_null(strstr(md, "active, effective 2020-01-06, expires "
				   "2023-01-06"));
	assert_non_null(strstr(md, "contested"));
	assert_non_null(strstr(md, "test-formats: Report format test pack | "
				   "0.3.1 |"));
	assert_non_null(strstr(md, fx->set->packs[0].sha256));
	assert_int_equal(check_rows(md, "| `TEST.", 7), 2);

	/* Content not scanned, with its reason, in an intact row. */
	assert_int_equal(check_rows(md, "| `big", 4), 1);
	assert_non_null(strstr(md, "| `big\\|model.bin` | `fedcba98"));
	assert_non_null(strstr(md, "larger than --max-blob-size"));

	assert_non_null(strstr(md, "A match is an indicator for people to "
				   "classify, not a legal classification."));
}

static void test_markdown_clean(void **state)
{
	struct fixture fx = {0};

	(void)state;
	fx.set = test_sigset();
	fx.report = eg_report_new(fx.set, "./repo", EG_TARGET_TREE);
	eg_report_finish(fx.report);
	write_report(&fx, eg_report_write_markdown);
	assert_non_null(strstr(fx.out, "No signature matched"));
	assert_non_null(strstr(fx.out, "The scan is complete"));
	assert_null(strstr(fx.out, "## Findings"));
	assert_non_null(strstr(fx.out, "## Content not scanned\n\nNone."));
	assert_non_null(strstr(fx.out, "not a legal classification"));
	free(fx.out);
	fx.out = NULL;

	write_report(&fx, eg_report_write_sarif);
	{
		json_t *root = json_loadb(fx.out, fx.len, 0, NULL);
		json_t *run = json_array_get(json_object_get(root, "runs"), 0);

		assert_non_null(run);
		assert_int_equal(
			json_array_size(json_object_get(run, "results")), 0);
		assert_null(json_object_get(run, "versionControlProvenance"));
		json_decref(root);
	}
	eg_report_free(fx.report);
	eg_sigset_free(fx.set);
	free(fx.out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sarif_results, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sarif_invocation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_markdown_review, setup,
						teardown),
		cmocka_unit_test(test_markdown_clean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
