/* test_prereceive.c: the pre-receive command on a repository made here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "error.h"
#include "audit.h"
#include "hook.h"

#define ZERO "0000000000000000000000000000000000000000"

static const char pack[] =
	"pack: {id: test-pack, version: \"1\"}\n"
	"signatures:\n"
	"  - id: T.1\n"
	"    eccn: \"0D521\"\n"
	"    title: Test signature\n"
	"    status: active\n"
	"    permitted: [US, CA]\n"
	"    scope: repository\n"
	"    criteria:\n"
	"      - {id: a, title: Alpha, patterns: [{id: a, literal: "
	"ALPHA_MARK}]}\n"
	"      - {id: b, title: Beta, patterns: [{id: b, literal: "
	"BETA_MARK}]}\n"
	"    controlled: {all: [a, b]}\n"
	"    review: {any: [a, b]}\n";

/* The fixture: a bare repository with a DE mirror, a policy, a log. */
static char dir[256], repo_path[300], policy[300], audit[300], approvals[300],
	err_path[300];
static git_repository *repo;

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void write_policy(const char *log, const char *extra)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "jurisdiction: US\n"
		 "destinations:\n"
		 "  - {url: \"ssh://git@mirror.example.de/*\", "
		 "jurisdiction: DE}\n"
		 "rules: [pack.yml]\n"
		 "approvals: approvals.yml\n"
		 "audit_log: %s\n"
		 "override: {users: [alice]}\n"
		 "%s",
		 log, extra);
	write_file(policy, text);
}

