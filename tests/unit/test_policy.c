/* test_policy.c: the gate's policy file, destinations and repository names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "error.h"
#include "destination.h"
#include "policy.h"
#include "reponame.h"

static const char example[] =
	"jurisdiction: US                 # where this server is\n"
	"destinations:\n"
	"  - url: \"ssh://git@mirror.example.de/*\"\n"
	"    jurisdiction: DE\n"
	"  - url: \"https://git.example.ca/*\"\n"
	"    jurisdiction: CA\n"
	"unknown_destination: deny\n"
	"groups:\n"
	"  ear-canada-only: [US, CA]\n"
	"signatures:\n"
	"  \"0D521.1\": {controlled: block, review: warn, permitted: "
	"[ear-canada-only]}\n"
	"  \"5D002.1\": {controlled: warn}\n"
	"mirrors:\n"
	"  - repository: \"geo/*\"\n"
	"    url: \"ssh://git@mirror.example.de/geo/radar.git\"\n"
	"approvals: /etc/exportgate/approvals.yml\n"
	"audit_log: audit.jsonl\n"
	"on_error: reject\n"
	"deadline_ms: 4000\n"
	"override: {push_option: \"exportgate.override\", users: [alice]}\n"
	"rules: [extra.yml]\n";

/* Write `text` to a new temporary file; the caller unlinks and frees. */
static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/eg-policy-XXXXXX");
	int fd = mkstemp(path);
	size_t len = strlen(text);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static struct eg_policy *parse_ok(const char *text)
{
	struct eg_policy *p = NULL;
	int err = eg_policy_parse(&p, "/etc/exportgate/policy.yml", text,
				  strlen(text));

	if (err < 0)
		fail_msg("policy rejected: %s", eg_error_last());
	return p;
}

/* Parse `text` expecting EG_ECONFIG with a message starting `where`. */
static void parse_fails(const char *text, const char *where, const char *words)
{
	struct eg_policy *p = NULL;
	int err = eg_policy_parse(&p, "pol.yml", text, strlen(text));

	assert_int_equal(err, EG_ECONFIG);
	assert_null(p);
	if (strncmp(eg_error_last(), where, strlen(where)) ||
	    !strstr(eg_error_last(), words))
		fail_msg("wanted '%s...%s', got '%s'", where, words,
			 eg_error_last());
}

static void test_example_policy(void **state)
{
	struct eg_policy *p = parse_ok(example);
	const struct eg_policy_signature *s;

	(void)state;
	assert_string_equal(p->jurisdiction, "US");
	assert_int_equal(p->ndestinations, 2);
	assert_int_equal(p->unknown_allow, 0);
	assert_int_equal(p->ngroups, 1);
	s = eg_policy_signature(p, "0D521.1");
	assert_non_null(s);
	assert_int_equal(s->controlled, EG_ACTION_BLOCK);
	assert_int_equal(s->review, EG_ACTION_WARN);
	assert_int_equal(s->npermitted, 2);
	assert_string_equal(s->permitted[0], "US");
	assert_string_equal(s->permitted[1], "CA");
	assert_null(eg_policy_signature(p, "4E091.1"));
	assert_int_equal(p->nmirrors, 1);
	assert_string_equal(p->approvals, "/etc/exportgate/approvals.yml");
	/* Relative paths are relative to the policy file. */
	assert_string_equal(p->audit_log, "/etc/exportgate/audit.jsonl");
	assert_string_equal(p->rules[0], "/etc/exportgate/extra.yml");
	assert_int_equal(p->on_error_accept, 0);
	assert_int_equal(p->deadline_ms, 4000);
	assert_string_equal(p->override_option, "exportgate.override");
	assert_int_equal(p->noverride_users, 1);
	assert_string_equal(p->override_users[0], "alice");
	assert_int_equal(strlen(p->sha256), 64);
	eg_policy_free(p);
}

