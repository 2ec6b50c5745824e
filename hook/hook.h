/* hook.h: the gate's commands, called by scanner/main.c. */
#ifndef EG_HOOK_H
#define EG_HOOK_H

/*
 * Each takes the command line from the subcommand on (argv[0] is
 * "pre-receive", "pre-push" or "audit") and returns the process's exit
 * code: 0 push accepted (audit: chain intact), 1 push rejected (audit:
 * chain broken), 2 usage or configuration error, 3 the scan or the
 * decision could not be completed (unreadable objects, deadline, internal
 * error, audit log not written).  Every nonzero code rejects the push, so
 * the gate fails closed: a pre-receive hook that cannot judge a push
 * rejects it unless the policy says on_error: accept.
 */
int eg_cmd_pre_receive(int argc, char **argv);
int eg_cmd_pre_push(int argc, char **argv);
int eg_cmd_audit(int argc, char **argv);

#endif
