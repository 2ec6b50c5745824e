/* test_decision.c: findings against destinations, approvals and overrides. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approvals.h"
#include "decision.h"
#include "destination.h"
#include "error.h"
#include "policy.h"
#include "report.h"
#include "sigset.h"

#define COMMIT	     "0123456789abcdef0123456789abcdef01234567"
#define TREE	     "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
#define LATER	     "76543210fedcba9876543210fedcba9876543210"
#define LATER_COMMIT "fedcba9876543210fedcba9876543210fedcba98"
#define DE_URL	     "ssh://git@mirror.example.de/geo/radar.git"
#define CA_URL	     "https://git.example.ca/geo/radar.git"

static const char pack[] =
	"pack: {id: t, version: \"1\"}\n"
	"signatures:\n"
	"  - id: G.1\n"
	"    eccn: \"0D521\"\n"
	"    title: Geospatial DCNN software\n"
	"    status: active\n"
	"    permitted: [US, CA]\n"
	"    scope: repository\n"
	"    criteria:\n"
	"      - {id: a, title: Alpha, patterns: [{id: a, literal: x}]}\n"
	"      - {id: b, title: Beta, patterns: [{id: b, literal: y}]}\n"
	"    controlled: {all: [a, b]}\n"
	"    review: {any: [a, b]}\n"
	"  - id: OLD.1\n"
	"    eccn: \"4E091\"\n"
	"    title: Contested rule\n"
	"    status: contested\n"
	"    permitted: [US]\n"
	"    scope: repository\n"
	"    criteria:\n"
	"      - {id: c, title: Gamma, patterns: [{id: c, literal: z}]}\n"
	"    controlled: {all: [c]}\n";

static const char policy_text[] =
	"jurisdiction: US\n"
	"destinations:\n"
	"  - {url: \"ssh://git@mirror.example.de/*\", jurisdiction: DE}\n"
	"  - {url: \"https://git.example.ca/*\", jurisdiction: CA}\n"
	"contact: compliance@example.com\n"
	"override: {users: [alice]}\n";

static struct eg_sigset *set;

static int setup(void **state)
{
	(void)state;
	set = eg_sigset_new();
	if (eg_sigset_add_buffer(set, "t.yml", pack, strlen(pack)) < 0) {
		fprintf(stderr, "pack: %s\n", eg_error_last());
		return -1;
	}
	return eg_sigset_compile(set);
}

static int teardown(void **state)
{
	(void)state;
	eg_sigset_free(set);
	return 0;
}

/* One push to decide on: its report, policy and destinations. */
struct push {
	struct eg_report *report;
	struct eg_policy *policy;
	struct eg_destinations dests;
	struct eg_approvals *approvals;
	struct eg_decision_input in;
	struct eg_decision *decision;
	char *message;
};

static void add_evidence(struct eg_finding *f, size_t c, const char *path,
			 enum eg_where where)
{
	struct eg_criterion_result *r = &f->criteria[c];
	struct eg_evidence *e;

	r->evidence = eg_xrealloc(r->evidence,
				  (r->nevidence + 1) * sizeof(*r->evidence));
	e = &r->evidence[r->nevidence++];
	memset(e, 0, sizeof(*e));
	e->path = eg_xstrdup(path);
	strcpy(e->blob, TREE);
	e->line = 1;
	e->column = 1;
	e->excerpt = eg_xstrdup("x");
	e->pattern = eg_xstrdup("a");
	e->where = where;
}

static struct eg_finding *add_finding(struct eg_report *r, const char *sig,
				      enum eg_level level)
{
	const struct eg_signature *s = eg_sigset_find(set, sig);
	struct eg_finding *f;
	size_t i;

