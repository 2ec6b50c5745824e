/* test_record.c: the audit record stays within what the log accepts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "error.h"
#include "record.h"

#define ZERO   "0000000000000000000000000000000000000000"
#define COMMIT "0123456789abcdef0123456789abcdef01234567"

/* A name of `len` bytes: `prefix` then `fill`, then "-<n>" to tell apart. */
static char *long_name(const char *prefix, char fill, size_t len, size_t n)
{
	char *s = eg_xmalloc(len + 1);
	size_t p = strlen(prefix);

	memcpy(s, prefix, p);
	memset(s + p, fill, len - p);
	snprintf(s + len - 8, 9, "-%07zu", n);
	return s;
}

/* The record as the log would hold it, its length checked against it. */
static json_t *build(const struct eg_record *rec, size_t *len)
{
	json_t *json = eg_record_build(rec);
	char *text = json_dumps(json, JSON_COMPACT);

	assert_non_null(text);
	*len = strlen(text);
	free(text);
	return json;
}

static void test_many_long_refs_are_counted_and_hashed(void **state)
{
	struct eg_updates u = EG_UPDATES_INIT;
	struct eg_record rec;
	json_t *json, *refs;
	size_t i, len;

	(void)state;
	/* As many refs as are listed, each as long as the hook takes. */
	u.n = u.alloc = EG_RECORD_MAX_REFS;
	u.items = eg_xcalloc(u.n, sizeof(*u.items));
	for (i = 0; i < u.n; i++) {
		u.items[i].ref = long_name("refs/heads/", 'x',
					   EG_UPDATES_MAX_LINE - 90, i);
		strcpy(u.items[i].old_hex, ZERO);
		strcpy(u.items[i].new_hex, COMMIT);
	}
	memset(&rec, 0, sizeof(rec));
	rec.hook = "pre-receive";
	rec.updates = &u;
	rec.reason = "rejected";
	json = build(&rec, &len);
	assert_true(len <= EG_AUDIT_MAX_RECORD);
	refs = json_object_get(json, "refs");
	assert_true(json_array_size(refs) > 0);
	assert_true(json_array_size(refs) < u.n);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(refs, 0), "name")),
			    u.items[0].ref);
	assert_int_equal(
		json_integer_value(json_object_get(json, "refs_count")), u.n);
	assert_int_equal(
		strlen(json_string_value(json_object_get(json, "refs_sha256"))),
		64);
	json_decref(json);
	eg_updates_release(&u);
}

static void test_many_findings_with_long_paths_are_counted(void **state)
{
	static char id[] = "T.1", eccn[] = "0D521";
	struct eg_signature sig;
	struct eg_finding *f;
	struct eg_criterion_result *cr;
	struct eg_verdict *v;
	struct eg_decision d;
	struct eg_record rec;
	json_t *json;
	size_t i, k, len, n = EG_RECORD_MAX_FINDINGS;

	(void)state;
	memset(&sig, 0, sizeof(sig));
	sig.id = id;
	sig.eccn = eccn;
	f = eg_xcalloc(n, sizeof(*f));
	cr = eg_xcalloc(n, sizeof(*cr));
	v = eg_xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		f[i].sig = &sig;
		f[i].level = EG_LEVEL_CONTROLLED;
		strcpy(f[i].commit, COMMIT);
		f[i].criteria = &cr[i];
		f[i].ncriteria = 1;
		cr[i].met = 1;
		cr[i].nevidence = EG_RECORD_MAX_PATHS;
		cr[i].evidence = eg_xcalloc(EG_RECORD_MAX_PATHS,
					    sizeof(*cr[i].evidence));
		for (k = 0; k < EG_RECORD_MAX_PATHS; k++)
			cr[i].evidence[k].path =
				long_name("src/", 'p', 4000, i * 100 + k);
		v[i].finding = &f[i];
		v[i].action = EG_ACTION_BLOCK;
		v[i].outcome = EG_OUTCOME_BLOCKED;
	}
	memset(&d, 0, sizeof(d));
	d.reject = 1;
	d.verdicts = v;
	d.nverdicts = n;
	memset(&rec, 0, sizeof(rec));
	rec.hook = "pre-receive";
	rec.decision = &d;
	rec.reason = "rejected";
	json = build(&rec, &len);
	assert_true(len <= EG_AUDIT_MAX_RECORD);
	k = json_array_size(json_object_get(json, "findings"));
	assert_true(k > 0 && k < n);
	assert_int_equal(json_integer_value(
				 json_object_get(json, "findings_not_listed")),
			 n - k);
	json_decref(json);
	for (i = 0; i < n; i++) {
		for (k = 0; k < EG_RECORD_MAX_PATHS; k++)
			free(cr[i].evidence[k].path);
		free(cr[i].evidence);
	}
	free(v);
	free(cr);
	free(f);
}

/* A byte not UTF-8 is U+FFFD; a tab beside it stays a tab, not a space. */
static void test_names_keep_their_control_characters(void **state)
{
	struct eg_updates u = EG_UPDATES_INIT;
	struct eg_record rec;
	json_t *json;
	size_t len;

	(void)state;
	u.n = u.alloc = 1;
	u.items = eg_xcalloc(1, sizeof(*u.items));
	u.items[0].ref = eg_xstrdup("refs/heads/a\tb\xff");
	strcpy(u.items[0].old_hex, ZERO);
	strcpy(u.items[0].new_hex, COMMIT);
	memset(&rec, 0, sizeof(rec));
	rec.hook = "pre-receive";
	rec.updates = &u;
	rec.reason = "accepted";
	json = build(&rec, &len);
	assert_string_equal(
		json_string_value(json_object_get(
			json_array_get(json_object_get(json, "refs"), 0),
			"name")),
		"refs/heads/a\tb\xef\xbf\xbd");
	json_decref(json);
	eg_updates_release(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_long_refs_are_counted_and_hashed),
		cmocka_unit_test(
			test_many_findings_with_long_paths_are_counted),
		cmocka_unit_test(test_names_keep_their_control_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
