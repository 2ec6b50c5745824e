/* test_match.c: prefilter, matcher, file kinds and criteria, both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bitset.h"
#include "error.h"
#include "kind.h"
#include "match.h"
#include "sigset.h"
#include "zipbuild.h"

static const char pack[] =
	"pack: {id: t, version: 1}\n"
	"signatures:\n"
	"  - id: S\n"
	"    criteria:\n"
	"      - id: geo\n"
	"        patterns:\n"
	"          - {id: rio, regex: '\\bimport\\s+rasterio\\b'}\n"
	"      - id: train\n"
	"        match: {at_least: 2}\n"
	"        patterns:\n"
	"          - {id: conv, regex: 'nn\\.Conv2d\\(', kinds: [python, notebook]}\n"
	"          - {id: back, literal: 'loss.backward()'}\n"
	"      - id: cfg\n"
	"        patterns:\n"
	"          - {id: epochs, regex: '^epochs:\\s*\\d+', paths: ['train*.yml']}\n"
	"      - id: weights\n"
	"        patterns:\n"
	"          - {id: w, kinds: [model]}\n"
	"      - id: any\n"
	"        patterns:\n"
	"          - {id: nolit, regex: '[xyz]{3}\\d'}\n"
	"      - id: named\n"
	"        patterns:\n"
	"          - {id: sat, regex: 'satellite image', unless: '\\bcifar\\b'}\n"
	"      - id: eol\n"
	"        patterns:\n"
	"          - {id: bare, regex: '^rasterio$'}\n"
	"          - {id: dot, regex: 'gdal.$'}\n"
	"    controlled: {all: [geo, train]}\n";

struct fixture {
	struct eg_sigset *set;
	struct eg_matcher *m;
};

static int setup(void **state)
{
	static struct fixture f;

	f.set = eg_sigset_new();
	if (eg_sigset_add_buffer(f.set, "t.yml", pack, strlen(pack)) ||
	    eg_sigset_compile(f.set))
		return -1;
	f.m = eg_matcher_new(f.set);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	eg_matcher_free(f->m);
	eg_sigset_free(f->set);
	return 0;
}

/* The criteria that hold in a file called `name` with this content. */
static eg_word criteria(struct fixture *f, const char *name, const char *text,
			size_t len, struct eg_blob_result **keep)
{
	struct eg_blob_result *r = NULL;
	eg_word bits = 0;

	eg_match_buffer(&r, f->m, eg_kind_from_name(name, strlen(name)), name,
			(const unsigned char *)text, len);
	if (r)
		eg_match_criteria(f->set, r, name, &bits);
	if (keep)
		*keep = r;
	else
		eg_blob_result_free(r);
	return bits;
}

#define CRIT(f, name, text) criteria(f, name, text, strlen(text), NULL)

static void regex_with_prefilter_hits_and_misses(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(CRIT(f, "a.py", "x = 1\nimport  rasterio\n"), 1);
	assert_int_equal(CRIT(f, "a.py", "import rasterio_extra\n"), 0);
	assert_int_equal(CRIT(f, "a.py", "IMPORT RASTERIO\n"), 0);
	assert_int_equal(CRIT(f, "a.py", ""), 0);
}

/*
 * A line ends at \n, \r\n or \r: `$` holds before the \r of a Windows
 * file, and `.` does not take it.
 */
static void lines_end_at_crlf_and_cr_too(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(CRIT(f, "r.txt", "numpy\nrasterio\n"), 64);
	assert_int_equal(CRIT(f, "r.txt", "numpy\r\nrasterio\r\nscipy\r\n"),
			 64);
	assert_int_equal(CRIT(f, "r.txt", "numpy\rrasterio\rscipy"), 64);
	assert_int_equal(CRIT(f, "r.txt", "numpy\r\nrasterio2\r\n"), 0);
	/* `gdal.$` needs one character of the line before its end */
	assert_int_equal(CRIT(f, "r.txt", "use gdalx\r\n"), 64);
	assert_int_equal(CRIT(f, "r.txt", "use gdal\r\n"), 0);
}