static void test_minimal_policy_defaults(void **state)
{
	struct eg_policy *p = parse_ok("jurisdiction: US\n");

	(void)state;
	assert_string_equal(p->jurisdiction, "US");
	assert_int_equal(p->unknown_allow, 0);
	assert_int_equal(p->on_error_accept, 0);
	assert_int_equal(p->deadline_ms, 0);
	assert_null(p->approvals);
	assert_null(p->audit_log);
	assert_string_equal(p->override_option, "exportgate.override");
	assert_int_equal(p->noverride_users, 0);
	eg_policy_free(p);
}

static void test_url_jurisdiction(void **state)
{
	struct eg_policy *p = parse_ok(example);

	(void)state;
	assert_string_equal(
		eg_policy_jurisdiction(
			p, "ssh://git@mirror.example.de/geo/radar.git"),
		"DE");
	assert_string_equal(eg_policy_jurisdiction(
				    p, "https://git.example.ca/geo/radar.git"),
			    "CA");
	/* Credentials in a URL do not hide where it goes. */
	assert_string_equal(
		eg_policy_jurisdiction(
			p, "https://bot:s3cret@git.example.ca/geo/radar.git"),
		"CA");
	assert_null(eg_policy_jurisdiction(p, "https://github.com/geo/x"));
	assert_null(eg_policy_jurisdiction(
		p, "https://git.example.ca.evil.example/x"));
	eg_policy_free(p);
}

static void test_first_destination_wins(void **state)
{
	struct eg_policy *p = parse_ok(
		"jurisdiction: US\n"
		"destinations:\n"
		"  - {url: \"https://git.example.com/canada/*\", "
		"jurisdiction: CA}\n"
		"  - {url: \"https://git.example.com/*\", jurisdiction: DE}\n");

	(void)state;
	assert_string_equal(
		eg_policy_jurisdiction(p, "https://git.example.com/canada/a"),
		"CA");
	assert_string_equal(
		eg_policy_jurisdiction(p, "https://git.example.com/b"), "DE");
	eg_policy_free(p);
}

static void test_errors_name_file_line_column(void **state)
{
	(void)state;
	parse_fails("jurisdiction: US\ncolour: blue\n",
		    "pol.yml:2:1:", "unknown key 'colour'");
	parse_fails("jurisdiction: US\ndeadline_ms: soon\n",
		    "pol.yml:2:14:", "expected a number");
	parse_fails("jurisdiction: US\ndeadline_ms: \"4000\"\n",
		    "pol.yml:2:14:", "expected a number");
	parse_fails("jurisdiction: US\ndeadline_ms: -1\n",
		    "pol.yml:2:14:", "out of range");
	parse_fails("jurisdiction: US\non_error: maybe\n",
		    "pol.yml:2:11:", "'maybe' is not reject or accept");
	parse_fails("jurisdiction: US\nunknown_destination: yes\n",
		    "pol.yml:2:22:", "not deny or allow");
	parse_fails("jurisdiction: US\nsignatures:\n  X: {controlled: stop}\n",
		    "pol.yml:3:19:", "not block, warn or ignore");
	parse_fails("jurisdiction: US\nsignatures:\n  X: {colour: red}\n",
		    "pol.yml:3:7:", "unknown key 'colour'");
	parse_fails("jurisdiction: US\nsignatures:\n"
		    "  X: {permitted: [US, nowhere-land]}\n",
		    "pol.yml:3:23:", "neither a jurisdiction code");
	parse_fails("jurisdiction: US\ndestinations:\n  - url: x\n",
		    "pol.yml:3:5:", "needs url and jurisdiction");
	parse_fails("jurisdiction: US\ndestinations: {url: x}\n",
		    "pol.yml:2:15:", "expected a list");
	parse_fails("jurisdiction: United States\n",
		    "pol.yml:1:15:", "not a jurisdiction code");
	parse_fails("destinations: []\n",
		    "pol.yml:1:1:", "jurisdiction is missing");
	/* a byte that is not UTF-8 where it is, not at 1:1 */
	parse_fails("jurisdiction: US\naudit_log: a.jsonl\ncontact: caf\351\n",
		    "pol.yml:3:13:", "UTF-8");
	parse_fails("jurisdiction: US\ncontact: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
		    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
		    "pol.yml:2:", "nested deeper than");
	parse_fails("jurisdiction: US\njurisdiction: CA\n",
		    "pol.yml:2:1:", "duplicate key 'jurisdiction'");
	parse_fails("jurisdiction: [US\n", "pol.yml:2:1:", "");
	parse_fails("", "pol.yml:1:1:", "empty");
	parse_fails("jurisdiction: US\ngroups: {a: &x [US, CA]}\n"
		    "signatures: {S: {permitted: *x}}\n",
		    "pol.yml:3:29:", "aliases are not allowed");
	parse_fails("jurisdiction: US\ngroups: {EU: [DE]}\n",
		    "pol.yml:2:10:", "reads as a jurisdiction code");
	parse_fails("jurisdiction: us\n", "pol.yml:1:15:", "upper case");
	parse_fails("jurisdiction: US\ngroups: {eu: [DE, fr]}\n",
		    "pol.yml:2:19:", "not a jurisdiction code");
	parse_fails("jurisdiction: eu\ngroups: {eu: [DE, FR]}\n",
		    "pol.yml:1:15:", "'eu' is a group");
	parse_fails("jurisdiction: US\noverride: {push_option: \"a=b\"}\n",
		    "pol.yml:2:25:", "not a push option name");
	parse_fails("jurisdiction: US\napprovals: ~\n",
		    "pol.yml:2:12:", "expected a string");
}

