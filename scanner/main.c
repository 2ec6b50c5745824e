/* main.c: the command line; parses options, runs the library, exits. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <pcre2.h>
#include <yaml.h>

#include "error.h"
#include "hook.h"
#include "policy.h"
#include "report.h"
#include "cmd.h"
#include "scan.h"
#include "sigset.h"

#ifndef EG_VERSION
#define EG_VERSION "0.0.0"
#endif
#ifndef EG_DESCRIBE
#define EG_DESCRIBE "unknown"
#endif

enum { EXIT_CLEAN = 0, EXIT_FOUND = 1, EXIT_USAGE = 2, EXIT_INCOMPLETE = 3 };

static const char usage_main[] =
	"usage: exportgate scan [OPTIONS] [PATH]\n"
	"       exportgate rules list | check FILE... | explain ID | test DIR\n"
	"       exportgate pre-receive [--policy FILE]\n"
	"       exportgate pre-push REMOTE URL [--policy FILE]\n"
	"       exportgate audit verify [FILE]\n"
	"       exportgate --version | --help\n"
	"\n"
	"Keeps export-controlled AI software from leaving through git.\n"
	"See exportgate(1) and 'exportgate COMMAND --help'.\n";

static const char usage_scan[] =
	"usage: exportgate scan [OPTIONS] [PATH]\n"
	"\n"
	"Scan a repository's history, one snapshot, a work tree or a folder.\n"
	"\n"
	"Scope (one of):\n"
	"  --all               every commit reachable from any ref (default)\n"
	"  --rev REVS          the commits of a range: A..B, B, '^A B'\n"
	"  --tree REV          the one snapshot at REV\n"
	"  --worktree          the work tree as it is, untracked files included\n"
	"  --dir               PATH as a plain folder (default outside git)\n"
	"\n"
	"Options:\n"
	"  --rules PATH        signature file or folder (repeatable; default:\n"
	"                      the built-in packs)\n"
	"  --policy FILE       read extra rule packs named by a gate policy\n"
	"  --format FMT        text (default), json, sarif or markdown\n"
	"  --output FILE       write the report to FILE\n"
	"  --baseline FILE     do not report findings already in this JSON report\n"
	"  --jobs N            worker threads (default: the number of CPUs)\n"
	"  --max-blob-size N   larger blobs are listed as unscanned (default 64M;\n"
	"                      suffixes k, M, G; 0 means no limit)\n"
	"  --fail-on LEVEL     controlled, review (default) or never\n"
	"  --progress, --no-progress\n"
	"                      progress line on stderr (default: on a terminal)\n"
	"  --no-color          no colours (also NO_COLOR)\n"
	"\n"
	"Exit: 0 nothing at or above --fail-on, 1 findings, 2 usage or\n"
	"configuration error, 3 incomplete scan.\n";

static int exit_for_error(int err)
{
	switch (err) {
	case EG_ECONFIG:
	case EG_EUSAGE:
	case EG_ENOTREPO:
		return EXIT_USAGE;
	default:
		return EXIT_INCOMPLETE;
	}
}

static int fail(int err)
{
	fprintf(stderr, "exportgate: %s\n", eg_error_last());
	return exit_for_error(err);
}

static int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A bad command line: say what is wrong and where the help is; exit 2. */
static int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("exportgate: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'exportgate%s%s --help'.\n", cmd ? " " : "",
		cmd ? cmd : "");
	return EXIT_USAGE;
}

