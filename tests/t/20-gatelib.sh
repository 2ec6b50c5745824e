#!/bin/bash
# 20-gatelib.sh: helpers for the gate tests (20-39), which push for real into
# bare repositories gated by install.sh. Sourced after lib.sh:
#
#   . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/20-gatelib.sh"
#
# Run on its own, it checks install.sh and the hook wrappers as files: they
# parse, --help works, usage errors exit 2.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	. "$(dirname "$0")/lib.sh"
fi

FIXTURES=${EG_FIXTURES:-$FIXTURES} # another fixture maker, for development
SRV="$TMP/srv"       # the bare repositories the pushes go to
WORK="$TMP/work"     # fixture work trees the pushes come from
POLICY="$TMP/policy.yml"
APPROVALS="$TMP/approvals.yml"
AUDIT="$TMP/audit.jsonl"
PUSH_TIMEOUT=${EG_PUSH_TIMEOUT:-180}
DE_URL="ssh://git@mirror.example.de/geo/radar.git"
CA_URL="https://git.example.ca/geo/radar.git"
mkdir -p "$SRV" "$WORK"
unset REMOTE_USER GL_USERNAME GITHUB_USER_LOGIN GITEA_PUSHER_NAME \
	GL_PROJECT_PATH GITHUB_REPO_NAME GITEA_REPO_USER GITEA_REPO_NAME \
	EXPORTGATE_POLICY GIT_DIR GIT_WORK_TREE
export USER=${USER:-$(id -un)}

# Stop the test here, counted as one failure, when the binary is missing.
need_binary() {
	if [ ! -x "$EG" ]; then
		fail "build/exportgate exists (run make; the gate tests wait for it)"
		exit 0
	fi
}

# The gate's policy, as a server in the US mirroring to DE and CA would have.
# Extra YAML lines may follow as arguments.
write_policy() {
	cat > "$POLICY" <<EOF
jurisdiction: US
destinations:
  - url: "ssh://git@mirror.example.de/*"
    jurisdiction: DE
  - url: "https://git.example.ca/*"
    jurisdiction: CA
  - url: "file://*/mirror-de/*"
    jurisdiction: DE
  - url: "file://*/mirror-ca/*"
    jurisdiction: CA
  - url: "file://*/mirror-us/*"
    jurisdiction: US
unknown_destination: deny
groups:
  ear-canada-only: [US, CA]
signatures:
  "0D521.1": {controlled: block, review: warn, permitted: [US, CA]}
mirrors:
  - repository: "*mirrored-by-policy*"
    url: "$DE_URL"
  - repository: "geo/*"
    url: "$DE_URL"
approvals: $APPROVALS
audit_log: $AUDIT
on_error: reject
deadline_ms: 120000
override: {push_option: "exportgate.override", users: [alice]}
EOF
	local line
	for line in "$@"; do
		printf '%s\n' "$line" >> "$POLICY"
	done
	[ -f "$APPROVALS" ] || echo "[]" > "$APPROVALS"
}

# write_approval CONTENT EXPIRES: one approval of 0D521.1 for CONTENT;
# add_approval CONTENT EXPIRES: one more.
write_approval() {
	: > "$APPROVALS"
	add_approval "$@"
}

add_approval() {
	cat >> "$APPROVALS" <<EOF
- signature: "0D521.1"
  repository: "*"
  content: $1
  ticket: EXP-42
  approver: compliance@example.com
  basis: "licence D123456"
  expires: $2
EOF
	if [ -n "${3:-}" ]; then
		printf '  jurisdictions: %s\n' "$3" >> "$APPROVALS"
	fi
}

# mkfixture NAME: build tests/fixtures' repository NAME in $WORK/NAME once;
# its name=sha lines become variables fx_NAME_name.
mkfixture() {
	local name=$1 dir="$WORK/$1" line key
	if [ ! -d "$dir" ]; then
		bash "$FIXTURES/mkrepo.sh" "$name" "$dir" > "$WORK/$name.ids" \
			2> "$WORK/$name.err" || {
			echo "     mkrepo.sh $name failed:" >&2
			sed 's/^/     /' "$WORK/$name.err" >&2
			return 1
		}
	fi
	while IFS= read -r line; do
		case $line in
		*=*)
			key=$(printf '%s' "${line%%=*}" | tr -c 'A-Za-z0-9_' _)
			printf -v "fx_${name}_$key" '%s' "${line#*=}"
			;;
		esac
	done < "$WORK/$name.ids"
}