	assert_non_null(s);
	f = eg_report_add_finding(r, s, level);
	strcpy(f->commit, COMMIT);
	strcpy(f->content, TREE);
	f->ncriteria = s->ncriteria;
	f->criteria = eg_xcalloc(s->ncriteria, sizeof(*f->criteria));
	for (i = 0; i < s->ncriteria; i++) {
		f->criteria[i].criterion =
			&set->criteria[s->first_criterion + i];
		f->criteria[i].met = 1;
	}
	add_evidence(f, 0, "gui/label.py", EG_IN_PRODUCT);
	return f;
}

static void push_init(struct push *p, const char *extra_policy)
{
	char *text;

	memset(p, 0, sizeof(*p));
	p->report =
		eg_report_new(set, "/srv/git/geo/radar.git", EG_TARGET_PUSH);
	if (asprintf(&text, "%s%s", policy_text, extra_policy) < 0)
		fail_msg("out of memory");
	if (eg_policy_parse(&p->policy, "policy.yml", text, strlen(text)) < 0)
		fail_msg("policy: %s", eg_error_last());
	free(text);
	eg_destinations_add(&p->dests, NULL, "US", "this server");
	p->in.report = p->report;
	p->in.policy = p->policy;
	p->in.destinations = &p->dests;
	p->in.repository = "/srv/git/geo/radar";
	p->in.user = "bob";
	p->in.today = "2026-06-01";
}

static void mirror(struct push *p, const char *url)
{
	eg_destinations_add_url(&p->dests, p->policy, url, "mirror remote m");
}

static void approve(struct push *p, const char *content, const char *expires)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "- {signature: G.1, repository: 'geo/*', content: %s,\n"
		 "   ticket: EXP-42, approver: c@example.com, basis: GOV,\n"
		 "   expires: %s}\n",
		 content, expires);
	if (eg_approvals_parse(&p->approvals, "approvals.yml", text,
			       strlen(text)) < 0)
		fail_msg("approvals: %s", eg_error_last());
	p->in.approvals = p->approvals;
}

static struct eg_decision *decide(struct push *p)
{
	size_t len = 0;
	FILE *out;

	eg_report_finish(p->report);
	p->decision = eg_decision_make(&p->in);
	out = open_memstream(&p->message, &len);
	eg_decision_print(p->decision, &p->in, "exportgate: push rejected",
			  out);
	fclose(out);
	if (getenv("EG_SHOW_MESSAGES"))
		fputs(p->message, stderr);
	return p->decision;
}

static void push_release(struct push *p)
{
	eg_decision_free(p->decision);
	eg_approvals_free(p->approvals);
	eg_destinations_release(&p->dests);
	eg_policy_free(p->policy);
	eg_report_free(p->report);
	free(p->message);
}

static size_t count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void message_has(const struct push *p, const char *words)
{
	if (!strstr(p->message, words))
		fail_msg("no '%s' in the message:\n%s", words, p->message);
}

static void test_de_blocks_controlled(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	d = decide(&p);
	assert_int_equal(d->reject, 1);
	assert_int_equal(d->nblocked, 1);
	assert_int_equal(d->verdicts[0].outcome, EG_OUTCOME_BLOCKED);
	assert_int_equal(d->verdicts[0].action, EG_ACTION_BLOCK);
	assert_int_equal(d->verdicts[0].ndenied, 1);
	assert_int_equal(d->verdicts[0].denied[0], 1);
	assert_string_equal(d->reason, "G.1 (ECCN 0D521) may not go to DE");

	/* The message says what, where, and how to ask. */
	message_has(&p, "exportgate: push rejected: G.1 (ECCN 0D521) may not "
			"go to DE\n");
	message_has(&p, "ECCN 0D521, controlled");
	message_has(&p, "commit " COMMIT);
	message_has(&p, "evidence: gui/label.py");
	message_has(&p, DE_URL " (DE)");
	message_has(&p, "fingerprint ");
	message_has(&p, "content " TREE);
	message_has(&p, "compliance@example.com");
	message_has(&p, "signature G.1, repository /srv/git/geo/radar");
	assert_null(strstr(p.message, "expired"));
	assert_true(count_lines(p.message) <= EG_DECISION_MAX_LINES);
	push_release(&p);
}

