/* test_packfile.c: objects read from the packs are what libgit2 reads. */
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

#include "packfile.h"
#include "packidx.h"
#include "testrepo.h"

static char dir[] = "/tmp/eg-test-packfile-XXXXXX";
static char repo_path[256];
static char top[256]; /* the work tree, where tests/run.sh runs this */

/*
 * A repository whose packs hold long delta chains: 80 versions of a file
 * that grows by a line each, and of a tree; then one loose object.
 */
static int setup(void **state)
{
	(void)state;
	if (!getcwd(top, sizeof(top)) || testrepo_init(dir))
		return -1;
	snprintf(repo_path, sizeof(repo_path), "%s/repo", dir);
	return testrepo_run(
		dir, "git init -q -b main repo && cd repo && "
		     "seq 1 3000 > big.txt && mkdir d && "
		     "for i in $(seq 1 80); do "
		     "  echo \"line $i of the file\" >> f.txt; "
		     "  echo $i > d/n$((i % 7)).txt; "
		     "  sed -i \"$((i * 13))s/.*/changed $i/\" big.txt; "
		     "  git add . && git commit -qm \"v$i\" || exit 1; "
		     "done && git repack -adfq --depth=50 --window=50 && "
		     "echo loose content > loose.txt && "
		     "git hash-object -w loose.txt > ../loose.oid");
}

static int teardown(void **state)
{
	(void)state;
	git_libgit2_shutdown();
	return testrepo_remove(dir);
}

struct oids {
	git_oid *v;
	size_t n, alloc;
};

static int collect(const git_oid *id, void *payload)
{
	struct oids *o = payload;

	if (o->n == o->alloc) {
		o->alloc = o->alloc ? o->alloc * 2 : 256;
		o->v = realloc(o->v, o->alloc * sizeof(*o->v));
		assert_non_null(o->v);
	}
	o->v[o->n++] = *id;
	return 0;
}

/* Read every object (packed ones through `r`) and compare with libgit2. */
static void compare_all(git_odb *odb, struct eg_pack_reader *r,
			const struct oids *o, size_t *packed)
{
	size_t i;

	*packed = 0;
	for (i = 0; i < o->n; i++) {
		const unsigned char *data;
		git_odb_object *obj;
		git_object_t type;
		size_t size;

		assert_int_equal(git_odb_read(&obj, odb, &o->v[i]), 0);
		if (eg_pack_read(r, &o->v[i], 0, &type, &data, &size) < 0) {
			git_odb_object_free(obj);
			continue;
		}
		(*packed)++;
		assert_int_equal(type, git_odb_object_type(obj));
		assert_int_equal(size, git_odb_object_size(obj));
		assert_memory_equal(data, git_odb_object_data(obj), size);
		git_odb_object_free(obj);
	}
}

static void open_all(git_repository **repo, git_odb **odb,
		     struct eg_packidx **idx, struct oids *o)
{
	assert_int_equal(git_repository_open(repo, repo_path), 0);
	assert_int_equal(git_repository_odb(odb, *repo), 0);
	assert_int_equal(git_odb_foreach(*odb, collect, o), 0);
	eg_packidx_open_repository(idx, *repo);
}

static void test_same_as_libgit2(void **state)
{
	git_repository *repo;
	git_odb *odb;
	struct eg_packidx *idx;
	struct eg_pack_reader *r;
	struct oids o = {0};
	size_t packed, i;

	(void)state;
	/* the pack has the chains this is about */
	assert_int_equal(testrepo_run(dir, "cd repo && git verify-pack -v "
					   ".git/objects/pack/*.idx | "
					   "grep -q '^chain length = 2[0-9]:'"),
			 0);
	open_all(&repo, &odb, &idx, &o);
	/* in the order git_odb_foreach gives, then backwards */
	eg_pack_reader_new(&r, idx, 64u << 20, NULL);
	compare_all(odb, r, &o, &packed);
	assert_int_equal(packed, o.n - 1); /* all but the loose one */
	for (i = 0; i < o.n / 2; i++) {
		git_oid t = o.v[i];

		o.v[i] = o.v[o.n - 1 - i];
		o.v[o.n - 1 - i] = t;
	}
	compare_all(odb, r, &o, &packed);
	assert_int_equal(packed, o.n - 1);
	eg_pack_reader_free(r);
	/* a cache too small to hold anything: every chain from its base */
	eg_pack_reader_new(&r, idx, 64, NULL);
	compare_all(odb, r, &o, &packed);
	assert_int_equal(packed, o.n - 1);
	eg_pack_reader_free(r);
	/* taken, not cached: the same content, the caller's to free */
	eg_pack_reader_new(&r, idx, 64u << 20, NULL);
	for (i = 0; i < o.n; i++) {
		git_odb_object *obj;
		unsigned char *data;
		git_object_t type;
		size_t size;

		assert_int_equal(git_odb_read(&obj, odb, &o.v[i]), 0);
		if (!eg_pack_take(r, &o.v[i], &type, &data, &size)) {
			assert_int_equal(type, git_odb_object_type(obj));
			assert_int_equal(size, git_odb_object_size(obj));
			assert_memory_equal(data, git_odb_object_data(obj),
					    size);
			free(data);
		}
		git_odb_object_free(obj);
	}
	eg_pack_reader_free(r);
	free(o.v);
	eg_packidx_free(idx);
	git_odb_free(odb);
	git_repository_free(repo);
}

