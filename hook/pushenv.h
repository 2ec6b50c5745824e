/* pushenv.h: what git and the hosting software tell a hook in its environment.
 */
#ifndef EG_PUSHENV_H
#define EG_PUSHENV_H

/* Push options beyond this count are refused. */
#define EG_PUSHENV_MAX_OPTIONS 100
/* Tickets longer than this are refused. */
#define EG_PUSHENV_MAX_TICKET 128

/*
 * The pushing user: the first of GL_USERNAME, GITHUB_USER_LOGIN,
 * GITEA_PUSHER_NAME, REMOTE_USER and USER that is set to a printable name,
 * or NULL.  Borrowed from the environment.
 */
const char *eg_pushenv_user(void);

/*
 * The override asked for with `git push -o NAME=TICKET`, NAME being
 * `option` (the policy's push_option) or "exportgate.override": git
 * passes push options as GIT_PUSH_OPTION_COUNT and GIT_PUSH_OPTION_<n>.
 * *ticket is NULL when no override was asked for, else a new string the
 * caller frees: the ticket, or "" when none was given or it is not
 * printable or too long.  EG_EUSAGE when git's variables are malformed.
 */
int eg_pushenv_override(char **ticket, const char *option);

#endif
