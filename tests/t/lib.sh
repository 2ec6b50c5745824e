# lib.sh: helpers for the shell tests; source it first.
#
# Each test script makes what it needs under a fresh $TMP, then calls
#   check "what a user would notice" COMMAND...   (passes when it exits 0)
#   expect_exit N "description" COMMAND...         (passes on exit code N)
# Results go to $EG_RESULTS for tests/run.sh to count.  The output of the
# command before the current one is kept in $TMP/prev.out and prev.err.
set -u
# The gate refuses policy and approvals files every account may write.
umask 022
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EG=${EG_BIN:-$TOP/build/exportgate}
FIXTURES="$TOP/tests/fixtures"
TMP="${EG_TEST_ROOT:-${TMPDIR:-/tmp}/exportgate-tests}/$(basename "$0" .sh)"
EG_RESULTS=${EG_RESULTS:-/dev/null}
rm -rf "$TMP" && mkdir -p "$TMP"
export NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1 HOME="$TMP/home"
mkdir -p "$HOME"
git config --global user.name "Test Author"
git config --global user.email "author@example.com"
git config --global init.defaultBranch main
git config --global protocol.file.allow always

pass() {
	echo "ok   $1"
	echo pass >> "$EG_RESULTS"
}

fail() {
	echo "FAIL $1"
	echo fail >> "$EG_RESULTS"
}

keep_previous() {
	[ -f "$TMP/last.out" ] && mv "$TMP/last.out" "$TMP/prev.out"
	[ -f "$TMP/last.err" ] && mv "$TMP/last.err" "$TMP/prev.err"
	return 0
}

check() {
	local what=$1
	shift
	keep_previous
	if "$@" > "$TMP/last.out" 2> "$TMP/last.err"; then
		pass "$what"
	else
		fail "$what"
		sed 's/^/     out: /' "$TMP/last.out" | head -20
		sed 's/^/     err: /' "$TMP/last.err" | head -20
	fi
}

expect_exit() {
	local want=$1 what=$2 got
	shift 2
	keep_previous
	"$@" > "$TMP/last.out" 2> "$TMP/last.err"
	got=$?
	if [ "$got" -eq "$want" ]; then
		pass "$what"
	else
		fail "$what (exit $got, wanted $want)"
		sed 's/^/     out: /' "$TMP/last.out" | head -20
		sed 's/^/     err: /' "$TMP/last.err" | head -20
	fi
}

# jq-free JSON query: json_get FILE PYTHON-EXPRESSION-ON-d
json_get() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
