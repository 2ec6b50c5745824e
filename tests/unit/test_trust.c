/* test_trust.c: files the gate takes its rules from, safe or not. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "trust.h"

/* A fresh folder under /tmp (sticky there), mode 0755; owned by the test. */
static char *make_folder(void)
{
	char *dir = strdup("/tmp/eg-trust.XXXXXX");

	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	return dir;
}

static char *join(const char *dir, const char *name)
{
	char *out = malloc(strlen(dir) + strlen(name) + 2);

	sprintf(out, "%s/%s", dir, name);
	return out;
}

static void write_file(const char *path, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("jurisdiction: US\n", f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static int trust(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return eg_trust_file(path, &st);
}

static void remove_all(const char *dir, const char **names)
{
	char *p;

	for (; *names; names++) {
		p = join(dir, *names);
		remove(p);
		free(p);
	}
	chmod(dir, 0755);
	rmdir(dir);
}

static void test_the_administrators_file_is_trusted(void **state)
{
	char *dir = make_folder(), *file = join(dir, "policy.yml");
	const char *names[] = {"policy.yml", NULL};

	(void)state;
	write_file(file, 0644);
	assert_int_equal(trust(file), 0);
	/* a group is the administrator's to give */
	assert_int_equal(chmod(file, 0664), 0);
	assert_int_equal(trust(file), 0);
	remove_all(dir, names);
	free(file);
	free(dir);
}

static void test_a_file_every_account_may_write_is_not(void **state)
{
	char *dir = make_folder(), *file = join(dir, "policy.yml");
	const char *names[] = {"policy.yml", NULL};

	(void)state;
	write_file(file, 0646);
	assert_int_equal(trust(file), EG_ECONFIG);
	assert_non_null(strstr(eg_error_last(), "writable by every account"));
	remove_all(dir, names);
	free(file);
	free(dir);
}

static void test_a_folder_every_account_may_write_is_not(void **state)
{
	char *dir = make_folder(), *file = join(dir, "policy.yml");
	const char *names[] = {"policy.yml", NULL};

	(void)state;
	write_file(file, 0644);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(trust(file), EG_ECONFIG);
	assert_non_null(strstr(eg_error_last(), dir));
	/* with the sticky bit nobody may replace another's file */
	assert_int_equal(chmod(dir, 01777), 0);
	assert_int_equal(trust(file), 0);
	remove_all(dir, names);
	free(file);
	free(dir);
}

static void test_links_are_judged_both_ways(void **state)
{
	char *safe = make_folder(), *open = make_folder();
	char *target = join(safe, "policy.yml"), *link = join(open, "link.yml");
	char *back = join(safe, "back.yml"), *far = join(open, "far.yml");
	const char *safe_names[] = {"policy.yml", "back.yml", NULL};
	const char *open_names[] = {"link.yml", "far.yml", NULL};

	(void)state;
	write_file(target, 0644);
	write_file(far, 0644);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(symlink(far, back), 0);
	assert_int_equal(chmod(open, 0777), 0);
	/* the link can be replaced */
	assert_int_equal(trust(link), EG_ECONFIG);
	/* the file it leads to can be replaced */
	assert_int_equal(trust(back), EG_ECONFIG);
	assert_int_equal(trust(target), 0);
	remove_all(safe, safe_names);
	remove_all(open, open_names);
	free(target);
	free(link);
	free(back);
	free(far);
	free(safe);
	free(open);
}

static void test_a_relative_path_is_walked_from_here(void **state)
{
	char *dir = make_folder(), *sub = join(dir, "sub"), *file;
	const char *names[] = {"sub/policy.yml", "sub", NULL};
	char cwd[4096];

	(void)state;
	assert_int_equal(mkdir(sub, 0755), 0);
	file = join(sub, "policy.yml");
	write_file(file, 0644);
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(sub), 0);
	assert_int_equal(trust("policy.yml"), 0);
	assert_int_equal(chmod(dir, 0777), 0);
	assert_int_equal(trust("policy.yml"), EG_ECONFIG);
	assert_int_equal(chdir(cwd), 0);
	remove_all(dir, names);
	free(file);
	free(sub);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_administrators_file_is_trusted),
		cmocka_unit_test(test_a_file_every_account_may_write_is_not),
		cmocka_unit_test(test_a_folder_every_account_may_write_is_not),
		cmocka_unit_test(test_links_are_judged_both_ways),
		cmocka_unit_test(test_a_relative_path_is_walked_from_here),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