static void at_least_needs_enough_patterns_in_one_file(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(CRIT(f, "t.py", "m = nn.Conv2d(3)\n"), 0);
	assert_int_equal(CRIT(f, "t.py", "m = nn.Conv2d(3)\nLOSS.backward()\n"),
			 0);
	assert_int_equal(CRIT(f, "t.py", "m = nn.Conv2d(3)\nloss.backward()\n"),
			 2);
	/* the conv pattern is for Python only */
	assert_int_equal(CRIT(f, "t.c", "m = nn.Conv2d(3)\nloss.backward()\n"),
			 0);
}

static void path_globs_apply_to_the_file_name(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(CRIT(f, "train_cfg.yml", "lr: 1\nepochs: 30\n"), 4);
	assert_int_equal(CRIT(f, "other.yml", "lr: 1\nepochs: 30\n"), 0);
}

static void patterns_without_literals_always_run(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(CRIT(f, "n.txt", "abc xyz7 def"), 16);
	assert_int_equal(CRIT(f, "n.txt", "abc xy7 def"), 0);
}

static void evidence_has_line_column_and_a_clean_excerpt(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "a\nb\n\t  import rasterio \xff\x01 tail\n";
	struct eg_blob_result *r;

	criteria(f, "x.py", text, sizeof(text) - 1, &r);
	assert_non_null(r);
	assert_int_equal(r->nhits, 1);
	assert_int_equal(r->hits[0].line, 3);
	assert_int_equal(r->hits[0].column, 4);
	assert_string_equal(r->hits[0].excerpt,
			    "import rasterio \xef\xbf\xbd  tail");
	eg_blob_result_free(r);
}

/* Columns count characters: é is one, and so is each byte not UTF-8. */
static void columns_count_characters_not_bytes(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "# \xc3\xa9\xc3\xa9 \xff import rasterio\n";
	struct eg_blob_result *r;

	criteria(f, "x.py", text, sizeof(text) - 1, &r);
	assert_non_null(r);
	assert_int_equal(r->nhits, 1);
	assert_int_equal(r->hits[0].column, 8);
	eg_blob_result_free(r);
}

static void notebooks_match_their_decoded_code_cells(void **state)
{
	struct fixture *f = *state;
	static const char nb[] =
		"{\"cells\": [{\"cell_type\": \"markdown\", \"source\": "
		"[\"import rasterio\"]}, {\"cell_type\": \"code\", \"source\": "
		"[\"m = nn.Conv2d(\\\"a\\\")\\n\", \"loss.backward()\\n\"]}],"
		" \"nbformat\": 4}";
	/* a part of a cell's source that is not a string holds no code */
	static const char odd[] =
		"{\"cells\": [{\"cell_type\": \"code\", \"source\": "
		"[\"m = nn.Conv2d(\\\"a\\\")\\n\", {}, 7, \"loss.backward()\\n\"]}]}";

	assert_int_equal(CRIT(f, "train.ipynb", nb), 2);
	assert_int_equal(CRIT(f, "train.ipynb", odd), 2);
}

