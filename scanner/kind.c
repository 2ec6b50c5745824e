/* kind.c: what a file is, from its name and its first bytes. */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kind.h"

struct ext_kind {
	const char *ext;
	unsigned kind;
};

static const struct ext_kind extensions[] = {
	{"py", EG_KIND_PYTHON},	    {"pyx", EG_KIND_PYTHON},
	{"pyi", EG_KIND_PYTHON},    {"c", EG_KIND_C},
	{"h", EG_KIND_C},	    {"cc", EG_KIND_C},
	{"cpp", EG_KIND_C},	    {"cxx", EG_KIND_C},
	{"hpp", EG_KIND_C},	    {"hh", EG_KIND_C},
	{"hxx", EG_KIND_C},	    {"cu", EG_KIND_C},
	{"cuh", EG_KIND_C},	    {"txx", EG_KIND_C},
	{"js", EG_KIND_JS},	    {"mjs", EG_KIND_JS},
	{"cjs", EG_KIND_JS},	    {"jsx", EG_KIND_JS},
	{"ts", EG_KIND_JS},	    {"tsx", EG_KIND_JS},
	{"vue", EG_KIND_JS},	    {"svelte", EG_KIND_JS},
	{"html", EG_KIND_HTML},	    {"htm", EG_KIND_HTML},
	{"ui", EG_KIND_QT},	    {"qml", EG_KIND_QT},
	{"yml", EG_KIND_YAML},	    {"yaml", EG_KIND_YAML},
	{"json", EG_KIND_JSON},	    {"jsonc", EG_KIND_JSON},
	{"geojson", EG_KIND_JSON},  {"ipynb", EG_KIND_NOTEBOOK},
	{"md", EG_KIND_DOC},	    {"markdown", EG_KIND_DOC},
	{"rst", EG_KIND_DOC},	    {"txt", EG_KIND_DOC},
	{"adoc", EG_KIND_DOC},	    {"cmake", EG_KIND_BUILD},
	{"sh", EG_KIND_BUILD},	    {"bash", EG_KIND_BUILD},
	{"slurm", EG_KIND_BUILD},   {"sbatch", EG_KIND_BUILD},
	{"pbs", EG_KIND_BUILD}, /* batch jobs: shell scripts */
	{"mk", EG_KIND_BUILD},	    {"cfg", EG_KIND_CONFIG},
	{"ini", EG_KIND_CONFIG},    {"toml", EG_KIND_CONFIG},
	{"xml", EG_KIND_CONFIG},    {"java", EG_KIND_OTHER_CODE},
	{"go", EG_KIND_OTHER_CODE}, {"rs", EG_KIND_OTHER_CODE},
	{"jl", EG_KIND_OTHER_CODE}, {"r", EG_KIND_OTHER_CODE},
	{"m", EG_KIND_OTHER_CODE},  {"lua", EG_KIND_OTHER_CODE},
	{"kt", EG_KIND_OTHER_CODE}, {"scala", EG_KIND_OTHER_CODE},
	{"cs", EG_KIND_OTHER_CODE}, {"swift", EG_KIND_OTHER_CODE},
	{"pyw", EG_KIND_PYTHON}, /* Windows: run without a console */
	{"csv", EG_KIND_DATA},	    {"tsv", EG_KIND_DATA},
};

static const struct ext_kind basenames[] = {
	{"Makefile", EG_KIND_BUILD},	     {"CMakeLists.txt", EG_KIND_BUILD},
	{"Dockerfile", EG_KIND_BUILD},	     {"setup.py", EG_KIND_PYTHON},
	{"requirements.txt", EG_KIND_BUILD}, {"SConstruct", EG_KIND_BUILD},
};

/*
 * Extensions of up to 8 bytes as numbers (byte i at bits 8i), sorted:
 * called for every file of every tree, so the search compares integers.
 */
#define NEXT (sizeof(extensions) / sizeof(extensions[0]))
static uint64_t ext_keys[NEXT];
static unsigned ext_kinds[NEXT];
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

