/* test_sigset.c: the signature parser and compiler, both ways. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcre2.h>

#include "bitset.h"
#include "error.h"
#include "sigset.h"

static const char good[] =
	"pack: {id: t, version: \"1.2\", title: test}\n"
	"signatures:\n"
	"  - id: \"S.1\"\n"
	"    title: a signature\n"
	"    eccn: \"0D521\"\n"
	"    citation: \"15 CFR 774\"\n"
	"    status: contested\n"
	"    effective: 2020-01-06\n"
	"    expires: 2023-01-06\n"
	"    permitted: [US, CA]\n"
	"    scope: repository\n"
	"    references: [\"https://example.com\"]\n"
	"    criteria:\n"
	"      - id: a\n"
	"        regulation: text\n"
	"        patterns:\n"
	"          - {id: a1, regex: '\\bimport\\s+rasterio\\b'}\n"
	"      - id: b\n"
	"        match: {at_least: 2}\n"
	"        patterns:\n"
	"          - {id: b1, literal: 'loss.backward()', icase: true}\n"
	"          - {id: b2, regex: 'Conv2d', kinds: [python], paths: ['*.py']}\n"
	"          - {id: b3, regex: 'x|y'}\n"
	"      - id: c\n"
	"        patterns:\n"
	"          - {id: c1, kinds: [model]}\n"
	"    controlled: {all: [a, b, c]}\n"
	"    review: {all: [a, {at_least: 1, of: [b, c]}]}\n";

static struct eg_sigset *load(const char *text, int *err)
{
	struct eg_sigset *set = eg_sigset_new();

	*err = eg_sigset_add_buffer(set, "pack.yml", text, strlen(text));
	if (!*err)
		*err = eg_sigset_compile(set);
	return set;
}

/* Load good with its first `from` replaced by `to`. */
static struct eg_sigset *load_with(const char *from, const char *to, int *err)
{
	char text[4096];
	const char *at = strstr(good, from);

	assert_non_null(at);
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - good), good, to,
		 at + strlen(from));
	return load(text, err);
}

static void parses_a_good_pack(void **state)
{
	int err;
	struct eg_sigset *set = load(good, &err);
	const struct eg_signature *s;

	(void)state;
	assert_int_equal(err, 0);
	assert_int_equal(set->npacks, 1);
	assert_string_equal(set->packs[0].version, "1.2");
	assert_int_equal(strlen(set->packs[0].sha256), 64);
	s = eg_sigset_find(set, "S.1");
	assert_non_null(s);
	assert_null(eg_sigset_find(set, "S.2"));
	assert_int_equal(s->status, EG_STATUS_CONTESTED);
	assert_string_equal(s->expires, "2023-01-06");
	assert_int_equal(s->npermitted, 2);
	assert_int_equal(s->ncriteria, 3);
	assert_int_equal(set->npatterns, 5);
	assert_int_equal(set->criteria[1].match, EG_COND_AT_LEAST);
	assert_int_equal(set->criteria[1].at_least, 2);
	/* prefilters: derived from the regex, the literal itself, none */
	assert_string_equal(set->patterns[0].prefilter[0], "rasterio");
	assert_string_equal(set->patterns[1].prefilter[0], "loss.backward()");
	assert_int_equal(set->patterns[3].nprefilter, 0);
	assert_true(set->patterns[4].kind_only);
	eg_sigset_free(set);
}

/* Whether pattern `i`'s compiled regex matches `line`. */
static int regex_matches(const struct eg_sigset *set, size_t i,
			 const char *line)
{
	const pcre2_code *code = eg_sigset_code(set, i);
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	int rc = pcre2_match(code, (PCRE2_SPTR)line, strlen(line), 0, 0, md,
			     NULL);

	pcre2_match_data_free(md);
	return rc > 0;
}

/*
 * A prefilter derived from a regex is text every match holds: what an
 * escape takes as its arguments, the white space of extended mode, a
 * repeat count and a POSIX class are not.  Else the regex never runs.
 */
