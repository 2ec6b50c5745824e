/* notebook.h: a Jupyter notebook's code cells, and where their lines are. */
#ifndef EG_NOTEBOOK_H
#define EG_NOTEBOOK_H

#include <stddef.h>
#include <stdint.h>

/* Where one line of the decoded code starts in the notebook file. */
struct eg_notebook_line {
	size_t at;	 /* byte offset in the file, inside a JSON string */
	uint32_t line;	 /* from 1 */
	uint32_t column; /* from 1, in code points */
};

/* A place in the file for each line of the decoded code. */
struct eg_notebook_map {
	struct eg_notebook_line *lines;
	size_t n, alloc;
};

/*
 * The code cells of the notebook `buf` (nbformat 4: cells[].source, a
 * string or a list of strings, of the cells whose cell_type is "code"),
 * decoded from JSON and joined, each cell ending with a newline; its length
 * in *len.  `map` gets where each of its lines starts in `buf`, so that a
 * hit's line and column can name the file's.  NULL (and an empty map) when
 * `buf` is not JSON or nests deeper than any notebook does; the caller
 * frees the text and releases the map.
 */
char *eg_notebook_code(const unsigned char *buf, size_t len, size_t *out_len,
		       struct eg_notebook_map *map);

/*
 * Turn a line and column of the decoded code (from 1, column in code
 * points) into the file's.  A line past the map is left as it is.
 */
void eg_notebook_place(const struct eg_notebook_map *map,
		       const unsigned char *buf, size_t len, uint32_t *line,
		       uint32_t *column);

void eg_notebook_map_release(struct eg_notebook_map *map);

#endif
