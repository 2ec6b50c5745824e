/* test_approvals.c: compliance approvals, matching and expiry. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "approvals.h"

#define TREE   "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
#define COMMIT "0123456789abcdef0123456789abcdef01234567"
#define OTHER  "89abcdef0123456789abcdef0123456789abcdef"

static const char example[] = "- signature: \"0D521.1\"\n"
			      "  repository: \"geo/*\"\n"
			      "  content: " TREE "\n"
			      "  ticket: EXP-42\n"
			      "  approver: compliance@example.com\n"
			      "  basis: \"licence D123456\"\n"
			      "  expires: 2027-12-31\n"
			      "- signature: \"0D521.1\"\n"
			      "  repository: \"old/*\"\n"
			      "  content: " COMMIT "\n"
			      "  ticket: EXP-7\n"
			      "  approver: compliance@example.com\n"
			      "  basis: GOV\n"
			      "  expires: 2021-06-30\n";

static struct eg_approvals *parse_ok(const char *text)
{
	struct eg_approvals *a = NULL;

	if (eg_approvals_parse(&a, "appr.yml", text, strlen(text)) < 0)
		fail_msg("approvals rejected: %s", eg_error_last());
	return a;
}

static void parse_fails(const char *text, const char *where, const char *words)
{
	struct eg_approvals *a = NULL;

	assert_int_equal(eg_approvals_parse(&a, "appr.yml", text, strlen(text)),
			 EG_ECONFIG);
	assert_null(a);
	if (strncmp(eg_error_last(), where, strlen(where)) ||
	    !strstr(eg_error_last(), words))
		fail_msg("wanted '%s...%s', got '%s'", where, words,
			 eg_error_last());
}

static void test_parse_example(void **state)
{
	struct eg_approvals *a = parse_ok(example);

	(void)state;
	assert_int_equal(a->n, 2);
	assert_string_equal(a->items[0].signature, "0D521.1");
	assert_string_equal(a->items[0].repository, "geo/*");
	assert_string_equal(a->items[0].content, TREE);
	assert_string_equal(a->items[0].ticket, "EXP-42");
	assert_string_equal(a->items[0].approver, "compliance@example.com");
	assert_string_equal(a->items[0].basis, "licence D123456");
	assert_string_equal(a->items[0].expires, "2027-12-31");
	assert_int_equal(a->items[0].line, 1);
	assert_int_equal(a->items[1].line, 8);
	eg_approvals_free(a);
}

static void test_matching_approval(void **state)
{
	struct eg_approvals *a = parse_ok(example);
	const struct eg_approval *got = NULL;
	const char *ids[] = {COMMIT, TREE};

	(void)state;
	assert_int_equal(eg_approvals_find(&got, a, "0D521.1",
					   "/srv/git/geo/radar", ids, 2, NULL,
					   0, "2026-01-01"),
			 EG_APPROVAL_VALID);
	assert_non_null(got);
	assert_string_equal(got->ticket, "EXP-42");
	/* It holds through the day it expires. */
	assert_int_equal(eg_approvals_find(&got, a, "0D521.1", "geo/radar", ids,
					   2, NULL, 0, "2027-12-31"),
			 EG_APPROVAL_VALID);
	eg_approvals_free(a);
}

static void test_no_approval(void **state)
{
	struct eg_approvals *a = parse_ok(example);
	const struct eg_approval *got = NULL;
	const char *tree[] = {TREE};
	const char *other[] = {OTHER};

	(void)state;
	/* Another repository, signature or content is not covered. */
	assert_int_equal(eg_approvals_find(&got, a, "0D521.1", "/srv/git/x/y",
					   tree, 1, NULL, 0, "2026-01-01"),
			 EG_APPROVAL_NONE);
	assert_null(got);
	assert_int_equal(eg_approvals_find(&got, a, "5D002.1", "geo/radar",
					   tree, 1, NULL, 0, "2026-01-01"),
			 EG_APPROVAL_NONE);
	assert_int_equal(eg_approvals_find(&got, a, "0D521.1", "geo/radar",
					   other, 1, NULL, 0, "2026-01-01"),
			 EG_APPROVAL_NONE);
	assert_int_equal(eg_approvals_find(&got, NULL, "0D521.1", "geo/radar",
					   tree, 1, NULL, 0, "2026-01-01"),
			 EG_APPROVAL_NONE);
	eg_approvals_free(a);
}

static void test_expired_approval(void **state)
{
	struct eg_approvals *a = parse_ok(example);
	const struct eg_approval *got = NULL;
	const char *ids[] = {COMMIT};
	const char *tree[] = {TREE};

	(void)state;
	assert_int_equal(eg_approvals_find(&got, a, "0D521.1", "old/radar", ids,
					   1, NULL, 0, "2026-01-01"),
			 EG_APPROVAL_EXPIRED);
	assert_non_null(got);
	assert_string_equal(got->expires, "2021-06-30");
	assert_int_equal(eg_approvals_find(&got, a, "0D521.1", "geo/radar",
					   tree, 1, NULL, 0, "2028-01-01"),
			 EG_APPROVAL_EXPIRED);
	eg_approvals_free(a);
}

