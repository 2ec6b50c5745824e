/* prereceive.c: `exportgate pre-receive`, the gate on a git server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "error.h"
#include "approvals.h"
#include "audit.h"
#include "decision.h"
#include "destination.h"
#include "gate.h"
#include "hook.h"
#include "policy.h"
#include "pushenv.h"
#include "record.h"
#include "reponame.h"
#include "scan.h"
#include "updates.h"

static const char usage[] =
	"usage: exportgate pre-receive [--policy FILE]\n"
	"\n"
	"git's pre-receive hook: reads \"<old> <new> <ref>\" lines on stdin,\n"
	"scans what the push brings in, and rejects the push when content\n"
	"matching a signature would reach a destination the policy does not\n"
	"permit.  Exit: 0 accepted, 1 rejected, 2 usage or policy error,\n"
	"3 the push could not be judged (rejected unless on_error: accept).\n";

/* Everything one push is judged with; freed by release(). */
struct gate {
	const char *policy_cli;
	struct eg_updates updates;
	git_repository *repo;
	char *policy_path;
	struct eg_policy *policy;
	char *repository;
	const char *user;
	char *ticket;
	struct eg_destinations dests;
	struct eg_approvals *approvals;
	struct eg_sigset *set;
	git_oid *tips;
	size_t ntips;
	struct eg_report *report;
	struct eg_decision *decision;
	struct eg_decision_input in;
	char today[11];
};

static int parse_args(struct gate *g, int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--policy") && i + 1 < argc)
			g->policy_cli = argv[++i];
		else if (!strncmp(argv[i], "--policy=", 9) && argv[i][9])
			g->policy_cli = argv[i] + 9;
		else
			return eg_error_set(EG_EUSAGE,
					    "unknown argument '%s'; usage: "
					    "exportgate pre-receive [--policy "
					    "FILE]",
					    argv[i]);
	}
	return 0;
}

static int scan(struct gate *g)
{
	struct eg_scan_opts opts;
	git_oid *hide = NULL;
	char *cache = NULL;
	int err;

	/* a binary built without packs would let everything through */
	if (!g->set->nsigs)
		return eg_error_set(EG_ECONFIG,
				    "no signatures are loaded; the gate cannot "
				    "judge pushes");
	memset(&opts, 0, sizeof(opts));
	opts.scope = EG_TARGET_PUSH;
	opts.open_from_env = 1;
	opts.tips = g->tips;
	opts.ntips = g->ntips;
	/*
	 * What the branches and the pushed refs' old values reach is already
	 * on the server.  Tags and other refs are not hidden: peeling
	 * thousands of them costs more than a push, and a commit only they
	 * reach is judged again, which can only make the gate stricter.
	 */
	if (!g->ntips) {
		g->report = eg_report_new(g->set, git_repository_path(g->repo),
					  EG_TARGET_PUSH);
		eg_report_finish(g->report);
		return 0;
	}
	eg_gate_known_old(&hide, &opts.nhide, g->repo, &g->updates);
	opts.hide = hide;
	opts.hide_refs_glob = "refs/heads/*";
	if (g->policy->deadline_ms)
		opts.deadline_ms = eg_now_ms() + g->policy->deadline_ms;
	/* what earlier pushes read is not read again */
	if (asprintf(&cache, "%sexportgate/cache-%.16s.bin",
		     git_repository_path(g->repo), g->set->sha256) < 0)
		abort();
	opts.cache_path = cache;
	err = eg_scan_repository(&g->report, g->repo, g->set, &opts);
	free(cache);
	free(hide);
	if (err == EG_EDEADLINE)
		return eg_error_set(err,
				    "the scan did not finish within the "
				    "policy's deadline_ms (%lld ms); push "
				    "smaller pieces or ask compliance",
				    g->policy->deadline_ms);
	return err;
}

/*
 * The ref updates, the repository and the policy.  A bad input line does
 * not stop the policy from being read, so that the rejection is recorded
 * in the policy's audit log; the first failure is returned.
 */
static int setup(struct gate *g)
{
	char first[1024] = "";
	int err, err2;

	err = eg_updates_read_receive(&g->updates, stdin);
	if (err < 0)
		snprintf(first, sizeof(first), "%s", eg_error_last());
	if ((err2 = eg_gate_open(&g->repo)) ||
	    (err2 = eg_reponame_get(&g->repository, g->repo)) ||
	    (err2 = eg_policy_find(&g->policy_path, g->policy_cli, g->repo)) ||
	    (err2 = eg_policy_load(&g->policy, g->policy_path)))
		return err2;
	if (err < 0)
		return eg_error_set(err, "%s", first);
	return 0;
}

/* Everything up to the decision; any failure is the push's rejection. */
static int judge(struct gate *g)
{
	int err;

	if ((err = setup(g)))
		return err;
	/* a decision the server cannot put on record is not made */
	if (!g->policy->audit_log)
		return eg_error_set(EG_ECONFIG,
				    "%s:1:1: policy: audit_log is missing; the "
				    "server records every push decision",
				    g->policy_path);
	if ((err = eg_pushenv_override(&g->ticket,
				       g->policy->override_option)) ||
	    (err = eg_destinations_collect(&g->dests, g->policy, g->repo,
					   g->repository)))
		return err;
	if (g->policy->approvals &&
	    (err = eg_approvals_load(&g->approvals, g->policy->approvals)))
		return err == EG_EIO ? EG_ECONFIG : err;
	if ((err = eg_gate_sigset(&g->set, g->policy)) ||
	    (err = eg_gate_tips(&g->tips, &g->ntips, g->repo, &g->updates)) ||
	    (err = scan(g)))
		return err;

	eg_approvals_today(g->today, time(NULL));
	g->in.report = g->report;
	g->in.policy = g->policy;
	g->in.destinations = &g->dests;
	g->in.approvals = g->approvals;
	g->in.repository = g->repository;
	g->in.user = g->user;
	g->in.override_ticket = g->ticket;
	g->in.today = g->today;
	g->decision = eg_decision_make(&g->in);
	return 0;
}

