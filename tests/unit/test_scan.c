/* test_scan.c: history walk, tree evaluation and the path index. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <git2.h>

#include "error.h"
#include "scan.h"
#include "sigset.h"
#include "testrepo.h"

static const char pack[] =
	"pack: {id: t, version: 1}\n"
	"signatures:\n"
	"  - id: R\n"
	"    scope: repository\n"
	"    criteria:\n"
	"      - id: a\n"
	"        patterns: [{id: a, literal: 'alpha-criterion'}]\n"
	"      - id: b\n"
	"        patterns: [{id: b, literal: 'beta-criterion'}]\n"
	"      - id: c\n"
	"        patterns: [{id: c, literal: 'gamma-criterion'}]\n"
	"    controlled: {all: [a, b, c]}\n"
	"    review: {all: [a, b]}\n"
	"  - id: W\n"
	"    scope: repository\n"
	"    criteria:\n"
	"      - id: x\n"
	"        patterns: [{id: x, literal: 'x-criterion'}]\n"
	"      - id: y\n"
	"        patterns: [{id: y, literal: 'y-criterion'}]\n"
	"      - id: z\n"
	"        patterns: [{id: z, literal: 'z-criterion'}]\n"
	"    controlled: {all: [x, y, z]}\n"
	"    review: x\n"
	"  - id: V\n"
	"    scope: repository\n"
	"    criteria:\n"
	"      - id: x2\n"
	"        patterns: [{id: x2, literal: 'x-criterion'}]\n"
	"      - id: y2\n"
	"        patterns: [{id: y2, literal: 'y-criterion'}]\n"
	"    controlled: {all: [x2, y2]}\n"
	"    review: x2\n"
	"  - id: I\n"
	"    scope: repository\n"
	"    criteria:\n"
	"      - id: x3\n"
	"        patterns: [{id: x3, literal: 'x-criterion'}]\n"
	"      - id: y3\n"
	"        patterns: [{id: y3, literal: 'y-criterion'}]\n"
	"    controlled: {all: [x3, y3]}\n"
	"  - id: D\n"
	"    scope: repository\n"
	"    criteria:\n"
	"      - id: dcode\n"
	"        patterns: [{id: dcode, literal: 'd-code'}]\n"
	"      - id: ddoc\n"
	"        patterns: [{id: ddoc, literal: 'd-described', kinds: [doc, readme]}]\n"
	"      - id: dnever\n"
	"        patterns: [{id: dnever, literal: 'd-never'}]\n"
	"    controlled: {all: [dcode, ddoc, dnever]}\n"
	"    review: {all: [dcode, ddoc]}\n"
	"  - id: F\n"
	"    scope: file\n"
	"    criteria:\n"
	"      - id: k\n"
	"        patterns: [{id: k, literal: 'file-secret'}]\n"
	"    controlled: k\n";

static struct eg_sigset *set;
static char dir[] = "/tmp/eg-test-scan-XXXXXX";

static void sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

/* The id `name` names in test repository `repo`; valid for 4 calls. */
static char *rev_in(const char *repo, const char *name)
{
	static char out[4][64];
	static int slot;
	char cmd[256];
	FILE *p;

	slot = (slot + 1) % 4;
	snprintf(cmd, sizeof(cmd), "git -C %s/%s rev-parse %s", dir, repo,
		 name);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out[slot], sizeof(out[slot]), p));
	pclose(p);
	out[slot][40] = '\0';
	return out[slot];
}

static char *rev(const char *name)
{
	return rev_in("repo", name);
}

