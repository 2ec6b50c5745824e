/* livescript.h: the code of a MATLAB live script (.mlx) or app (.mlapp). */
#ifndef EG_LIVESCRIPT_H
#define EG_LIVESCRIPT_H

#include <stddef.h>

/*
 * A live script is a zip archive (Office Open XML) whose member
 * matlab/document.xml holds the script as paragraphs; those styled "code"
 * are MATLAB.  The code is read like a notebook's code cells: the matcher
 * sees it as MATLAB source, one line per line of code.
 */

/* Whether `name` (a path or a file name) names a live script or an app. */
int eg_livescript_named(const char *name);

/*
 * The code paragraphs of the live script `buf` (`len` bytes), each ended
 * by a newline, NUL-terminated, and its length in *out; the caller frees
 * it.  NULL when `buf` is not a zip with a readable matlab/document.xml
 * (damaged, encrypted, zip64, compressed other than by deflate, or larger
 * than 64 MiB inflated).
 */
char *eg_livescript_code(const unsigned char *buf, size_t len, size_t *out);

#endif
