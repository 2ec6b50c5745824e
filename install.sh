#!/usr/bin/env bash
# install.sh: install exportgate's dependencies, the binary, and its git hooks.
#
#   ./install.sh --deps                   build and test dependencies (apt, dnf)
#   ./install.sh [--prefix DIR]           make, then make install (/usr/local)
#   ./install.sh --repo PATH [--policy FILE]    gate one bare repository
#   ./install.sh --repos DIR  [--policy FILE]   gate every bare repository below DIR
#   ./install.sh --hooks-dir DIR [--policy FILE] GitLab/Gitea pre-receive.d
#   ./install.sh --pre-push CLONE         pre-push hook in an engineer's clone
#   ./install.sh --uninstall [TARGETS]    undo any of the above
#
# Every step is idempotent: running it twice leaves what running it once did.
set -eu

PROG=install.sh
SRC=$(cd "$(dirname "$0")" && pwd)
PREFIX=/usr/local
BIN=
POLICY=
DEPS=0
UNINSTALL=0
REPOS=()
REPO_ROOTS=()
HOOK_DIRS=()
CLONES=()

say() { printf '%s: %s\n' "$PROG" "$*"; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
die() {
	printf '%s: error: %s\n' "$PROG" "$*" >&2
	exit 1
}
usage_error() {
	printf '%s: %s\n' "$PROG" "$*" >&2
	printf "Try '%s --help'.\n" "$0" >&2
	exit 2
}

usage() {
	cat <<'EOF'
usage: install.sh [OPTIONS]

With no target, build exportgate (make) and install it (make install) under
the prefix. With a target, install or remove the git hooks that call the
installed binary.

  --deps             install build and test dependencies from the OS packages
                     (Debian/Ubuntu apt, RHEL/Fedora dnf); quick when present
  --prefix DIR       where the binary is installed (default /usr/local); the
                     hooks call DIR/bin/exportgate
  --bin FILE         the binary the hooks call (default PREFIX/bin/exportgate)
  --repo PATH        install the pre-receive hook into one bare repository;
                     an existing pre-receive hook is kept and runs first
  --repos DIR        the same for every bare repository below DIR
  --hooks-dir DIR    drop the hook into a GitLab custom_hooks/pre-receive.d or
                     Gitea hooks/pre-receive.d directory
  --pre-push CLONE   install the pre-push hook into a clone (engineers)
  --policy FILE      the policy the hooks pass to exportgate (--policy FILE);
                     default: the binary's own lookup
  --uninstall        with targets: remove the hooks and restore chained ones;
                     alone: remove the installed binary, packs and man page
  -h, --help         this text

Options may be repeated and combined; exit 0 on success, 1 on failure, 2 on
a usage error.
EOF
}

while [ $# -gt 0 ]; do
	case $1 in
	--deps) DEPS=1 ;;
	--uninstall) UNINSTALL=1 ;;
	--prefix | --bin | --repo | --repos | --hooks-dir | --pre-push | --policy)
		[ $# -ge 2 ] && [ -n "$2" ] || usage_error "$1 needs an argument"
		case $1 in
		--prefix) PREFIX=$2 ;;
		--bin) BIN=$2 ;;
		--repo) REPOS+=("$2") ;;
		--repos) REPO_ROOTS+=("$2") ;;
		--hooks-dir) HOOK_DIRS+=("$2") ;;
		--pre-push) CLONES+=("$2") ;;
		--policy) POLICY=$2 ;;
		esac
		shift
		;;
	--prefix=* | --bin=* | --repo=* | --repos=* | --hooks-dir=* | --pre-push=* | --policy=*)
		set -- "${1%%=*}" "${1#*=}" "${@:2}"
		continue
		;;
	-h | --help)
		usage
		exit 0
		;;
	*) usage_error "unknown option '$1'" ;;
	esac
	shift
done

