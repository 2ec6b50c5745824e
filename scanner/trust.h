/* trust.h: whether a file the gate takes its rules from is safe from
 * other accounts. */
#ifndef EG_TRUST_H
#define EG_TRUST_H

#include <sys/stat.h>

/*
 * A policy, an approvals file or a pack the policy names decides what a
 * push may carry: an account that can change it can let its own push
 * through.  eg_trust_file() refuses, with EG_ECONFIG and the path to fix,
 * a file that every account may write (`st`, its status), and one in a
 * folder, at any depth up to `/`, that every account may write and that
 * has no sticky bit (anyone could put another file in its place).  Both
 * the path as given and the path its links lead to are walked.  Group
 * write is left to the administrator: a compliance team may share a
 * group.  Returns 0 or a negative error code.
 */
int eg_trust_file(const char *path, const struct stat *st);

#endif