static void binary_content_is_classified_not_searched(void **state)
{
	struct fixture *f = *state;
	static const char hdf5[] = "\x89HDF\r\n\x1a\n\0\0import rasterio";
	static const char bin[] = "\0\0\0import rasterio\n";
	static const char zip[] = "PK\3\4\0\0import rasterio\n";
	static const char lfs[] = "version https://git-lfs.github.com/spec/v1\n"
				  "oid sha256:4d7a\nsize 12345\n";
	struct eg_blob_result *r;

	assert_int_equal(criteria(f, "m.h5", hdf5, sizeof(hdf5) - 1, NULL), 8);
	assert_int_equal(criteria(f, "x.py", bin, sizeof(bin) - 1, NULL), 0);
	criteria(f, "big.tif", lfs, sizeof(lfs) - 1, &r);
	assert_non_null(r);
	assert_non_null(strstr(r->unscanned, "LFS"));
	eg_blob_result_free(r);
	/* a live script is read inside; one that can't be is not a pass */
	criteria(f, "train.mlx", "PK\3\4\0\0", 6, &r);
	assert_non_null(r);
	assert_non_null(strstr(r->unscanned, "live script"));
	eg_blob_result_free(r);
	/* another zip is an archive, classified and not searched */
	assert_int_equal(criteria(f, "data.zip", zip, sizeof(zip) - 1, NULL),
			 0);
}

/* A zip of `n` members, names and contents alternating. */
static size_t zip_of(struct zip *z, size_t n, const char *const *members)
{
	size_t i;

	memset(z, 0, sizeof(*z));
	for (i = 0; i < n; i += 2)
		zipbuild_add(z, members[i], members[i + 1], 1, 0);
	return zipbuild_finish(z);
}

/*
 * A zip whose members are named as code is matched as its members, each
 * as a file of its name, and its hits name the member and its line.
 */
static void zipped_code_is_matched_as_its_members(void **state)
{
	struct fixture *f = *state;
	static struct zip z;
	struct eg_blob_result *r = NULL;
	static const char *const code[] = {"train.py", "src/net.ipynb",
					   "lib/geo.R", "model.cu",
					   "include/geo.h"};
	size_t i, len;

	for (i = 0; i < sizeof(code) / sizeof(code[0]); i++) {
		const char *members[] = {"data/labels.csv", "a,b\n", code[i],
					 "x = 1\nimport rasterio\n"};

		len = zip_of(&z, 4, members);
		r = NULL;
		assert_int_equal(
			criteria(f, "code.zip", (const char *)z.buf, len, &r),
			1);
		assert_non_null(r);
		assert_null(r->unscanned);
		assert_int_equal(r->nhits, 1);
		assert_string_equal(r->hits[0].member, code[i]);
		assert_int_equal(r->hits[0].line, 2);
		assert_string_equal(r->hits[0].excerpt, "import rasterio");
		eg_blob_result_free(r);
	}
}

/*
 * A criterion holds in an archive where it holds in one member, not on
 * hits gathered from several; a pattern limited to some file names does
 * not run in archives.  Data, documents, macOS's resource forks and a
 * framework's headers are no code: an archive of them alone is binary.
 */
static void archive_criteria_hold_member_by_member(void **state)
{
	struct fixture *f = *state;
	static struct zip z;
	static const char *const split[] = {"a.py",	 "m = nn.Conv2d(3)\n",
					    "b.py",	 "loss.backward()\n",
					    "train.yml", "epochs: 3\n"};
	static const char *const whole[] = {
		"pkg/net.py", "m = nn.Conv2d(3)\nloss.backward()\n"};
	static const char *const docs[] = {
		"README.md",
		"import rasterio\n",
		"__MACOSX/._train.py",
		"xx",
		"Tool.app/Contents/Frameworks/Growl.framework/Headers/Growl.h",
		"int growl(void); import rasterio\n"};
	struct eg_blob_result *r = NULL;
	size_t len;

	len = zip_of(&z, 6, split);
	assert_int_equal(criteria(f, "pkg.zip", (const char *)z.buf, len, &r),
			 0);
	assert_true(!r || !r->unscanned);
	eg_blob_result_free(r);
	len = zip_of(&z, 2, whole);
	assert_int_equal(criteria(f, "pkg.whl", (const char *)z.buf, len, NULL),
			 2);
	len = zip_of(&z, 6, docs);
	r = NULL;
	assert_int_equal(criteria(f, "docs.zip", (const char *)z.buf, len, &r),
			 0);
	assert_true(!r || (!r->unscanned && !r->nhits));
	eg_blob_result_free(r);
}