static int setup(void **state)
{
	(void)state;
	if (testrepo_init(dir))
		return -1;
	set = eg_sigset_new();
	if (eg_sigset_add_buffer(set, "t.yml", pack, strlen(pack)) ||
	    eg_sigset_compile(set))
		return -1;
	/*
	 * c1: a            c2: + b (review)    c3: + c in lib/ (controlled)
	 * c4: - lib/c      same content as a.c also at copy/a.c
	 */
	sh("cd %s && git init -q -b main repo && cd repo && "
	   "echo alpha-criterion > a.c && echo file-secret > s.c && "
	   "git add . && git commit -qm c1 && git tag c1 && "
	   "echo beta-criterion > b.c && git add . && git commit -qm c2 && git tag c2 && "
	   "mkdir lib && echo gamma-criterion > lib/c.c && "
	   "git add . && git commit -qm c3 && git tag c3 && "
	   "git rm -q lib/c.c && mkdir copy && cp a.c copy/a.c && "
	   "cp s.c copy/s.c && git add . && git commit -qm c4 && git tag c4",
	   dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	eg_sigset_free(set);
	sh("rm -rf %s", dir);
	git_libgit2_shutdown();
	return 0;
}

/* Scan repository `name` with `opts`; a failed scan fails the test. */
static struct eg_report *scan_with(const char *name,
				   const struct eg_scan_opts *opts)
{
	struct eg_report *report = NULL;
	git_repository *repo = NULL;
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(git_repository_open(&repo, path), 0);
	if (eg_scan_repository(&report, repo, set, opts))
		fail_msg("scan failed: %s", eg_error_last());
	git_repository_free(repo);
	return report;
}

static struct eg_report *scan_repo(const char *name, enum eg_target_scope scope,
				   const char *revs)
{
	struct eg_scan_opts opts;

	memset(&opts, 0, sizeof(opts));
	opts.scope = scope;
	opts.rev = revs;
	return scan_with(name, &opts);
}

/* Scan repository `name` as a push of `tip_rev` onto `base_rev`. */
static struct eg_report *scan_push(const char *name, const char *tip_rev,
				   const char *base_rev, unsigned jobs)
{
	struct eg_scan_opts opts;
	git_oid tip, base;

	memset(&opts, 0, sizeof(opts));
	git_oid_fromstr(&tip, rev_in(name, tip_rev));
	git_oid_fromstr(&base, rev_in(name, base_rev));
	opts.scope = EG_TARGET_PUSH;
	opts.tips = &tip;
	opts.ntips = 1;
	opts.hide = &base;
	opts.nhide = 1;
	opts.jobs = jobs;
	return scan_with(name, &opts);
}

static struct eg_report *scan(enum eg_target_scope scope, const char *revs)
{
	return scan_repo("repo", scope, revs);
}

static const struct eg_finding *find(const struct eg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].sig->id, id))
			return &r->findings[i];
	return NULL;
}

static void history_reports_the_first_satisfying_commit(void **state)
{
	struct eg_report *r = scan(EG_TARGET_ALL, NULL);
	const struct eg_finding *f = find(r, "R");

	(void)state;
	assert_non_null(f);
	assert_int_equal(f->level, EG_LEVEL_CONTROLLED);
	assert_string_equal(f->commit, rev("c3"));
	assert_string_equal(f->content, rev("c3^{tree}"));
	assert_int_equal(f->ncriteria, 3);
	assert_true(f->criteria[2].met);
	assert_string_equal(f->criteria[2].evidence[0].path, "lib/c.c");
	assert_int_equal(f->criteria[2].evidence[0].line, 1);
	assert_int_equal(r->commits, 4);
	/* a.c and copy/a.c share a blob: read once */
	assert_int_equal(r->blobs, 4);
	assert_false(r->incomplete);
	eg_report_free(r);
}

static void the_tip_alone_is_only_review(void **state)
{
	struct eg_report *r = scan(EG_TARGET_TREE, "HEAD");
	const struct eg_finding *f = find(r, "R");

	(void)state;
	assert_non_null(f);
	assert_int_equal(f->level, EG_LEVEL_REVIEW);
	assert_string_equal(f->commit, rev("c4"));
	assert_false(f->criteria[2].met);
	assert_int_equal(f->criteria[2].nevidence, 0);
	eg_report_free(r);
}

static void a_range_starts_after_its_base(void **state)
{
	struct eg_report *r = scan(EG_TARGET_REV, "c1..c2");
	const struct eg_finding *f = find(r, "R");

	(void)state;
	assert_int_equal(r->commits, 1);
	assert_non_null(f);
	assert_string_equal(f->commit, rev("c2"));
	/* the file finding belongs to c1, outside the range: first seen in c2
	 */
	assert_string_equal(find(r, "F")->commit, rev("c2"));
	eg_report_free(r);
}

/* The path a file finding names, from 0 when there is none. */
static const struct eg_finding *find_at(const struct eg_report *r,
					const char *id, const char *path)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (!strcmp(r->findings[i].sig->id, id) &&
		    !strcmp(r->findings[i].path, path))
			return &r->findings[i];
	return NULL;
}

