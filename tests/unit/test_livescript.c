/* test_livescript.c: the code of a MATLAB live script, both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "livescript.h"
#include "zipbuild.h"

#define PARA(style, runs) \
	"<w:p><w:pPr><w:pStyle w:val=\"" style "\"/></w:pPr>" runs "</w:p>"

static const char document[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document "
	"xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/"
	"main\"><w:body>" PARA("title", "<w:r><w:t>Land cover</w:t></w:r>") PARA(
		"text", "<w:r><w:t>load satData.mat first</w:t></w:r>")
		PARA("code",
		     "<w:r><w:t><![CDATA[layers = [\n"
		     "    convolution2dLayer(3,20)\n]]]></w:t></w:r>") "<w:p><w:pPr><w:sectPr/></w:pPr></w:p><w:p/>" PARA("code",
															  "<w:r><w:t xml:space=\"preserve\">if a "
															  "&lt; b &amp;&amp; c &gt; 0 "
															  "&#65;&#x42;</w:t></w:r><w:r><w:tab/"
															  "><w:t>% two runs</w:t></w:r><w:r><w:t/"
															  "></w:r>")
			PARA("code",
			     "<w:r><w:t><![CDATA[net = "
			     "trainNetwork(X,Y,layers,"
			     "o);]]></w:t></w:r>") "</w:body></w:document>";

static const char code[] = "layers = [\n"
			   "    convolution2dLayer(3,20)\n"
			   "]\n"
			   "if a < b && c > 0 AB% two runs\n"
			   "net = trainNetwork(X,Y,layers,o);\n";

/* A live script as MATLAB writes one: several members, the document. */
static size_t live_script(struct zip *z, int deflated)
{
	memset(z, 0, sizeof(*z));
	zipbuild_add(z, "[Content_Types].xml", "<Types/>", deflated, 0);
	zipbuild_add(z, "matlab/document.xml", document, deflated, 0);
	zipbuild_add(z, "matlab/output.xml", "<embeddedOutputs/>", deflated, 0);
	return zipbuild_finish(z);
}

static void names_of_live_scripts_and_apps(void **state)
{
	(void)state;
	assert_true(eg_livescript_named("train.mlx"));
	assert_true(eg_livescript_named("dir/Train.MLX"));
	assert_true(eg_livescript_named("labeller.mlapp"));
	assert_false(eg_livescript_named("train.mlx.bak"));
	assert_false(eg_livescript_named("mlx"));
	assert_false(eg_livescript_named("train.m"));
}

static void code_paragraphs_decoded_in_order(void **state)
{
	static struct zip z;
	int deflated;

	(void)state;
	for (deflated = 0; deflated <= 1; deflated++) {
		size_t len = live_script(&z, deflated), n = 0;
		char *text = eg_livescript_code(z.buf, len, &n);

		assert_non_null(text);
		assert_string_equal(text, code);
		assert_int_equal(n, strlen(code));
		free(text);
	}
}

static void a_script_without_code_is_empty(void **state)
{
	static struct zip z;
	size_t len, n = 1;
	char *text;

	(void)state;
	memset(&z, 0, sizeof(z));
	zipbuild_add(
		&z, "matlab/document.xml",
		"<w:document><w:body>" PARA(
			"text",
			"<w:r><w:t>prose</w:t></w:r>") "</w:body></w:document>",
		1, 0);
	len = zipbuild_finish(&z);
	text = eg_livescript_code(z.buf, len, &n);
	assert_non_null(text);
	assert_string_equal(text, "");
	assert_int_equal(n, 0);
	free(text);
}

static void damaged_or_foreign_archives_give_null(void **state)
{
	static struct zip z;
	size_t len, n, cut;

	(void)state;
	/* no matlab/document.xml */
	memset(&z, 0, sizeof(z));
	zipbuild_add(&z, "word/document.xml", document, 1, 0);
	len = zipbuild_finish(&z);
	assert_null(eg_livescript_code(z.buf, len, &n));

	/* encrypted */
	memset(&z, 0, sizeof(z));
	zipbuild_add(&z, "matlab/document.xml", document, 0, 1);
	len = zipbuild_finish(&z);
	assert_null(eg_livescript_code(z.buf, len, &n));

	/* a byte of the document changed: its CRC no longer holds */
	len = live_script(&z, 0);
	z.buf[z.n / 2] ^= 0x20;
	assert_null(eg_livescript_code(z.buf, len, &n));

	/* cut anywhere: never read past the end, never a wrong answer */
	len = live_script(&z, 1);
	for (cut = 0; cut < len; cut++) {
		unsigned char *copy = malloc(cut ? cut : 1);
		char *text;

		memcpy(copy, z.buf, cut);
		text = eg_livescript_code(copy, cut, &n);
		assert_null(text);
		free(copy);
	}

	/* not a zip at all */
	assert_null(eg_livescript_code((const unsigned char *)"layers = [", 10,
				       &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_of_live_scripts_and_apps),
		cmocka_unit_test(code_paragraphs_decoded_in_order),
		cmocka_unit_test(a_script_without_code_is_empty),
		cmocka_unit_test(damaged_or_foreign_archives_give_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
