/* notebook.h: a Jupyter notebook's code cells, and where their lines are. */
#ifndef EG_NOTEBOOK_H
#define EG_NOTEBOOK_H

#include <stddef.h>
#include <stdint.h>

/*
 * Where a run of the decoded code starts in the notebook file: each line
 * of the code, and each part of a line that the next string of `source`
 * continues ("x = f(", "a)\n").
 */
struct eg_notebook_segment {
	size_t at;	  /* byte offset in the file, inside a JSON string */
	uint32_t line;	  /* in the file, from 1 */
	uint32_t column;  /* in the file, from 1, in code points */
	uint32_t dline;	  /* in the decoded code, from 1 */
	uint32_t dcolumn; /* in the decoded code, from 1, in code points */
};

/* The segments of the decoded code, in its order. */
struct eg_notebook_map {
	struct eg_notebook_segment *v;
	size_t n, alloc;
};

/*
 * The code cells of the notebook `buf` (nbformat 4: cells[].source, a
 * string or a list of strings, of the cells whose cell_type is "code"),
 * decoded from JSON and joined, each cell ending with a newline; its length
 * in *len.  `map` gets where each run of it is in `buf`, so that a hit's
 * line and column can name the file's.  NULL (and an empty map) when `buf`
 * is not JSON as RFC 8259 has it, or nests deeper than any notebook does:
 * the caller then reads the file as it is.  The caller frees the text and
 * releases the map.
 */
char *eg_notebook_code(const unsigned char *buf, size_t len, size_t *out_len,
		       struct eg_notebook_map *map);

/*
 * Turn a line and column of the decoded code (from 1, column in code
 * points) into the file's.  A place the map does not cover is left as it
 * is.
 */
void eg_notebook_place(const struct eg_notebook_map *map,
		       const unsigned char *buf, size_t len, uint32_t *line,
		       uint32_t *column);

void eg_notebook_map_release(struct eg_notebook_map *map);

#endif
