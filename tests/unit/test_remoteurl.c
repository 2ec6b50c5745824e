/* test_remoteurl.c: a remote's fetch and push URLs, after url rewriting. */
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
#include "remoteurl.h"

static char dir[64], path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/eg-remoteurl-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/config", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

/*
 * Add one value of "section.sub.key" to the config file, as
 * `git config --add` does; written by hand because libgit2's multivar
 * setter takes a regex, and its regexes leak pcre2 memory.
 */
static void set(const char *key, const char *value)
{
	const char *dot = strchr(key, '.'), *last = strrchr(key, '.');
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	fprintf(f, "[%.*s \"%.*s\"]\n\t%s = %s\n", (int)(dot - key), key,
		(int)(last - dot - 1), dot + 1, last + 1, value);
	assert_int_equal(fclose(f), 0);
}

/* A snapshot of the config file alone, so ~/.gitconfig cannot count. */
static git_config *snapshot(void)
{
	git_config *cfg = NULL, *snap = NULL;

	assert_int_equal(git_config_open_ondisk(&cfg, path), 0);
	assert_int_equal(git_config_snapshot(&snap, cfg), 0);
	git_config_free(cfg);
	return snap;
}

/* The push URLs of `remote`, joined by spaces, in a static buffer. */
static const char *push_urls(const char *remote)
{
	static char buf[1024];
	struct eg_remoteurl_list urls = EG_REMOTEURL_LIST_INIT;
	git_config *snap = snapshot();
	size_t i;

	assert_int_equal(eg_remoteurl_push(&urls, snap, remote), 0);
	buf[0] = '\0';
	for (i = 0; i < urls.n; i++) {
		if (i)
			strcat(buf, " ");
		strcat(buf, urls.items[i]);
	}
	eg_remoteurl_list_release(&urls);
	git_config_free(snap);
	return buf;
}

static void test_push_urls(void **state)
{
	(void)state;
	set("url.ssh://git@mirror.example.de/.pushInsteadOf",
	    "https://git.example.ca/");
	set("url.ssh://io.example/.insteadOf", "https://git.example.ca/");
	set("url.ssh://io.example/.insteadOf", "https://git.example.us/");
	set("url.ssh://us.example/.insteadOf", "https://git.example.us/team/");

	/* A url: pushInsteadOf before insteadOf. */
	set("remote.a.url", "https://git.example.ca/geo/r.git");
	assert_string_equal(push_urls("a"),
			    "ssh://git@mirror.example.de/geo/r.git");
	/* Where no pushInsteadOf matches, insteadOf does: the longest value. */
	set("remote.b.url", "https://git.example.us/team/r.git");
	assert_string_equal(push_urls("b"), "ssh://us.example/r.git");
	set("remote.b2.url", "https://git.example.us/r.git");
	assert_string_equal(push_urls("b2"), "ssh://io.example/r.git");
	/* An explicit pushurl: insteadOf only; every pushurl counts. */
	set("remote.c.url", "https://git.example.ca/geo/r.git");
	set("remote.c.pushurl", "https://git.example.ca/geo/p.git");
	set("remote.c.pushurl", "https://other.example/p.git");
	assert_string_equal(push_urls("c"), "ssh://io.example/geo/p.git "
					    "https://other.example/p.git");
	/* Nothing to rewrite. */
	set("remote.d.url", "https://other.example/r.git");
	assert_string_equal(push_urls("d"), "https://other.example/r.git");
	/* Of several urls, git pushes to the pushInsteadOf aliases alone. */
	set("remote.e.url", "https://other.example/r.git");
	set("remote.e.url", "https://git.example.ca/geo/q.git");
	assert_string_equal(push_urls("e"),
			    "ssh://git@mirror.example.de/geo/q.git");
	/* No such remote: no URL. */
	assert_string_equal(push_urls("none"), "");
}

static void test_fetch_url(void **state)
{
	git_config *snap;
	char *url = NULL;

	(void)state;
	set("url.ssh://git@mirror.example.de/.pushInsteadOf",
	    "https://git.example.ca/");
	set("url.ssh://io.example/.insteadOf", "https://git.example.ca/");
	/* The first url, by insteadOf only; a pushurl does not count. */
	set("remote.a.url", "https://git.example.ca/geo/r.git");
	set("remote.a.url", "https://other.example/r.git");
	set("remote.a.pushurl", "https://other.example/p.git");
	set("remote.d.url", "https://other.example/r.git");
	snap = snapshot();
	assert_int_equal(eg_remoteurl_fetch(&url, snap, "a"), 0);
	assert_string_equal(url, "ssh://io.example/geo/r.git");
	free(url);
	assert_int_equal(eg_remoteurl_fetch(&url, snap, "d"), 0);
	assert_string_equal(url, "https://other.example/r.git");
	free(url);
	assert_int_equal(eg_remoteurl_fetch(&url, snap, "none"), 0);
	assert_null(url);
	git_config_free(snap);
}

static void test_too_many_urls(void **state)
{
	struct eg_remoteurl_list urls = EG_REMOTEURL_LIST_INIT;
	git_config *snap;
	char url[64];
	int i;

	(void)state;
	for (i = 0; i <= EG_REMOTEURL_MAX; i++) {
		snprintf(url, sizeof(url), "https://example.com/%d.git", i);
		set("remote.many.pushurl", url);
	}
	snap = snapshot();
	assert_int_equal(eg_remoteurl_push(&urls, snap, "many"), EG_ECONFIG);
	assert_non_null(strstr(eg_error_last(), "too many"));
	eg_remoteurl_list_release(&urls);
	git_config_free(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_push_urls, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fetch_url, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_too_many_urls, setup,
						teardown),
	};
	int failed;

	git_libgit2_init();
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	git_libgit2_shutdown();
	return failed;
}
