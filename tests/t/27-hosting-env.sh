#!/bin/bash
# 27-hosting-env.sh: behind GitLab, Gitea or GitHub Enterprise the gate takes
# the repository's name and the pushing user from the hosting software's
# environment (GL_PROJECT_PATH/GL_USERNAME, GITEA_REPO_USER/GITEA_REPO_NAME/
# GITEA_PUSHER_NAME, GITHUB_REPO_NAME/GITHUB_USER_LOGIN) before USER. The
# hook sits in a pre-receive.d folder (install.sh --hooks-dir) run by a
# dispatcher like the one Gitea writes; the policy mirrors "geo/*" to DE.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/20-gatelib.sh"
need_binary
write_policy
mkfixture controlled && mkfixture benign || {
	fail "the fixtures build (tests/fixtures/mkrepo.sh)"
	exit 0
}
c="$WORK/controlled"
TRANSPORT=file

# new_hosted NAME: a bare repository whose hooks/pre-receive runs every hook
# in hooks/pre-receive.d, with exportgate's dropped in by install.sh.
new_hosted() {
	local bare="$SRV/$1.git"
	git init -q --bare "$bare"
	cat > "$bare/hooks/pre-receive" <<'HOOK'
#!/usr/bin/env bash
data=$(cat)
for hook in "${GIT_DIR:-.}"/hooks/pre-receive.d/*; do
	test -x "$hook" && test -f "$hook" || continue
	printf '%s\n' "$data" | "$hook" || exit $?
done
HOOK
	chmod 755 "$bare/hooks/pre-receive"
	git -C "$bare" config receive.advertisePushOptions true
	"$TOP/install.sh" --hooks-dir "$bare/hooks/pre-receive.d" --bin "$EG" \
		--policy "$POLICY" > "$TMP/install.log" 2>&1
}

# host_push NAME ENV... -- PUSH-ARGS: push the controlled fixture to NAME
# with the hosting software's variables set.
host_push() {
	local name=$1
	shift
	local envs=()
	while [ "$1" != -- ]; do
		envs+=("$1")
		shift
	done
	shift
	env "${envs[@]}" timeout "$PUSH_TIMEOUT" git -C "$c" push "$@" \
		"$(url_of "$name")" HEAD:refs/heads/main \
		> "$TMP/push.out" 2> "$TMP/push.err" < /dev/null
}

last_record() { tail -n 1 "$AUDIT"; }

for host in gitlab gitea github; do
	case $host in
	gitlab)
		repo_env=(GL_PROJECT_PATH=geo/radar)
		as() { printf 'GL_USERNAME=%s' "$1"; }
		;;
	gitea)
		repo_env=(GITEA_REPO_USER=geo GITEA_REPO_NAME=radar)
		as() { printf 'GITEA_PUSHER_NAME=%s' "$1"; }
		;;
	github)
		repo_env=(GITHUB_REPO_NAME=geo/radar)
		as() { printf 'GITHUB_USER_LOGIN=%s' "$1"; }
		;;
	esac
	new_hosted "$host-radar"
	new_hosted "$host-other"

	expect_exit 1 "$host: geo/radar, which the policy mirrors to DE, rejects controlled content" \
		host_push "$host-radar" "${repo_env[@]}" "$(as carol)" USER=carol --
	check "  ... main untouched" \
		bash -c "! git -C '$SRV/$host-radar.git' rev-parse -q --verify refs/heads/main"
	check "  ... the audit record names the repository geo/radar" \
		bash -c "tail -n 1 '$AUDIT' | grep -q '\"geo/radar\"'"
	check "  ... and the user from the hosting software" \
		bash -c "tail -n 1 '$AUDIT' | grep -q '\"carol\"'"

	expect_exit 0 "$host: the same content into a repository the policy does not mirror is accepted" \
		host_push "$host-other" GL_PROJECT_PATH= GITEA_REPO_USER= GITHUB_REPO_NAME= \
		"$(as carol)" USER=carol --

	expect_exit 1 "$host: the override is refused to bob, even with USER=alice" \
		host_push "$host-radar" "${repo_env[@]}" "$(as bob)" USER=alice -- \
		-o exportgate.override=EXP-7
	expect_exit 0 "$host: the override is honoured for alice, even with USER=bob" \
		host_push "$host-radar" "${repo_env[@]}" "$(as alice)" USER=bob -- \
		-o exportgate.override=EXP-7
	check "  ... and recorded with its ticket" \
		bash -c "tail -n 1 '$AUDIT' | grep -q 'EXP-7'"
done
expect_exit 0 "the audit log of all these decisions verifies" "$EG" audit verify "$AUDIT"
