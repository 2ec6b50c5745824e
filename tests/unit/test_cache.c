/* test_cache.c: results kept between scans give the same report, faster. */
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
#include <jansson.h>
#include <openssl/evp.h>

#include "cache.h"
#include "error.h"
#include "scan.h"
#include "sigset.h"
#include "testrepo.h"

static const char pack[] =
	"pack: {id: t, version: 1}\n"
	"signatures:\n"
	"  - id: R\n"
	"    criteria:\n"
	"      - {id: a, patterns: [{id: a, literal: 'alpha-criterion'}]}\n"
	"      - {id: b, patterns: [{id: b, literal: 'beta-criterion'}]}\n"
	"    controlled: {all: [a, b]}\n"
	"  - id: F\n"
	"    scope: file\n"
	"    criteria:\n"
	"      - {id: k, patterns: [{id: k, literal: 'file-secret'}]}\n"
	"    controlled: k\n";

static struct eg_sigset *set;
static char dir[] = "/tmp/eg-test-cache-XXXXXX";
static char cache[256], repo_path[256];

static int setup(void **state)
{
	(void)state;
	if (testrepo_init(dir))
		return -1;
	set = eg_sigset_new();
	if (eg_sigset_add_buffer(set, "t.yml", pack, strlen(pack)) ||
	    eg_sigset_compile(set))
		return -1;
	snprintf(cache, sizeof(cache), "%s/cache/c.bin", dir);
	snprintf(repo_path, sizeof(repo_path), "%s/repo", dir);
	return testrepo_run(
		dir,
		"git init -q -b main repo && cd repo && "
		"echo alpha-criterion > a.txt && echo file-secret > s.txt && "
		"git add . && git commit -qm one && mkdir d && "
		"echo beta-criterion > d/b.txt && echo file-secret two > d/s.txt && "
		"python3 -c 'import zipfile; "
		"zipfile.ZipFile(\"d/pkg.zip\", \"w\").writestr("
		"\"pkg/b.py\", \"x = 1\\nbeta = \\\"beta-criterion\\\"\\n\")' && "
		"git add . && git commit -qm two");
}

static int teardown(void **state)
{
	(void)state;
	if (testrepo_remove(dir))
		return -1;
	eg_sigset_free(set);
	git_libgit2_shutdown();
	return 0;
}

/* Judge the push of main on top of main~1, as the gate does. */
static char *scan_json(const char *cache_path, unsigned long long *blobs)
{
	struct eg_scan_opts opts;
	struct eg_report *r = NULL;
	struct eg_output_opts o = {0, "t"};
	git_repository *repo = NULL;
	git_object *tip = NULL, *base = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(&opts, 0, sizeof(opts));
	opts.scope = EG_TARGET_PUSH;
	opts.jobs = 1;
	opts.cache_path = cache_path;
	assert_int_equal(git_repository_open(&repo, repo_path), 0);
	assert_int_equal(git_revparse_single(&tip, repo, "main"), 0);
	assert_int_equal(git_revparse_single(&base, repo, "main~1"), 0);
	opts.tips = git_object_id(tip);
	opts.ntips = 1;
	opts.hide = git_object_id(base);
	opts.nhide = 1;
	assert_int_equal(eg_scan_repository(&r, repo, set, &opts), 0);
	*blobs = r->blobs;
	r->blobs = r->bytes = 0; /* what was read differs, nothing else */
	f = open_memstream(&buf, &len);
	assert_int_equal(eg_report_write_json(r, f, &o), 0);
	fclose(f);
	eg_report_free(r);
	git_object_free(tip);
	git_object_free(base);
	git_repository_free(repo);
	return buf;
}

static void a_warm_cache_reads_nothing_and_reports_the_same(void **state)
{
	unsigned long long cold_blobs, warm_blobs, plain_blobs;
	char *plain = scan_json(NULL, &plain_blobs);
	char *cold = scan_json(cache, &cold_blobs);
	char *warm = scan_json(cache, &warm_blobs);

	(void)state;
	assert_int_equal(access(cache, F_OK), 0);
	assert_int_equal(plain_blobs, 5);
	assert_int_equal(cold_blobs, 5);
	assert_int_equal(warm_blobs, 0);
	assert_string_equal(plain, cold);
	assert_string_equal(plain, warm);
	/* the new file's finding, not the old one's: it was there before */
	assert_non_null(strstr(warm, "\"path\": \"d/s.txt\""));
	assert_null(strstr(warm, "\"path\": \"s.txt\""));
	/* a hit in an archive's member keeps its member and line */
	assert_non_null(strstr(warm, "\"member\": \"pkg/b.py\""));
	free(plain);
	free(cold);
	free(warm);
}