static void test_groups_anywhere_in_lists(void **state)
{
	struct eg_policy *p = parse_ok("jurisdiction: US\n"
				       "signatures:\n"
				       "  A: {permitted: [five-eyes, DE]}\n"
				       "  B: {permitted: five-eyes}\n"
				       "  C: {permitted: [WORLD]}\n"
				       "groups:\n"
				       "  five-eyes: [US, CA, GB, AU, NZ]\n");
	const struct eg_policy_signature *a = eg_policy_signature(p, "A");
	const struct eg_policy_signature *b = eg_policy_signature(p, "B");

	(void)state;
	assert_int_equal(a->npermitted, 6);
	assert_string_equal(a->permitted[5], "DE");
	assert_int_equal(b->npermitted, 5);
	assert_string_equal(eg_policy_signature(p, "C")->permitted[0], "WORLD");
	eg_policy_free(p);
}

static void test_actions_and_permits(void **state)
{
	static char us[] = "US", ca[] = "CA";
	static char id_active[] = "ACTIVE", id_expired[] = "EXPIRED",
		    id_listed[] = "LISTED";
	static char *pack_permitted[] = {us, ca, NULL};
	struct eg_signature active = {0}, expired = {0}, listed = {0};
	struct eg_policy *p =
		parse_ok("jurisdiction: US\n"
			 "signatures:\n"
			 "  LISTED: {controlled: ignore, permitted: [US]}\n"
			 "  EXPIRED: {review: block}\n");

	(void)state;
	active.id = id_active;
	active.status = EG_STATUS_ACTIVE;
	active.permitted = pack_permitted;
	active.npermitted = 2;
	expired = active;
	expired.id = id_expired;
	expired.status = EG_STATUS_EXPIRED;
	listed = active;
	listed.id = id_listed;

	/* Pack defaults: block controlled and warn on review when active. */
	assert_int_equal(eg_policy_action(p, &active, EG_LEVEL_CONTROLLED),
			 EG_ACTION_BLOCK);
	assert_int_equal(eg_policy_action(p, &active, EG_LEVEL_REVIEW),
			 EG_ACTION_WARN);
	/* Only warn when expired; a policy entry always wins. */
	assert_int_equal(eg_policy_action(p, &expired, EG_LEVEL_CONTROLLED),
			 EG_ACTION_WARN);
	assert_int_equal(eg_policy_action(p, &expired, EG_LEVEL_REVIEW),
			 EG_ACTION_BLOCK);
	assert_int_equal(eg_policy_action(p, &listed, EG_LEVEL_CONTROLLED),
			 EG_ACTION_IGNORE);
	assert_int_equal(eg_policy_action(p, &listed, EG_LEVEL_REVIEW),
			 EG_ACTION_WARN);

	assert_true(eg_policy_permits(p, &active, "CA"));
	assert_true(eg_policy_permits(p, &active, "us"));
	assert_false(eg_policy_permits(p, &active, "DE"));
	assert_false(eg_policy_permits(p, &listed, "CA"));
	assert_true(eg_policy_permits(p, &listed, "US"));
	/* Unknown destinations are denied by default. */
	assert_false(eg_policy_permits(p, &active, NULL));
	p->unknown_allow = 1;
	assert_true(eg_policy_permits(p, &active, NULL));
	eg_policy_free(p);
}

