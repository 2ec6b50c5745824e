/* test_rmarkdown.c: the code chunks of an R Markdown document, both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rmarkdown.h"

static char *code_of(const char *text)
{
	char *code =
		eg_rmarkdown_code((const unsigned char *)text, strlen(text));

	assert_non_null(code);
	assert_int_equal(strlen(code), strlen(text));
	return code;
}

static void names_of_r_markdown(void **state)
{
	(void)state;
	assert_true(eg_rmarkdown_named("vignettes/demo.Rmd"));
	assert_true(eg_rmarkdown_named("demo.rmd"));
	assert_false(eg_rmarkdown_named("demo.md"));
	assert_false(eg_rmarkdown_named("demo.Rmd.orig"));
	assert_false(eg_rmarkdown_named("Rmd"));
}

static void chunks_stay_where_they_are_and_prose_goes(void **state)
{
	static const char text[] = "We fit(x) here.\n"
				   "```{r setup}\n"
				   "library(luz)\n"
				   "```\n"
				   "Prose again.\n"
				   "  ```r\n"
				   "fit(data = dl)\n"
				   "  ```\n";
	static const char want[] = "               \n"
				   "            \n"
				   "library(luz)\n"
				   "   \n"
				   "            \n"
				   "      \n"
				   "fit(data = dl)\n"
				   "     \n";
	char *code = code_of(text);

	(void)state;
	assert_string_equal(code, want);
	free(code);
}

static void output_blocks_and_prose_are_not_code(void **state)
{
	static const char text[] = "```\n"
				   "## fit(data = dl)\n"
				   "```\n"
				   "Inline `r fit(1)` is prose.";
	char *code = code_of(text);
	size_t i;

	(void)state;
	for (i = 0; text[i]; i++)
		assert_int_equal(code[i], text[i] == '\n' ? '\n' : ' ');
	free(code);
}

static void an_unclosed_chunk_runs_to_the_end(void **state)
{
	static const char text[] = "```{r}\nx <- 1\ny <- 2";
	char *code = code_of(text);

	(void)state;
	assert_string_equal(code, "      \nx <- 1\ny <- 2");
	free(code);
	code = code_of("");
	assert_string_equal(code, "");
	free(code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_of_r_markdown),
		cmocka_unit_test(chunks_stay_where_they_are_and_prose_goes),
		cmocka_unit_test(output_blocks_and_prose_are_not_code),
		cmocka_unit_test(an_unclosed_chunk_runs_to_the_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
