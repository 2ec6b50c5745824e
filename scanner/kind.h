/* kind.h: what a file is, from its name and its first bytes. */
#ifndef EG_KIND_H
#define EG_KIND_H

#include <stddef.h>

/* One bit each, so a pattern can name a set of kinds. */
enum eg_kind {
	EG_KIND_TEXT = 1u << 0, /* text of no kind below */
	EG_KIND_PYTHON = 1u << 1,
	EG_KIND_C = 1u << 2,  /* C, C++, CUDA and their headers */
	EG_KIND_JS = 1u << 3, /* JavaScript, TypeScript, Vue, Svelte */
	EG_KIND_HTML = 1u << 4,
	EG_KIND_QT = 1u << 5, /* .ui, .qml */
	EG_KIND_YAML = 1u << 6,
	EG_KIND_JSON = 1u << 7,
	EG_KIND_NOTEBOOK = 1u << 8,
	EG_KIND_DOC = 1u << 9,	       /* Markdown, reStructuredText, .txt */
	EG_KIND_BUILD = 1u << 10,      /* CMake, Makefile, setup files, shell */
	EG_KIND_OTHER_CODE = 1u << 11, /* Java, Go, Rust, Julia, R, ... */
	EG_KIND_CONFIG = 1u << 12,     /* .cfg, .ini, .toml, .xml */
	EG_KIND_README = 1u << 13,     /* README, README.md, readme.rst, ... */
	EG_KIND_DATA = 1u << 14,       /* tables: .csv, .tsv */
	/* binary kinds, from magic bytes */
	EG_KIND_BINARY = 1u << 16, /* binary of no kind below */
	EG_KIND_MODEL_PYTORCH = 1u << 17,
	EG_KIND_MODEL_ONNX = 1u << 18,
	EG_KIND_MODEL_TFLITE = 1u << 19,
	EG_KIND_MODEL_HDF5 = 1u << 20,
	EG_KIND_MODEL_SAFETENSORS = 1u << 21,
	EG_KIND_MODEL_SAVEDMODEL = 1u << 22,
	EG_KIND_MODEL_PICKLE = 1u << 23,
	EG_KIND_ARCHIVE = 1u << 24,
	EG_KIND_LFS_POINTER = 1u << 25, /* content not present */
};

#define EG_KIND_ANY_TEXT 0xffffu
#define EG_KIND_ANY_MODEL                                                    \
	(EG_KIND_MODEL_PYTORCH | EG_KIND_MODEL_ONNX | EG_KIND_MODEL_TFLITE | \
	 EG_KIND_MODEL_HDF5 | EG_KIND_MODEL_SAFETENSORS |                    \
	 EG_KIND_MODEL_SAVEDMODEL | EG_KIND_MODEL_PICKLE)

/* The text kind a file name suggests (EG_KIND_TEXT when none).  Can't fail. */
unsigned eg_kind_from_name(const char *name, size_t len);

/*
 * The kind of a blob from its name kind and its first bytes: a binary kind
 * when the content is binary (NUL in the first 8000 bytes, or a known magic),
 * EG_KIND_LFS_POINTER for a Git LFS pointer, EG_KIND_CONFIG for a Qt
 * translation named `.ts` (XML, not TypeScript), EG_KIND_BINARY for Qt
 * resources compiled into a `.py`; when `name_kind` is EG_KIND_TEXT, the
 * kind of the interpreter a "#!" first line names (python, sh, node,
 * Rscript, ...); otherwise `name_kind`.
 */
unsigned eg_kind_classify(unsigned name_kind, const char *name,
			  const unsigned char *buf, size_t len);

/* The kind's name as written in signature files ("python"), or NULL. */
const char *eg_kind_name(unsigned kind);
/*
 * The kind bits for a name, or 0 when unknown: "doc" includes "readme",
 * "any-text" is every text kind, "model" every model kind.
 */
unsigned eg_kind_parse(const char *name);

#endif