/*
 * Tell syslog the audit log's new head, a witness kept out of the log's
 * reach: whoever can rewrite the log's tail (cut records, or compute the
 * hashes again) cannot make `audit verify --head` reach a head syslog has.
 */
static void witness(const char *path, const char *head, int accept)
{
	openlog("exportgate", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_NOTICE, "audit %s head %s (%s)", path, head,
	       accept ? "accepted" : "rejected");
	closelog();
}

/*
 * Append the record of this decision.  Without a policy the log is
 * unknown: the default log is used when it exists, else nothing is kept.
 */
static int record(struct gate *g, int accept, const char *reason,
		  const char *error)
{
	struct eg_record rec;
	const char *path = g->policy ? g->policy->audit_log : NULL;
	char head[EG_DIGEST_HEX];
	json_t *json;
	FILE *f;
	int err;

	if (!path && !g->policy && (f = fopen(EG_AUDIT_DEFAULT_PATH, "r"))) {
		fclose(f);
		path = EG_AUDIT_DEFAULT_PATH;
	}
	if (!path)
		return 0;
	memset(&rec, 0, sizeof(rec));
	rec.hook = "pre-receive";
	rec.user = g->user;
	rec.repository = g->repository;
	rec.policy_path = g->policy_path ? g->policy_path : g->policy_cli;
	rec.policy = g->policy;
	rec.approvals = g->approvals;
	rec.set = g->set;
	rec.updates = &g->updates;
	rec.destinations = &g->dests;
	rec.report = g->report;
	rec.decision = g->decision;
	rec.override_ticket = g->ticket;
	rec.accept = accept;
	rec.reason = reason;
	rec.error = error;
	json = eg_record_build(&rec);
	err = eg_audit_append(path, json, head);
	json_decref(json);
	if (!err)
		witness(path, head, accept);
	return err;
}

/* Fail closed: reject with one line, unless the policy says accept. */
static int failed(struct gate *g, int err)
{
	char reason[1100];
	int accept = g->policy && g->policy->on_error_accept &&
		     eg_gate_may_accept(err);

	snprintf(reason, sizeof(reason), "%s", eg_gate_reason());
	if (accept)
		fprintf(stderr,
			"exportgate: warning: %s; the push is accepted, as the "
			"policy says on_error: accept\n",
			reason);
	else
		fprintf(stderr, "exportgate: push rejected: %s\n", reason);
	if (record(g, accept, reason, reason) < 0)
		fprintf(stderr,
			"exportgate: and the audit log failed too: %s\n",
			eg_gate_reason());
	return accept ? EG_GATE_ACCEPT : eg_gate_exit_code(err);
}

static int conclude(struct gate *g)
{
	const struct eg_decision *d = g->decision;
	int err;

	if (!d->reject && g->report->incomplete)
		return failed(g, eg_gate_incomplete(g->report));
	eg_decision_print(d, &g->in, "exportgate: push rejected", stderr);
	err = record(g, !d->reject, d->reason, NULL);
	if (d->reject) {
		if (err < 0)
			fprintf(stderr,
				"exportgate: and the audit log failed: %s\n",
				eg_gate_reason());
		return EG_GATE_REJECT;
	}
	if (err < 0) {
		/* An acceptance that is not on record does not happen. */
		if (g->policy->on_error_accept) {
			fprintf(stderr,
				"exportgate: warning: audit log: %s; the push "
				"is accepted, as the policy says on_error: "
				"accept\n",
				eg_gate_reason());
			return EG_GATE_ACCEPT;
		}
		fprintf(stderr, "exportgate: push rejected: audit log: %s\n",
			eg_gate_reason());
		return EG_GATE_INCOMPLETE;
	}
	return EG_GATE_ACCEPT;
}

static void release(struct gate *g)
{
	eg_decision_free(g->decision);
	eg_report_free(g->report);
	free(g->tips);
	eg_sigset_free(g->set);
	eg_approvals_free(g->approvals);
	eg_destinations_release(&g->dests);
	free(g->ticket);
	free(g->repository);
	eg_policy_free(g->policy);
	free(g->policy_path);
	git_repository_free(g->repo);
	eg_updates_release(&g->updates);
}

int eg_cmd_pre_receive(int argc, char **argv)
{
	struct gate g;
	int err, rc;

	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return EG_GATE_ACCEPT;
	}
	memset(&g, 0, sizeof(g));
	g.user = eg_pushenv_user();
	git_libgit2_init();
	err = parse_args(&g, argc, argv);
	if (!err)
		err = judge(&g);
	rc = err < 0 ? failed(&g, err) : conclude(&g);
	release(&g);
	git_libgit2_shutdown();
	return rc;
}
