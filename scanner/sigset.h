/* sigset.h: signature packs, compiled once into an immutable set. */
#ifndef EG_SIGSET_H
#define EG_SIGSET_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "kind.h"

enum eg_status { EG_STATUS_ACTIVE, EG_STATUS_EXPIRED, EG_STATUS_CONTESTED };
enum eg_sig_scope { EG_SIG_FILE, EG_SIG_REPOSITORY };
enum eg_level { EG_LEVEL_NONE = 0, EG_LEVEL_REVIEW, EG_LEVEL_CONTROLLED };

/* How a criterion combines its patterns, or a condition its operands. */
enum eg_cond_op {
	EG_COND_CRITERION,
	EG_COND_ALL,
	EG_COND_ANY,
	EG_COND_AT_LEAST,
	EG_COND_NONE /* a condition only: none of its operands holds */
};

/*
 * A signature's `controlled` or `review` condition: a tree whose leaves name
 * criteria by their index in eg_sigset.criteria.  Depth is bounded by the
 * parser (EG_COND_MAX_DEPTH).
 */
struct eg_cond {
	enum eg_cond_op op;
	size_t criterion;  /* EG_COND_CRITERION */
	unsigned at_least; /* EG_COND_AT_LEAST */
	struct eg_cond *kids;
	size_t nkids;
};

#define EG_COND_MAX_DEPTH 16

struct eg_pattern {
	char *id;
	size_t criterion; /* index in eg_sigset.criteria */
	char *text;	  /* the regex or the literal, as written */
	int literal;	  /* text is a literal string, not a regex */
	int icase;
	unsigned kinds; /* EG_KIND_* mask this pattern applies to */
	char **paths;	/* basename globs (fnmatch); none means any */
	size_t npaths;
	char **prefilter; /* literals, lower case: one must occur to run */
	size_t nprefilter;
	void *code;	   /* pcre2_code *, NULL for pure kind patterns */
	char *unless;	   /* a regex: where it matches, the file's hits drop */
	void *unless_code; /* pcre2_code * of `unless`, NULL without one */
	int jitted;	   /* code JIT-compiled yet: see eg_sigset_code() */
	int kind_only;	   /* hits when the blob's kind is in `kinds` */
	int whole_file;	   /* may match far from its literals: search it all */
	/*
	 * The first pattern that matches as this one does, wherever this one
	 * runs (eg_sigset_compile()): its own index, or that of an earlier
	 * copy, as MODEL.1 repeats criteria of 0D521.1.  A copy takes the
	 * other's hits instead of searching again.
	 */
	size_t same_as;
};

struct eg_criterion {
	char *id;
	char *title;
	char *regulation;      /* the text of the regulation it stands for */
	size_t signature;      /* index in eg_sigset.sigs */
	enum eg_cond_op match; /* EG_COND_ANY, _ALL or _AT_LEAST */
	unsigned at_least;
	size_t first_pattern, npatterns;
	/*
	 * Named under a `none` of its signature: counter-evidence, expected
	 * not to hold where the signature does.
	 */
	int counter;
};

struct eg_signature {
	char *id, *title, *eccn, *citation, *description;
	enum eg_status status;
	char *effective, *expires; /* YYYY-MM-DD or NULL */
	char **permitted;	   /* jurisdictions permitted by default */
	size_t npermitted;
	char **references;
	size_t nreferences;
	enum eg_sig_scope scope;
	size_t first_criterion, ncriteria;
	struct eg_cond controlled, review;
	int has_review;
	size_t pack; /* index in eg_sigset.packs */
};

struct eg_pack {
	char *id, *version, *title;
	char *source; /* file name, or "builtin:<name>" */
	char sha256[65];
};

struct eg_prefilter;

/* The EG_KIND_* bits of text kinds: those of EG_KIND_ANY_TEXT. */
#define EG_TEXT_KINDS 16

/*
 * Invariant: after eg_sigset_compile() nothing changes, so one set is shared
 * read-only by every thread.  Criteria of one signature, and patterns of one
 * criterion, are contiguous.
 */
struct eg_sigset {
	struct eg_pack *packs;
	size_t npacks, packs_alloc;
	struct eg_signature *sigs;
	size_t nsigs, sigs_alloc;
	struct eg_criterion *criteria;
	size_t ncriteria, criteria_alloc;
	struct eg_pattern *patterns;
	size_t npatterns, patterns_alloc;
	/*
	 * The prefilters, one per text kind (bit i of EG_KIND_ANY_TEXT) from
	 * the patterns for that kind, and one for every other kind, built on
	 * first use by eg_sigset_prefilter() under `lazy_lock`: a push
	 * that brings C files builds only C's.  The regexes, likewise, are
	 * JIT-compiled on first use (eg_sigset_code()).
	 */
	struct eg_prefilter *prefilters[EG_TEXT_KINDS + 1];
	pthread_mutex_t lazy_lock;
	int compiled;
	char sha256[65]; /* over every pack's sha256, in order */
};

/* A new empty set; free it with eg_sigset_free().  Cannot fail. */
struct eg_sigset *eg_sigset_new(void);