# new_bare NAME [de|ca]: an empty bare repository under $SRV, its mirror (a
# push mirror remote, as `git remote add --mirror=push` writes it) in DE or CA,
# gated by install.sh with $POLICY and the binary $GATE_BIN (default $EG).
new_bare() {
	local bare="$SRV/$1.git"
	rm -rf "$bare"
	git init -q --bare "$bare"
	case ${2:-} in
	de) git -C "$bare" remote add --mirror=push mirror "$DE_URL" ;;
	ca) git -C "$bare" remote add --mirror=push mirror "$CA_URL" ;;
	esac
	"$TOP/install.sh" --repo "$bare" --bin "${GATE_BIN:-$EG}" \
		--policy "$POLICY" > "$TMP/install.log" 2>&1 || {
		echo "     install.sh --repo $bare failed:" >&2
		sed 's/^/     /' "$TMP/install.log" >&2
		return 1
	}
}

# refs BARE: every ref and where it points, one line each.
refs() {
	git -C "$1" for-each-ref --format='%(refname) %(objectname)'
}

# The URL of bare repository NAME over the transport under test.
TRANSPORT=file
url_of() {
	case $TRANSPORT in
	file) printf 'file://%s/%s.git\n' "$SRV" "$1" ;;
	daemon) printf 'git://127.0.0.1:%s/%s.git\n' "$DAEMON_PORT" "$1" ;;
	ssh) printf 'ssh://%s@127.0.0.1:%s%s/%s.git\n' "$SSH_LOGIN" "$SSHD_PORT" \
		"$SRV" "$1" ;;
	esac
}

# push FROM NAME REFSPEC...: push from work tree FROM into
# bare repository NAME; the exit code is git push's, stderr is in $TMP/push.err.
push() {
	local from=$1 name=$2
	shift 2
	timeout "$PUSH_TIMEOUT" git -C "$from" push "$(url_of "$name")" "$@" \
		> "$TMP/push.out" 2> "$TMP/push.err" < /dev/null
}

# Push options come before the URL, so they get their own helper.
push_opts() {
	local from=$1 name=$2 opt=$3
	shift 3
	timeout "$PUSH_TIMEOUT" git -C "$from" push -o "$opt" "$(url_of "$name")" \
		"$@" > "$TMP/push.out" 2> "$TMP/push.err" < /dev/null
}

# accepted WHAT FROM NAME REFSPEC...: the push succeeds and the ref moved.
accepted() {
	local what=$1
	shift
	if push "$@"; then
		pass "$what"
	else
		fail "$what (push exit $?)"
		sed 's/^/     err: /' "$TMP/push.err" | head -25
	fi
}

# rejected WHAT FROM NAME REFSPEC...: the pre-receive hook refuses the push
# and the bare repository's refs are the same afterwards.
rejected() {
	local what=$1 from=$2 name=$3 before after rc=0
	shift 3
	before=$(refs "$SRV/$name.git")
	push "$from" "$name" "$@" || rc=$?
	after=$(refs "$SRV/$name.git")
	if [ "$rc" -eq 0 ]; then
		fail "$what (the push was accepted)"
		sed 's/^/     err: /' "$TMP/push.err" | head -25
	elif ! grep -q "pre-receive hook declined" "$TMP/push.err"; then
		fail "$what (push failed, but not by the pre-receive hook, exit $rc)"
		sed 's/^/     err: /' "$TMP/push.err" | head -25
	elif [ "$before" != "$after" ]; then
		fail "$what (refs changed: '$before' -> '$after')"
	else
		pass "$what"
	fi
}

# stderr_has WHAT REGEX: the last push's stderr matches (grep -Ei).
stderr_has() {
	if grep -Eiq -- "$2" "$TMP/push.err"; then
		pass "$1"
	else
		fail "$1 (no /$2/ in the push's stderr)"
		sed 's/^/     err: /' "$TMP/push.err" | head -25
	fi
}

# The content id a rejection names (tree, commit or blob to approve): a
# 40-hex id after the word "content", or else the tree of the commit named.
content_id() {
	local err=${1:-$TMP/push.err} from=${2:-} id commit
	id=$(grep -oiE 'content[^0-9a-f]{0,40}[0-9a-f]{40}' "$err" |
		grep -oE '[0-9a-f]{40}' | head -1)
	if [ -z "$id" ] && [ -n "$from" ]; then
		commit=$(grep -oiE 'commit[^0-9a-f]{0,20}[0-9a-f]{7,40}' "$err" |
			grep -oE '[0-9a-f]{7,40}$' | head -1)
		[ -n "$commit" ] &&
			id=$(git -C "$from" rev-parse -q --verify "$commit^{tree}")
	fi
	printf '%s\n' "$id"
}