static int parse_size(const char *s, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10;
		end++;
		break;
	case 'm':
	case 'M':
		v <<= 20;
		end++;
		break;
	case 'g':
	case 'G':
		v <<= 30;
		end++;
		break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

struct scan_args {
	struct eg_scan_opts opts;
	const char *path;
	const char **rules;
	size_t nrules;
	const char *policy;
	const char *format;
	const char *output;
	const char *baseline;
	enum eg_level fail_on;
	int progress; /* -1 auto */
	int color;
	int scope_given;
};

/*
 * Load the packs named on the command line, or the built-in ones, and the
 * extra packs a policy names.
 */
static int load_rules(struct eg_sigset **out, const char **paths, size_t n,
		      const char *policy_path)
{
	struct eg_sigset *set = eg_sigset_new();
	struct eg_policy *policy = NULL;
	size_t i;
	int err = 0;

	if (policy_path)
		err = eg_policy_load(&policy, policy_path);
	if (!err && !n)
		err = eg_sigset_add_builtin(set);
	for (i = 0; i < n && !err; i++)
		err = eg_sigset_add_path(set, paths[i]);
	for (i = 0; policy && i < policy->nrules && !err; i++)
		err = eg_sigset_add_rules(set, policy->rules[i]);
	eg_policy_free(policy);
	if (err == EG_EIO)
		err = EG_ECONFIG;
	if (!err)
		err = eg_sigset_compile(set);
	if (err) {
		eg_sigset_free(set);
		return err;
	}
	*out = set;
	return 0;
}

/*
 * Create the report file before scanning, so that a path that cannot be
 * written is a usage error found at once, not a failure after a long scan
 * that has found what it was run to find.  The file is not emptied yet:
 * --baseline may name the same file, and is read after the scan.  *created
 * says whether the file is new, so that a scan that fails leaves no empty
 * report behind.
 */
static int open_output(FILE **out, int *created, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	int err;

	*created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && (*out = fdopen(fd, "w")))
		return 0;
	err = eg_error_set(EG_EUSAGE, "--output %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	if (*created)
		unlink(path);
	return err;
}

/* Write the report to out, and close out unless it is stdout. */
static int write_report(FILE *out, const struct eg_report *report,
			const struct scan_args *a)
{
	struct eg_output_opts o = {a->color, EG_VERSION};
	int err = 0;

	/* a pipe or a device has nothing to empty, and fails with EINVAL */
	if (out != stdout && ftruncate(fileno(out), 0) && errno != EINVAL)
		err = eg_error_set(EG_EIO, "%s: %s", a->output,
				   strerror(errno));
	else if (!strcmp(a->format, "json"))
		err = eg_report_write_json(report, out, &o);
	else if (!strcmp(a->format, "sarif"))
		err = eg_report_write_sarif(report, out, &o);
	else if (!strcmp(a->format, "markdown"))
		err = eg_report_write_markdown(report, out, &o);
	else
		err = eg_report_write_text(report, out, &o);
	if (fflush(out) != 0 && !err)
		err = eg_error_set(EG_EIO, "cannot write the report");
	if (out != stdout && fclose(out) != 0 && !err)
		err = eg_error_set(EG_EIO, "%s: %s", a->output,
				   strerror(errno));
	return err;
}

/*
 * Read the baseline before scanning, so that a bad one is reported at once,
 * with nothing scanned, rather than after a long scan.
 */
static int check_baseline(const char *path, const struct eg_sigset *set)
{
	struct eg_report *empty;
	FILE *f = fopen(path, "r");
	int err;

	if (!f)
		return eg_error_set(EG_ECONFIG, "--baseline %s: %s", path,
				    strerror(errno));
	fclose(f);
	empty = eg_report_new(set, ".", EG_TARGET_ALL);
	err = eg_report_apply_baseline(empty, path);
	eg_report_free(empty);
	return err;
}

static int parse_scan_args(struct scan_args *a, int argc, char **argv)
{
	enum {
		O_ALL = 256,
		O_REV,
		O_TREE,
		O_WORKTREE,
		O_DIR,
		O_RULES,
		O_POLICY,
		O_FORMAT,
		O_OUTPUT,
		O_BASELINE,
		O_JOBS,
		O_MAXBLOB,
		O_FAILON,
		O_PROGRESS,
		O_NOPROGRESS,
		O_NOCOLOR,
		O_HELP
	};
	_Static_assert(O_REV - O_ALL == EG_TARGET_REV &&
			       O_TREE - O_ALL == EG_TARGET_TREE &&
			       O_WORKTREE - O_ALL == EG_TARGET_WORKTREE &&
			       O_DIR - O_ALL == EG_TARGET_DIR,
		       "scope options follow enum eg_target_scope");
	static const struct option longopts[] = {
		{"all", no_argument, NULL, O_ALL},
		{"rev", required_argument, NULL, O_REV},
		{"tree", required_argument, NULL, O_TREE},
		{"worktree", no_argument, NULL, O_WORKTREE},
		{"dir", no_argument, NULL, O_DIR},
		{"rules", required_argument, NULL, O_RULES},
		{"policy", required_argument, NULL, O_POLICY},
		{"format", required_argument, NULL, O_FORMAT},
		{"output", required_argument, NULL, O_OUTPUT},
		{"baseline", required_argument, NULL, O_BASELINE},
		{"jobs", required_argument, NULL, O_JOBS},
		{"max-blob-size", required_argument, NULL, O_MAXBLOB},
		{"fail-on", required_argument, NULL, O_FAILON},
		{"progress", no_argument, NULL, O_PROGRESS},
		{"no-progress", no_argument, NULL, O_NOPROGRESS},
		{"no-color", no_argument, NULL, O_NOCOLOR},
		{"no-colour", no_argument, NULL, O_NOCOLOR},
		{"help", no_argument, NULL, O_HELP},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->format = "text";
	a->fail_on = EG_LEVEL_REVIEW;
	a->progress = -1;
	a->color = 1;
	a->opts.max_blob_size = 64ull << 20;
	a->rules = eg_xcalloc((size_t)argc, sizeof(char *));
	optind = 1;
	opterr = 0;
	/* ':' first: a missing value is told apart from an unknown option */
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case O_ALL:
		case O_REV:
		case O_TREE:
		case O_WORKTREE:
		case O_DIR:
			if (a->scope_given)
				return usage_error(
					"scan", "%s",
					"choose one of --all, --rev, --tree, --worktree, --dir");
			a->scope_given = 1;
			/* the scope options are in the order of the scopes */
			a->opts.scope = (enum eg_target_scope)(c - O_ALL);
			a->opts.rev = optarg;
			break;
		case O_RULES:
			a->rules[a->nrules++] = optarg;
			break;
		case O_POLICY:
			a->policy = optarg;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "text") && strcmp(optarg, "json") &&
			    strcmp(optarg, "sarif") &&
			    strcmp(optarg, "markdown"))
				return usage_error(
					"scan",
					"unknown format '%s' (text, json, sarif, markdown)",
					optarg);
			a->format = optarg;
			break;
		case O_OUTPUT:
			a->output = optarg;
			break;
		case O_BASELINE:
			a->baseline = optarg;
			break;
		case O_JOBS: {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (*end || n < 0 || n > 1024)
				return usage_error(
					"scan",
					"--jobs takes a number from 0 to 1024, not '%s'",
					optarg);
			a->opts.jobs = (unsigned)n;
			break;
		}
		case O_MAXBLOB:
			if (parse_size(optarg, &a->opts.max_blob_size))
				return usage_error(
					"scan",
					"bad --max-blob-size '%s' (say 50M)",
					optarg);
			break;
		case O_FAILON:
			if (!strcmp(optarg, "controlled"))
				a->fail_on = EG_LEVEL_CONTROLLED;
			else if (!strcmp(optarg, "review"))
				a->fail_on = EG_LEVEL_REVIEW;
			else if (!strcmp(optarg, "never"))
				a->fail_on = EG_LEVEL_CONTROLLED + 1;
			else
				return usage_error(
					"scan",
					"--fail-on takes controlled, review or never, not '%s'",
					optarg);
			break;
		case O_PROGRESS:
			a->progress = 1;
			break;
		case O_NOPROGRESS:
			a->progress = 0;
			break;
		case O_NOCOLOR:
			a->color = 0;
			break;
		case 'h':
		case O_HELP:
			fputs(usage_scan, stdout);
			return EXIT_CLEAN;
		case ':':
			return usage_error("scan", "option '%s' needs a value",
					   argv[optind - 1]);
		default:
			return usage_error("scan", "unknown option '%s'",
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		a->path = argv[optind++];
	if (optind < argc)
		return usage_error("scan", "unexpected argument '%s'",
				   argv[optind]);
	if (!a->path)
		a->path = ".";
	if (a->progress < 0)
		a->progress = isatty(STDERR_FILENO);
	a->opts.progress = a->progress;
	if (getenv("NO_COLOR") && *getenv("NO_COLOR"))
		a->color = 0;
	if (getenv("TERM") && !strcmp(getenv("TERM"), "dumb"))
		a->color = 0;
	if (a->output || strcmp(a->format, "text") || !isatty(STDOUT_FILENO))
		a->color = 0;
	return -1;
}

static int cmd_scan(int argc, char **argv)
{
	struct scan_args a;
	struct eg_sigset *set = NULL;
	struct eg_report *report = NULL;
	git_repository *repo = NULL;
	FILE *out = stdout;
	int created = 0;
	int err, rc;

	if ((rc = parse_scan_args(&a, argc, argv)) >= 0)
		goto done;
	if ((err = load_rules(&set, a.rules, a.nrules, a.policy)) ||
	    (a.baseline && (err = check_baseline(a.baseline, set)))) {
		rc = fail(err);
		goto done;
	}
	if (a.opts.scope != EG_TARGET_DIR &&
	    git_repository_open_ext(&repo, a.path, 0, NULL) < 0) {
		if (a.scope_given) {
			fprintf(stderr,
				"exportgate: %s: not a git repository "
				"(use --dir to scan a plain folder)\n",
				a.path);
			rc = EXIT_USAGE;
			goto done;
		}
		git_error_clear();
		a.opts.scope = EG_TARGET_DIR;
	}
	if (a.output && (err = open_output(&out, &created, a.output))) {
		rc = fail(err);
		goto done;
	}
	err = repo ? eg_scan_repository(&report, repo, set, &a.opts)
		   : eg_scan_dir(&report, a.path, set, &a.opts);
	if (!err && a.baseline)
		err = eg_report_apply_baseline(report, a.baseline);
	if (!err) {
		err = write_report(out, report, &a);
		out = stdout;
		if (err && created)
			unlink(a.output);
	}
	if (err) {
		rc = fail(err);
		goto done;
	}
	if (eg_report_max_level(report) >= a.fail_on &&
	    eg_report_max_level(report) != EG_LEVEL_NONE)
		rc = EXIT_FOUND;
	else if (report->incomplete)
		rc = EXIT_INCOMPLETE;
	else
		rc = EXIT_CLEAN;
done:
	if (out != stdout) {
		fclose(out);
		if (created)
			unlink(a.output);
	}
	eg_report_free(report);
	git_repository_free(repo);
	eg_sigset_free(set);
	free(a.rules);
	return rc;
}

static int print_version(void)
{
	int major, minor, rev;
	uint32_t jit = 0;
	char pcre[64] = "";

	git_libgit2_version(&major, &minor, &rev);
	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	pcre2_config(PCRE2_CONFIG_JIT, &jit);
	printf("exportgate %s (%s)\n", EG_VERSION, EG_DESCRIBE);
	printf("libgit2 %d.%d.%d, pcre2 %s%s, libyaml %s, jansson %s,\n%s\n",
	       major, minor, rev, pcre, jit ? " (JIT)" : " (no JIT)",
	       yaml_get_version_string(), jansson_version_str(),
	       OpenSSL_version(OPENSSL_VERSION));
	return EXIT_CLEAN;
}

static int run_command(const char *cmd, int argc, char **argv)
{
	if (!strcmp(cmd, "scan"))
		return cmd_scan(argc, argv);
	if (!strcmp(cmd, "rules"))
		return eg_cmd_rules(argc, argv);
	if (!strcmp(cmd, "pre-receive"))
		return eg_cmd_pre_receive(argc, argv);
	if (!strcmp(cmd, "pre-push"))
		return eg_cmd_pre_push(argc, argv);
	if (!strcmp(cmd, "audit"))
		return eg_cmd_audit(argc, argv);
	return usage_error(NULL, "unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	char *help[] = {NULL, (char *)"--help", NULL};
	int rc;

	if (!cmd) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version"))
		return print_version();
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") ||
	    (!strcmp(cmd, "help") && argc < 3)) {
		fputs(usage_main, stdout);
		return EXIT_CLEAN;
	}
	if (cmd[0] == '-')
		return usage_error(NULL, "unknown option '%s'", cmd);
	git_libgit2_init();
	/*
	 * The scanner reads objects and never runs anything from a
	 * repository, so git's owner check (safe.directory) protects nothing
	 * here and would make a server's scan fail for a repository owned by
	 * another account.
	 */
	git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
	/*
	 * Like git itself, read objects without hashing each one again: that
	 * would cost more than matching it.  Corrupt objects still fail to
	 * inflate and are reported as unscanned.
	 */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	if (!strcmp(cmd, "help")) {
		/* `exportgate help COMMAND` is `exportgate COMMAND --help` */
		help[0] = argv[2];
		rc = run_command(argv[2], 2, help);
	} else {
		rc = run_command(cmd, argc - 1, argv + 1);
	}
	git_libgit2_shutdown();
	return rc;
}
