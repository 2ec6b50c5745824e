/* prepush.c: `exportgate pre-push`, the same check on an engineer's machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "approvals.h"
#include "decision.h"
#include "destination.h"
#include "gate.h"
#include "hook.h"
#include "policy.h"
#include "pushenv.h"
#include "remoteurl.h"
#include "reponame.h"
#include "scan.h"
#include "updates.h"

static const char usage[] =
	"usage: exportgate pre-push REMOTE URL [--policy FILE]\n"
	"\n"
	"git's pre-push hook: reads \"<local ref> <local sha> <remote ref>\n"
	"<remote sha>\" lines on stdin, scans the commits the remote does not\n"
	"have, and refuses the push when content matching a signature may not\n"
	"go to the jurisdiction the policy gives URL.  Exit: 0 push allowed,\n"
	"1 refused, 2 usage or policy error, 3 the push could not be judged.\n";

struct push {
	const char *remote, *url, *policy_cli;
	struct eg_updates updates;
	git_repository *repo;
	char *policy_path;
	struct eg_policy *policy;
	char *repository;
	struct eg_destinations dests;
	struct eg_approvals *approvals;
	struct eg_sigset *set;
	git_oid *tips, *hide;
	size_t ntips, nhide;
	char *hide_glob;
	struct eg_report *report;
	struct eg_decision *decision;
	struct eg_decision_input in;
	char today[11];
};

static int parse_args(struct push *p, int argc, char **argv)
{
	const char *pos[2];
	int i, n = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--policy") && i + 1 < argc)
			p->policy_cli = argv[++i];
		else if (!strncmp(argv[i], "--policy=", 9) && argv[i][9])
			p->policy_cli = argv[i] + 9;
		else if (argv[i][0] == '-' && argv[i][1])
			return eg_error_set(EG_EUSAGE, "unknown option '%s'",
					    argv[i]);
		else if (n < 2)
			pos[n++] = argv[i];
		else
			return eg_error_set(EG_EUSAGE,
					    "too many arguments ('%s')",
					    argv[i]);
	}
	if (n < 2)
		return eg_error_set(EG_EUSAGE,
				    "usage: exportgate pre-push REMOTE URL "
				    "[--policy FILE]");
	p->remote = pos[0];
	p->url = pos[1];
	return 0;
}

/*
 * A glob of the refs under refs/remotes/<remote>/, what we know the remote
 * has, when REMOTE is a remote's name and URL is the URL it fetches from:
 * those refs describe that URL, and a pushurl, pushInsteadOf or a second
 * url sends the push elsewhere.  git passes the URL as the name when
 * pushing to a URL, and a name with glob characters would hide more than
 * it should.  Without a glob only the old ids git reports count as known.
 */
static int hide_glob(struct push *p)
{
	git_config *cfg = NULL;
	char *fetch_url = NULL;
	int valid = 0, err;

	if (git_remote_name_is_valid(&valid, p->remote) < 0 || !valid ||
	    strpbrk(p->remote, "*?[\\")) {
		git_error_clear();
		return 0;
	}
	if (git_repository_config_snapshot(&cfg, p->repo) < 0)
		return eg_error_set_git("reading the git configuration");
	err = eg_remoteurl_fetch(&fetch_url, cfg, p->remote);
	if (!err && fetch_url && !strcmp(fetch_url, p->url)) {
		p->hide_glob = eg_xmalloc(strlen(p->remote) + 16);
		sprintf(p->hide_glob, "refs/remotes/%s/*", p->remote);
	}
	free(fetch_url);
	git_config_free(cfg);
	return err;
}

