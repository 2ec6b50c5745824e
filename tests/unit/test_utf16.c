/* test_utf16.c: UTF-16 text read as UTF-8, and binary left alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "utf16.h"

/* `ascii` as UTF-16 code units, little- or big-endian, into `out`. */
static size_t widen(unsigned char *out, const char *ascii, int big)
{
	size_t i, n = strlen(ascii);

	for (i = 0; i < n; i++) {
		out[2 * i + !big] = 0;
		out[2 * i + big] = (unsigned char)ascii[i];
	}
	return 2 * n;
}

static void assert_text(const unsigned char *buf, size_t len, const char *want)
{
	size_t n = 0;
	char *text = eg_utf16_text(buf, len, &n);

	assert_non_null(text);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(text, want, n);
	assert_int_equal(text[n], '\0');
	free(text);
}

static void assert_not_text(const unsigned char *buf, size_t len)
{
	size_t n = 0;

	assert_null(eg_utf16_text(buf, len, &n));
}

static void a_marked_file_is_decoded_whole(void **state)
{
	/* "é中\n" and U+1F6F0 (a satellite) as a surrogate pair */
	static const unsigned char le[] = {0xff, 0xfe, 0xe9, 0x00, 0x2d, 0x4e,
					   0x0a, 0x00, 0x3d, 0xd8, 0xf0, 0xde};
	static const unsigned char be[] = {0xfe, 0xff, 0x00, 0xe9, 0x4e, 0x2d,
					   0x00, 0x0a, 0xd8, 0x3d, 0xde, 0xf0};
	static const char want[] = "\xc3\xa9\xe4\xb8\xad\n\xf0\x9f\x9b\xb0";

	(void)state;
	assert_text(le, sizeof(le), want);
	assert_text(be, sizeof(be), want);
}

static void a_line_appended_in_utf16_joins_the_utf8_before_it(void **state)
{
	static const char head[] = "# Roads from satellite imagery\n";
	unsigned char buf[256];
	size_t n = sizeof(head) - 1;

	(void)state;
	memcpy(buf, head, n);
	n += widen(buf + n, "# roads\r\n", 0);
	assert_text(buf, n, "# Roads from satellite imagery\n# roads\r\n");

	/* with a byte-order mark before the appended line */
	n = sizeof(head) - 1;
	buf[n++] = 0xff;
	buf[n++] = 0xfe;
	n += widen(buf + n, "# roads\n", 0);
	assert_text(buf, n, "# Roads from satellite imagery\n# roads\n");

	/* an editor's newline after it, one byte */
	n = sizeof(head) - 1;
	n += widen(buf + n, "# roads", 0);
	buf[n++] = '\n';
	assert_text(buf, n, "# Roads from satellite imagery\n# roads\n");

	/* big-endian, no mark */
	n = sizeof(head) - 1;
	n += widen(buf + n, "rasterio==1.3\n", 1);
	assert_text(buf, n, "# Roads from satellite imagery\nrasterio==1.3\n");
}

static void pip_freeze_from_powershell_is_read(void **state)
{
	unsigned char buf[256] = {0xff, 0xfe};
	size_t n = 2 + widen(buf + 2, "torch==2.1.0\r\nrasterio==1.3.9\r\n", 0);

	(void)state;
	assert_text(buf, n, "torch==2.1.0\r\nrasterio==1.3.9\r\n");
}

static void binary_and_broken_utf16_are_not_text(void **state)
{
	static const unsigned char png[] = {0x89, 'P',	'N', 'G', '\r', '\n',
					    0x1a, '\n', 0,   0,	  0,	0x0d};
	/* text, then a run with a control character (U+0001) */
	static const unsigned char control[] = {'a', 0, 1, 0, 'b', 0};
	/* a high surrogate with no low one after it */
	static const unsigned char lone[] = {0xff, 0xfe, 0x3d, 0xd8, 'a', 0};
	/* a low surrogate first */
	static const unsigned char low[] = {0xff, 0xfe, 0xf0, 0xde, 'a', 0};
	/* an odd number of bytes after the mark */
	static const unsigned char odd[] = {0xff, 0xfe, 'a', 0, 'b'};
	/* bytes before the run that are not text */
	static const unsigned char before[] = {0x1b, 'a', 0, 'b', 0};
	/* no NUL at all: text as it is, nothing to decode */
	static const unsigned char plain[] = "plain text\n";
	/* U+FFFF, a noncharacter */
	static const unsigned char nonchar[] = {0xff, 0xfe, 0xff, 0xff};

	(void)state;
	assert_not_text(png, sizeof(png));
	assert_not_text(control, sizeof(control));
	assert_not_text(lone, sizeof(lone));
	assert_not_text(low, sizeof(low));
	assert_not_text(odd, sizeof(odd));
	assert_not_text(before, sizeof(before));
	assert_not_text(plain, sizeof(plain) - 1);
	assert_not_text(nonchar, sizeof(nonchar));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_marked_file_is_decoded_whole),
		cmocka_unit_test(
			a_line_appended_in_utf16_joins_the_utf8_before_it),
		cmocka_unit_test(pip_freeze_from_powershell_is_read),
		cmocka_unit_test(binary_and_broken_utf16_are_not_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
