/* test_tape.c: a listing's tape, written and read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <git2.h>

#include "tape.h"

static struct eg_tape_cursor cursor(const struct eg_tape *t)
{
	struct eg_tape_cursor c = {t->bytes, t->bytes + t->len};

	return c;
}

static void test_varints(void **state)
{
	static const uint64_t values[] = {
		0,
		1,
		127,
		128,
		255,
		16383,
		16384,
		UINT32_MAX,
		(uint64_t)UINT32_MAX + 1,
		UINT64_MAX - 1,
		UINT64_MAX,
	};
	const size_t n = sizeof(values) / sizeof(values[0]);
	struct eg_tape t = {0};
	struct eg_tape_cursor c;
	size_t i;

	(void)state;
	for (i = 0; i < n; i++)
		eg_tape_put_varint(&t, values[i]);
	/* seven bits a byte: 0 and 127 take one, 128 two, the top ten */
	assert_int_equal(t.len, 1 + 1 + 1 + 2 + 2 + 2 + 3 + 5 + 5 + 10 + 10);
	c = cursor(&t);
	for (i = 0; i < n; i++)
		assert_true(eg_tape_get_varint(&c) == values[i]);
	assert_ptr_equal(c.at, c.end);
	/* past the end: zeros, and the cursor stays */
	assert_true(eg_tape_get_varint(&c) == 0);
	assert_ptr_equal(c.at, c.end);
	eg_tape_clear(&t);
	assert_null(t.bytes);
}

static void test_records(void **state)
{
	struct eg_tape t = {0};
	struct eg_tape_cursor c;
	git_oid id, got;
	uint64_t word;
	int x;

	(void)state;
	memset(id.id, 0xab, GIT_OID_RAWSZ);
	id.id[0] = 1;
	eg_tape_put(&t, EG_TAPE_RUN, 300);
	eg_tape_put_varint(&t, 7);
	eg_tape_put(&t, EG_TAPE_BLOB, 5);
	eg_tape_put_ptr(&t, &x);
	eg_tape_put(&t, EG_TAPE_TREE_NEW, 0);
	eg_tape_put_oid(&t, &id);
	eg_tape_put(&t, EG_TAPE_END, 0);

	c = cursor(&t);
	word = eg_tape_get_varint(&c);
	assert_int_equal(word & 7, EG_TAPE_RUN);
	assert_int_equal(word >> 3, 300);
	assert_int_equal(eg_tape_get_varint(&c), 7);
	word = eg_tape_get_varint(&c);
	assert_int_equal(word & 7, EG_TAPE_BLOB);
	assert_int_equal(word >> 3, 5);
	assert_ptr_equal(eg_tape_get_ptr(&c), &x);
	word = eg_tape_get_varint(&c);
	assert_int_equal(word, EG_TAPE_TREE_NEW);
	eg_tape_get_oid(&c, &got);
	assert_true(git_oid_equal(&got, &id));
	/* the end of a tree's entries is the word 0 */
	assert_int_equal(eg_tape_get_varint(&c), EG_TAPE_END);
	assert_ptr_equal(c.at, c.end);
	/* a short read gives nothing, and does not move */
	c.at = t.bytes + t.len - 3;
	assert_null(eg_tape_get_ptr(&c));
	eg_tape_get_oid(&c, &got);
	assert_true(git_oid_is_zero(&got));
	assert_ptr_equal(c.at, t.bytes + t.len - 3);
	eg_tape_clear(&t);
}

static void test_interning(void **state)
{
	struct eg_tape t = {0};
	char name[32];
	uint32_t i;

	(void)state;
	assert_int_equal(eg_tape_intern(&t.names, "a.py", 4), 0);
	assert_int_equal(eg_tape_intern(&t.names, "b.py", 4), 1);
	/* the same bytes, the same number; a prefix is another string */
	assert_int_equal(eg_tape_intern(&t.names, "a.py-and-more", 4), 0);
	assert_int_equal(eg_tape_intern(&t.names, "a.p", 3), 2);
	assert_int_equal(eg_tape_intern(&t.names, "", 0), 3);
	/* through many growths of the table, every number stays */
	for (i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "file%u.c", (unsigned)i);
		assert_int_equal(eg_tape_intern(&t.names, name, strlen(name)),
				 4 + i);
	}
	for (i = 0; i < 5000; i += 97) {
		snprintf(name, sizeof(name), "file%u.c", (unsigned)i);
		assert_int_equal(eg_tape_intern(&t.names, name, strlen(name)),
				 4 + i);
		assert_string_equal(t.names.v[4 + i].s, name);
		assert_int_equal(t.names.v[4 + i].len, strlen(name));
	}
	assert_int_equal(t.names.n, 5004);
	/* names and folders are numbered apart */
	assert_int_equal(eg_tape_intern(&t.folders, "a.py", 4), 0);
	assert_string_equal(t.names.v[2].s, "a.p");
	eg_tape_clear(&t);
	assert_int_equal(t.names.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_varints),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_interning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