/*
 * What can't be read of an archive's code is named as not scanned: an
 * encrypted member, one over 16 MiB, and an archive of code inside one.
 * A member of data that can't be read is not code, and not named.
 */
static void unread_archived_code_is_named_unscanned(void **state)
{
	struct fixture *f = *state;
	static struct zip z, inner;
	struct eg_blob_result *r = NULL;
	const char *inner_members[] = {"train.py", "import rasterio\n"};
	char *big;
	size_t len;

	memset(&z, 0, sizeof(z));
	zipbuild_add(&z, "readme.txt", "see train.py\n", 1, 0);
	zipbuild_add(&z, "train.py", "import rasterio\n", 0, 1);
	len = zipbuild_finish(&z);
	assert_int_equal(criteria(f, "enc.zip", (const char *)z.buf, len, &r),
			 0);
	assert_non_null(r);
	assert_non_null(strstr(r->unscanned, "encrypted"));
	eg_blob_result_free(r);

	big = malloc((17u << 20) + 1);
	assert_non_null(big);
	memset(big, '#', 17u << 20);
	big[17u << 20] = '\0';
	memset(&z, 0, sizeof(z));
	zipbuild_add(&z, "blob.csv", big, 1, 0);
	zipbuild_add(&z, "geo.py", "import rasterio\n", 1, 0);
	len = zipbuild_finish(&z);
	r = NULL;
	assert_int_equal(criteria(f, "data.zip", (const char *)z.buf, len, &r),
			 1);
	assert_null(r->unscanned);
	eg_blob_result_free(r);
	memset(&z, 0, sizeof(z));
	zipbuild_add(&z, "big.py", big, 1, 0);
	len = zipbuild_finish(&z);
	free(big);
	r = NULL;
	assert_int_equal(criteria(f, "big.zip", (const char *)z.buf, len, &r),
			 0);
	assert_non_null(r);
	assert_non_null(strstr(r->unscanned, "over 16 MiB"));
	eg_blob_result_free(r);

	len = zip_of(&inner, 2, inner_members);
	memset(&z, 0, sizeof(z));
	zipbuild_add_data(&z, "src/inner.zip", inner.buf, len, 1, 0);
	len = zipbuild_finish(&z);
	r = NULL;
	assert_int_equal(criteria(f, "outer.zip", (const char *)z.buf, len, &r),
			 0);
	assert_non_null(r);
	assert_non_null(strstr(r->unscanned, "inside an archive"));
	eg_blob_result_free(r);
}

static unsigned script_kind(unsigned name_kind, const char *text)
{
	return eg_kind_classify(name_kind, "bin/tool",
				(const unsigned char *)text, strlen(text));
}