static uint64_t ext_key(const char *ext, size_t len)
{
	uint64_t key = 0;
	size_t i;

	for (i = 0; i < len; i++)
		key |= (uint64_t)(unsigned char)tolower((unsigned char)ext[i])
		       << (8 * i);
	return key;
}

static void make_keys(void)
{
	size_t i, j;

	for (i = 0; i < NEXT; i++) {
		uint64_t key =
			ext_key(extensions[i].ext, strlen(extensions[i].ext));

		/* insertion sort: a few dozen entries, once */
		for (j = i; j > 0 && ext_keys[j - 1] > key; j--) {
			ext_keys[j] = ext_keys[j - 1];
			ext_kinds[j] = ext_kinds[j - 1];
		}
		ext_keys[j] = key;
		ext_kinds[j] = extensions[i].kind;
	}
}

static unsigned kind_by_extension(const char *name, size_t len)
{
	size_t i, lo = 0, hi = NEXT, elen, dot = len;
	uint64_t key;

	for (i = len; i > 0 && len - i <= 8; i--)
		if (name[i - 1] == '.') {
			dot = i - 1;
			break;
		}
	for (i = 0; i < sizeof(basenames) / sizeof(basenames[0]); i++)
		if (basenames[i].ext[0] == name[0] &&
		    strlen(basenames[i].ext) == len &&
		    !memcmp(basenames[i].ext, name, len))
			return basenames[i].kind;
	if (dot == len || dot == 0)
		return EG_KIND_TEXT;
	elen = len - dot - 1;
	if (!elen || elen > 8)
		return EG_KIND_TEXT;
	key = ext_key(name + dot + 1, elen);
	pthread_once(&keys_once, make_keys);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ext_keys[mid] == key)
			return ext_kinds[mid];
		if (ext_keys[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return EG_KIND_TEXT;
}

unsigned eg_kind_from_name(const char *name, size_t len)
{
	unsigned kind = kind_by_extension(name, len);

	/*
	 * README, README.md, readme.rst: a project's description of itself.
	 * A readme.py is code, and read as code.
	 */
	if ((kind == EG_KIND_DOC || kind == EG_KIND_TEXT) && len >= 6 &&
	    !strncasecmp(name, "readme", 6) && (len == 6 || name[6] == '.'))
		return EG_KIND_README;
	return kind;
}

static int has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);

	return n >= s && !strcasecmp(name + n - s, suffix);
}

static int starts(const unsigned char *buf, size_t len, const char *magic,
		  size_t mlen)
{
	return len >= mlen && !memcmp(buf, magic, mlen);
}

static unsigned binary_kind(const char *name, const unsigned char *buf,
			    size_t len)
{
	if (starts(buf, len, "\x89HDF\r\n\x1a\n", 8))
		return EG_KIND_MODEL_HDF5;
	if (len >= 8 && !memcmp(buf + 4, "TFL3", 4))
		return EG_KIND_MODEL_TFLITE;
	if (starts(buf, len, "PK\x03\x04", 4)) {
		/* torch.save() writes a zip whose members end in data.pkl */
		if (memmem(buf, len < 4096 ? len : 4096, "data.pkl", 8))
			return EG_KIND_MODEL_PYTORCH;
		if (has_suffix(name, ".pt") || has_suffix(name, ".pth"))
			return EG_KIND_MODEL_PYTORCH;
		return EG_KIND_ARCHIVE;
	}
	if (len >= 2 && buf[0] == 0x80 && buf[1] >= 2 && buf[1] <= 5)
		return (has_suffix(name, ".pt") || has_suffix(name, ".pth") ||
			has_suffix(name, ".ckpt") || has_suffix(name, ".bin"))
			       ? EG_KIND_MODEL_PYTORCH
			       : EG_KIND_MODEL_PICKLE;
	if (has_suffix(name, ".onnx") && len > 2 && buf[0] == 0x08)
		return EG_KIND_MODEL_ONNX;
	if (has_suffix(name, "saved_model.pb"))
		return EG_KIND_MODEL_SAVEDMODEL;
	if (starts(buf, len, "\x1f\x8b", 2) ||
	    starts(buf, len, "7z\xbc\xaf", 4) ||
	    starts(buf, len,
		   "\xfd"
		   "7zXZ",
		   5) ||
	    starts(buf, len, "BZh", 3) ||
	    (len >= 262 && !memcmp(buf + 257, "ustar", 5))) /* tar */
		return EG_KIND_ARCHIVE;
	return EG_KIND_BINARY;
}

