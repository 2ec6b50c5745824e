/* test_zip.c: a zip archive's members, read from its central directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zip.h"
#include "zipbuild.h"

/* What eg_zip_each() gave: the names, and whether each could be located. */
struct seen {
	char names[256];
	unsigned n, located, stop_at;
	struct eg_zip_member last;
};

static int note(const struct eg_zip_member *m, void *data)
{
	struct seen *s = data;

	strncat(s->names, m->name, m->name_len);
	strcat(s->names, ";");
	s->located += m->data != NULL;
	s->last = *m;
	return ++s->n == s->stop_at ? 7 : 0;
}

static size_t three_members(struct zip *z, int deflated)
{
	memset(z, 0, sizeof(*z));
	zipbuild_add(z, "README.md", "# chips\n", deflated, 0);
	zipbuild_add(z, "src/train.py", "model.fit(x, y)\n", deflated, 0);
	zipbuild_add(z, "src/labels.csv", "a,b\n", deflated, 0);
	return zipbuild_finish(z);
}

static void members_in_directory_order(void **state)
{
	static struct zip z;
	size_t len = three_members(&z, 1);
	struct seen s = {.n = 0};

	(void)state;
	assert_int_equal(eg_zip_each(z.buf, len, note, &s), 0);
	assert_string_equal(s.names, "README.md;src/train.py;src/labels.csv;");
	assert_int_equal(s.located, 3);
}

/*
 * Stop the walk at the second member, src/train.py, stored or deflated,
 * and read it: a nonzero answer is returned, the member's bytes are whole.
 */
static struct eg_zip_member second_member(struct zip *z, int deflated)
{
	size_t len = three_members(z, deflated);
	struct seen s = {.stop_at = 2};
	char *text;

	assert_int_equal(eg_zip_each(z->buf, len, note, &s), 7);
	assert_string_equal(s.names, "README.md;src/train.py;");
	text = eg_zip_extract(&s.last, 1 << 20);
	assert_non_null(text);
	assert_string_equal(text, "model.fit(x, y)\n");
	free(text);
	return s.last;
}

static void stored_members_are_read_within_a_limit(void **state)
{
	static struct zip z;
	struct eg_zip_member m = second_member(&z, 0);

	(void)state;
	/* larger than the limit the caller sets */
	assert_null(eg_zip_extract(&m, 15));
	assert_non_null(m.data);
}

static void deflated_members_are_inflated_and_checked(void **state)
{
	static struct zip z;
	struct eg_zip_member m = second_member(&z, 1);

	(void)state;
	/* a byte of its data changed: inflate or the CRC says so */
	((unsigned char *)m.data)[1] ^= 0x20;
	assert_null(eg_zip_extract(&m, 1 << 20));
}

static void encrypted_members_are_named_not_located(void **state)
{
	static struct zip z;
	size_t len;
	struct seen s = {.n = 0};

	(void)state;
	memset(&z, 0, sizeof(z));
	zipbuild_add(&z, "secret/train.py", "model.fit(x, y)\n", 1, 1);
	len = zipbuild_finish(&z);
	assert_int_equal(eg_zip_each(z.buf, len, note, &s), 0);
	assert_string_equal(s.names, "secret/train.py;");
	assert_int_equal(s.located, 0);
	assert_null(eg_zip_extract(&s.last, 1 << 20));
}

static void damaged_or_foreign_input_gives_minus_one(void **state)
{
	static struct zip z;
	size_t len = three_members(&z, 1), cut;

	(void)state;
	/* cut anywhere: never read past the end, never a whole walk */
	for (cut = 0; cut < len; cut++) {
		unsigned char *copy = malloc(cut ? cut : 1);
		struct seen s = {.n = 0};

		memcpy(copy, z.buf, cut);
		assert_int_equal(eg_zip_each(copy, cut, note, &s), -1);
		free(copy);
	}
	assert_int_equal(eg_zip_each((const unsigned char *)"import torch", 12,
				     note, NULL),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(members_in_directory_order),
		cmocka_unit_test(stored_members_are_read_within_a_limit),
		cmocka_unit_test(deflated_members_are_inflated_and_checked),
		cmocka_unit_test(encrypted_members_are_named_not_located),
		cmocka_unit_test(damaged_or_foreign_input_gives_minus_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