/*
 * Parse one YAML pack and add its signatures.  Fails with EG_ECONFIG and a
 * "file:line:column: message" error for malformed YAML, unknown keys,
 * duplicate ids, a bad regex (pcre2's message and offset) or a condition
 * naming an unknown criterion; the set is then unusable.
 */
int eg_sigset_add_buffer(struct eg_sigset *set, const char *name,
			 const char *buf, size_t len);
/*
 * eg_sigset_add_buffer() on a file, or on each .yml or .yaml in a folder
 * (not in its subfolders); a folder that holds none is an EG_ECONFIG.
 */
int eg_sigset_add_path(struct eg_sigset *set, const char *path);
/*
 * eg_sigset_add_path() on the packs a policy names: each pack file is
 * first checked with eg_trust_file(), as the policy is.
 */
int eg_sigset_add_rules(struct eg_sigset *set, const char *path);
/* Add the packs compiled into the binary. */
int eg_sigset_add_builtin(struct eg_sigset *set);

/* Freeze the set: check the prefilters fit, hash the packs.  Call once. */
int eg_sigset_compile(struct eg_sigset *set);

/*
 * The prefilter for content of `kind` (one EG_KIND_* bit), built the first
 * time it is asked for; borrowed.  Thread-safe.  Can't fail: the set's
 * compilation checked that every prefilter fits.
 */
const struct eg_prefilter *eg_sigset_prefilter(const struct eg_sigset *set,
					       unsigned kind);

/*
 * Pattern `pattern`'s compiled regex (a pcre2_code), JIT-compiled the first
 * time it is asked for; borrowed.  Thread-safe.  A scan runs few of its
 * regexes, so it compiles only those.
 */
const void *eg_sigset_code(const struct eg_sigset *set, size_t pattern);

/*
 * Pattern `pattern`'s `unless` regex (a pcre2_code), or NULL without one;
 * borrowed.  JIT-compiled with the pattern's own regex: call it after
 * eg_sigset_code() for the same pattern.
 */
const void *eg_sigset_unless(const struct eg_sigset *set, size_t pattern);

/*
 * Whether s is a jurisdiction code as packs, policies and approvals write
 * them: 2 to 32 of A-Z, 0-9, "-" and "_", starting with a letter: an ISO
 * 3166 code (US, DE, US-CA) or a word a policy gives meaning to (WORLD).
 * Lower case is refused, not folded: "us" is a typo to show.
 */
int eg_is_jurisdiction(const char *s);

/* The signature with this id, or NULL; borrowed. */
const struct eg_signature *eg_sigset_find(const struct eg_sigset *set,
					  const char *id);

/* Evaluate a condition over a criteria bitset (see bitset.h). */
int eg_cond_eval(const struct eg_cond *cond, const unsigned long long *bits);

/* Write a condition as words: "all of (a, any of (b, c))". */
void eg_cond_print(FILE *f, const struct eg_sigset *set,
		   const struct eg_cond *cond);

/* The level of a signature over a criteria bitset. */
enum eg_level eg_signature_level(const struct eg_signature *sig,
				 const unsigned long long *bits);
/*
 * Where criteria hold in a snapshot: in product code; in weak files, the
 * project's vendored copies, documentation and tests; below installed
 * packages, other projects' code as a package manager lays it out
 * (`site-packages/`, `node_modules/`; evidence.h).  A snapshot's criteria
 * are EG_CRITERIA_SETS sets of criteria bits, in this order.
 */
enum eg_where { EG_IN_PRODUCT, EG_IN_WEAK, EG_IN_INSTALLED, EG_CRITERIA_SETS };
/*
 * The level of a signature over a snapshot whose criteria are `sets`
 * (enum eg_where, `words` words each): controlled over product code and
 * weak files, so that where a project keeps its files cannot hide
 * controlled content from the gate; review over product code alone, so
 * that a test or a vendored copy does not ask for a human look; and review
 * where installed packages complete the controlled condition: other
 * projects' libraries (the PyTorch, matplotlib and SciPy of a committed
 * virtualenv) are no capability of this project, but what they complete
 * is shown to a person, not let through unseen.  A `none` reads the same
 * sets as the condition it is in: counter-evidence below installed
 * packages takes away only the review they would complete.
 */
enum eg_level eg_signature_level_of(const struct eg_signature *sig,
				    const unsigned long long *sets,
				    size_t words);

/*
 * The highest level a signature can reach on a part of that snapshot (a
 * folder), whose criteria are among these: its level with every `none`
 * taken to hold.  Equal to eg_signature_level_of() for a signature
 * without counter-evidence.  (The parser refuses a `none` inside a
 * `none`, which would make this no bound.)
 */
enum eg_level eg_signature_level_bound(const struct eg_signature *sig,
				       const unsigned long long *sets,
				       size_t words);

const char *eg_level_name(enum eg_level level);
const char *eg_status_name(enum eg_status status);

void eg_sigset_free(struct eg_sigset *set);

/* Built-in packs: name and YAML text, NULL-terminated; generated. */
struct eg_builtin_pack {
	const char *name;
	const char *text;
	size_t len;
};
extern const struct eg_builtin_pack eg_builtin_packs[];

#endif