static void kinds_from_names_and_magic(void **state)
{
	static const unsigned char safet[] =
		"\x0e\0\0\0\0\0\0\0{\"a\": \"b\" }  ";
	static const unsigned char tfl[] = "\x1c\0\0\0TFL3\0\0";
	static const char qt_ts[] =
		"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<!DOCTYPE TS>\n<TS version=\"2.1\">\n";
	static const char qt_rcc[] =
		"# -*- coding: utf-8 -*-\n\n# Resource object code\n#\n"
		"# Created by: The Resource Compiler for PyQt5 (Qt v5.15.2)\n"
		"qt_resource_data = b\"\\\n";

	(void)state;
	assert_int_equal(eg_kind_from_name("a.PY", 4), EG_KIND_PYTHON);
	assert_int_equal(eg_kind_from_name("train.csv", 9), EG_KIND_DATA);
	assert_int_equal(eg_kind_from_name("hits.TSV", 8), EG_KIND_DATA);
	assert_int_equal(eg_kind_parse("data"), EG_KIND_DATA);
	assert_int_equal(eg_kind_from_name("Makefile", 8), EG_KIND_BUILD);
	assert_int_equal(eg_kind_from_name("job_n.slurm", 11), EG_KIND_BUILD);
	assert_int_equal(eg_kind_from_name("README", 6), EG_KIND_README);
	assert_int_equal(eg_kind_from_name("readme.MD", 9), EG_KIND_README);
	assert_int_equal(eg_kind_from_name("README-old.md", 13), EG_KIND_DOC);
	assert_int_equal(eg_kind_from_name("READMEs", 7), EG_KIND_TEXT);
	/* code named readme is read as code */
	assert_int_equal(eg_kind_from_name("readme.py", 9), EG_KIND_PYTHON);
	assert_int_equal(eg_kind_from_name("README.c", 8), EG_KIND_C);
	assert_int_equal(eg_kind_from_name("a.markdown", 10), EG_KIND_DOC);
	assert_int_equal(eg_kind_from_name("m.GeoJSON", 9), EG_KIND_JSON);
	assert_int_equal(eg_kind_from_name("x.H", 3), EG_KIND_C);
	assert_int_equal(eg_kind_from_name("x.m", 3), EG_KIND_OTHER_CODE);
	assert_int_equal(eg_kind_from_name("x.cs", 4), EG_KIND_OTHER_CODE);
	assert_int_equal(eg_kind_from_name("x.svelte", 8), EG_KIND_JS);
	assert_int_equal(eg_kind_from_name("a.tar.gz", 8), EG_KIND_TEXT);
	assert_int_equal(eg_kind_from_name(".bashrc", 7), EG_KIND_TEXT);
	assert_int_equal(eg_kind_from_name("trailing.", 9), EG_KIND_TEXT);
	assert_int_equal(eg_kind_from_name("x.markdowns", 11), EG_KIND_TEXT);
	assert_int_equal(eg_kind_from_name("Makefile.in", 11), EG_KIND_TEXT);
	assert_int_equal(eg_kind_from_name("setup.py", 8), EG_KIND_PYTHON);
	assert_int_equal(eg_kind_classify(EG_KIND_TEXT, "m.safetensors", safet,
					  sizeof(safet) - 1),
			 EG_KIND_MODEL_SAFETENSORS);
	assert_int_equal(eg_kind_classify(EG_KIND_TEXT, "m.tflite", tfl,
					  sizeof(tfl) - 1),
			 EG_KIND_MODEL_TFLITE);
	assert_int_equal(eg_kind_classify(EG_KIND_PYTHON, "a.py",
					  (const unsigned char *)"x = 1\n", 6),
			 EG_KIND_PYTHON);
	/* a Qt Linguist translation is XML; TypeScript stays code */
	assert_int_equal(eg_kind_classify(EG_KIND_JS, "en_US.ts",
					  (const unsigned char *)qt_ts,
					  sizeof(qt_ts) - 1),
			 EG_KIND_CONFIG);
	assert_int_equal(eg_kind_classify(EG_KIND_JS, "app.ts",
					  (const unsigned char *)"let x = 1;\n",
					  11),
			 EG_KIND_JS);
	/* Qt resources compiled into Python are data */
	assert_int_equal(eg_kind_classify(EG_KIND_PYTHON, "resources.py",
					  (const unsigned char *)qt_rcc,
					  sizeof(qt_rcc) - 1),
			 EG_KIND_BINARY);
	assert_int_equal(eg_kind_classify(EG_KIND_PYTHON, "resources.txt",
					  (const unsigned char *)qt_rcc,
					  sizeof(qt_rcc) - 1),
			 EG_KIND_PYTHON);
	/* a script named as no kind is of its interpreter's */
	assert_int_equal(eg_kind_from_name("gui.pyw", 7), EG_KIND_PYTHON);
	assert_int_equal(script_kind(EG_KIND_TEXT, "#!/usr/bin/env python3\n"),
			 EG_KIND_PYTHON);
	assert_int_equal(script_kind(EG_KIND_TEXT, "#!/usr/bin/python3.11"),
			 EG_KIND_PYTHON);
	assert_int_equal(script_kind(EG_KIND_TEXT,
				     "#! /usr/bin/env -S A=1 python -u\r\n"),
			 EG_KIND_PYTHON);
	/* a shell script stays text (kind.c says why) */
	assert_int_equal(script_kind(EG_KIND_TEXT, "#!/bin/bash -e\n"),
			 EG_KIND_TEXT);
	assert_int_equal(script_kind(EG_KIND_TEXT, "#!/usr/bin/env node\n"),
			 EG_KIND_JS);
	assert_int_equal(script_kind(EG_KIND_TEXT, "#!/usr/bin/env Rscript\n"),
			 EG_KIND_OTHER_CODE);
	assert_int_equal(script_kind(EG_KIND_TEXT, "#!/usr/bin/perl\n"),
			 EG_KIND_TEXT);
	assert_int_equal(script_kind(EG_KIND_TEXT, "#!/usr/bin/pythonic\n"),
			 EG_KIND_TEXT);
	assert_int_equal(script_kind(EG_KIND_TEXT, "#!/usr/bin/env\n"),
			 EG_KIND_TEXT);
	assert_int_equal(script_kind(EG_KIND_TEXT, "#!\npython\n"),
			 EG_KIND_TEXT);
	assert_int_equal(script_kind(EG_KIND_TEXT, "x = 1 #!/bin/python\n"),
			 EG_KIND_TEXT);
	/* a name's kind stands */
	assert_int_equal(script_kind(EG_KIND_DOC, "#!/usr/bin/env python3\n"),
			 EG_KIND_DOC);
	assert_int_equal(eg_kind_parse("model"), EG_KIND_ANY_MODEL);
	assert_int_equal(eg_kind_parse("nope"), 0);
}