# An absolute path for FILE, which need not exist yet.
abspath() {
	case $1 in
	/*) printf '%s\n' "$1" ;;
	*) printf '%s/%s\n' "$(pwd)" "${1#./}" ;;
	esac
}

# Quote a string for a POSIX shell assignment.
shquote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# Privilege for package installs and writes to system directories.
SUDO=
need_root() {
	if [ "$(id -u)" -eq 0 ]; then
		SUDO=
	elif command -v sudo > /dev/null 2>&1; then
		SUDO=sudo
	else
		die "$1 needs root; run as root or install sudo"
	fi
}

# git that works on repositories owned by the git service account, too.
g() { git -c safe.directory='*' "$@"; }

# --- dependencies ----------------------------------------------------------

DEB_PKGS="build-essential make pkg-config libgit2-dev libpcre2-dev
libcmocka-dev libyaml-dev libjansson-dev libssl-dev zlib1g-dev liblzma-dev
libbz2-dev git python3
python3-jsonschema openssh-server openssh-client man-db bsdutils util-linux
procps coreutils valgrind clang libclang-rt-dev"
RPM_PKGS="gcc make pkgconf-pkg-config libgit2-devel pcre2-devel
libcmocka-devel libyaml-devel jansson-devel openssl-devel zlib-devel xz-devel
bzip2-devel git python3
python3-jsonschema openssh-server openssh-clients man-db util-linux
procps-ng coreutils valgrind clang compiler-rt"

POLICY_RC_ADDED=0
remove_policy_rc() {
	if [ "$POLICY_RC_ADDED" -eq 1 ]; then
		$SUDO rm -f /usr/sbin/policy-rc.d
		POLICY_RC_ADDED=0
	fi
}

deps_apt() {
	local missing=() p installed
	# One query for all: "name ii " for each package installed.
	installed=" $(dpkg-query -W -f='${Package}:${db:Status-Abbrev}\n' $DEB_PKGS \
		2> /dev/null | sed -n 's/:ii *$//p' | tr '\n' ' ') "
	for p in $DEB_PKGS; do
		case $installed in
		*" $p "*) ;;
		*) missing+=("$p") ;;
		esac
	done
	if [ ${#missing[@]} -eq 0 ]; then
		say "dependencies: all present"
		return 0
	fi
	need_root "installing ${missing[*]}"
	say "dependencies: installing ${missing[*]}"
	# Installing openssh-server must not start a system-wide sshd: the
	# tests start their own on a loopback port. Where no systemd runs
	# (containers, CI), Debian's policy-rc.d keeps services stopped.
	if [ ! -e /usr/sbin/policy-rc.d ] && [ ! -d /run/systemd/system ]; then
		printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d > /dev/null
		$SUDO chmod 755 /usr/sbin/policy-rc.d
		POLICY_RC_ADDED=1
		trap remove_policy_rc EXIT
	fi
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
		die "apt-get update failed"
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" ||
		die "apt-get install failed for: ${missing[*]}"
	remove_policy_rc
}

deps_dnf() {
	local missing=() p
	for p in $RPM_PKGS; do
		rpm -q --whatprovides "$p" > /dev/null 2>&1 || missing+=("$p")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		say "dependencies: all present"
		return 0
	fi
	need_root "installing ${missing[*]}"
	say "dependencies: installing ${missing[*]}"
	$SUDO dnf install -y "${missing[@]}" || die "dnf install failed for: \
${missing[*]} (on RHEL, libcmocka-devel and libgit2-devel come from EPEL \
and CodeReady Builder: dnf install epel-release; dnf config-manager \
--set-enabled crb)"
}

install_deps() {
	if command -v dpkg-query > /dev/null 2>&1 && command -v apt-get > /dev/null 2>&1; then
		deps_apt
	elif command -v dnf > /dev/null 2>&1 && command -v rpm > /dev/null 2>&1; then
		deps_dnf
	else
		die "no apt-get or dnf here: install by hand a C compiler, make, \
pkg-config, libgit2, pcre2, cmocka, libyaml, jansson and OpenSSL (headers \
too), git, python3 with jsonschema, and openssh (server and client)"
	fi
}

# --- build and install -----------------------------------------------------

writable_prefix() {
	local d=$1
	while [ ! -e "$d" ]; do d=$(dirname "$d"); done
	[ -w "$d" ]
}

build_and_install() {
	[ -f "$SRC/Makefile" ] || die "no Makefile beside $0: run install.sh \
from the exportgate source tree"
	say "building exportgate in $SRC"
	make -C "$SRC" || die "build failed (see above); './install.sh --deps' \
installs what the build needs"
	local sudo=
	if ! writable_prefix "$PREFIX"; then
		need_root "installing into $PREFIX"
		sudo=$SUDO
	fi
	say "installing into $PREFIX"
	$sudo make -C "$SRC" install PREFIX="$PREFIX" ||
		die "make install PREFIX=$PREFIX failed"
	"$PREFIX/bin/exportgate" --version > /dev/null 2>&1 ||
		warn "$PREFIX/bin/exportgate --version failed; check the libraries it needs (ldd)"
	say "installed $PREFIX/bin/exportgate"
}

uninstall_binary() {
	local sudo=
	if ! writable_prefix "$PREFIX"; then
		need_root "removing from $PREFIX"
		sudo=$SUDO
	fi
	$sudo rm -f "$PREFIX/bin/exportgate" "$PREFIX/share/man/man1/exportgate.1"
	$sudo rm -rf "$PREFIX/share/exportgate"
	say "removed exportgate from $PREFIX"
	warn "hooks still installed in repositories now reject every push \
(they fail closed); remove them with --uninstall --repo/--repos/--hooks-dir"
}

# --- hooks -----------------------------------------------------------------

MARK='# exportgate-hook:'

template() {
	local name=$1
	if [ -f "$SRC/hook/$name" ]; then
		printf '%s\n' "$SRC/hook/$name"
	elif [ -f "$PREFIX/share/exportgate/hook/$name" ]; then
		printf '%s\n' "$PREFIX/share/exportgate/hook/$name"
	else
		die "hook template '$name' not found in $SRC/hook or \
$PREFIX/share/exportgate/hook"
	fi
}

is_ours() { [ -f "$1" ] && grep -q "^$MARK" "$1" 2> /dev/null; }

# Write the hook NAME to FILE with the binary and policy filled in.
render_hook() {
	local name=$1 file=$2 tmpl line tmp
	tmpl=$(template "$name")
	tmp="$file.exportgate-new.$$"
	{
		while IFS= read -r line || [ -n "$line" ]; do
			case $line in
			EXPORTGATE_BIN=*) printf 'EXPORTGATE_BIN=%s\n' "$(shquote "$BIN")" ;;
			EXPORTGATE_POLICY_FILE=*)
				printf 'EXPORTGATE_POLICY_FILE=%s\n' "$(shquote "$POLICY")" ;;
			*) printf '%s\n' "$line" ;;
			esac
		done < "$tmpl"
	} > "$tmp" || {
		rm -f "$tmp"
		die "cannot write $tmp"
	}
	chmod 755 "$tmp"
	# The service account that runs git must be able to read the hook.
	if [ "$(id -u)" -eq 0 ]; then
		chown --reference="$(dirname "$file")" "$tmp" 2> /dev/null || true
	fi
	mv -f "$tmp" "$file"
}

# Install hook NAME into HOOKS (a repository's hooks directory), moving a
# foreign hook aside to NAME.exportgate-chained, which the wrapper runs first.
install_hook() {
	local name=$1 hooks=$2 hook chained
	hook="$hooks/$name"
	chained="$hook.exportgate-chained"
	mkdir -p "$hooks"
	if [ -e "$hook" ] || [ -L "$hook" ]; then
		if is_ours "$hook"; then
			render_hook "$name" "$hook"
			say "updated $hook"
			return 0
		fi
		[ ! -e "$chained" ] && [ ! -L "$chained" ] || die "$hook is not \
exportgate's and $chained exists too: merge them by hand, then run again"
		mv "$hook" "$chained"
		say "kept the existing $name hook as $chained (it runs first)"
	fi
	render_hook "$name" "$hook"
	say "installed $hook"
}

uninstall_hook() {
	local name=$1 hooks=$2 hook chained
	hook="$hooks/$name"
	chained="$hook.exportgate-chained"
	if is_ours "$hook"; then
		rm -f "$hook"
		say "removed $hook"
		if [ -e "$chained" ] || [ -L "$chained" ]; then
			mv "$chained" "$hook"
			say "restored the earlier $name hook"
		fi
	elif [ -e "$chained" ] || [ -L "$chained" ]; then
		warn "$hook is not exportgate's; left it and $chained alone"
	else
		say "no exportgate $name hook in $hooks"
	fi
}

# The git config of the account that owns GITDIR, which is the account
# git runs its hooks as on a server: when root installs, that account's
# own ~/.gitconfig may set core.hooksPath too.
as_owner() {
	local gitdir=$1 owner home
	shift
	owner=$(stat -c %U "$gitdir" 2> /dev/null) || owner=
	if [ "$(id -u)" -eq 0 ] && [ -n "$owner" ] && [ "$owner" != root ] &&
		home=$(getent passwd "$owner" | cut -d: -f6) && [ -n "$home" ]; then
		HOME=$home XDG_CONFIG_HOME= g "$@"
	else
		g "$@"
	fi
}

# Where git runs GITDIR's hooks: what `git rev-parse --git-path hooks`
# gives, with core.hooksPath as the owner's config sets it; git takes a
# relative core.hooksPath from the folder hooks run in, GITDIR for a bare
# repository and the top of the work tree for a clone.
hooks_path() {
	local gitdir hooks top
	gitdir=$(abspath "$1")
	hooks=$(as_owner "$gitdir" --git-dir="$gitdir" rev-parse --git-path hooks) ||
		die "cannot find the hooks directory of $gitdir"
	case $hooks in
	/*) printf '%s\n' "$hooks" ;;
	*)
		if [ "$(g --git-dir="$gitdir" rev-parse --is-bare-repository)" = true ]; then
			top=$gitdir
		else
			top=$(g --git-dir="$gitdir" config --get core.worktree) ||
				top=$(dirname "$gitdir")
			case $top in /*) ;; *) top=$gitdir/$top ;; esac
		fi
		printf '%s/%s\n' "${top%/}" "${hooks#./}"
		;;
	esac
}

# Config change that keeps the file's owner (the git service account).
set_config() {
	local gitdir=$1 key=$2 value=$3
	g --git-dir="$gitdir" config "$key" "$value" ||
		die "cannot set $key in $gitdir/config"
	if [ "$(id -u)" -eq 0 ] && [ -f "$gitdir/config" ]; then
		chown --reference="$gitdir" "$gitdir/config" 2> /dev/null || true
	fi
}

gate_repo() {
	local repo hooks
	repo=$(abspath "$1")
	[ -d "$repo" ] || die "$1: no such directory"
	[ "$(g --git-dir="$repo" rev-parse --is-bare-repository 2> /dev/null)" = true ] ||
		die "$1 is not a bare git repository (the gate belongs on the server)"
	hooks=$(hooks_path "$repo")
	if [ -L "${hooks%/}" ]; then
		die "$hooks is a symbolic link (shared by a hosting service); \
use --hooks-dir with its custom hooks directory instead"
	fi
	if [ "$UNINSTALL" -eq 1 ]; then
		uninstall_hook pre-receive "$hooks"
		if [ "$(g --git-dir="$repo" config --get exportgate.installedPushOptions 2> /dev/null)" = true ]; then
			g --git-dir="$repo" config --unset receive.advertisePushOptions || true
			g --git-dir="$repo" config --unset exportgate.installedPushOptions || true
		fi
		return 0
	fi
	install_hook pre-receive "$hooks"
	if [ "$(g --git-dir="$repo" config --bool --get receive.advertisePushOptions 2> /dev/null)" != true ]; then
		set_config "$repo" receive.advertisePushOptions true
		set_config "$repo" exportgate.installedPushOptions true
	fi
}

# Every bare repository below DIR, into FOUND. A git directory is not
# descended into; symbolic links are not followed, and each is warned of.
FOUND=()
find_bare() {
	local d=$1 sub
	if [ -f "$d/HEAD" ] && [ -d "$d/objects" ] && [ -d "$d/refs" ]; then
		if [ "$(g --git-dir="$d" rev-parse --is-bare-repository 2> /dev/null)" = true ]; then
			FOUND+=("$d")
		fi
		return 0
	fi
	for sub in "$d"/* "$d"/.[!.]*; do
		if [ -L "$sub" ] && [ -d "$sub" ]; then
			warn "$sub is a symbolic link, not followed; gate what it \
leads to with --repos $(readlink -f "$sub")"
			continue
		fi
		[ -d "$sub" ] || continue
		find_bare "$sub"
	done
}

gate_repos_below() {
	local root dir n=0
	root=$(abspath "$1")
	root=${root%/}
	[ -d "$root" ] || die "$1: no such directory"
	FOUND=()
	find_bare "$root"
	[ ${#FOUND[@]} -gt 0 ] || die "no bare git repository below $root"
	for dir in "${FOUND[@]}"; do
		gate_repo "$dir"
		n=$((n + 1))
	done
	say "$n repositories below $root done"
}

gate_hooks_dir() {
	local dir file
	dir=$(abspath "$1")
	file="$dir/exportgate"
	if [ "$UNINSTALL" -eq 1 ]; then
		if is_ours "$file"; then
			rm -f "$file"
			say "removed $file"
		else
			say "no exportgate hook in $dir"
		fi
		return 0
	fi
	case $dir in
	*/pre-receive.d) ;;
	*) warn "$dir does not end in pre-receive.d; GitLab and Gitea run \
only the hooks in custom_hooks/pre-receive.d or hooks/pre-receive.d" ;;
	esac
	mkdir -p "$dir"
	render_hook pre-receive "$file"
	say "installed $file"
}