static void file_findings_name_each_path_at_its_first_commit(void **state)
{
	struct eg_report *r = scan(EG_TARGET_ALL, NULL);
	const struct eg_finding *f = find_at(r, "F", "s.c");
	const struct eg_finding *copy = find_at(r, "F", "copy/s.c");

	(void)state;
	assert_non_null(f);
	assert_string_equal(f->commit, rev("c1"));
	assert_string_equal(f->content, rev("c1:s.c"));
	/* copy/s.c is the same blob, read once, and a place of its own */
	assert_non_null(copy);
	assert_string_equal(copy->commit, rev("c4"));
	assert_string_equal(copy->content, rev("c1:s.c"));
	assert_int_equal(r->nfindings, 3);
	assert_int_equal(r->blobs, 4);
	eg_report_free(r);
}

static void a_push_judges_whole_trees_but_only_new_blobs(void **state)
{
	struct eg_report *r;

	(void)state;
	r = scan_push("repo", "c3", "c2", 0);
	assert_int_equal(r->commits, 1);
	assert_non_null(find(r, "R"));
	assert_int_equal(find(r, "R")->level, EG_LEVEL_CONTROLLED);
	assert_string_equal(find(r, "R")->commit, rev("c3"));
	assert_null(find(r, "F")); /* s.c was there before */
	eg_report_free(r);
}

static void a_missing_blob_is_listed_and_the_scan_goes_on(void **state)
{
	struct eg_report *r;
	const char *blob = rev("c2:b.c");

	(void)state;
	sh("cd %s && rm -rf broken && cp -r repo broken && "
	   "rm -f broken/.git/objects/%.2s/%s",
	   dir, blob, blob + 2);
	sh("cd %s && mv repo good && mv broken repo", dir);
	r = scan(EG_TARGET_ALL, NULL);
	sh("cd %s && rm -rf repo && mv good repo", dir);
	assert_true(r->incomplete);
	assert_int_equal(r->nunscanned, 1);
	assert_string_equal(r->unscanned[0].blob, blob);
	assert_string_equal(r->unscanned[0].path, "b.c");
	assert_non_null(find(r, "F")); /* everything else still scanned */
	assert_null(find(r, "R"));     /* b never holds: nothing to report */
	eg_report_free(r);
}

/* The findings of V, W and I, checked for installed_...() */
static void installed_levels(const struct eg_report *r, const char *tests_y)
{
	const struct eg_finding *v = find(r, "V"), *w = find(r, "W");
	const struct eg_finding *i = find(r, "I");

	assert_non_null(v);
	assert_non_null(w);
	assert_non_null(i);
	assert_int_equal(i->level, v->level);
	assert_int_equal(w->level, EG_LEVEL_REVIEW);
	assert_true(w->criteria[2].weak_only);
	assert_int_equal(w->criteria[2].weak_files, 0);
	assert_int_equal(w->criteria[2].installed_files, 1);
	assert_non_null(
		strstr(w->criteria[2].evidence[0].path, "node_modules/"));
	assert_int_equal(w->criteria[2].evidence[0].where, EG_IN_INSTALLED);
	if (!tests_y) {
		assert_int_equal(v->level, EG_LEVEL_REVIEW);
		assert_false(v->criteria[1].met);
		assert_true(v->criteria[1].weak_only);
		assert_int_equal(v->criteria[1].installed_files, 1);
		assert_non_null(strstr(v->criteria[1].evidence[0].path,
				       "Site-Packages/"));
		assert_int_equal(v->criteria[1].evidence[0].where,
				 EG_IN_INSTALLED);
		return;
	}
	assert_int_equal(v->level, EG_LEVEL_CONTROLLED);
	assert_true(v->criteria[1].met);
	assert_int_equal(v->criteria[1].weak_files, 1);
	assert_int_equal(v->criteria[1].installed_files, 1);
	assert_int_equal(v->criteria[1].nevidence, 1);
	assert_string_equal(v->criteria[1].evidence[0].path, tests_y);
	assert_int_equal(v->criteria[1].evidence[0].where, EG_IN_WEAK);
}

/*
 * i1: x in product code; y only below a committed virtualenv's
 * Site-Packages/ (any case) and z only below node_modules/: other
 * projects' code as installed.  V's controlled condition {x2, y2} and W's
 * {x, y, z} hold only with them: review, not controlled, and y and z are
 * shown as not counted; so is I's {x3, y3}, which has no review condition
 * of its own: review, from what installed packages complete.  i2: y in tests/
 * too, the project's own: V is controlled, shown by tests/y.c alone.  The same
 * in a plain folder.
 */