static void a_regex_limit_makes_the_file_incomplete(void **state)
{
	static const char evil[] =
		"pack: {id: e, version: 1}\n"
		"signatures:\n"
		"  - id: E\n"
		"    criteria:\n"
		"      - id: c\n"
		"        patterns: [{id: p, regex: '(a+)+$', prefilter: [aaa]}]\n"
		"    controlled: c\n";
	struct eg_sigset *set = eg_sigset_new();
	struct eg_blob_result *r = NULL;
	struct eg_matcher *m;
	char text[4096];

	(void)state;
	assert_int_equal(eg_sigset_add_buffer(set, "e.yml", evil, strlen(evil)),
			 0);
	assert_int_equal(eg_sigset_compile(set), 0);
	m = eg_matcher_new(set);
	memset(text, 'a', sizeof(text) - 2);
	text[sizeof(text) - 2] = 'b';
	text[sizeof(text) - 1] = '\0';
	eg_match_buffer(&r, m, EG_KIND_TEXT, "x", (const unsigned char *)text,
			strlen(text));
	assert_non_null(r);
	assert_non_null(strstr(r->unscanned, "limit"));
	eg_blob_result_free(r);
	eg_matcher_free(m);
	eg_sigset_free(set);
}

static void unless_drops_the_hits_of_its_file(void **state)
{
	struct fixture *f = *state;
	struct eg_blob_result *r;
	const char *text = "import rasterio\n# satellite image chips\ncifar\n";

	assert_int_equal(CRIT(f, "d.py", "# satellite image chips\nload()\n"),
			 32);
	/* anywhere in the file: before the hit, or far after it */
	assert_int_equal(CRIT(f, "d.py", "x = cifar\n# satellite image\n"), 0);
	assert_int_equal(CRIT(f, "d.py",
			      "# satellite image\n\n\n\n\n\n\n"
			      "\n\n\n\n\n\n\n\n\n\ncifar10 = 1\n"),
			 32);
	assert_int_equal(CRIT(f, "d.py",
			      "# satellite image\n\n\n\n\n\n\n"
			      "\n\n\n\n\n\n\n\n\n\ncifar = 1\n"),
			 0);
	/* the other patterns' hits in that file stand */
	assert_int_equal(criteria(f, "d.py", text, strlen(text), &r), 1);
	assert_non_null(r);
	assert_int_equal(r->nhits, 1);
	assert_string_equal(f->set->patterns[r->hits[0].pattern].id, "rio");
	eg_blob_result_free(r);
}