/* A finding judged on one top-level folder names it. */
static void test_blocked_folder_is_named(void **state)
{
	struct push p;
	struct eg_finding *f;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	f = add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	f->folder = eg_xstrdup("aerial/");
	assert_int_equal(decide(&p)->reject, 1);
	message_has(&p, "commit " COMMIT ", folder aerial/\n");
	push_release(&p);
}

static void test_ca_permits_controlled(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "");
	mirror(&p, CA_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	d = decide(&p);
	assert_int_equal(d->reject, 0);
	assert_int_equal(d->verdicts[0].outcome, EG_OUTCOME_PERMITTED);
	assert_string_equal(p.message, "");
	push_release(&p);
}

static void test_review_warns_and_accepts(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_REVIEW);
	d = decide(&p);
	assert_int_equal(d->reject, 0);
	assert_int_equal(d->nwarned, 1);
	assert_int_equal(d->verdicts[0].outcome, EG_OUTCOME_WARNED);
	message_has(&p, "warning: G.1 (ECCN 0D521, review)");
	message_has(&p, "DE");
	push_release(&p);
}

static void test_policy_warn_accepts_controlled(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "signatures: {G.1: {controlled: warn}}\n");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	d = decide(&p);
	assert_int_equal(d->reject, 0);
	assert_int_equal(d->verdicts[0].outcome, EG_OUTCOME_WARNED);
	push_release(&p);
}

static void test_policy_ignore_and_permitted_list(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "signatures: {G.1: {controlled: ignore}}\n");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	d = decide(&p);
	assert_int_equal(d->reject, 0);
	assert_int_equal(d->verdicts[0].outcome, EG_OUTCOME_IGNORED);
	push_release(&p);

	/* The policy's permitted list replaces the pack's. */
	push_init(&p, "signatures: {G.1: {permitted: [US, DE]}}\n");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	assert_int_equal(decide(&p)->reject, 0);
	push_release(&p);
	push_init(&p, "signatures: {G.1: {permitted: [US]}}\n");
	mirror(&p, CA_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	assert_int_equal(decide(&p)->reject, 1);
	push_release(&p);
}

static void test_contested_signature_only_warns(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	add_finding(p.report, "OLD.1", EG_LEVEL_CONTROLLED);
	d = decide(&p);
	assert_int_equal(d->reject, 0);
	assert_int_equal(d->verdicts[0].action, EG_ACTION_WARN);
	assert_int_equal(d->verdicts[0].outcome, EG_OUTCOME_WARNED);
	push_release(&p);

	/* ... unless the policy says block. */
	push_init(&p, "signatures: {OLD.1: {controlled: block}}\n");
	mirror(&p, DE_URL);
	add_finding(p.report, "OLD.1", EG_LEVEL_CONTROLLED);
	assert_int_equal(decide(&p)->reject, 1);
	push_release(&p);
}

static void test_unknown_destination_denied_by_default(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "");
	mirror(&p, "https://elsewhere.example/x.git");
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	d = decide(&p);
	assert_int_equal(d->reject, 1);
	message_has(&p, "https://elsewhere.example/x.git (unknown "
			"jurisdiction)");
	push_release(&p);

	push_init(&p, "unknown_destination: allow\n");
	mirror(&p, "https://elsewhere.example/x.git");
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	assert_int_equal(decide(&p)->reject, 0);
	push_release(&p);
}

static void test_clean_push(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	d = decide(&p);
	assert_int_equal(d->reject, 0);
	assert_int_equal(d->nverdicts, 0);
	assert_string_equal(p.message, "");
	push_release(&p);
}

