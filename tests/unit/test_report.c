/* test_report.c: the JSON and text writers, fingerprints and baselines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "error.h"
#include "report.h"
#include "sigset.h"

static const char pack[] =
	"pack: {id: t, version: \"2\"}\n"
	"signatures:\n"
	"  - id: R.1\n"
	"    eccn: \"0D521\"\n"
	"    title: Repo\n"
	"    criteria:\n"
	"      - {id: a, title: Alpha, patterns: [{id: a, literal: x}]}\n"
	"      - {id: b, title: Beta, patterns: [{id: b, literal: y}]}\n"
	"    controlled: {all: [a, b]}\n";

static struct eg_sigset *set;

static int setup(void **state)
{
	(void)state;
	set = eg_sigset_new();
	return eg_sigset_add_buffer(set, "t.yml", pack, strlen(pack)) ||
	       eg_sigset_compile(set);
}

static int teardown(void **state)
{
	(void)state;
	eg_sigset_free(set);
	return 0;
}

static struct eg_report *sample(const char *blob_a, unsigned line)
{
	struct eg_report *r = eg_report_new(set, "/repo", EG_TARGET_ALL);
	struct eg_finding *f =
		eg_report_add_finding(r, &set->sigs[0], EG_LEVEL_REVIEW);
	struct eg_evidence *e;

	strcpy(f->commit, "0123456789abcdef0123456789abcdef01234567");
	f->ncriteria = 2;
	f->criteria = eg_xcalloc(2, sizeof(*f->criteria));
	f->criteria[0].criterion = &set->criteria[0];
	f->criteria[0].met = 1;
	f->criteria[0].nevidence = 1;
	e = f->criteria[0].evidence = eg_xcalloc(1, sizeof(*e));
	e->path = eg_xstrdup("dir/na\xffme\tone.py");
	strcpy(e->blob, blob_a);
	e->line = line;
	e->column = 3;
	e->excerpt = eg_xstrdup("x = 1");
	f->criteria[1].criterion = &set->criteria[1];
	eg_report_add_unscanned(r, "big.bin", blob_a,
				"larger than --max-blob-size");
	eg_report_finish(r);
	return r;
}

static char *render(const struct eg_report *r, int json)
{
	struct eg_output_opts o = {0, "9.9.9"};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(json ? eg_report_write_json(r, f, &o)
			      : eg_report_write_text(r, f, &o),
			 0);
	fclose(f);
	return buf;
}

static void json_has_the_spec_fields(void **state)
{
	struct eg_report *r =
		sample("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 7);
	char *text = render(r, 1);
	json_error_t err;
	json_t *root = json_loads(text, 0, &err), *f, *c;

	(void)state;
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(root, "tool"), "version")),
			    "9.9.9");
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(root, "target"), "scope")),
			    "all");
	assert_true(json_is_true(json_object_get(
		json_object_get(root, "summary"), "incomplete")));
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(root, "summary"), "review")),
			 1);
	f = json_array_get(json_object_get(root, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "signature")),
			    "R.1");
	assert_string_equal(json_string_value(json_object_get(f, "level")),
			    "review");
	assert_string_equal(json_string_value(json_object_get(f, "scope")),
			    "repository");
	assert_null(json_object_get(f, "path"));
	assert_int_equal(
		strlen(json_string_value(json_object_get(f, "fingerprint"))),
		64);
	c = json_array_get(json_object_get(f, "criteria"), 0);
	assert_true(json_is_true(json_object_get(c, "met")));
	c = json_array_get(json_object_get(c, "evidence"), 0);
	/* a path that is not UTF-8 still gives valid JSON, its tab kept */
	assert_string_equal(json_string_value(json_object_get(c, "path")),
			    "dir/na\xef\xbf\xbdme\tone.py");
	assert_int_equal(json_integer_value(json_object_get(c, "line")), 7);
	c = json_array_get(json_object_get(f, "criteria"), 1);
	assert_true(json_is_false(json_object_get(c, "met")));
	json_decref(root);
	free(text);
	eg_report_free(r);
}

static void text_marks_criteria_and_sums_up(void **state)
{
	struct eg_report *r =
		sample("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 7);
	char *text = render(r, 0);

	(void)state;
	/* a heading for the signature, then its findings by level */
	assert_non_null(strstr(text, "R.1 (ECCN 0D521, active): 1 finding\n"));
	assert_non_null(strstr(text,
			       "\n  REVIEW      first commit "
			       "0123456789abcdef0123456789abcdef01234567\n"));
	assert_non_null(strstr(text, "\u2713 a: Alpha"));
	assert_non_null(strstr(text, "\u2717 b: Beta"));
	/* on one line: the tab is a space */
	assert_non_null(strstr(text, "dir/na\xef\xbf\xbdme one.py:7"));
	assert_non_null(strstr(text, "0 controlled, 1 review;"));
	assert_non_null(strstr(text, "INCOMPLETE"));
	assert_null(strstr(text, "\033["));
	free(text);
	eg_report_free(r);
}

static void fingerprints_ignore_lines_but_not_content(void **state)
{
	struct eg_report *a =
		sample("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 7);
	struct eg_report *b =
		sample("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 99);
	struct eg_report *c =
		sample("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 7);

	(void)state;
	assert_string_equal(a->findings[0].fingerprint,
			    b->findings[0].fingerprint);
	assert_string_not_equal(a->findings[0].fingerprint,
				c->findings[0].fingerprint);
	eg_report_free(a);
	eg_report_free(b);
	eg_report_free(c);
}

static void a_baseline_drops_known_findings(void **state)
{
	struct eg_report *a =
		sample("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 7);
	struct eg_report *b =
		sample("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 8);
	struct eg_report *c =
		sample("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", 7);
	char path[] = "/tmp/eg-baseline-XXXXXX", *text = render(a, 1);
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(eg_report_apply_baseline(b, path), 0);
	assert_int_equal(b->nfindings, 0);
	assert_int_equal(eg_report_apply_baseline(c, path), 0);
	assert_int_equal(c->nfindings, 1);
	assert_int_equal(eg_report_apply_baseline(c, "/nonexistent/x.json"),
			 EG_ECONFIG);
	unlink(path);
	free(text);
	eg_report_free(a);
	eg_report_free(b);
	eg_report_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_has_the_spec_fields),
		cmocka_unit_test(text_marks_criteria_and_sums_up),
		cmocka_unit_test(fingerprints_ignore_lines_but_not_content),
		cmocka_unit_test(a_baseline_drops_known_findings),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
