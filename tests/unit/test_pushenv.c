/* test_pushenv.c: the pushing user and the override push option. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "pushenv.h"

static void clear_env(void)
{
	static const char *const vars[] = {
		"GL_USERNAME",
		"GITHUB_USER_LOGIN",
		"GITEA_PUSHER_NAME",
		"REMOTE_USER",
		"USER",
		"GIT_PUSH_OPTION_COUNT",
		"GIT_PUSH_OPTION_0",
		"GIT_PUSH_OPTION_1",
		"GIT_PUSH_OPTION_2",
	};
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

static void test_user_order(void **state)
{
	(void)state;
	clear_env();
	assert_null(eg_pushenv_user());
	setenv("USER", "git", 1);
	assert_string_equal(eg_pushenv_user(), "git");
	setenv("REMOTE_USER", "alice", 1);
	assert_string_equal(eg_pushenv_user(), "alice");
	setenv("GITEA_PUSHER_NAME", "gitea-user", 1);
	assert_string_equal(eg_pushenv_user(), "gitea-user");
	setenv("GITHUB_USER_LOGIN", "octocat", 1);
	assert_string_equal(eg_pushenv_user(), "octocat");
	setenv("GL_USERNAME", "gitlab-user", 1);
	assert_string_equal(eg_pushenv_user(), "gitlab-user");
	/* An empty or unprintable name is skipped. */
	setenv("GL_USERNAME", "", 1);
	assert_string_equal(eg_pushenv_user(), "octocat");
	setenv("GITHUB_USER_LOGIN", "evil\nname", 1);
	assert_string_equal(eg_pushenv_user(), "gitea-user");
	clear_env();
}

static void options(const char *count, const char *o0, const char *o1)
{
	clear_env();
	setenv("GIT_PUSH_OPTION_COUNT", count, 1);
	if (o0)
		setenv("GIT_PUSH_OPTION_0", o0, 1);
	if (o1)
		setenv("GIT_PUSH_OPTION_1", o1, 1);
}

static void test_override_option(void **state)
{
	char *ticket = NULL;

	(void)state;
	clear_env();
	assert_int_equal(eg_pushenv_override(&ticket, "exportgate.override"),
			 0);
	assert_null(ticket);

	options("2", "ci.skip", "exportgate.override=EXP-1");
	assert_int_equal(eg_pushenv_override(&ticket, "exportgate.override"),
			 0);
	assert_string_equal(ticket, "EXP-1");
	free(ticket);

	/* The policy may name its own option; the default still works. */
	options("1", "gate.bypass=T-9", NULL);
	assert_int_equal(eg_pushenv_override(&ticket, "gate.bypass"), 0);
	assert_string_equal(ticket, "T-9");
	free(ticket);
	options("1", "exportgate.override=T-8", NULL);
	assert_int_equal(eg_pushenv_override(&ticket, "gate.bypass"), 0);
	assert_string_equal(ticket, "T-8");
	free(ticket);

	/* Asked for without a ticket: "" (and the gate refuses it). */
	options("1", "exportgate.override", NULL);
	assert_int_equal(eg_pushenv_override(&ticket, "exportgate.override"),
			 0);
	assert_string_equal(ticket, "");
	free(ticket);

	/* A longer name is another option. */
	options("1", "exportgate.overrides=X", NULL);
	assert_int_equal(eg_pushenv_override(&ticket, "exportgate.override"),
			 0);
	assert_null(ticket);
	clear_env();
}

static void test_malformed_options(void **state)
{
	char *ticket = NULL;

	(void)state;
	options("x", NULL, NULL);
	assert_int_equal(eg_pushenv_override(&ticket, "exportgate.override"),
			 EG_EUSAGE);
	options("100000", NULL, NULL);
	assert_int_equal(eg_pushenv_override(&ticket, "exportgate.override"),
			 EG_EUSAGE);
	options("2", "a", NULL);
	assert_int_equal(eg_pushenv_override(&ticket, "exportgate.override"),
			 EG_EUSAGE);
	assert_non_null(strstr(eg_error_last(), "GIT_PUSH_OPTION_1"));
	clear_env();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_order),
		cmocka_unit_test(test_override_option),
		cmocka_unit_test(test_malformed_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
