/* test_audit.c: the audit log's hash chain, its locking and torn lines. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "error.h"
#include "audit.h"
#include "digest.h"

/* A fresh, empty log path in a temporary folder; free with drop_log(). */
static char *new_log(void)
{
	char *dir = strdup("/tmp/eg-audit-XXXXXX");
	char *path;

	assert_non_null(mkdtemp(dir));
	path = malloc(strlen(dir) + 16);
	sprintf(path, "%s/audit.jsonl", dir);
	free(dir);
	return path;
}

static void drop_log(char *path)
{
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
}

static void append(const char *path, int n)
{
	json_t *rec = json_pack("{s:s,s:i,s:[s]}", "decision", "accept", "n", n,
				"refs", "refs/heads/main");

	if (eg_audit_append(path, rec, NULL) < 0)
		fail_msg("append failed: %s", eg_error_last());
	json_decref(rec);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void spit(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static void verify(const char *path, struct eg_audit_check *check)
{
	if (eg_audit_verify(path, NULL, check) < 0)
		fail_msg("verify failed: %s", eg_error_last());
}

static void test_chain_verifies(void **state)
{
	struct eg_audit_check check;
	char *path = new_log(), *text, *second;
	char hash[EG_DIGEST_HEX], want[80];
	size_t len;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		append(path, i);
	verify(path, &check);
	assert_int_equal(check.bad_line, 0);
	assert_int_equal(check.records, 3);
	assert_int_equal(check.lines, 3);

	/* "prev" comes first: zeros, then the hash of the line before. */
	text = slurp(path, &len);
	assert_memory_equal(text, "{\"prev\":\"" EG_DIGEST_ZERO "\"", 74);
	second = strchr(text, '\n') + 1;
	assert_int_equal(
		eg_digest_sha256(hash, text, (size_t)(second - text) - 1), 0);
	snprintf(want, sizeof(want), "{\"prev\":\"%s\"", hash);
	assert_memory_equal(second, want, strlen(want));
	assert_non_null(strstr(text, "\"decision\":\"accept\",\"n\":0"));
	free(text);
	drop_log(path);
}

static void test_edited_record_is_caught(void **state)
{
	struct eg_audit_check check;
	char *path = new_log(), *text, *p;
	size_t len;
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		append(path, i);
	text = slurp(path, &len);
	/* Turn record 2's "accept" into "reject", keeping its length. */
	p = strstr(strchr(text, '\n') + 1, "accept");
	memcpy(p, "reject", 6);
	spit(path, text, len);
	verify(path, &check);
	assert_int_equal(check.bad_line, 3);
	assert_int_equal(check.records, 2);
	assert_non_null(strstr(check.why, "line 2"));
	free(text);
	drop_log(path);
}

static void test_removed_record_is_caught(void **state)
{
	struct eg_audit_check check;
	char *path = new_log(), *text, *l2, *l3;
	size_t len;
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		append(path, i);
	text = slurp(path, &len);
	l2 = strchr(text, '\n') + 1;
	l3 = strchr(l2, '\n') + 1;
	memmove(l2, l3, len - (size_t)(l3 - text) + 1);
	spit(path, text, strlen(text));
	verify(path, &check);
	assert_int_equal(check.bad_line, 2);
	free(text);

	/* Removing the first record shows too. */
	text = slurp(path, &len);
	spit(path, strchr(text, '\n') + 1, strlen(strchr(text, '\n') + 1));
	verify(path, &check);
	assert_int_equal(check.bad_line, 1);
	assert_non_null(strstr(check.why, "first record"));
	free(text);
	drop_log(path);
}

static void test_garbage_is_caught(void **state)
{
	struct eg_audit_check check;
	char *path = new_log();
	FILE *f;

	(void)state;
	append(path, 0);
	append(path, 1);
	f = fopen(path, "a");
	fputs("not json\n", f);
	fclose(f);
	verify(path, &check);
	assert_int_equal(check.bad_line, 3);
	append(path, 2);
	/* A line that is not a record and not torn stays broken. */
	verify(path, &check);
	assert_int_equal(check.bad_line, 3);
	drop_log(path);
}

static void append_head(const char *path, int n, char head[EG_DIGEST_HEX])
{
	json_t *rec = json_pack("{s:s,s:i}", "decision", "reject", "n", n);

	if (eg_audit_append(path, rec, head) < 0)
		fail_msg("append failed: %s", eg_error_last());
	json_decref(rec);
}

/*
 * The head an append gives is the chain's head as verify computes it, a
 * sealing append's too; a head kept elsewhere shows a tail cut off, or
 * rewritten with its hashes computed again, which the chain alone cannot.
 */
static void test_heads_kept_elsewhere_show_a_cut_tail(void **state)
{
	struct eg_audit_check check;
	char *path = new_log(), *text;
	char head[4][EG_DIGEST_HEX];
	size_t len, keep;
	FILE *f;
	int i;

	(void)state;
	for (i = 0; i < 2; i++)
		append_head(path, i, head[i]);
	f = fopen(path, "a");
	fputs("{\"prev\":\"0123", f); /* a crash in an append */
	fclose(f);
	for (i = 2; i < 4; i++)
		append_head(path, i, head[i]);
	assert_int_equal(eg_audit_verify(path, head[2], &check), 0);
	assert_int_equal(check.bad_line, 0);
	assert_string_equal(check.head, head[3]);
	assert_int_equal(check.head_line, 4); /* after the sealed fragment */

	/* cut the last record: the chain holds, and misses the head */
	text = slurp(path, &len);
	text[len - 1] = '\0';
	keep = (size_t)(strrchr(text, '\n') + 1 - text);
	spit(path, text, keep);
	free(text);
	assert_int_equal(eg_audit_verify(path, head[3], &check), 0);
	assert_int_equal(check.bad_line, 0);
	assert_int_equal(check.head_line, 0);
	assert_string_equal(check.head, head[2]);
	drop_log(path);
}

static void test_torn_line_then_append(void **state)
{
	struct eg_audit_check check;
	char *path = new_log(), *text, *last;
	char frag_hash[EG_DIGEST_HEX], before_hash[EG_DIGEST_HEX];
	char want[300];
	size_t len;
	FILE *f;

	(void)state;
	append(path, 0);
	append(path, 1);
	/* A crash in the middle of the third append. */
	f = fopen(path, "a");
	fputs("{\"prev\":\"0123", f);
	fclose(f);
	verify(path, &check);
	assert_int_equal(check.bad_line, 3);
	assert_non_null(strstr(check.why, "torn"));
	assert_int_equal(check.records, 2);

	/* The next append seals the fragment and the chain holds again. */
	append(path, 2);
	verify(path, &check);
	assert_int_equal(check.bad_line, 0);
	assert_int_equal(check.records, 3);
	assert_int_equal(check.lines, 4);
	assert_int_equal(check.sealed, 1);
	assert_int_equal(check.first_sealed, 3);

	text = slurp(path, &len);
	text[len - 1] = '\0';
	last = strrchr(text, '\n') + 1;
	assert_int_equal(eg_digest_sha256(frag_hash, "{\"prev\":\"0123", 13),
			 0);
	/* Line 2, the line before the fragment, ends 15 bytes before. */
	*(last - 15) = '\0';
	assert_int_equal(eg_digest_sha256(before_hash, strchr(text, '\n') + 1,
					  strlen(strchr(text, '\n') + 1)),
			 0);
	snprintf(want, sizeof(want),
		 "{\"prev\":\"%s\",\"torn\":{\"bytes\":13,\"prev\":\"%s\"}",
		 frag_hash, before_hash);
	assert_memory_equal(last, want, strlen(want));
	free(text);

	/* And appends after that chain as usual. */
	append(path, 3);
	verify(path, &check);
	assert_int_equal(check.bad_line, 0);
	assert_int_equal(check.records, 4);
	drop_log(path);
}

static void test_torn_first_line(void **state)
{
	struct eg_audit_check check;
	char *path = new_log();

	(void)state;
	spit(path, "{\"pr", 4);
	verify(path, &check);
	assert_int_equal(check.bad_line, 1);
	append(path, 0);
	verify(path, &check);
	assert_int_equal(check.bad_line, 0);
	assert_int_equal(check.records, 1);
	assert_int_equal(check.sealed, 1);
	drop_log(path);
}

static void test_forged_seal_is_caught(void **state)
{
	struct eg_audit_check check;
	char *path = new_log(), *text, *l2, *l3;
	size_t len;
	FILE *f;

	(void)state;
	append(path, 0);
	append(path, 1);
	f = fopen(path, "a");
	fputs("{\"pr", f);
	fclose(f);
	append(path, 2);
	/* Removing the record before a sealed fragment still shows. */
	text = slurp(path, &len);
	l2 = strchr(text, '\n') + 1;
	l3 = strchr(l2, '\n') + 1;
	memmove(l2, l3, len - (size_t)(l3 - text) + 1);
	spit(path, text, strlen(text));
	verify(path, &check);
	assert_int_equal(check.bad_line, 3);
	assert_non_null(strstr(check.why, "torn"));
	free(text);
	drop_log(path);
}

static void test_empty_log(void **state)
{
	struct eg_audit_check check;
	char *path = new_log();

	(void)state;
	assert_int_equal(eg_audit_verify(path, NULL, &check), EG_EIO);
	spit(path, "", 0);
	verify(path, &check);
	assert_int_equal(check.bad_line, 0);
	assert_int_equal(check.records, 0);
	drop_log(path);
}

static void test_unwritable_log_fails(void **state)
{
	json_t *rec = json_object();

	(void)state;
	assert_int_equal(
		eg_audit_append("/nonexistent/dir/audit.jsonl", rec, NULL),
		EG_EIO);
	assert_non_null(strstr(eg_error_last(), "/nonexistent/dir"));
	json_decref(rec);
}

/* A full disk, played by RLIMIT_FSIZE in a child process. */
static void test_full_disk_fails_and_leaves_log_intact(void **state)
{
	struct eg_audit_check check;
	char *path = new_log();
	pid_t pid;
	int status;

	(void)state;
	append(path, 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct stat st;
		struct rlimit rl;
		json_t *rec = json_pack("{s:s}", "decision", "accept");

		signal(SIGXFSZ, SIG_IGN);
		stat(path, &st);
		rl.rlim_cur = rl.rlim_max = (rlim_t)st.st_size + 10;
		setrlimit(RLIMIT_FSIZE, &rl);
		_exit(eg_audit_append(path, rec, NULL) == EG_EIO ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	verify(path, &check);
	assert_int_equal(check.bad_line, 0);
	assert_int_equal(check.records, 1);
	drop_log(path);
}

static void test_concurrent_appends_chain(void **state)
{
	struct eg_audit_check check;
	char *path = new_log();
	pid_t pids[8];
	int i, status;

	(void)state;
	for (i = 0; i < 8; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			int j;

			for (j = 0; j < 25; j++) {
				json_t *rec = json_pack("{s:i,s:i}", "writer",
							i, "n", j);

				if (eg_audit_append(path, rec, NULL) < 0)
					_exit(1);
				json_decref(rec);
			}
			_exit(0);
		}
	}
	for (i = 0; i < 8; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	verify(path, &check);
	assert_int_equal(check.bad_line, 0);
	assert_int_equal(check.records, 200);
	drop_log(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_verifies),
		cmocka_unit_test(test_edited_record_is_caught),
		cmocka_unit_test(test_removed_record_is_caught),
		cmocka_unit_test(test_garbage_is_caught),
		cmocka_unit_test(test_heads_kept_elsewhere_show_a_cut_tail),
		cmocka_unit_test(test_torn_line_then_append),
		cmocka_unit_test(test_torn_first_line),
		cmocka_unit_test(test_forged_seal_is_caught),
		cmocka_unit_test(test_empty_log),
		cmocka_unit_test(test_unwritable_log_fails),
		cmocka_unit_test(test_full_disk_fails_and_leaves_log_intact),
		cmocka_unit_test(test_concurrent_appends_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