static void installed_packages_complete_controlled_only_to_review(void **state)
{
	struct eg_report *r;
	struct eg_scan_opts opts;
	char path[256];

	(void)state;
	sh("cd %s && git init -q -b main venv && cd venv && "
	   "mkdir -p env/lib/python3.11/Site-Packages/pkg web/node_modules/z && "
	   "echo x-criterion > x.c && "
	   "echo y-criterion > env/lib/python3.11/Site-Packages/pkg/y.py && "
	   "echo z-criterion > web/node_modules/z/z.js && "
	   "git add . && git commit -qm i1 && git tag i1 && "
	   "mkdir tests && echo y-criterion > tests/y.c && "
	   "git add . && git commit -qm i2 && git tag i2",
	   dir);
	r = scan_repo("venv", EG_TARGET_TREE, "i1");
	installed_levels(r, NULL);
	eg_report_free(r);
	r = scan_repo("venv", EG_TARGET_TREE, "i2");
	installed_levels(r, "tests/y.c");
	eg_report_free(r);
	memset(&opts, 0, sizeof(opts));
	opts.scope = EG_TARGET_DIR;
	snprintf(path, sizeof(path), "%s/venv", dir);
	if (eg_scan_dir(&r, path, set, &opts))
		fail_msg("scan failed: %s", eg_error_last());
	installed_levels(r, "tests/y.c");
	eg_report_free(r);
}

/*
 * w1: x in product code, also in Caffe's `train_test.prototxt` (the
 * network it trains: product code, not a test); y only in tests/,
 * vendor/x/, Test/ and Vendor/ (a folder's name in any case), a test_
 * file, a _test file and the docs.  W: review from x
 * alone, y shown but not counted.  V: y makes it controlled, wherever it
 * lies (no folder hides content from the gate).
 * w2: z in tests/ too: W controlled.  Each criterion counts the files it
 * holds in, product code and weak apart.
 */
static void weak_files_count_only_for_controlled(void **state)
{
	struct eg_report *r;
	const struct eg_finding *f;
	size_t k;

	(void)state;
	sh("cd %s && git init -q -b main weak && cd weak && "
	   "echo x-criterion > x.c && mkdir -p tests vendor/x docs Test Vendor && "
	   "echo x-criterion > net_train_test.prototxt && "
	   "echo y-criterion > tests/y.c && "
	   "echo y-criterion > vendor/x/y.c && "
	   "echo y-criterion > Test/y.c && echo y-criterion > Vendor/y.c && "
	   "echo y-criterion > test_y.py && echo y-criterion > docs/y.md && "
	   "echo y-criterion > y_test.go && "
	   "git add . && git commit -qm w1 && git tag w1 && "
	   "echo z-criterion > tests/z.c && "
	   "git add . && git commit -qm w2 && git tag w2",
	   dir);
	r = scan_repo("weak", EG_TARGET_TREE, "w1");
	f = find(r, "W");
	assert_non_null(f);
	assert_int_equal(f->level, EG_LEVEL_REVIEW);
	assert_true(f->criteria[0].met);
	assert_false(f->criteria[0].weak_only);
	assert_int_equal(f->criteria[0].files, 2);
	assert_int_equal(f->criteria[0].weak_files, 0);
	assert_false(f->criteria[1].met);
	assert_true(f->criteria[1].weak_only);
	assert_int_equal(f->criteria[1].files, 0);
	assert_int_equal(f->criteria[1].weak_files, 7);
	assert_int_equal(f->criteria[1].installed_files, 0);
	assert_int_equal(f->criteria[1].nevidence, 3);
	for (k = 0; k < f->criteria[1].nevidence; k++)
		assert_int_equal(f->criteria[1].evidence[k].where, EG_IN_WEAK);
	assert_false(f->criteria[2].weak_only);
	f = find(r, "V");
	assert_non_null(f);
	assert_int_equal(f->level, EG_LEVEL_CONTROLLED);
	assert_true(f->criteria[1].met);
	assert_int_equal(f->criteria[1].evidence[0].where, EG_IN_WEAK);
	eg_report_free(r);
	r = scan_repo("weak", EG_TARGET_ALL, NULL);
	f = find(r, "W");
	assert_non_null(f);
	assert_int_equal(f->level, EG_LEVEL_CONTROLLED);
	assert_true(f->criteria[2].met);
	assert_string_equal(f->criteria[2].evidence[0].path, "tests/z.c");
	eg_report_free(r);
}