static void test_valid_approval_accepts(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	approve(&p, TREE, "2027-12-31");
	d = decide(&p);
	assert_int_equal(d->reject, 0);
	assert_int_equal(d->napproved, 1);
	assert_int_equal(d->verdicts[0].outcome, EG_OUTCOME_APPROVED);
	assert_string_equal(d->verdicts[0].approval->ticket, "EXP-42");
	message_has(&p, "approval EXP-42");
	push_release(&p);

	/* The commit is content an approval may name too. */
	push_init(&p, "");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	approve(&p, COMMIT, "2027-12-31");
	assert_int_equal(decide(&p)->reject, 0);
	push_release(&p);
}

static void test_expired_approval_rejects_and_says_so(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	approve(&p, TREE, "2021-01-31");
	d = decide(&p);
	assert_int_equal(d->reject, 1);
	assert_int_equal(d->verdicts[0].approval_state, EG_APPROVAL_EXPIRED);
	message_has(&p, "approval EXP-42 expired on 2021-01-31");
	push_release(&p);
}

/* A push's finding that holds on a second, later snapshot too. */
static void add_later_snapshot(struct eg_finding *f)
{
	f->also = eg_xcalloc(1, sizeof(*f->also));
	strcpy(f->also[0].commit, LATER_COMMIT);
	strcpy(f->also[0].content, LATER);
	f->nalso = 1;
}

/* Each snapshot a push brings is content that leaves: each needs approving. */
static void test_each_snapshot_needs_an_approval(void **state)
{
	static const char both[] =
		"- {signature: G.1, repository: 'geo/*', content: " TREE ",\n"
		"   ticket: EXP-42, approver: c@example.com, basis: GOV,\n"
		"   expires: 2027-12-31}\n"
		"- {signature: G.1, repository: 'geo/*', content: " LATER ",\n"
		"   ticket: EXP-43, approver: c@example.com, basis: GOV,\n"
		"   expires: 2027-12-31}\n";
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	add_later_snapshot(add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED));
	approve(&p, TREE, "2027-12-31");
	d = decide(&p);
	assert_int_equal(d->reject, 1);
	assert_int_equal(d->verdicts[0].nunapproved, 1);
	assert_string_equal(d->verdicts[0].unapproved->content, LATER);
	message_has(&p, "commit " LATER_COMMIT);
	message_has(&p, "content " LATER " (the tree to approve)");
	push_release(&p);

	push_init(&p, "");
	mirror(&p, DE_URL);
	add_later_snapshot(add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED));
	if (eg_approvals_parse(&p.approvals, "approvals.yml", both,
			       strlen(both)) < 0)
		fail_msg("approvals: %s", eg_error_last());
	p.in.approvals = p.approvals;
	d = decide(&p);
	assert_int_equal(d->reject, 0);
	assert_int_equal(d->verdicts[0].outcome, EG_OUTCOME_APPROVED);
	push_release(&p);
}

static void test_approval_of_other_content_does_not_count(void **state)
{
	struct push p;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	approve(&p, "89abcdef0123456789abcdef0123456789abcdef", "2027-12-31");
	assert_int_equal(decide(&p)->reject, 1);
	push_release(&p);
}

static void test_override_for_listed_users_only(void **state)
{
	struct push p;
	struct eg_decision *d;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	p.in.override_ticket = "EXP-1";
	d = decide(&p);
	assert_int_equal(d->reject, 1);
	assert_int_equal(d->override, EG_OVERRIDE_REFUSED);
	message_has(&p, "override EXP-1 refused: bob is not listed");
	push_release(&p);

	push_init(&p, "");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	p.in.override_ticket = "EXP-1";
	p.in.user = "alice";
	d = decide(&p);
	assert_int_equal(d->reject, 0);
	assert_int_equal(d->override, EG_OVERRIDE_USED);
	assert_int_equal(d->noverridden, 1);
	assert_int_equal(d->verdicts[0].outcome, EG_OUTCOME_OVERRIDDEN);
	message_has(&p, "override EXP-1 of alice");
	push_release(&p);

	/* A listed user still needs a ticket. */
	push_init(&p, "");
	mirror(&p, DE_URL);
	add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);
	p.in.override_ticket = "";
	p.in.user = "alice";
	d = decide(&p);
	assert_int_equal(d->reject, 1);
	assert_int_equal(d->override, EG_OVERRIDE_REFUSED);
	push_release(&p);

	/* Asked for with nothing to override: recorded as unused. */
	push_init(&p, "");
	p.in.override_ticket = "EXP-1";
	d = decide(&p);
	assert_int_equal(d->reject, 0);
	assert_int_equal(d->override, EG_OVERRIDE_UNUSED);
	push_release(&p);
}