/* safetensors: an 8-byte little-endian header length, then a JSON object. */
static int is_safetensors(const unsigned char *buf, size_t len)
{
	unsigned long long n = 0;
	int i;

	if (len < 10 || buf[8] != '{')
		return 0;
	for (i = 7; i >= 0; i--)
		n = (n << 8) | buf[i];
	return n > 1 && n < (100ull << 20) &&
	       (len < 9 + n || buf[8 + n - 1] == '}' || buf[8 + n - 1] == ' ');
}

static const char lfs_magic[] = "version https://git-lfs.github.com/spec/v1";

/*
 * A Qt Linguist translation shares TypeScript's `.ts`: it is XML, the
 * strings of an application's interface, not code.
 */
static int is_qt_translation(const char *name, const unsigned char *buf,
			     size_t len)
{
	size_t i = 0;

	if (!has_suffix(name, ".ts"))
		return 0;
	if (starts(buf, len, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
			   buf[i] == '\n'))
		i++;
	return starts(buf + i, len - i, "<?xml", 5) ||
	       starts(buf + i, len - i, "<!DOCTYPE TS>", 13) ||
	       starts(buf + i, len - i, "<TS ", 4);
}

/*
 * Qt's resource compiler (pyrcc5, pyside6-rcc) writes icons and compiled
 * translations into a Python module as one bytes literal: data, not code.
 */
static int is_qt_resources(const char *name, const unsigned char *buf,
			   size_t len)
{
	return has_suffix(name, ".py") &&
	       memmem(buf, len < 256 ? len : 256, "# Resource object code", 22);
}

/*
 * Interpreters a script's first line may name, each also with a version
 * ("python3.11", "lua5.4"); only those of a code kind above.  A shell
 * script stays text: git.git's history alone holds thousands of versions
 * of shell scripts with no extension, and reading them as build files took
 * 14% more time over its scan while no corpus result changed.
 */
static const struct ext_kind interpreters[] = {
	{"python", EG_KIND_PYTHON},
	{"pypy", EG_KIND_PYTHON},
	{"node", EG_KIND_JS},
	{"nodejs", EG_KIND_JS},
	{"Rscript", EG_KIND_OTHER_CODE},
	{"julia", EG_KIND_OTHER_CODE},
	{"lua", EG_KIND_OTHER_CODE},
};