static void test_latest_approval_wins(void **state)
{
	struct eg_approvals *a = parse_ok(
		"- {signature: S, repository: '*', content: " TREE ", "
		"ticket: OLD, approver: a, basis: GOV, expires: 2020-01-01}\n"
		"- {signature: S, repository: '*', content: " TREE ", "
		"ticket: NEW, approver: a, basis: GOV, expires: 2030-01-01}\n");
	const struct eg_approval *got = NULL;
	const char *tree[] = {TREE};

	(void)state;
	assert_int_equal(eg_approvals_find(&got, a, "S", "r", tree, 1, NULL, 0,
					   "2025-01-01"),
			 EG_APPROVAL_VALID);
	assert_string_equal(got->ticket, "NEW");
	eg_approvals_free(a);
}

/* An approval that names jurisdictions lets the content go there alone. */
static void test_approval_for_some_jurisdictions(void **state)
{
	struct eg_approvals *a =
		parse_ok("- {signature: S, repository: '*', content: " TREE ", "
			 "ticket: DE-ONLY, approver: a, basis: 'licence D1', "
			 "expires: 2030-01-01, jurisdictions: [DE, FR]}\n");
	const struct eg_approval *got = NULL;
	const char *tree[] = {TREE};
	const char *de[] = {"DE"}, *de_fr[] = {"DE", "FR"};
	const char *de_cn[] = {"DE", "CN"};

	(void)state;
	assert_int_equal(eg_approvals_find(&got, a, "S", "r", tree, 1, de, 1,
					   "2025-01-01"),
			 EG_APPROVAL_VALID);
	assert_int_equal(eg_approvals_find(&got, a, "S", "r", tree, 1, de_fr, 2,
					   "2025-01-01"),
			 EG_APPROVAL_VALID);
	assert_int_equal(eg_approvals_find(&got, a, "S", "r", tree, 1, de_cn, 2,
					   "2025-01-01"),
			 EG_APPROVAL_ELSEWHERE);
	assert_non_null(got);
	assert_string_equal(got->ticket, "DE-ONLY");
	assert_string_equal(eg_approval_misses(got, de_cn, 2), "CN");
	assert_null(eg_approval_misses(got, de_fr, 2));
	eg_approvals_free(a);
	parse_fails("- {signature: S, repository: r, content: " TREE ", "
		    "ticket: T, approver: a, basis: b, expires: 2030-01-01, "
		    "jurisdictions: [de]}\n",
		    "appr.yml:1:", "'de' is not a jurisdiction code");
	parse_fails("- {signature: S, repository: r, content: " TREE ", "
		    "ticket: T, approver: a, basis: b, expires: 2030-01-01, "
		    "jurisdictions: []}\n",
		    "appr.yml:1:", "go nowhere");
}

static void test_errors(void **state)
{
	(void)state;
	parse_fails("- signature: S\n  repository: r\n  content: " TREE "\n"
		    "  ticket: T\n  approver: a\n  basis: GOV\n"
		    "  expires: 2027-02-30\n",
		    "appr.yml:7:12:", "not a date");
	parse_fails("- signature: S\n  repository: r\n  content: " TREE "\n"
		    "  ticket: T\n  approver: a\n  basis: GOV\n",
		    "appr.yml:1:3:", "expires is missing");
	parse_fails("- signature: S\n  repository: r\n  content: 4b825dc\n"
		    "  ticket: T\n  approver: a\n  basis: GOV\n"
		    "  expires: 2027-01-01\n",
		    "appr.yml:3:12:", "not a full object id");
	parse_fails("- signature: S\n  colour: red\n",
		    "appr.yml:2:3:", "unknown key 'colour'");
	parse_fails("signature: S\n", "appr.yml:1:1:", "expected a list");
	parse_fails("- signature: [S]\n  repository: r\n  content: " TREE "\n"
		    "  ticket: T\n  approver: a\n  basis: GOV\n"
		    "  expires: 2027-01-01\n",
		    "appr.yml:1:14:", "expected a string, got a list");
	parse_fails("- {signature: S\n", "appr.yml:2:1:", "");
}

static void test_empty_file(void **state)
{
	struct eg_approvals *a = parse_ok("# none yet\n");

	(void)state;
	assert_int_equal(a->n, 0);
	eg_approvals_free(a);
}

static void test_load_file(void **state)
{
	char path[] = "/tmp/eg-approvals-XXXXXX";
	struct eg_approvals *a = NULL;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, example, strlen(example)),
			 (ssize_t)strlen(example));
	close(fd);
	assert_int_equal(eg_approvals_load(&a, path), 0);
	assert_int_equal(a->n, 2);
	assert_string_equal(a->path, path);
	eg_approvals_free(a);
	unlink(path);
	assert_int_equal(eg_approvals_load(&a, path), EG_EIO);
}

static void test_today(void **state)
{
	char day[11];

	(void)state;
	eg_approvals_today(day, 0);
	assert_string_equal(day, "1970-01-01");
	eg_approvals_today(day, 1830297599); /* 2027-12-31 23:59:59 UTC */
	assert_string_equal(day, "2027-12-31");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_example),
		cmocka_unit_test(test_matching_approval),
		cmocka_unit_test(test_no_approval),
		cmocka_unit_test(test_expired_approval),
		cmocka_unit_test(test_latest_approval_wins),
		cmocka_unit_test(test_approval_for_some_jurisdictions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_today),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