/*
 * A pattern copied into another pack (MODEL.1 repeats criteria of 0D521.1)
 * is searched once: the copy takes the first one's hits, and only an exact
 * copy does.
 */
static const char copies[] =
	"pack: {id: u, version: 1}\n"
	"signatures:\n"
	"  - id: U\n"
	"    criteria:\n"
	"      - id: geo\n"
	"        patterns:\n"
	"          - {id: rio, regex: '\\bimport\\s+rasterio\\b', paths: ['x*']}\n"
	"          - {id: sat, regex: 'satellite image', unless: '\\bcifar\\b'}\n"
	"          - {id: sat-other-unless, regex: 'satellite image', unless: 'mnist'}\n"
	"          - {id: sat-icase, regex: 'satellite image', icase: true}\n"
	"          - {id: conv-kinds, regex: 'nn\\.Conv2d\\(', kinds: [python]}\n"
	"          - {id: conv-prefilter, regex: 'nn\\.Conv2d\\(', kinds: [python, notebook], prefilter: [conv2d]}\n"
	"          - {id: conv, regex: 'nn\\.Conv2d\\(', kinds: [python, notebook]}\n"
	"    controlled: {all: [geo]}\n";

static size_t pattern_index(const struct eg_sigset *set, const char *pack_id,
			    const char *id)
{
	size_t i;

	for (i = 0; i < set->npatterns; i++) {
		const struct eg_pattern *p = &set->patterns[i];
		const struct eg_criterion *c = &set->criteria[p->criterion];
		const struct eg_signature *sig = &set->sigs[c->signature];

		if (!strcmp(p->id, id) &&
		    !strcmp(set->packs[sig->pack].id, pack_id))
			return i;
	}
	fail_msg("no pattern %s in pack %s", id, pack_id);
	return 0;
}

/* The hits of pattern `pi` in `r`, as "line:column:excerpt;" each. */
static void hits_of(const struct eg_blob_result *r, size_t pi, char *out,
		    size_t size)
{
	size_t i, n = 0;

	out[0] = '\0';
	for (i = 0; r && i < r->nhits; i++)
		if (r->hits[i].pattern == pi)
			n += (size_t)snprintf(
				out + n, size - n, "%u:%u:%s;", r->hits[i].line,
				r->hits[i].column, r->hits[i].excerpt);
}