static void derived_prefilters_are_in_every_match(void **state)
{
	static const struct {
		const char *regex, *line;
	} cases[] = {
		{"\\x6coss\\.backward", "loss.backward()"},
		{"\\x{6c}oss\\.backward", "loss.backward()"},
		{"\\154oss\\.backward", "loss.backward()"},
		{"\\o{154}oss\\.backward", "loss.backward()"},
		{"(?x) loss \\. backward \\( \\)", "loss.backward()"},
		{"(?xx) loss \\. backward", "loss.backward()"},
		{"(?ix) LOSS \\. backward", "loss.backward()"},
		{"(?x: loss \\. backward )", "loss.backward()"},
		{"ab{2,4}cd", "abbbcd"},
		{"[[:alpha:]abc]def", "xdef"},
		{"\\p{Lu}oss\\.backward", "Loss.backward()"},
		{"\\QConv\\E2d", "Conv2d"},
	};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char to[128];
		int err;
		struct eg_sigset *set;

		snprintf(to, sizeof(to), "regex: '%s'", cases[i].regex);
		set = load_with("regex: 'Conv2d'", to, &err);
		assert_int_equal(err, 0);
		assert_true(regex_matches(set, 2, cases[i].line));
		for (j = 0; j < set->patterns[2].nprefilter; j++)
			if (!strcasestr(cases[i].line,
					set->patterns[2].prefilter[j]))
				fail_msg("%s: prefilter '%s' is not in '%s'",
					 cases[i].regex,
					 set->patterns[2].prefilter[j],
					 cases[i].line);
		eg_sigset_free(set);
	}
}

/* ... while a repeat count or an escape it knows leaves the text around. */
static void derives_around_what_it_skips(void **state)
{
	int err;
	struct eg_sigset *set = load_with(
		"regex: 'Conv2d'", "regex: '\\bConv2d\\(\\d{1,3}\\s*,'", &err);

	(void)state;
	assert_int_equal(err, 0);
	assert_int_equal(set->patterns[2].nprefilter, 1);
	assert_string_equal(set->patterns[2].prefilter[0], "conv2d(");
	eg_sigset_free(set);
}

static void unless_is_compiled_with_its_pattern(void **state)
{
	int err;
	struct eg_sigset *set =
		load_with("regex: 'x|y'}", "regex: 'x|y', unless: 'z+'}", &err);

	(void)state;
	assert_int_equal(err, 0);
	assert_string_equal(set->patterns[3].unless, "z+");
	assert_non_null(eg_sigset_code(set, 3));
	assert_non_null(eg_sigset_unless(set, 3));
	assert_null(eg_sigset_unless(set, 0));
	eg_sigset_free(set);
}

static void conditions_decide_the_level(void **state)
{
	int err;
	struct eg_sigset *set = load(good, &err);
	const struct eg_signature *s = eg_sigset_find(set, "S.1");
	eg_word bits[1] = {0};

	(void)state;
	assert_int_equal(err, 0);
	assert_int_equal(eg_signature_level(s, bits), EG_LEVEL_NONE);
	eg_bit_set(bits, 0);
	assert_int_equal(eg_signature_level(s, bits), EG_LEVEL_NONE);
	eg_bit_set(bits, 2);
	assert_int_equal(eg_signature_level(s, bits), EG_LEVEL_REVIEW);
	eg_bit_set(bits, 1);
	assert_int_equal(eg_signature_level(s, bits), EG_LEVEL_CONTROLLED);
	bits[0] = 0;
	eg_bit_set(bits, 1);
	eg_bit_set(bits, 2);
	assert_int_equal(eg_signature_level(s, bits), EG_LEVEL_NONE);
	eg_sigset_free(set);
}

/*
 * Weak files count for controlled, not for review; installed packages for
 * neither, but what they complete of controlled is review.  Sets: product
 * code, weak files, installed packages; a = 1, b = 2, c = 4.
 */
