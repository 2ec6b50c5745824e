/* rmarkdown.h: the code chunks of an R Markdown document (.Rmd). */
#ifndef EG_RMARKDOWN_H
#define EG_RMARKDOWN_H

#include <stddef.h>

/*
 * R Markdown is R's notebook: prose with fenced code chunks (```{r} or
 * ```r ... ```), as package vignettes and analyses are written.  Its code
 * is matched as R, like a notebook's code cells; its prose is not code.
 */

/* Whether `name` (a path or a file name) names an R Markdown document. */
int eg_rmarkdown_named(const char *name);

/*
 * A copy of `buf` (`len` bytes, NUL-terminated, the caller frees it) in
 * which every byte outside the code chunks, the fences included, is a
 * space and every newline stays: lines and columns are those of the file.
 * A fence without a language (```) opens a block of output, not code.
 */
char *eg_rmarkdown_code(const unsigned char *buf, size_t len);

#endif
