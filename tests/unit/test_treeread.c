/* test_treeread.c: raw tree entries, read as libgit2 reads them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <git2.h>

#include "error.h"
#include "treeread.h"

/* A raw entry: mode, name, and an id of 20 times `fill`. */
static size_t entry(unsigned char *out, const char *mode, const char *name,
		    unsigned char fill)
{
	size_t n = (size_t)sprintf((char *)out, "%s %s", mode, name) + 1;

	memset(out + n, fill, GIT_OID_RAWSZ);
	return n + GIT_OID_RAWSZ;
}

static void test_entries_and_modes(void **state)
{
	unsigned char buf[512];
	const unsigned char *at = buf;
	struct eg_tree_entry e;
	size_t n = 0;

	(void)state;
	n += entry(buf + n, "100644", "a.py", 1);
	n += entry(buf + n, "100664", "old-mode.c", 2); /* early git */
	n += entry(buf + n, "100755", "run.sh", 3);
	n += entry(buf + n, "40000", "dir", 4);
	n += entry(buf + n, "120000", "link", 5);
	n += entry(buf + n, "160000", "module", 6);
	n += entry(buf + n, "160010", "module2", 7); /* group x: still a link */
	n += entry(buf + n, "100654", "odd.c", 8);   /* only group x: a file */
	n += entry(buf + n, "120100", "xlink", 9);   /* owner x: executable */
	assert_int_equal(eg_tree_next(&at, buf + n, &e), 1);
	assert_string_equal(e.name, "a.py");
	assert_int_equal(e.name_len, 4);
	assert_int_equal(e.mode, GIT_FILEMODE_BLOB);
	assert_int_equal(e.oid->id[0], 1);
	assert_int_equal(eg_tree_next(&at, buf + n, &e), 1);
	assert_int_equal(e.mode, GIT_FILEMODE_BLOB);
	assert_int_equal(eg_tree_next(&at, buf + n, &e), 1);
	assert_int_equal(e.mode, GIT_FILEMODE_BLOB_EXECUTABLE);
	assert_int_equal(eg_tree_next(&at, buf + n, &e), 1);
	assert_int_equal(e.mode, GIT_FILEMODE_TREE);
	assert_int_equal(e.oid->id[19], 4);
	assert_int_equal(eg_tree_next(&at, buf + n, &e), 1);
	assert_int_equal(e.mode, GIT_FILEMODE_LINK);
	assert_int_equal(eg_tree_next(&at, buf + n, &e), 1);
	assert_int_equal(e.mode, GIT_FILEMODE_COMMIT);
	assert_string_equal(e.name, "module");
	assert_int_equal(eg_tree_next(&at, buf + n, &e), 1);
	assert_int_equal(e.mode, GIT_FILEMODE_COMMIT);
	assert_int_equal(eg_tree_next(&at, buf + n, &e), 1);
	assert_int_equal(e.mode, GIT_FILEMODE_BLOB);
	assert_int_equal(eg_tree_next(&at, buf + n, &e), 1);
	assert_int_equal(e.mode, GIT_FILEMODE_BLOB_EXECUTABLE);
	assert_int_equal(eg_tree_next(&at, buf + n, &e), 0);
}

static void expect_malformed(const unsigned char *buf, size_t len)
{
	const unsigned char *at = buf;
	struct eg_tree_entry e;

	assert_int_equal(eg_tree_next(&at, buf + len, &e), EG_EGIT);
	assert_non_null(strstr(eg_error_last(), "malformed tree entry"));
}

static void test_malformed(void **state)
{
	unsigned char buf[128];
	size_t n;

	(void)state;
	n = entry(buf, "100644", "a", 1);
	expect_malformed(buf, n - 1);	 /* id cut short */
	expect_malformed(buf, 9);	 /* no NUL after the name */
	n = entry(buf, "100644", "", 1); /* empty name */
	expect_malformed(buf, n);
	n = entry(buf, "10x644", "a", 1); /* not octal */
	expect_malformed(buf, n);
	n = entry(buf, "", "a", 1); /* no mode */
	expect_malformed(buf, n);
	n = entry(buf, "1006440000000000", "a", 1); /* absurd mode */
	expect_malformed(buf, n);
	n = entry(buf, "200000", "a", 1); /* over 16 bits, as libgit2 refuses */
	expect_malformed(buf, n);
}

/* git's order: a folder's name as if it ended in '/' */
static void test_order(void **state)
{
	unsigned char buf[512];
	struct eg_tree_entry e[5];
	const unsigned char *at = buf;
	size_t n = 0, i;

	(void)state;
	n += entry(buf + n, "100644", "a", 1);
	n += entry(buf + n, "100644", "a-b", 2);
	n += entry(buf + n, "100644", "a.b", 3);
	n += entry(buf + n, "40000", "a", 4);
	n += entry(buf + n, "100644", "a0", 5);
	for (i = 0; i < 5; i++)
		assert_int_equal(eg_tree_next(&at, buf + n, &e[i]), 1);
	for (i = 0; i + 1 < 5; i++) {
		assert_true(eg_tree_entry_cmp(&e[i], &e[i + 1]) < 0);
		assert_true(eg_tree_entry_cmp(&e[i + 1], &e[i]) > 0);
		assert_false(eg_tree_entry_same(&e[i], &e[i + 1]));
	}
	assert_int_equal(eg_tree_entry_cmp(&e[3], &e[3]), 0);
	assert_true(eg_tree_entry_same(&e[2], &e[2]));
	assert_int_equal(e[4].raw_len, strlen("100644 a0") + 1 + 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entries_and_modes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
