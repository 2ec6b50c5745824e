/* auditcmd.c: `exportgate audit verify`, checking the audit log's chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "audit.h"
#include "digest.h"
#include "gate.h"
#include "hook.h"
#include "policy.h"

static const char usage[] =
	"usage: exportgate audit verify [FILE] [--policy FILE] [--head SHA256]\n"
	"\n"
	"Check the hash chain of the gate's audit log: FILE, else the policy's\n"
	"audit_log, else " EG_AUDIT_DEFAULT_PATH ".\n"
	"--head: a head kept elsewhere (the hook writes each new one to\n"
	"syslog); the chain must still reach it, or records after it were cut\n"
	"or rewritten.\n"
	"Exit: 0 the chain is intact, 1 a record is broken (its line is\n"
	"named) or the chain does not reach --head, 2 the log or the policy\n"
	"cannot be read.\n";

/*
 * The log to check when none is named: the policy's audit_log.  Without a
 * policy, the default log; a policy that exists but cannot be read is an
 * error, as it is for the hooks.
 */
static int default_log(char **out, const char *policy_cli)
{
	struct eg_policy *policy = NULL;
	char *path = NULL;
	int err;

	err = eg_policy_find(&path, policy_cli, NULL);
	if (err < 0 && !policy_cli) {
		*out = eg_xstrdup(EG_AUDIT_DEFAULT_PATH);
		return 0;
	}
	if (!err)
		err = eg_policy_load(&policy, path);
	if (!err)
		*out = eg_xstrdup(policy->audit_log ? policy->audit_log
						    : EG_AUDIT_DEFAULT_PATH);
	eg_policy_free(policy);
	free(path);
	return err;
}

static int verify(const char *file, const char *policy_cli, const char *head)
{
	struct eg_audit_check check;
	char *path = NULL;
	int err, rc;

	err = file ? 0 : default_log(&path, policy_cli);
	if (!err)
		err = eg_audit_verify(file ? file : path, head, &check);
	if (err < 0) {
		fprintf(stderr, "exportgate: audit verify: %s\n",
			eg_gate_reason());
		free(path);
		return EG_GATE_USAGE;
	}
	if (!file)
		file = path;
	if (check.bad_line) {
		printf("%s: record at line %zu is broken: %s\n"
		       "%s: %zu record%s before it verified\n",
		       file, check.bad_line, check.why, file, check.records,
		       check.records == 1 ? "" : "s");
		rc = 1;
	} else {
		printf("%s: %zu record%s, chain intact\n", file, check.records,
		       check.records == 1 ? "" : "s");
		if (check.sealed)
			printf("%s: %zu torn record%s (an append cut short "
			       "by a crash), sealed by the record after it; "
			       "the first at line %zu\n",
			       file, check.sealed, check.sealed == 1 ? "" : "s",
			       check.first_sealed);
		printf("%s: head %s (line %zu)\n", file, check.head,
		       check.lines);
		rc = 0;
	}
	if (!check.bad_line && head && !check.head_line) {
		printf("%s: the chain does not reach head %s: records after "
		       "it were cut or rewritten\n",
		       file, head);
		rc = 1;
	} else if (!check.bad_line && head) {
		printf("%s: head %s is line %zu\n", file, head,
		       check.head_line);
	}
	fflush(stdout);
	free(path);
	return rc;
}

int eg_cmd_audit(int argc, char **argv)
{
	const char *file = NULL, *policy_cli = NULL, *head = NULL;
	int i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EG_GATE_USAGE : 0;
	}
	if (strcmp(argv[1], "verify")) {
		fprintf(stderr, "exportgate: audit: unknown command '%s'\n%s",
			argv[1], usage);
		return EG_GATE_USAGE;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--policy") && i + 1 < argc) {
			policy_cli = argv[++i];
		} else if (!strncmp(argv[i], "--policy=", 9) && argv[i][9]) {
			policy_cli = argv[i] + 9;
		} else if (!strcmp(argv[i], "--head") && i + 1 < argc) {
			head = argv[++i];
		} else if (!strncmp(argv[i], "--head=", 7)) {
			head = argv[i] + 7;
		} else if (!strcmp(argv[i], "--help") ||
			   !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if ((argv[i][0] == '-' && argv[i][1]) || file) {
			fprintf(stderr,
				"exportgate: audit verify: unexpected '%s'\n%s",
				argv[i], usage);
			return EG_GATE_USAGE;
		} else {
			file = argv[i];
		}
	}
	if (head && !eg_digest_is_hex(head)) {
		fprintf(stderr,
			"exportgate: audit verify: --head '%s' is not a "
			"SHA-256 of 64 hex digits\n",
			head);
		return EG_GATE_USAGE;
	}
	return verify(file, policy_cli, head);
}