static void test_load_from_file(void **state)
{
	char *path = write_temp("jurisdiction: CA\nbogus: 1\n");
	struct eg_policy *p = NULL;
	char want[128];

	(void)state;
	assert_int_equal(eg_policy_load(&p, path), EG_ECONFIG);
	snprintf(want, sizeof(want), "%s:2:1: ", path);
	assert_memory_equal(eg_error_last(), want, strlen(want));
	unlink(path);
	free(path);

	path = write_temp("jurisdiction: CA\n");
	assert_int_equal(eg_policy_load(&p, path), 0);
	assert_string_equal(p->jurisdiction, "CA");
	assert_string_equal(p->path, path);
	eg_policy_free(p);
	unlink(path);
	free(path);

	assert_int_equal(eg_policy_load(&p, "/nonexistent/policy.yml"), EG_EIO);
}

static void test_find_policy(void **state)
{
	char *path = write_temp("jurisdiction: US\n");
	char *found = NULL;

	(void)state;
	/* --policy first, and a missing one does not fall through. */
	setenv("EXPORTGATE_POLICY", path, 1);
	assert_int_equal(eg_policy_find(&found, "/nonexistent/p.yml", NULL),
			 EG_ECONFIG);
	assert_non_null(strstr(eg_error_last(), "/nonexistent/p.yml"));
	assert_int_equal(eg_policy_find(&found, path, NULL), 0);
	assert_string_equal(found, path);
	free(found);
	/* Then the environment. */
	assert_int_equal(eg_policy_find(&found, NULL, NULL), 0);
	assert_string_equal(found, path);
	free(found);
	setenv("EXPORTGATE_POLICY", "/nonexistent/env.yml", 1);
	assert_int_equal(eg_policy_find(&found, NULL, NULL), EG_ECONFIG);
	unsetenv("EXPORTGATE_POLICY");
	unlink(path);
	free(path);
}

static void test_repository_globs(void **state)
{
	(void)state;
	assert_true(eg_reponame_match("geo/*", "/srv/git/geo/radar"));
	assert_true(eg_reponame_match("geo/*", "geo/radar"));
	assert_true(eg_reponame_match("geo/*.git", "geo/radar"));
	assert_true(eg_reponame_match("*", "/srv/git/geo/radar"));
	assert_true(eg_reponame_match("radar", "/srv/git/geo/radar"));
	assert_true(eg_reponame_match("/srv/git/geo/*", "/srv/git/geo/radar"));
	assert_false(eg_reponame_match("geo/*", "/srv/git/other/radar"));
	assert_false(eg_reponame_match("geo/*", "/srv/git/geo/sub/radar"));
	assert_false(eg_reponame_match("/geo/*", "/srv/git/geo/radar"));
	assert_false(eg_reponame_match("geo/*", "radar"));
	/* a hosting software's name is whole: no unknown folder before it */
	assert_true(eg_reponame_match("*", "team-x/geo/radar"));
	assert_true(eg_reponame_match("geo/*", "geo/sub/radar"));
	assert_false(eg_reponame_match("geo/*", "team-x/geo/radar"));
	assert_false(eg_reponame_match("radar", "geo/radar"));
}

static void test_repository_name(void **state)
{
	char *name = NULL;

	(void)state;
	setenv("GL_PROJECT_PATH", "geo/radar", 1);
	assert_int_equal(eg_reponame_get(&name, NULL), 0);
	assert_string_equal(name, "geo/radar");
	free(name);
	unsetenv("GL_PROJECT_PATH");
	setenv("GITEA_REPO_USER", "geo", 1);
	setenv("GITEA_REPO_NAME", "radar", 1);
	assert_int_equal(eg_reponame_get(&name, NULL), 0);
	assert_string_equal(name, "geo/radar");
	free(name);
	unsetenv("GITEA_REPO_USER");
	unsetenv("GITEA_REPO_NAME");
	assert_int_equal(eg_reponame_get(&name, NULL), EG_ENOTREPO);
}