static unsigned kind_of_interpreter(const unsigned char *name, size_t len)
{
	size_t i, n, at;

	for (i = 0; i < sizeof(interpreters) / sizeof(interpreters[0]); i++) {
		n = strlen(interpreters[i].ext);
		if (len < n || memcmp(name, interpreters[i].ext, n))
			continue;
		for (at = n; at < len && (isdigit(name[at]) || name[at] == '.');
		     at++)
			;
		if (at == len)
			return interpreters[i].kind;
	}
	return 0;
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * The kind of the interpreter a "#!" line names, as git's and linguist's
 * readers take it: the last component of its path ("#!/usr/bin/python3"),
 * or env's command after its options and variables ("#!/usr/bin/env -S
 * python3 -u"); 0 when there is none or it is of no kind.
 */
static unsigned kind_by_interpreter(const unsigned char *buf, size_t len)
{
	const unsigned char *at = buf + 2, *end, *word, *base;
	int after_env = 0;

	if (!starts(buf, len, "#!", 2))
		return 0;
	if (!(end = memchr(buf, '\n', len)))
		end = buf + len;
	for (;;) {
		while (at < end && is_blank(*at))
			at++;
		for (word = base = at; at < end && !is_blank(*at); at++)
			if (*at == '/')
				base = at + 1;
		if (word == at)
			return 0;
		if (!after_env && at - base == 3 && !memcmp(base, "env", 3)) {
			after_env = 1;
			continue;
		}
		if (after_env && (*word == '-' || memchr(word, '=', at - word)))
			continue;
		return kind_of_interpreter(base, at - base);
	}
}

unsigned eg_kind_classify(unsigned name_kind, const char *name,
			  const unsigned char *buf, size_t len)
{
	size_t probe = len < 8000 ? len : 8000;
	unsigned kind;

	if (len < 1024 && starts(buf, len, lfs_magic, sizeof(lfs_magic) - 1))
		return EG_KIND_LFS_POINTER;
	if (is_safetensors(buf, len))
		return EG_KIND_MODEL_SAFETENSORS;
	if (memchr(buf, 0, probe) || starts(buf, len, "\x89HDF", 4) ||
	    (len >= 8 && !memcmp(buf + 4, "TFL3", 4)))
		return binary_kind(name, buf, len);
	if (has_suffix(name, ".onnx") || has_suffix(name, ".pb") ||
	    has_suffix(name, ".pt") || has_suffix(name, ".pth") ||
	    has_suffix(name, ".h5") || has_suffix(name, ".tflite"))
		return binary_kind(name, buf, len);
	if (is_qt_translation(name, buf, len))
		return EG_KIND_CONFIG;
	if (is_qt_resources(name, buf, len))
		return EG_KIND_BINARY;
	/* a script named as no kind is of its interpreter's ("bin/train") */
	if (name_kind == EG_KIND_TEXT && (kind = kind_by_interpreter(buf, len)))
		return kind;
	return name_kind;
}

static const struct {
	const char *name;
	unsigned kind;
} kind_names[] = {
	{"text", EG_KIND_TEXT},
	{"python", EG_KIND_PYTHON},
	{"c", EG_KIND_C},
	{"js", EG_KIND_JS},
	{"html", EG_KIND_HTML},
	{"qt", EG_KIND_QT},
	{"yaml", EG_KIND_YAML},
	{"json", EG_KIND_JSON},
	{"notebook", EG_KIND_NOTEBOOK},
	{"doc", EG_KIND_DOC},
	{"build", EG_KIND_BUILD},
	{"other-code", EG_KIND_OTHER_CODE},
	{"config", EG_KIND_CONFIG},
	{"readme", EG_KIND_README},
	{"data", EG_KIND_DATA},
	{"binary", EG_KIND_BINARY},
	{"model-pytorch", EG_KIND_MODEL_PYTORCH},
	{"model-onnx", EG_KIND_MODEL_ONNX},
	{"model-tflite", EG_KIND_MODEL_TFLITE},
	{"model-hdf5", EG_KIND_MODEL_HDF5},
	{"model-safetensors", EG_KIND_MODEL_SAFETENSORS},
	{"model-savedmodel", EG_KIND_MODEL_SAVEDMODEL},
	{"model-pickle", EG_KIND_MODEL_PICKLE},
	{"archive", EG_KIND_ARCHIVE},
	{"lfs-pointer", EG_KIND_LFS_POINTER},
	{"any-text", EG_KIND_ANY_TEXT},
	{"model", EG_KIND_ANY_MODEL},
};

const char *eg_kind_name(unsigned kind)
{
	size_t i;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (kind_names[i].kind == kind)
			return kind_names[i].name;
	return NULL;
}

unsigned eg_kind_parse(const char *name)
{
	size_t i;

	/* READMEs are documentation too, with a kind of their own */
	if (!strcmp(name, "doc"))
		return EG_KIND_DOC | EG_KIND_README;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (!strcmp(kind_names[i].name, name))
			return kind_names[i].kind;
	return 0;
}