static void test_message_stays_within_twenty_lines(void **state)
{
	struct push p;
	struct eg_decision *d;
	int i;

	(void)state;
	push_init(&p, "");
	mirror(&p, DE_URL);
	mirror(&p, "https://elsewhere.example/x.git");
	for (i = 0; i < 12; i++) {
		struct eg_finding *f =
			add_finding(p.report, "G.1", EG_LEVEL_CONTROLLED);

		f->commit[0] = (char)('a' + i);
		add_evidence(f, 1, "train/train.py", EG_IN_PRODUCT);
		add_evidence(f, 1, "vendor/x.py", EG_IN_WEAK);
	}
	p.in.override_ticket = "EXP-1";
	d = decide(&p);
	assert_int_equal(d->nblocked, 12);
	assert_true(count_lines(p.message) <= EG_DECISION_MAX_LINES);
	message_has(&p, "more (see the audit log)");
	message_has(&p, "A match is an indicator");
	message_has(&p, "12 findings may not go to every destination");
	push_release(&p);
}

static void test_evidence_paths(void **state)
{
	struct eg_report *r = eg_report_new(set, "/x", EG_TARGET_PUSH);
	struct eg_finding *f = add_finding(r, "G.1", EG_LEVEL_CONTROLLED);
	const char *paths[8];
	size_t n;

	(void)state;
	add_evidence(f, 0, "env/site-packages/qt/view.py", EG_IN_INSTALLED);
	add_evidence(f, 0, "tests/test_label.py", EG_IN_WEAK);
	add_evidence(f, 1, "gui/label.py", EG_IN_PRODUCT);
	add_evidence(f, 1, "train/train.py", EG_IN_PRODUCT);
	n = eg_decision_paths(paths, 8, f);
	assert_int_equal(n, 4);
	assert_string_equal(paths[0], "gui/label.py");
	assert_string_equal(paths[1], "train/train.py");
	assert_string_equal(paths[2], "tests/test_label.py");
	assert_string_equal(paths[3], "env/site-packages/qt/view.py");
	assert_int_equal(eg_decision_paths(paths, 1, f), 1);
	/* Evidence of a criterion that does not hold is not shown. */
	f->criteria[1].met = 0;
	assert_int_equal(eg_decision_paths(paths, 8, f), 3);
	eg_report_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_de_blocks_controlled),
		cmocka_unit_test(test_blocked_folder_is_named),
		cmocka_unit_test(test_ca_permits_controlled),
		cmocka_unit_test(test_review_warns_and_accepts),
		cmocka_unit_test(test_policy_warn_accepts_controlled),
		cmocka_unit_test(test_policy_ignore_and_permitted_list),
		cmocka_unit_test(test_contested_signature_only_warns),
		cmocka_unit_test(test_unknown_destination_denied_by_default),
		cmocka_unit_test(test_clean_push),
		cmocka_unit_test(test_valid_approval_accepts),
		cmocka_unit_test(test_expired_approval_rejects_and_says_so),
		cmocka_unit_test(test_each_snapshot_needs_an_approval),
		cmocka_unit_test(test_approval_of_other_content_does_not_count),
		cmocka_unit_test(test_override_for_listed_users_only),
		cmocka_unit_test(test_message_stays_within_twenty_lines),
		cmocka_unit_test(test_evidence_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