/* A bare repository geo/radar.git under a temporary folder. */
static git_repository *make_repo(char *dir, size_t size)
{
	git_repository *repo = NULL;
	char path[512];

	snprintf(dir, size, "/tmp/eg-policy-repo-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/geo/radar.git", dir);
	assert_int_equal(git_repository_init(&repo, path, 1), 0);
	return repo;
}

static void remove_tree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_destinations(void **state)
{
	struct eg_destinations d = EG_DESTINATIONS_INIT;
	struct eg_policy *p = parse_ok(example);
	git_repository *repo;
	git_config *cfg;
	char dir[256], *name = NULL;

	(void)state;
	repo = make_repo(dir, sizeof(dir));
	assert_int_equal(git_repository_config(&cfg, repo), 0);
	assert_int_equal(git_config_set_string(cfg, "remote.ca.url",
					       "https://git.example.ca/geo/r"),
			 0);
	assert_int_equal(git_config_set_bool(cfg, "remote.ca.mirror", 1), 0);
	/* Not a mirror: a remote alone is not a destination. */
	assert_int_equal(git_config_set_string(cfg, "remote.up.url",
					       "https://github.com/geo/r"),
			 0);
	assert_int_equal(
		git_config_set_string(cfg, "remote.x.url",
				      "https://u:secret@unknown.example/x"),
		0);
	assert_int_equal(git_config_set_bool(cfg, "remote.x.mirror", 1), 0);
	git_config_free(cfg);

	assert_int_equal(eg_reponame_get(&name, repo), 0);
	assert_non_null(strstr(name, "/geo/radar"));
	assert_null(strstr(name, ".git"));
	assert_int_equal(eg_destinations_collect(&d, p, repo, name), 0);
	assert_int_equal(d.n, 4);
	assert_null(d.items[0].url);
	assert_string_equal(d.items[0].jurisdiction, "US");
	assert_string_equal(eg_destination_label(&d.items[0]), "this server");
	assert_string_equal(d.items[1].url, "https://git.example.ca/geo/r");
	assert_string_equal(d.items[1].jurisdiction, "CA");
	assert_string_equal(d.items[1].via, "mirror remote ca");
	/* Passwords are not written down; the jurisdiction is unknown. */
	assert_string_equal(d.items[2].url, "https://u@unknown.example/x");
	assert_null(d.items[2].jurisdiction);
	/* geo/ * of the policy's mirrors matches .../geo/radar.git. */
	assert_string_equal(d.items[3].url,
			    "ssh://git@mirror.example.de/geo/radar.git");
	assert_string_equal(d.items[3].jurisdiction, "DE");
	assert_string_equal(d.items[3].via, "policy mirrors");
	eg_destinations_release(&d);

	/* Another repository gets no policy mirror. */
	assert_int_equal(eg_destinations_collect(&d, p, NULL, "/srv/x/y"), 0);
	assert_int_equal(d.n, 1);
	eg_destinations_release(&d);
	free(name);
	git_repository_free(repo);
	remove_tree(dir);
	eg_policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example_policy),
		cmocka_unit_test(test_minimal_policy_defaults),
		cmocka_unit_test(test_url_jurisdiction),
		cmocka_unit_test(test_first_destination_wins),
		cmocka_unit_test(test_errors_name_file_line_column),
		cmocka_unit_test(test_groups_anywhere_in_lists),
		cmocka_unit_test(test_actions_and_permits),
		cmocka_unit_test(test_load_from_file),
		cmocka_unit_test(test_find_policy),
		cmocka_unit_test(test_repository_globs),
		cmocka_unit_test(test_repository_name),
		cmocka_unit_test(test_destinations),
	};
	int failed;

	git_libgit2_init();
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return failed;
}
