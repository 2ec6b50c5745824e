/* test_updates.c: the ref updates git hands the hooks, read strictly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "error.h"
#include "updates.h"

#define A   "0123456789abcdef0123456789abcdef01234567"
#define B   "89abcdef0123456789abcdef0123456789abcdef"
#define Z   "0000000000000000000000000000000000000000"
#define A64 A "0123456789abcdef01234567"

static int read_text(struct eg_updates *u, const char *text, int push)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	assert_non_null(f);
	err = push ? eg_updates_read_push(u, f) : eg_updates_read_receive(u, f);
	fclose(f);
	return err;
}

static void bad(const char *text, int push, const char *words)
{
	struct eg_updates u = EG_UPDATES_INIT;

	assert_int_equal(read_text(&u, text, push), EG_EUSAGE);
	if (!strstr(eg_error_last(), words))
		fail_msg("no '%s' in '%s'", words, eg_error_last());
	eg_updates_release(&u);
}

static void test_receive_lines(void **state)
{
	struct eg_updates u = EG_UPDATES_INIT;

	(void)state;
	assert_int_equal(read_text(&u,
				   Z " " A " refs/heads/main\n" A " " Z
				     " refs/heads/gone\n" A " " B
				     " refs/tags/v1",
				   0),
			 0);
	assert_int_equal(u.n, 3);
	assert_string_equal(u.items[0].ref, "refs/heads/main");
	assert_string_equal(u.items[0].old_hex, Z);
	assert_string_equal(u.items[0].new_hex, A);
	assert_false(u.items[0].deleted);
	assert_true(u.items[1].deleted);
	assert_null(u.items[2].local_ref);
	assert_string_equal(u.items[2].new_hex, B);
	eg_updates_release(&u);

	/* SHA-256 ids are read (the gate then says it cannot judge them). */
	assert_int_equal(read_text(&u, A64 " " A64 " refs/heads/x\n", 0), 0);
	assert_int_equal(strlen(u.items[0].new_hex), 64);
	eg_updates_release(&u);

	/* Nothing pushed is no error. */
	assert_int_equal(read_text(&u, "", 0), 0);
	assert_int_equal(u.n, 0);
}

static void test_receive_rejects_malformed_lines(void **state)
{
	(void)state;
	bad(A " " B "\n", 0, "line 1");
	bad(A " " B " refs/heads/main\n" A " " B "  refs/heads/x\n", 0,
	    "line 2");
	bad(A " " B " refs/heads/main extra\n", 0, "line 1");
	bad(A " ABCDEF0123456789abcdef0123456789abcdef01 refs/heads/m\n", 0,
	    "line 1");
	bad(A " " A64 " refs/heads/main\n", 0, "line 1");
	bad(A " 0123 refs/heads/main\n", 0, "line 1");
	bad(A " " B " refs/heads/bad..name\n", 0, "line 1");
	bad(A " " B " refs/heads/tab\tname\n", 0, "line 1");
	bad("\n", 0, "line 1");
}

static void test_overlong_line(void **state)
{
	static char text[EG_UPDATES_MAX_LINE + 200];
	size_t len;

	(void)state;
	len = (size_t)sprintf(text, "%s %s refs/heads/", A, B);
	memset(text + len, 'x', EG_UPDATES_MAX_LINE);
	strcpy(text + len + EG_UPDATES_MAX_LINE, "\n");
	bad(text, 0, "longer than");
}

static void test_push_lines(void **state)
{
	struct eg_updates u = EG_UPDATES_INIT;

	(void)state;
	assert_int_equal(read_text(&u,
				   "refs/heads/main " A " refs/heads/main " B
				   "\n"
				   "(delete) " Z " refs/heads/old " A "\n",
				   1),
			 0);
	assert_int_equal(u.n, 2);
	assert_string_equal(u.items[0].local_ref, "refs/heads/main");
	assert_string_equal(u.items[0].ref, "refs/heads/main");
	assert_string_equal(u.items[0].new_hex, A);
	assert_string_equal(u.items[0].old_hex, B);
	assert_false(u.items[0].deleted);
	assert_true(u.items[1].deleted);
	eg_updates_release(&u);

	bad("refs/heads/main " A " refs/heads/main\n", 1, "line 1");
	bad(A " " B " refs/heads/main\n", 1, "<local ref>");
}

static void test_zero(void **state)
{
	(void)state;
	assert_true(eg_updates_is_zero(Z));
	assert_false(eg_updates_is_zero(A));
	assert_false(eg_updates_is_zero(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_receive_lines),
		cmocka_unit_test(test_receive_rejects_malformed_lines),
		cmocka_unit_test(test_overlong_line),
		cmocka_unit_test(test_push_lines),
		cmocka_unit_test(test_zero),
	};
	int failed;

	git_libgit2_init();
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return failed;
}