static void read_oid_file(const char *name, git_oid *oid)
{
	char path[300], hex[GIT_OID_HEXSZ + 2] = {0};
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(hex, sizeof(hex), f));
	fclose(f);
	hex[GIT_OID_HEXSZ] = '\0';
	assert_int_equal(git_oid_fromstr(oid, hex), 0);
}

static void test_loose_and_limits(void **state)
{
	git_repository *repo;
	git_odb *odb;
	struct eg_packidx *idx;
	struct eg_pack_reader *r;
	struct oids o = {0};
	const unsigned char *data;
	git_object_t type;
	git_oid loose, big;
	git_object *obj;
	size_t size = 0;

	(void)state;
	open_all(&repo, &odb, &idx, &o);
	eg_pack_reader_new(&r, idx, 1u << 20, NULL);
	read_oid_file("loose.oid", &loose);
	assert_int_equal(eg_pack_read(r, &loose, 0, &type, &data, &size), -1);
	/* over the size limit: only the size, whole or delta */
	assert_int_equal(git_revparse_single(&obj, repo, "HEAD:big.txt"), 0);
	git_oid_cpy(&big, git_object_id(obj));
	git_object_free(obj);
	assert_int_equal(eg_pack_read(r, &big, 100, &type, &data, &size), 1);
	assert_true(size > 10000);
	assert_int_equal(eg_pack_read(r, &big, 0, &type, &data, &size), 0);
	assert_int_equal(type, GIT_OBJECT_BLOB);
	assert_int_equal(eg_pack_read(r, &big, 100, &type, &data, &size), 1);
	assert_int_equal(git_revparse_single(&obj, repo, "HEAD~40:big.txt"), 0);
	assert_int_equal(
		eg_pack_read(r, git_object_id(obj), 100, &type, &data, &size),
		1);
	git_object_free(obj);
	eg_pack_reader_free(r);
	free(o.v);
	eg_packidx_free(idx);
	git_odb_free(odb);
	git_repository_free(repo);
}

/*
 * Read every object as libgit2 reads it, run `damage` (a shell command in
 * the test folder) and open the repository at `damaged` (under the test
 * folder): every object the pack reader still gives is what libgit2 read
 * before.  When `refuse_file` names a file of the test folder, the object
 * it holds the id of must be refused.  Returns how many were refused, and
 * the number of objects in *n.
 */
static size_t read_after_damage(const char *damage, const char *damaged,
				const char *refuse_file, size_t *n)
{
	git_repository *repo;
	git_odb *odb;
	struct eg_packidx *idx;
	struct eg_pack_reader *r;
	struct oids o = {0};
	git_odb_object **before;
	git_oid refuse;
	char path[300];
	size_t i, refused = 0;

	open_all(&repo, &odb, &idx, &o);
	before = calloc(o.n, sizeof(*before));
	assert_non_null(before);
	for (i = 0; i < o.n; i++)
		assert_int_equal(git_odb_read(&before[i], odb, &o.v[i]), 0);
	eg_packidx_free(idx);
	git_odb_free(odb);
	git_repository_free(repo);
	assert_int_equal(testrepo_run(dir, damage), 0);
	if (refuse_file)
		read_oid_file(refuse_file, &refuse);
	snprintf(path, sizeof(path), "%s/%s", dir, damaged);
	assert_int_equal(git_repository_open(&repo, path), 0);
	eg_packidx_open_repository(&idx, repo);
	eg_pack_reader_new(&r, idx, 1u << 20, NULL);
	for (i = 0; i < o.n; i++) {
		const unsigned char *data;
		git_object_t type;
		size_t size;

		if (eg_pack_read(r, &o.v[i], 0, &type, &data, &size) < 0) {
			refused++;
			continue;
		}
		if (refuse_file)
			assert_false(git_oid_equal(&o.v[i], &refuse));
		assert_int_equal(type, git_odb_object_type(before[i]));
		assert_int_equal(size, git_odb_object_size(before[i]));
		assert_memory_equal(data, git_odb_object_data(before[i]), size);
	}
	for (i = 0; i < o.n; i++)
		git_odb_object_free(before[i]);
	free(before);
	eg_pack_reader_free(r);
	eg_packidx_free(idx);
	git_repository_free(repo);
	*n = o.n;
	free(o.v);
	return refused;
}

