/* test_notebook.c: a notebook's code cells, and where their lines are. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "notebook.h"

static char *code_of(const char *json, struct eg_notebook_map *map)
{
	size_t len = 0;
	char *code = eg_notebook_code((const unsigned char *)json, strlen(json),
				      &len, map);

	assert_non_null(code);
	assert_int_equal(strlen(code), len);
	return code;
}

/* Where decoded line `line`, column `column` is in the file. */
static void assert_place(const struct eg_notebook_map *map, const char *json,
			 uint32_t line, uint32_t column, uint32_t want_line,
			 uint32_t want_column)
{
	eg_notebook_place(map, (const unsigned char *)json, strlen(json), &line,
			  &column);
	assert_int_equal(line, want_line);
	assert_int_equal(column, want_column);
}

static void code_cells_only_in_order(void **state)
{
	/* cell_type after source, source as a string: both as nbformat allows
	 */
	static const char json[] =
		"{\n"
		" \"cells\": [\n"
		"  {\"cell_type\": \"markdown\", \"source\": [\"# Title\\n\"]},\n"
		"  {\"source\": \"import os\\nx = 1\", \"cell_type\": \"code\"},\n"
		"  {\n"
		"   \"cell_type\": \"code\",\n"
		"   \"outputs\": [{\"text\": [\"not code\\n\"]}],\n"
		"   \"source\": [\n"
		"    \"y = 2\\n\",\n"
		"    \"z = 3\"\n"
		"   ]\n"
		"  }\n"
		" ],\n"
		" \"metadata\": {\"source\": \"not a cell\"}\n"
		"}\n";
	struct eg_notebook_map map;
	char *code = code_of(json, &map);

	(void)state;
	assert_string_equal(code, "import os\nx = 1\ny = 2\nz = 3\n");
	assert_int_equal(map.n, 4);
	assert_place(&map, json, 1, 1, 4, 15); /* import, inside its string */
	assert_place(&map, json, 2, 3, 4, 28); /* after the \n escape */
	assert_place(&map, json, 3, 1, 9, 6);
	assert_place(&map, json, 4, 5, 10, 10);
	free(code);
	eg_notebook_map_release(&map);
}

static void escapes_count_as_the_file_writes_them(void **state)
{
	/* \t, \", \u00e9 and a surrogate pair before the hit */
	static const char json[] = "{\"cells\": [{\"cell_type\": \"code\", "
				   "\"source\": [\"\\t\\\"\\u00e9\\ud83d\\ude00"
				   "é fit(x)\\n\"]}]}";
	struct eg_notebook_map map;
	char *code = code_of(json, &map);

	(void)state;
	assert_string_equal(code, "\t\"\xc3\xa9\xf0\x9f\x98\x80\xc3\xa9 fit(x)"
				  "\n\n");
	/* fit is the 7th code point decoded; the file writes 2+2+6+12+1+1 */
	assert_place(&map, json, 1, 7, 1, 46 + 24);
	free(code);
	eg_notebook_map_release(&map);
}

static void an_empty_cell_and_a_trailing_newline_have_places(void **state)
{
	static const char json[] = "{\"cells\": [{\"cell_type\": \"code\", "
				   "\"source\": []},\n"
				   "{\"cell_type\": \"code\", \"source\": "
				   "[\"a\\n\"]}]}";
	struct eg_notebook_map map;
	char *code = code_of(json, &map);

	(void)state;
	assert_string_equal(code, "\na\n\n");
	assert_int_equal(map.n, 3);
	assert_place(&map, json, 2, 1, 2, 35);
	/* past the map: left as it is */
	assert_place(&map, json, 9, 4, 9, 4);
	free(code);
	eg_notebook_map_release(&map);
}

/* A line that runs on into the next string of source is placed there. */
static void a_line_split_across_strings(void **state)
{
	static const char json[] = "{\"cells\": [{\"cell_type\": \"code\",\n"
				   " \"source\": [\"x = foo(\",\n"
				   "  \"bar)\\n\"]}]}";
	struct eg_notebook_map map;
	char *code = code_of(json, &map);

	(void)state;
	assert_string_equal(code, "x = foo(bar)\n\n");
	assert_place(&map, json, 1, 1, 2, 14);
	assert_place(&map, json, 1, 9, 3, 4); /* bar, on the next line */
	assert_place(&map, json, 1, 11, 3, 6);
	free(code);
	eg_notebook_map_release(&map);
}

static void not_a_notebook(void **state)
{
	static const char *const bad[] = {
		"{\"cells\": [",
		"{\"cells\": []} trailing",
		"{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"\\x\"]}]}",
		"{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"\x01\"]}]}",
		"{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"\xff\"]}]}",
		"[}",
		"",
		/* what a strict parser refuses, though a cell may be read */
		"{\"cells\": [{\"cell_type\": \"code\" \"source\": [\"x\"]}]}",
		"{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"x\",]}]}",
		"{\"cells\": [], \"n\": 01}",
		"{\"cells\": [], \"n\": tru}",
		"{\"cells\": [], \"n\": 1.}",
		"{\"cells\" [] }",
		"{\"cells\": []}}",
	};
	struct eg_notebook_map map;
	size_t i, len;
	char *deep;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(eg_notebook_code((const unsigned char *)bad[i],
					     strlen(bad[i]), &len, &map));
		assert_int_equal(map.n, 0);
	}
	/* nested deeper than any notebook: refused, not recursed into */
	deep = malloc(20001);
	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	deep[20000] = '\0';
	assert_null(eg_notebook_code((const unsigned char *)deep, 20000, &len,
				     &map));
	free(deep);
}

/* JSON allows a lone half of a surrogate pair; it decodes to U+FFFD. */
static void a_lone_surrogate_is_still_json(void **state)
{
	static const char json[] = "{\"metadata\": {\"note\": \"\\ud800\"}, "
				   "\"cells\": [{\"cell_type\": \"code\", "
				   "\"source\": [\"a\\udc00b\\n\"]}]}";
	struct eg_notebook_map map;
	char *code = code_of(json, &map);

	(void)state;
	assert_string_equal(code, "a\xef\xbf\xbd"
				  "b\n\n");
	assert_place(&map, json, 1, 3, 1, 85);
	free(code);
	eg_notebook_map_release(&map);
}

static void json_without_cells_has_no_code(void **state)
{
	struct eg_notebook_map map;
	char *code = code_of("{\"metadata\": {}, \"n\": [1, -2.5e3, true, "
			     "false, null]}",
			     &map);

	(void)state;
	assert_string_equal(code, "");
	assert_int_equal(map.n, 0);
	free(code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(code_cells_only_in_order),
		cmocka_unit_test(escapes_count_as_the_file_writes_them),
		cmocka_unit_test(
			an_empty_cell_and_a_trailing_newline_have_places),
		cmocka_unit_test(a_line_split_across_strings),
		cmocka_unit_test(not_a_notebook),
		cmocka_unit_test(a_lone_surrogate_is_still_json),
		cmocka_unit_test(json_without_cells_has_no_code),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