/*
 * The README at the top of the tree says what the project is for: it
 * counts, and so does that of a top-level folder, a project of a
 * collection.  Other documentation does not, nor a README deeper down or
 * in a folder that serves the project around it (`src/`, a data set's
 * `Datasets/` with its publisher's card).
 */
static void the_top_readme_counts_other_docs_do_not(void **state)
{
	struct eg_report *r;
	const struct eg_finding *f;

	(void)state;
	sh("cd %s && git init -q -b main described && cd described && "
	   "echo d-code > d.c && mkdir -p docs src a/sub Datasets && "
	   "echo d-described > docs/README.md && "
	   "echo d-described > src/README.md && "
	   "echo d-described > Datasets/README.roboflow.txt && "
	   "echo d-described > a/sub/README.md && "
	   "echo d-described > README-old.md && "
	   "git add . && git commit -qm r1 && git tag r1 && "
	   "echo d-described > Readme.rst && "
	   "git add . && git commit -qm r2 && git tag r2",
	   dir);
	r = scan_repo("described", EG_TARGET_TREE, "r1");
	f = find(r, "D");
	assert_null(f); /* below the top, or not a README: weak */
	eg_report_free(r);
	r = scan_repo("described", EG_TARGET_ALL, NULL);
	f = find(r, "D");
	assert_non_null(f);
	assert_int_equal(f->level, EG_LEVEL_REVIEW);
	assert_string_equal(f->commit, rev_in("described", "r2"));
	assert_true(f->criteria[1].met);
	assert_string_equal(f->criteria[1].evidence[0].path, "Readme.rst");
	assert_int_equal(f->criteria[1].evidence[0].where, EG_IN_PRODUCT);
	eg_report_free(r);
	sh("cd %s && git init -q -b main collected && cd collected && "
	   "mkdir -p one && echo d-code > one/d.c && "
	   "echo d-described > one/README.md && "
	   "git add . && git commit -qm r1",
	   dir);
	r = scan_repo("collected", EG_TARGET_ALL, NULL);
	f = find(r, "D");
	assert_non_null(f);
	assert_int_equal(f->level, EG_LEVEL_REVIEW);
	assert_string_equal(f->criteria[1].evidence[0].path, "one/README.md");
	assert_int_equal(f->criteria[1].evidence[0].where, EG_IN_PRODUCT);
	eg_report_free(r);
}

/*
 * A push judges the trees it brings where they are: a project's folder
 * moved one folder down, the same tree the repository had at the top, is
 * a note there, and its README does not count (one job and two: the
 * reading walk and the taped one).
 */
static void a_push_judges_a_moved_tree_in_its_new_place(void **state)
{
	struct eg_report *r;
	unsigned jobs;

	(void)state;
	sh("cd %s && git init -q -b main moved && cd moved && "
	   "mkdir -p one && echo d-code > one/d.c && "
	   "echo d-described > one/README.md && "
	   "git add . && git commit -qm top && git tag top && "
	   "mkdir proj && git mv one proj/one && "
	   "git commit -qm down && git tag down",
	   dir);
	for (jobs = 1; jobs <= 2; jobs++) {
		r = scan_push("moved", "down", "top", jobs);
		assert_int_equal(r->commits, 1);
		assert_null(find(r, "D"));
		eg_report_free(r);
	}
	r = scan_repo("moved", EG_TARGET_TREE, "top");
	assert_non_null(find(r, "D")); /* at the top, it counted */
	eg_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(history_reports_the_first_satisfying_commit),
		cmocka_unit_test(the_top_readme_counts_other_docs_do_not),
		cmocka_unit_test(the_tip_alone_is_only_review),
		cmocka_unit_test(a_range_starts_after_its_base),
		cmocka_unit_test(
			file_findings_name_each_path_at_its_first_commit),
		cmocka_unit_test(a_push_judges_whole_trees_but_only_new_blobs),
		cmocka_unit_test(a_missing_blob_is_listed_and_the_scan_goes_on),
		cmocka_unit_test(weak_files_count_only_for_controlled),
		cmocka_unit_test(
			installed_packages_complete_controlled_only_to_review),
		cmocka_unit_test(a_push_judges_a_moved_tree_in_its_new_place),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