gate_clone() {
	local clone=$1 gitdir hooks
	gitdir=$(cd "$clone" 2> /dev/null && g rev-parse --absolute-git-dir 2> /dev/null) ||
		die "$clone is not a git repository"
	hooks=$(hooks_path "$gitdir")
	if [ "$UNINSTALL" -eq 1 ]; then
		uninstall_hook pre-push "$hooks"
	else
		install_hook pre-push "$hooks"
	fi
}

# --- main ------------------------------------------------------------------

PREFIX=$(abspath "$PREFIX")
[ -n "$BIN" ] || BIN="$PREFIX/bin/exportgate"
BIN=$(abspath "$BIN")
if [ -n "$POLICY" ]; then
	POLICY=$(abspath "$POLICY")
fi

targets=$((${#REPOS[@]} + ${#REPO_ROOTS[@]} + ${#HOOK_DIRS[@]} + ${#CLONES[@]}))

if [ "$DEPS" -eq 1 ]; then
	install_deps
	[ "$targets" -gt 0 ] || [ "$UNINSTALL" -eq 1 ] || exit 0
fi

if [ "$targets" -eq 0 ]; then
	if [ "$UNINSTALL" -eq 1 ]; then
		uninstall_binary
	else
		build_and_install
	fi
	exit 0
fi

command -v git > /dev/null 2>&1 || die "git is not installed"
if [ "$UNINSTALL" -eq 0 ]; then
	[ -x "$BIN" ] || die "$BIN is not installed: run './install.sh \
--prefix $PREFIX' first, or name the binary with --bin"
	if [ -n "$POLICY" ] && [ ! -r "$POLICY" ]; then
		die "policy $POLICY is not readable"
	fi
fi

for r in "${REPOS[@]+"${REPOS[@]}"}"; do gate_repo "$r"; done
for r in "${REPO_ROOTS[@]+"${REPO_ROOTS[@]}"}"; do gate_repos_below "$r"; done
for d in "${HOOK_DIRS[@]+"${HOOK_DIRS[@]}"}"; do gate_hooks_dir "$d"; done
for c in "${CLONES[@]+"${CLONES[@]}"}"; do gate_clone "$c"; done
exit 0