/*
 * A delta whose base offset was changed to another entry of the same
 * type and size: its delta applies cleanly there and makes other content
 * of the right size, which only the entry's CRC in the index tells.  The
 * reader refuses it, and gives every other object as it was.
 */
static void test_wrong_base(void **state)
{
	char cmd[600];
	size_t n;

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "rm -rf moved && cp -r repo moved && chmod -R u+w moved && "
		 "python3 '%s/tests/unit/redirect_delta.py' moved/.git "
		 "> moved.oid",
		 top);
	assert_true(read_after_damage(cmd, "moved", "moved.oid", &n) >= 1);
}

/*
 * A pack with damaged bytes: the reader refuses what it cannot read (and
 * libgit2 then reports it); it never gives other content than the object's.
 */
static void test_damaged_pack(void **state)
{
	size_t n, refused;

	(void)state;
	/* every 97th byte of the entries, past the 12-byte header */
	refused = read_after_damage(
		"cd repo/.git/objects/pack && p=$(ls *.pack) && "
		"chmod u+w $p && python3 -c \"import sys; "
		"b = bytearray(open('$p', 'rb').read()); "
		"[b.__setitem__(i, b[i] ^ 0x55) "
		"for i in range(12, len(b) - 20, 97)]; "
		"open('$p', 'wb').write(b)\"",
		"repo", NULL, &n);
	assert_true(refused > n / 2);
}

/*
 * A note that is a copy of the content, checked against its base's copy
 * through the delta's copies: the copies are right, and every blob read
 * has a note, made from its base's when it came from a delta.
 */
struct copy_note {
	size_t len;
	unsigned char data[];
};

static size_t notes_made, notes_from_base;

static void *make_copy_note(void *arg, const unsigned char *data, size_t len,
			    const void *base,
			    const struct eg_delta_copy *copies, size_t ncopies,
			    size_t *bytes)
{
	const struct copy_note *b = base;
	struct copy_note *n = malloc(sizeof(*n) + len);
	size_t i, covered = 0;

	assert_ptr_equal(arg, &notes_made);
	assert_non_null(n);
	n->len = len;
	memcpy(n->data, data, len);
	for (i = 0; b && i < ncopies; i++) {
		assert_true(copies[i].from + copies[i].len <= b->len);
		assert_true(copies[i].to >= covered);
		assert_true(copies[i].to + copies[i].len <= len);
		assert_memory_equal(data + copies[i].to,
				    b->data + copies[i].from, copies[i].len);
		covered = copies[i].to + copies[i].len;
	}
	notes_made++;
	notes_from_base += b && ncopies;
	*bytes = sizeof(*n) + len;
	return n;
}

static void test_notes(void **state)
{
	const struct eg_pack_notes notes = {make_copy_note, free, &notes_made};
	git_repository *repo;
	git_odb *odb;
	struct eg_packidx *idx;
	struct eg_pack_reader *r;
	struct oids o = {0};
	size_t i, blobs = 0;

	(void)state;
	open_all(&repo, &odb, &idx, &o);
	eg_pack_reader_new(&r, idx, 1u << 20, &notes);
	for (i = 0; i < o.n; i++) {
		const struct copy_note *n;
		const unsigned char *data;
		git_object_t type;
		size_t size;

		if (eg_pack_read(r, &o.v[i], 0, &type, &data, &size) < 0)
			continue;
		n = eg_pack_note(r);
		if (type != GIT_OBJECT_BLOB) {
			assert_null(n);
			continue;
		}
		blobs++;
		assert_non_null(n);
		assert_int_equal(n->len, size);
		assert_memory_equal(n->data, data, size);
	}
	/* the 80 versions of f.txt and big.txt are deltas on each other */
	assert_true(blobs > 160);
	assert_true(notes_from_base > 100);
	assert_true(notes_made >= blobs);
	eg_pack_reader_free(r);
	free(o.v);
	eg_packidx_free(idx);
	git_odb_free(odb);
	git_repository_free(repo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_libgit2),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_loose_and_limits),
		cmocka_unit_test(test_wrong_base),
		cmocka_unit_test(test_damaged_pack),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
