/* delta.h: where a version made by a git delta repeats its base. */
#ifndef EG_DELTA_H
#define EG_DELTA_H

#include <stddef.h>

/*
 * Bytes [to, to + len) of a delta's result are bytes [from, from + len) of
 * its base.  A delta's copies come in the order of `to`, and do not
 * overlap; the bytes between them were inserted by the delta.
 */
struct eg_delta_copy {
	size_t to, from, len;
};

#endif