static int setup(void **state)
{
	git_config *cfg = NULL;
	char path[400];

	(void)state;
	git_libgit2_init();
	snprintf(dir, sizeof(dir), "/tmp/eg-prereceive-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(repo_path, sizeof(repo_path), "%s/srv.git", dir);
	snprintf(policy, sizeof(policy), "%s/policy.yml", dir);
	snprintf(audit, sizeof(audit), "%s/audit.jsonl", dir);
	snprintf(approvals, sizeof(approvals), "%s/approvals.yml", dir);
	snprintf(err_path, sizeof(err_path), "%s/stderr", dir);
	snprintf(path, sizeof(path), "%s/pack.yml", dir);
	write_file(path, pack);
	write_file(approvals, "[]\n");
	write_policy("audit.jsonl", "");
	if (git_repository_init(&repo, repo_path, 1) < 0 ||
	    git_repository_config(&cfg, repo) < 0 ||
	    git_config_set_string(cfg, "remote.m.url",
				  "ssh://git@mirror.example.de/geo/r.git") <
		    0 ||
	    git_config_set_bool(cfg, "remote.m.mirror", 1) < 0)
		return -1;
	git_config_free(cfg);
	setenv("GIT_DIR", repo_path, 1);
	unsetenv("GIT_PUSH_OPTION_COUNT");
	unsetenv("GL_USERNAME");
	unsetenv("REMOTE_USER");
	setenv("USER", "carol", 1);
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	git_repository_free(repo);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	unsetenv("GIT_DIR");
	git_libgit2_shutdown();
	return system(cmd) == 0 ? 0 : -1;
}

/* A commit (not on any ref, as in the quarantine) with one file. */
static void commit(char hex[41], const char *name, const char *text,
		   const char *parent_hex)
{
	git_treebuilder *tb = NULL;
	git_oid blob, tree, oid, pid;
	git_tree *t = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	const git_commit *parents[1];

	assert_int_equal(
		git_blob_create_from_buffer(&blob, repo, text, strlen(text)),
		0);
	if (parent_hex) {
		git_oid_fromstr(&pid, parent_hex);
		assert_int_equal(git_commit_lookup(&parent, repo, &pid), 0);
		assert_int_equal(git_commit_tree(&t, parent), 0);
	}
	assert_int_equal(git_treebuilder_new(&tb, repo, t), 0);
	assert_int_equal(git_treebuilder_insert(NULL, tb, name, &blob,
						GIT_FILEMODE_BLOB),
			 0);
	assert_int_equal(git_treebuilder_write(&tree, tb), 0);
	git_tree_free(t);
	assert_int_equal(git_tree_lookup(&t, repo, &tree), 0);
	assert_int_equal(
		git_signature_new(&sig, "A", "a@example.com", 1700000000, 0),
		0);
	parents[0] = parent;
	assert_int_equal(git_commit_create(&oid, repo, NULL, sig, sig, NULL,
					   name, t, parent ? 1 : 0, parents),
			 0);
	git_oid_tostr(hex, 41, &oid);
	git_signature_free(sig);
	git_tree_free(t);
	git_commit_free(parent);
	git_treebuilder_free(tb);
}

static void set_ref(const char *name, const char *hex)
{
	git_reference *ref = NULL;
	git_oid oid;

	git_oid_fromstr(&oid, hex);
	assert_int_equal(git_reference_create(&ref, repo, name, &oid, 1, NULL),
			 0);
	git_reference_free(ref);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	fread(buf, 1, (1 << 16) - 1, f);
	fclose(f);
	return buf;
}

/* Run `exportgate pre-receive --policy P` on `lines`; stderr is kept. */
static int run(const char *lines)
{
	static char name[] = "pre-receive", opt[] = "--policy";
	char *argv[] = {name, opt, policy, NULL};
	char in_path[300];
	int saved_in = dup(0), saved_err = dup(2), fd, rc;

	snprintf(in_path, sizeof(in_path), "%s/stdin", dir);
	write_file(in_path, lines);
	fd = open(in_path, O_RDONLY);
	dup2(fd, 0);
	close(fd);
	fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(fd, 2);
	close(fd);
	clearerr(stdin);
	rc = eg_cmd_pre_receive(3, argv);
	fflush(stderr);
	dup2(saved_in, 0);
	dup2(saved_err, 2);
	close(saved_in);
	close(saved_err);
	clearerr(stdin);
	if (getenv("EG_SHOW_MESSAGES")) {
		char *text = slurp(err_path);

		printf("exit %d:\n%s", rc, text);
		free(text);
	}
	return rc;
}

static void stderr_has(const char *words)
{
	char *text = slurp(err_path);

	if (!strstr(text, words))
		fail_msg("no '%s' in stderr:\n%s", words, text);
	free(text);
}

/* The last audit record has `words`. */
static void last_record_has(const char *words)
{
	char *text = slurp(audit), *last;
	size_t len = strlen(text);

	assert_true(len > 0);
	text[len - 1] = '\0';
	last = strrchr(text, '\n');
	last = last ? last + 1 : text;
	if (!strstr(last, words))
		fail_msg("no '%s' in the last audit record:\n%s", words, last);
	free(text);
}

static void line(char *out, const char *old, const char *new, const char *ref)
{
	sprintf(out, "%s %s %s\n", old, new, ref);
}

static void test_benign_push_is_accepted_and_recorded(void **state)
{
	char c[41], in[200];

	(void)state;
	commit(c, "README", "hello\n", NULL);
	line(in, ZERO, c, "refs/heads/main");
	assert_int_equal(run(in), 0);
	last_record_has("\"decision\":\"accept\"");
	last_record_has("\"user\":\"carol\"");
	last_record_has("refs/heads/main");
	set_ref("refs/heads/main", c);
}

static void test_controlled_push_to_de_mirror_is_rejected(void **state)
{
	char base[41], c1[41], c2[41], in[200];
	git_reference *ref = NULL;

	(void)state;
	assert_int_equal(git_reference_lookup(&ref, repo, "refs/heads/main"),
			 0);
	git_oid_tostr(base, sizeof(base), git_reference_target(ref));
	git_reference_free(ref);
	commit(c1, "a.py", "ALPHA_MARK\n", base);
	/* One criterion of two: a warning, and the push goes in. */
	line(in, base, c1, "refs/heads/main");
	assert_int_equal(run(in), 0);
	stderr_has("warning: T.1 (ECCN 0D521, review)");
	set_ref("refs/heads/main", c1);
	/* The last criterion on top: the whole tree is judged, rejected. */
	commit(c2, "b.py", "BETA_MARK\n", c1);
	line(in, c1, c2, "refs/heads/main");
	assert_int_equal(run(in), 1);
	stderr_has("exportgate: push rejected: T.1 (ECCN 0D521) may not go "
		   "to DE");
	stderr_has("ssh://git@mirror.example.de/geo/r.git (DE)");
	stderr_has("commit ");
	last_record_has("\"decision\":\"reject\"");
	last_record_has("\"T.1\"");
	last_record_has("\"DE\"");
}

static void test_tag_of_controlled_commit_is_rejected(void **state)
{
	char c1[41], c2[41], in[200], hex[41];
	git_object *target = NULL;
	git_signature *sig = NULL;
	git_oid tag, oid;

	(void)state;
	commit(c1, "x.py", "ALPHA_MARK\n", NULL);
	commit(c2, "y.py", "BETA_MARK\n", c1);
	git_oid_fromstr(&oid, c2);
	assert_int_equal(
		git_object_lookup(&target, repo, &oid, GIT_OBJECT_COMMIT), 0);
	assert_int_equal(
		git_signature_new(&sig, "A", "a@example.com", 1700000000, 0),
		0);
	assert_int_equal(git_tag_annotation_create(&tag, repo, "v1", target,
						   sig, "release"),
			 0);
	git_oid_tostr(hex, sizeof(hex), &tag);
	line(in, ZERO, hex, "refs/tags/v1");
	assert_int_equal(run(in), 1);
	stderr_has("may not go to DE");
	git_signature_free(sig);
	git_object_free(target);
}

static void test_deleting_a_ref_needs_no_scan(void **state)
{
	char c[41], in[200];
	git_reference *ref = NULL;

	(void)state;
	assert_int_equal(git_reference_lookup(&ref, repo, "refs/heads/main"),
			 0);
	git_oid_tostr(c, sizeof(c), git_reference_target(ref));
	git_reference_free(ref);
	line(in, c, ZERO, "refs/heads/main");
	assert_int_equal(run(in), 0);
	last_record_has("\"decision\":\"accept\"");
}

static void test_approval_and_override(void **state)
{
	char c1[41], c2[41], in[200], text[1024];
	git_commit *c = NULL;
	git_oid oid;
	char tree[41];

	(void)state;
	commit(c1, "p.py", "ALPHA_MARK\n", NULL);
	commit(c2, "q.py", "BETA_MARK\n", c1);
	line(in, ZERO, c2, "refs/heads/approved");
	git_oid_fromstr(&oid, c2);
	assert_int_equal(git_commit_lookup(&c, repo, &oid), 0);
	git_oid_tostr(tree, sizeof(tree), git_commit_tree_id(c));
	git_commit_free(c);

	/* The rejection names the tree to approve. */
	assert_int_equal(run(in), 1);
	snprintf(text, sizeof(text), "content %s", tree);
	stderr_has(text);

	snprintf(text, sizeof(text),
		 "- {signature: T.1, repository: srv, content: %s, ticket: "
		 "EXP-42, approver: c@example.com, basis: GOV, expires: "
		 "2020-12-31}\n",
		 tree);
	write_file(approvals, text);
	assert_int_equal(run(in), 1);
	stderr_has("approval EXP-42 expired on 2020-12-31");

	snprintf(text, sizeof(text),
		 "- {signature: T.1, repository: srv, content: %s, ticket: "
		 "EXP-42, approver: c@example.com, basis: GOV, expires: "
		 "2999-12-31}\n",
		 tree);
	write_file(approvals, text);
	assert_int_equal(run(in), 0);
	last_record_has("\"approvals_used\":[{");
	last_record_has("EXP-42");
	write_file(approvals, "[]\n");

	/* Overrides: for listed users only, always recorded. */
	setenv("GIT_PUSH_OPTION_COUNT", "1", 1);
	setenv("GIT_PUSH_OPTION_0", "exportgate.override=EXP-1", 1);
	assert_int_equal(run(in), 1);
	stderr_has("override EXP-1 refused: carol is not listed");
	last_record_has("\"state\":\"refused\"");
	setenv("REMOTE_USER", "alice", 1);
	assert_int_equal(run(in), 0);
	last_record_has("\"ticket\":\"EXP-1\"");
	last_record_has("\"user\":\"alice\"");
	unsetenv("REMOTE_USER");
	unsetenv("GIT_PUSH_OPTION_COUNT");
	unsetenv("GIT_PUSH_OPTION_0");
}

static void test_fails_closed(void **state)
{
	char in[200];
	struct eg_audit_check check;

	(void)state;
	/* An object the repository does not have cannot be judged. */
	line(in, ZERO, "89abcdef0123456789abcdef0123456789abcdef",
	     "refs/heads/ghost");
	assert_int_equal(run(in), 3);
	stderr_has("exportgate: push rejected: refs/heads/ghost: cannot read");
	last_record_has("\"decision\":\"reject\"");
	last_record_has("\"error\":");

	/* ... unless the policy says so, and then it is recorded. */
	write_policy("audit.jsonl", "on_error: accept\n");
	assert_int_equal(run(in), 0);
	stderr_has("on_error: accept");
	last_record_has("\"decision\":\"accept\"");
	last_record_has("\"error\":");

	/* A malformed input line rejects too. */
	write_policy("audit.jsonl", "");
	assert_int_equal(run("not a ref update\n"), 2);
	stderr_has("exportgate: push rejected: input line 1");

	/* A policy the gate cannot read rejects, naming the place. */
	write_file(policy, "jurisdiction: US\ncolour: blue\n");
	line(in, ZERO, "89abcdef0123456789abcdef0123456789abcdef",
	     "refs/heads/x");
	assert_int_equal(run(in), 2);
	stderr_has("policy.yml:2:1: policy: unknown key 'colour'");
	write_policy("audit.jsonl", "");

	/* An audit log that cannot be written rejects. */
	write_policy("/nonexistent/audit.jsonl", "");
	assert_int_equal(run(""), 3);
	stderr_has("exportgate: push rejected: audit log: "
		   "/nonexistent/audit.jsonl");
	write_policy("audit.jsonl", "");

	/* Every decision above is chained in the log. */
	assert_int_equal(eg_audit_verify(audit, NULL, &check), 0);
	assert_int_equal(check.bad_line, 0);
	assert_true(check.records >= 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_benign_push_is_accepted_and_recorded),
		cmocka_unit_test(test_controlled_push_to_de_mirror_is_rejected),
		cmocka_unit_test(test_tag_of_controlled_commit_is_rejected),
		cmocka_unit_test(test_deleting_a_ref_needs_no_scan),
		cmocka_unit_test(test_approval_and_override),
		cmocka_unit_test(test_fails_closed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