static void where_criteria_hold_decides_what_they_count_for(void **state)
{
	int err;
	struct eg_sigset *set = load(good, &err);
	const struct eg_signature *s = eg_sigset_find(set, "S.1");

	(void)state;
	assert_int_equal(err, 0);
	assert_int_equal(eg_signature_level_of(s, (eg_word[]){5, 2, 0}, 1),
			 EG_LEVEL_CONTROLLED);
	assert_int_equal(eg_signature_level_of(s, (eg_word[]){0, 7, 0}, 1),
			 EG_LEVEL_CONTROLLED);
	assert_int_equal(eg_signature_level_of(s, (eg_word[]){1, 2, 0}, 1),
			 EG_LEVEL_NONE);
	assert_int_equal(eg_signature_level_of(s, (eg_word[]){5, 0, 2}, 1),
			 EG_LEVEL_REVIEW);
	assert_int_equal(eg_signature_level_of(s, (eg_word[]){0, 0, 7}, 1),
			 EG_LEVEL_REVIEW);
	assert_int_equal(eg_signature_level_of(s, (eg_word[]){1, 0, 2}, 1),
			 EG_LEVEL_NONE);
	assert_int_equal(eg_signature_level_bound(s, (eg_word[]){0, 0, 7}, 1),
			 EG_LEVEL_REVIEW);
	eg_sigset_free(set);
}

/* `none` holds while none of its operands does: counter-evidence. */
static void none_turns_a_level_off(void **state)
{
	struct eg_sigset *set;
	const struct eg_signature *s;
	eg_word bits[1] = {0};
	char *words = NULL;
	size_t nwords = 0;
	FILE *f;
	int err;

	(void)state;
	set = load_with("{at_least: 1, of: [b, c]}", "b, {none: [c]}", &err);
	assert_int_equal(err, 0);
	s = eg_sigset_find(set, "S.1");
	eg_bit_set(bits, 0);
	eg_bit_set(bits, 1);
	assert_int_equal(eg_signature_level(s, bits), EG_LEVEL_REVIEW);
	eg_bit_set(bits, 2);
	assert_int_equal(eg_signature_level(s, bits), EG_LEVEL_CONTROLLED);
	bits[0] = 0;
	eg_bit_set(bits, 0);
	eg_bit_set(bits, 2);
	assert_int_equal(eg_signature_level(s, bits), EG_LEVEL_NONE);
	/* a folder without c could still make review; one without b not */
	assert_int_equal(eg_signature_level_of(s, (eg_word[]){3, 0, 0}, 1),
			 EG_LEVEL_REVIEW);
	assert_int_equal(eg_signature_level_bound(s, (eg_word[]){7, 0, 0}, 1),
			 EG_LEVEL_CONTROLLED);
	assert_int_equal(eg_signature_level_bound(s, (eg_word[]){5, 0, 0}, 1),
			 EG_LEVEL_NONE);

	f = open_memstream(&words, &nwords);
	eg_cond_print(f, set, &s->review);
	fclose(f);
	assert_string_equal(words, "all of (a, b, none of (c))");
	free(words);
	eg_sigset_free(set);
	/* the bound sets counter-evidence aside in controlled too */
	set = load_with("{all: [a, b, c]}", "{all: [a, b, {none: [c]}]}", &err);
	assert_int_equal(err, 0);
	s = eg_sigset_find(set, "S.1");
	assert_int_equal(eg_signature_level_of(s, (eg_word[]){7, 0, 0}, 1),
			 EG_LEVEL_REVIEW);
	assert_int_equal(eg_signature_level_bound(s, (eg_word[]){7, 0, 0}, 1),
			 EG_LEVEL_CONTROLLED);
	eg_sigset_free(set);
}

/* Replace the first `from` in good with `to` and expect an error. */
static void expect_error(const char *from, const char *to, const char *want)
{
	int err;
	struct eg_sigset *set = load_with(from, to, &err);

	assert_int_equal(err, EG_ECONFIG);
	if (!strstr(eg_error_last(), want))
		fail_msg("wanted '%s' in '%s'", want, eg_error_last());
	eg_sigset_free(set);
}