audit_records() {
	if [ -f "$AUDIT" ]; then
		grep -c . "$AUDIT"
	else
		echo 0
	fi
}

# A free TCP port on 127.0.0.1 (the kernel's choice).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Servers started by a test, stopped on exit whatever happens.
SERVER_PIDS=()
stop_servers() {
	local pid
	for pid in "${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}"; do
		kill "$pid" 2> /dev/null || true
	done
	for pid in "${SERVER_PIDS[@]+"${SERVER_PIDS[@]}"}"; do
		timeout 10 tail --pid="$pid" -f /dev/null 2> /dev/null ||
			kill -9 "$pid" 2> /dev/null || true
	done
	SERVER_PIDS=()
}
trap stop_servers EXIT

# start_daemon: git daemon serving $SRV on 127.0.0.1, pushes enabled.
start_daemon() {
	local i
	DAEMON_PORT=$(free_port)
	git daemon --listen=127.0.0.1 --port="$DAEMON_PORT" --reuseaddr \
		--base-path="$SRV" --export-all --enable=receive-pack \
		--informative-errors --timeout=120 --init-timeout=10 \
		"$SRV" > "$TMP/daemon.log" 2>&1 &
	SERVER_PIDS+=($!)
	for i in $(seq 1 50); do
		if (exec 3<> "/dev/tcp/127.0.0.1/$DAEMON_PORT") 2> /dev/null; then
			return 0
		fi
		sleep 0.2
	done
	echo "     git daemon did not start:" >&2
	sed 's/^/     /' "$TMP/daemon.log" >&2
	return 1
}

# start_sshd: an sshd of our own on 127.0.0.1 with a throwaway host key, for
# the user running the test, and two user keys. sshd clears the environment,
# so the pushing user reaches the hook as REMOTE_USER set per key in
# authorized_keys (PermitUserEnvironment), as hosting services name the user
# behind a key. Sets SSHD_PORT, SSH_LOGIN; ssh_as USER picks the key.
start_sshd() {
	local d="$TMP/sshd" sshd i u
	sshd=$(command -v sshd || echo /usr/sbin/sshd)
	[ -x "$sshd" ] || {
		echo "     sshd is not installed (./install.sh --deps installs openssh-server)" >&2
		return 1
	}
	mkdir -p "$d"
	chmod 700 "$d"
	SSH_LOGIN=$(id -un)
	SSHD_PORT=$(free_port)
	ssh-keygen -q -t ed25519 -N '' -C host -f "$d/host_key"
	: > "$d/authorized_keys"
	for u in alice bob; do
		ssh-keygen -q -t ed25519 -N '' -C "$u" -f "$d/$u"
		printf 'environment="REMOTE_USER=%s" %s\n' "$u" "$(cat "$d/$u.pub")" \
			>> "$d/authorized_keys"
	done
	chmod 600 "$d/authorized_keys"
	cat > "$d/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $SSHD_PORT
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
AllowUsers $SSH_LOGIN
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitUserEnvironment REMOTE_USER
PrintMotd no
LoginGraceTime 30
ClientAliveInterval 30
EOF
	# The privilege separation directory, as the sshd package's unit makes.
	[ "$(id -u)" -ne 0 ] || mkdir -p /run/sshd
	"$sshd" -t -f "$d/sshd_config" > "$d/test.log" 2>&1 || {
		echo "     sshd -t rejected the configuration:" >&2
		sed 's/^/     /' "$d/test.log" >&2
		return 1
	}
	"$sshd" -D -e -f "$d/sshd_config" > "$d/sshd.log" 2>&1 &
	SERVER_PIDS+=($!)
	ssh_as alice
	for i in $(seq 1 50); do
		if timeout 10 $GIT_SSH_COMMAND -p "$SSHD_PORT" "$SSH_LOGIN@127.0.0.1" true \
			< /dev/null > /dev/null 2>&1; then
			return 0
		fi
		sleep 0.2
	done
	echo "     sshd did not accept a login:" >&2
	sed 's/^/     /' "$d/sshd.log" | tail -20 >&2
	return 1
}

ssh_as() {
	export GIT_SSH_COMMAND="ssh -F /dev/null -i $TMP/sshd/$1 -o IdentitiesOnly=yes \
-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
-o ConnectTimeout=10 -o ServerAliveInterval=15 -o LogLevel=ERROR"
}