static int scan(struct push *p)
{
	struct eg_scan_opts opts;
	int err;

	if (!p->ntips) {
		p->report = eg_report_new(p->set, git_repository_path(p->repo),
					  EG_TARGET_PUSH);
		eg_report_finish(p->report);
		return 0;
	}
	eg_gate_known_old(&p->hide, &p->nhide, p->repo, &p->updates);
	if ((err = hide_glob(p)) < 0)
		return err;
	memset(&opts, 0, sizeof(opts));
	opts.scope = EG_TARGET_PUSH;
	opts.open_from_env = 1;
	opts.tips = p->tips;
	opts.ntips = p->ntips;
	opts.hide = p->hide;
	opts.nhide = p->nhide;
	opts.hide_refs_glob = p->hide_glob;
	/* No deadline: the policy's is the server's budget, not ours. */
	return eg_scan_repository(&p->report, p->repo, p->set, &opts);
}

/*
 * Approvals live on the server; when this machine can read the file the
 * policy names, they count here too, so an approved push is not refused
 * on the way.  An unreadable file is not an error here.
 */
static int load_approvals(struct push *p)
{
	if (!p->policy->approvals || access(p->policy->approvals, R_OK) < 0)
		return 0;
	return eg_approvals_load(&p->approvals, p->policy->approvals);
}

static int judge(struct push *p, int argc, char **argv)
{
	char via[300];
	int err;

	if ((err = parse_args(p, argc, argv)) ||
	    (err = eg_updates_read_push(&p->updates, stdin)) ||
	    (err = eg_gate_open(&p->repo)) ||
	    (err = eg_policy_find(&p->policy_path, p->policy_cli, p->repo)) ||
	    (err = eg_policy_load(&p->policy, p->policy_path)) ||
	    (err = eg_reponame_get(&p->repository, p->repo)) ||
	    (err = load_approvals(p)) ||
	    (err = eg_gate_sigset(&p->set, p->policy)) ||
	    (err = eg_gate_tips(&p->tips, &p->ntips, p->repo, &p->updates)) ||
	    (err = scan(p)))
		return err;
	snprintf(via, sizeof(via), "remote %s", p->remote);
	eg_destinations_add_url(&p->dests, p->policy, p->url, via);
	eg_approvals_today(p->today, time(NULL));
	p->in.report = p->report;
	p->in.policy = p->policy;
	p->in.destinations = &p->dests;
	p->in.approvals = p->approvals;
	p->in.repository = p->repository;
	p->in.user = eg_pushenv_user();
	p->in.today = p->today;
	p->decision = eg_decision_make(&p->in);
	return 0;
}

static int failed(struct push *p, int err)
{
	if (p->policy && p->policy->on_error_accept &&
	    eg_gate_may_accept(err)) {
		fprintf(stderr,
			"exportgate: warning: %s; the push goes ahead, as the "
			"policy says on_error: accept\n",
			eg_gate_reason());
		return EG_GATE_ACCEPT;
	}
	fprintf(stderr, "exportgate: push refused: %s\n", eg_gate_reason());
	return eg_gate_exit_code(err);
}

static void release(struct push *p)
{
	eg_decision_free(p->decision);
	eg_report_free(p->report);
	free(p->hide_glob);
	free(p->hide);
	free(p->tips);
	eg_sigset_free(p->set);
	eg_approvals_free(p->approvals);
	eg_destinations_release(&p->dests);
	free(p->repository);
	eg_policy_free(p->policy);
	free(p->policy_path);
	git_repository_free(p->repo);
	eg_updates_release(&p->updates);
}

int eg_cmd_pre_push(int argc, char **argv)
{
	struct push p;
	int err, rc;

	if (argc == 2 &&
	    (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return EG_GATE_ACCEPT;
	}
	memset(&p, 0, sizeof(p));
	git_libgit2_init();
	err = judge(&p, argc, argv);
	if (err < 0) {
		rc = failed(&p, err);
	} else if (!p.decision->reject && p.report->incomplete) {
		rc = failed(&p, eg_gate_incomplete(p.report));
	} else {
		eg_decision_print(p.decision, &p.in, "exportgate: push refused",
				  stderr);
		rc = p.decision->reject ? EG_GATE_REJECT : EG_GATE_ACCEPT;
	}
	release(&p);
	git_libgit2_shutdown();
	return rc;
}