static void copied_patterns_share_their_hits(void **state)
{
	struct eg_sigset *set = eg_sigset_new();
	struct eg_matcher *m;
	struct eg_blob_result *r = NULL;
	const char *text = "import rasterio\nx = nn.Conv2d(3, 8)\n"
			   "# Satellite image and satellite image tiles\n"
			   "y = nn.Conv2d(8, 8)\n";
	const char *cifar = "# satellite image\ncifar = 1\n";
	char a[512], b[512];
	size_t rio, sat, conv;

	(void)state;
	assert_int_equal(eg_sigset_add_buffer(set, "t.yml", pack, strlen(pack)),
			 0);
	assert_int_equal(
		eg_sigset_add_buffer(set, "u.yml", copies, strlen(copies)), 0);
	assert_int_equal(eg_sigset_compile(set), 0);
	rio = pattern_index(set, "t", "rio");
	sat = pattern_index(set, "t", "sat");
	conv = pattern_index(set, "t", "conv");
	/* exact copies, whatever their globs; nothing else */
	assert_int_equal(set->patterns[rio].same_as, rio);
	assert_int_equal(set->patterns[pattern_index(set, "u", "rio")].same_as,
			 rio);
	assert_int_equal(set->patterns[pattern_index(set, "u", "sat")].same_as,
			 sat);
	assert_int_equal(set->patterns[pattern_index(set, "u", "conv")].same_as,
			 conv);
	for (size_t k = 0; k < 4; k++) {
		static const char *const near[] = {"sat-other-unless",
						   "sat-icase", "conv-kinds",
						   "conv-prefilter"};
		size_t pi = pattern_index(set, "u", near[k]);

		assert_int_equal(set->patterns[pi].same_as, pi);
	}
	m = eg_matcher_new(set);
	eg_match_buffer(&r, m, EG_KIND_PYTHON, "a.py",
			(const unsigned char *)text, strlen(text));
	assert_non_null(r);
	hits_of(r, rio, a, sizeof(a));
	hits_of(r, pattern_index(set, "u", "rio"), b, sizeof(b));
	assert_string_equal(a, "1:1:import rasterio;");
	assert_string_equal(b, a);
	hits_of(r, conv, a, sizeof(a));
	hits_of(r, pattern_index(set, "u", "conv"), b, sizeof(b));
	assert_string_equal(a,
			    "2:5:x = nn.Conv2d(3, 8);4:5:y = nn.Conv2d(8, 8);");
	assert_string_equal(b, a);
	hits_of(r, sat, a, sizeof(a));
	hits_of(r, pattern_index(set, "u", "sat"), b, sizeof(b));
	assert_string_equal(
		a, "3:23:# Satellite image and satellite image tiles;");
	assert_string_equal(b, a);
	/* a pattern that only looks alike searches for itself */
	hits_of(r, pattern_index(set, "u", "sat-icase"), b, sizeof(b));
	assert_string_equal(b,
			    "3:3:# Satellite image and satellite image tiles;");
	eg_blob_result_free(r);
	/* where the first one's `unless` drops its hits, the copy has none */
	r = NULL;
	eg_match_buffer(&r, m, EG_KIND_PYTHON, "b.py",
			(const unsigned char *)cifar, strlen(cifar));
	assert_non_null(r);
	hits_of(r, sat, a, sizeof(a));
	hits_of(r, pattern_index(set, "u", "sat"), b, sizeof(b));
	assert_string_equal(a, "");
	assert_string_equal(b, "");
	hits_of(r, pattern_index(set, "u", "sat-other-unless"), b, sizeof(b));
	assert_string_equal(b, "1:3:# satellite image;");
	eg_blob_result_free(r);
	eg_matcher_free(m);
	eg_sigset_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(regex_with_prefilter_hits_and_misses),
		cmocka_unit_test(lines_end_at_crlf_and_cr_too),
		cmocka_unit_test(at_least_needs_enough_patterns_in_one_file),
		cmocka_unit_test(path_globs_apply_to_the_file_name),
		cmocka_unit_test(patterns_without_literals_always_run),
		cmocka_unit_test(evidence_has_line_column_and_a_clean_excerpt),
		cmocka_unit_test(columns_count_characters_not_bytes),
		cmocka_unit_test(notebooks_match_their_decoded_code_cells),
		cmocka_unit_test(binary_content_is_classified_not_searched),
		cmocka_unit_test(zipped_code_is_matched_as_its_members),
		cmocka_unit_test(archive_criteria_hold_member_by_member),
		cmocka_unit_test(unread_archived_code_is_named_unscanned),
		cmocka_unit_test(kinds_from_names_and_magic),
		cmocka_unit_test(a_regex_limit_makes_the_file_incomplete),
		cmocka_unit_test(unless_drops_the_hits_of_its_file),
		cmocka_unit_test(copied_patterns_share_their_hits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