# gate_decisions: the gate's decisions over $TRANSPORT, each named after it.
# Needs write_policy first; makes its repositories under $SRV.
gate_decisions() {
	local t=$TRANSPORT c b s id split_head
	mkfixture controlled && mkfixture benign && mkfixture split3 || {
		fail "$t: the fixtures build (tests/fixtures/mkrepo.sh)"
		return 0
	}
	c="$WORK/controlled"
	b="$WORK/benign"
	s="$WORK/split3"

	# Controlled content may not go where a DE mirror takes it.
	new_bare "$t-de" de
	rejected "$t: the controlled fixture is rejected by a DE-mirrored repository" \
		"$c" "$t-de" HEAD:refs/heads/main
	stderr_has "$t: the rejection names the signature and ECCN" '0D521'
	stderr_has "$t: the rejection names the DE destination" '\bDE\b'
	check "$t: the rejected push left main absent" \
		bash -c "! git -C '$SRV/$t-de.git' rev-parse -q --verify refs/heads/main"
	check "$t: the rejected push left no objects behind (quarantine)" \
		bash -c "! git -C '$SRV/$t-de.git' cat-file -e \$(git -C '$c' rev-parse HEAD)"

	new_bare "$t-mirrored-by-policy"
	rejected "$t: a repository the policy mirrors to DE rejects it too" \
		"$c" "$t-mirrored-by-policy" HEAD:refs/heads/main

	new_bare "$t-ca" ca
	accepted "$t: a CA-mirrored repository accepts the controlled fixture" \
		"$c" "$t-ca" HEAD:refs/heads/main
	check "$t: main is where it was pushed" test \
		"$(git -C "$SRV/$t-ca.git" rev-parse refs/heads/main)" = \
		"$(git -C "$c" rev-parse HEAD)"

	new_bare "$t-benign" de
	accepted "$t: benign content is accepted by a DE-mirrored repository" \
		"$b" "$t-benign" HEAD:refs/heads/main
	rejected "$t: force-pushing controlled history over it is rejected" \
		"$c" "$t-benign" +HEAD:refs/heads/main
	accepted "$t: a second branch" "$b" "$t-benign" HEAD:refs/heads/extra
	accepted "$t: deleting a branch is accepted (nothing to scan)" \
		"$b" "$t-benign" :refs/heads/extra

	# Three criteria warn, the fourth blocks.
	new_bare "$t-split" de
	accepted "$t: split3 (three criteria) is accepted" \
		"$s" "$t-split" HEAD:refs/heads/main
	stderr_has "$t: with a warning on stderr" 'warn|review'
	split_head=$(git -C "$s" rev-parse HEAD)
	bash "$FIXTURES/mkrepo.sh" add-rotation "$s" > "$WORK/rotation.ids" \
		2> "$WORK/rotation.err" || {
		fail "$t: mkrepo.sh add-rotation works"
		sed 's/^/     /' "$WORK/rotation.err" | head
	}
	rejected "$t: adding the rotation criterion on top is rejected" \
		"$s" "$t-split" HEAD:refs/heads/main
	check "$t: main still at the split3 commit" test \
		"$(git -C "$SRV/$t-split.git" rev-parse refs/heads/main)" = \
		"$split_head"

	# A tag alone carries the commit with it.
	git -C "$c" tag -f -a -m "release" v-controlled HEAD > /dev/null
	new_bare "$t-tag" de
	rejected "$t: a tag of a controlled commit is rejected" \
		"$c" "$t-tag" refs/tags/v-controlled
	check "$t: the tag was not created" \
		bash -c "! git -C '$SRV/$t-tag.git' rev-parse -q --verify refs/tags/v-controlled"

	# Approvals: an expired one is ignored and said so, a valid one lets
	# the push through.
	new_bare "$t-approve" de
	echo "[]" > "$APPROVALS"
	rejected "$t: before approval, the push is rejected" \
		"$c" "$t-approve" HEAD:refs/heads/main
	stderr_has "$t: the rejection says how to ask for an approval" 'approv'
	id=$(content_id "$TMP/push.err" "$c")
	if [ -z "$id" ]; then
		fail "$t: the rejection names the content id to approve"
		sed 's/^/     err: /' "$TMP/push.err" | head -25
	else
		pass "$t: the rejection names the content id to approve"
		write_approval "$id" 2021-01-31
		rejected "$t: an expired approval does not let it through" \
			"$c" "$t-approve" HEAD:refs/heads/main
		stderr_has "$t: the message says the approval expired" 'expired'
		# a licence for France does not let the content go to Germany
		write_approval "$id" 2099-12-31 "[FR, CA]"
		rejected "$t: an approval for other jurisdictions does not let it through" \
			"$c" "$t-approve" HEAD:refs/heads/main
		stderr_has "$t: the message says it does not cover DE" \
			'approval EXP-42 does not cover DE'
		write_approval "$id" 2099-12-31 "[DE]"
		rejected "$t: one for DE covers this snapshot alone, not the others" \
			"$c" "$t-approve" HEAD:refs/heads/main
		check "$t: ... the next snapshot named, not DE" \
			test "$(content_id "$TMP/push.err" "$c")" != "$id"
		write_approval "$id" 2099-12-31
		approve_each "$c" "$t-approve" "$id"
	fi
	echo "[]" > "$APPROVALS"
}