static void reports_errors_with_file_line_column(void **state)
{
	(void)state;
	expect_error("title: a signature", "titel: a signature",
		     "pack.yml:4:5: unknown signature key 'titel'");
	expect_error(
		"'Conv2d'", "'Conv(2d'",
		"pack.yml:22:29: bad regex at offset 7: missing closing parenthesis");
	expect_error("{all: [a, b, c]}", "{all: [a, b, d]}",
		     "pack.yml:27:30: condition names unknown criterion 'd'");
	expect_error("status: contested", "status: maybe",
		     "pack.yml:7:13: status must be active");
	expect_error("effective: 2020-01-06", "effective: 6 Jan 2020",
		     "pack.yml:8:16: expected a date");
	expect_error("at_least: 2}", "at_least: 9}",
		     "asks for at least 9 of 3 patterns");
	expect_error("{at_least: 1, of: [b, c]}", "{at_least: 1, any: [b, c]}",
		     "pack.yml:28:23: at_least takes its list in 'of'");
	expect_error("{at_least: 1, of: [b, c]}", "{of: [b, c]}",
		     "pack.yml:28:23: 'of' goes with at_least");
	expect_error("{at_least: 1, of: [b, c]}", "{none: []}",
		     "a condition needs a non-empty list");
	expect_error("{at_least: 1, of: [b, c]}",
		     "{none: [b, {any: [{none: [c]}]}]}",
		     "pack.yml:28:41: 'none' inside 'none'");
	expect_error("kinds: [python]", "kinds: [cobol]",
		     "unknown file kind 'cobol'");
	expect_error("- id: b\n", "- id: a\n", "duplicate criterion id 'a'");
	expect_error("pack: {id: t,", "pack: {id: t,,", "pack.yml:1:");
	expect_error("{id: c1, kinds: [model]}", "{id: c1}",
		     "needs a regex, a literal, or binary kinds");
	expect_error("regex: 'x|y'}", "regex: 'x|y', unless: 'x('}",
		     "pack.yml:23:44: bad unless regex at offset 2: "
		     "missing closing parenthesis");
	expect_error("{id: c1, kinds: [model]}",
		     "{id: c1, kinds: [model], unless: x}",
		     "pack.yml:26:46: 'unless' needs a regex or a literal");
	expect_error("regex: 'x|y'}", "regex: 'x|y', unless: ''}",
		     "pack.yml:23:44: empty unless");
	/* Found by fuzz/fuzz_sigset.c: a second key leaked the first. */
	expect_error("paths: ['*.py']", "paths: ['*.py'], paths: [x]",
		     "pack.yml:22:73: duplicate key 'paths'");
}

static void refuses_aliases(void **state)
{
	static const char text[] =
		"pack: &p {id: t, version: 1}\nsignatures: *p\n";
	struct eg_sigset *set;
	int err;

	(void)state;
	set = load(text, &err);
	assert_int_equal(err, EG_ECONFIG);
	assert_non_null(strstr(eg_error_last(), "aliases are not allowed"));
	eg_sigset_free(set);
}

static void refuses_the_same_pack_twice(void **state)
{
	struct eg_sigset *set = eg_sigset_new();

	(void)state;
	assert_int_equal(eg_sigset_add_buffer(set, "a.yml", good, strlen(good)),
			 0);
	assert_int_equal(eg_sigset_add_buffer(set, "b.yml", good, strlen(good)),
			 EG_ECONFIG);
	assert_non_null(strstr(eg_error_last(), "loaded twice"));
	eg_sigset_free(set);
}

static void builtin_packs_compile(void **state)
{
	struct eg_sigset *set = eg_sigset_new();

	(void)state;
	assert_int_equal(eg_sigset_add_builtin(set), 0);
	assert_int_equal(eg_sigset_compile(set), 0);
	assert_non_null(eg_sigset_find(set, "0D521.1"));
	assert_int_equal(eg_sigset_find(set, "0D521.1")->scope,
			 EG_SIG_REPOSITORY);
	eg_sigset_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_a_good_pack),
		cmocka_unit_test(derived_prefilters_are_in_every_match),
		cmocka_unit_test(derives_around_what_it_skips),
		cmocka_unit_test(unless_is_compiled_with_its_pattern),
		cmocka_unit_test(conditions_decide_the_level),
		cmocka_unit_test(
			where_criteria_hold_decides_what_they_count_for),
		cmocka_unit_test(none_turns_a_level_off),
		cmocka_unit_test(reports_errors_with_file_line_column),
		cmocka_unit_test(refuses_aliases),
		cmocka_unit_test(refuses_the_same_pack_twice),
		cmocka_unit_test(builtin_packs_compile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