static void a_corrupt_cache_is_rebuilt(void **state)
{
	unsigned long long blobs;
	char *plain, *again;
	FILE *f;

	(void)state;
	plain = scan_json(cache, &blobs);
	f = fopen(cache, "r+");
	assert_non_null(f);
	fseek(f, 100, SEEK_SET);
	fputs("garbage", f);
	fclose(f);
	again = scan_json(cache, &blobs);
	assert_int_equal(blobs, 5); /* read again, not trusted */
	assert_string_equal(plain, again);
	free(again);
	again = scan_json(cache, &blobs);
	assert_int_equal(blobs, 0); /* and written anew */
	free(again);
	free(plain);
}

static void another_signature_set_ignores_the_cache(void **state)
{
	struct eg_sigset *other = eg_sigset_new();
	struct eg_oidmap trees = {0}, blobs = {0};
	static const char p2[] =
		"pack: {id: u, version: 1}\nsignatures:\n  - id: X\n"
		"    criteria: [{id: c, patterns: [{id: p, literal: zz}]}]\n"
		"    controlled: c\n";

	(void)state;
	assert_int_equal(eg_sigset_add_buffer(other, "u.yml", p2, strlen(p2)),
			 0);
	assert_int_equal(eg_sigset_compile(other), 0);
	eg_cache_load(cache, other, &trees, &blobs);
	assert_int_equal(trees.count, 0);
	assert_int_equal(blobs.count, 0);
	eg_cache_load(cache, set, &trees, &blobs);
	assert_true(trees.count > 0);
	assert_int_equal(blobs.count, 5);
	{
		struct eg_oidmap_entry *e;

		eg_oidmap_foreach(&trees, e) free(e->value);
		eg_oidmap_foreach(&blobs, e)
		{
			eg_blob_result_free(
				((struct eg_blob_info *)e->value)->result);
			free(e->value);
		}
	}
	eg_oidmap_clear(&trees);
	eg_oidmap_clear(&blobs);
	eg_sigset_free(other);
}

/*
 * Write a well-formed cache file of two trees (blob 0) or two blobs (1),
 * with ids 0xab.. and `second`.., checksum included; as cache.c lays it
 * out: a tree is oid | u32 place | u8 again | EG_CRITERIA_SETS sets, a
 * blob without a result oid | u32 kind | u8 flags.
 */
static void write_two(int blob, unsigned char second)
{
	unsigned char buf[1024];
	size_t n = 0, i, words = EG_BITSET_WORDS(set->ncriteria);
	size_t rec = blob ? 5 : 5 + EG_CRITERIA_SETS * words * 8;
	FILE *f;

	assert_true(88 + 2 * (20 + rec) + 32 <= sizeof(buf));
	memcpy(buf, EG_CACHE_MAGIC, 8);
	memcpy(buf + 8, set->sha256, 64);
	n = 72;
	memset(buf + n, 0, 16);
	buf[n + (blob ? 8 : 0)] = 2; /* two trees, or two blobs */
	n += 16;
	for (i = 0; i < 2; i++) {
		memset(buf + n, i ? second : 0xab, 20);
		n += 20;
		memset(buf + n, 0, rec);
		n += rec;
	}
	assert_true(EVP_Digest(buf, n, buf + n, NULL, EVP_sha256(), NULL));
	n += 32;
	f = fopen(cache, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, n, f), n);
	fclose(f);
}

/* Free what a load of write_two()'s file put in the maps, and the maps. */
static void clear_loaded(struct eg_oidmap *trees, struct eg_oidmap *blobs)
{
	struct eg_oidmap_entry *e;

	eg_oidmap_foreach(trees, e) free(e->value);
	eg_oidmap_foreach(blobs, e) free(e->value);
	eg_oidmap_clear(trees);
	eg_oidmap_clear(blobs);
}

/*
 * A file that lists one tree or blob twice is corrupt and adds nothing
 * (found by fuzz/fuzz_cache.c: the second entry replaced the first, which
 * leaked).  The same file with two ids loads both: it is read past its
 * header, so the refusal is the repeat's.
 */
static void a_cache_listing_an_object_twice_adds_nothing(void **state)
{
	struct eg_oidmap trees = {0}, blobs = {0};
	int blob;

	(void)state;
	for (blob = 0; blob < 2; blob++) {
		write_two(blob, 0xac);
		eg_cache_load(cache, set, &trees, &blobs);
		assert_int_equal(blob ? blobs.count : trees.count, 2);
		clear_loaded(&trees, &blobs);
		write_two(blob, 0xab);
		eg_cache_load(cache, set, &trees, &blobs);
		assert_int_equal(trees.count, 0);
		assert_int_equal(blobs.count, 0);
	}
	eg_oidmap_clear(&trees);
	eg_oidmap_clear(&blobs);
	unlink(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			a_warm_cache_reads_nothing_and_reports_the_same),
		cmocka_unit_test(a_corrupt_cache_is_rebuilt),
		cmocka_unit_test(another_signature_set_ignores_the_cache),
		cmocka_unit_test(a_cache_listing_an_object_twice_adds_nothing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