# approve_each CLONE BARE FIRST: FIRST (approved) is the first controlled
# snapshot of CLONE's history; each later one is content that leaves too
# and needs an approval of its own: the rejection names the next.
approve_each() {
	local t=$TRANSPORT c=$1 bare=$2 id=$3 seen=$3 n=0
	while ! push "$c" "$bare" HEAD:refs/heads/main; do
		id=$(content_id "$TMP/push.err" "$c")
		if [ -z "$id" ] || [[ " $seen " == *" $id "* ]]; then
			fail "$t: each rejection names a snapshot not yet approved"
			sed 's/^/     err: /' "$TMP/push.err" | head -25
			return
		fi
		seen="$seen $id"
		add_approval "$id" 2099-12-31
		n=$((n + 1))
	done
	check "$t: an approval of the first snapshot alone does not cover the later ones" \
		test "$n" -gt 0
	pass "$t: approvals of each snapshot the push brings let it through"
	check "$t: the audit record lists each approval used" python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).read().splitlines()[-1])
assert r["decision"] == "accept", r["decision"]
assert len(r["approvals_used"]) == int(sys.argv[2]), r["approvals_used"]
assert r["findings"][0]["snapshots"] == int(sys.argv[2]), r["findings"][0]' \
		"$AUDIT" $((n + 1))
}

# override_decisions: -o exportgate.override=TICKET for a listed user and not
# for another. as_alice / as_bob set up the user for $TRANSPORT.
override_decisions() {
	local t=$TRANSPORT c="$WORK/controlled" before rc
	mkfixture controlled || return 0
	new_bare "$t-override" de
	as_bob
	before=$(refs "$SRV/$t-override.git")
	rc=0
	push_opts "$c" "$t-override" exportgate.override=EXP-1 HEAD:refs/heads/main || rc=$?
	if [ "$rc" -ne 0 ] && [ "$before" = "$(refs "$SRV/$t-override.git")" ] &&
		grep -q "pre-receive hook declined" "$TMP/push.err"; then
		pass "$t: the override is refused for a user the policy does not list"
	else
		fail "$t: the override is refused for a user the policy does not list (exit $rc)"
		sed 's/^/     err: /' "$TMP/push.err" | head -25
	fi
	as_alice
	if push_opts "$c" "$t-override" exportgate.override=EXP-1 HEAD:refs/heads/main; then
		pass "$t: the override lets a listed user through"
	else
		fail "$t: the override lets a listed user through"
		sed 's/^/     err: /' "$TMP/push.err" | head -25
	fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	check "install.sh parses (bash -n)" bash -n "$TOP/install.sh"
	check "hook/pre-receive parses (sh -n)" sh -n "$TOP/hook/pre-receive"
	check "hook/pre-push parses (sh -n)" sh -n "$TOP/hook/pre-push"
	check "install.sh --help explains the options" \
		bash -c "'$TOP/install.sh' --help | grep -q -- --hooks-dir"
	expect_exit 2 "install.sh with an unknown option is a usage error" \
		"$TOP/install.sh" --no-such-option
	expect_exit 2 "install.sh --repo without a path is a usage error" \
		"$TOP/install.sh" --repo
	expect_exit 1 "install.sh --repo on a missing binary says so" \
		"$TOP/install.sh" --repo "$TMP" --bin "$TMP/none"
	cp "$TMP/last.err" "$TMP/install.err"
	check "  ... and tells how to install it" grep -q "is not installed" "$TMP/install.err"
fi
