#!/bin/bash
# 23-gate-daemon.sh: the same decisions over git://, into a git daemon the
# test starts on 127.0.0.1 with receive-pack enabled (and stops on exit).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/20-gatelib.sh"
need_binary
write_policy

if ! start_daemon; then
	fail "git daemon starts on 127.0.0.1"
	exit 0
fi
TRANSPORT=daemon
gate_decisions
# git:// is anonymous: the hook runs as the daemon's account, so the
# override by user is tested over file:// and ssh.
