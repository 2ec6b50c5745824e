#!/bin/sh
# demo.sh: the main job on built-in sample data (make demo).
#
# 1. builds a synthetic repository whose history meets all criteria of
#    ECCN 0D521 No. 1 across several commits, then deletes a file again;
# 2. scans its whole history and shows the finding with its evidence;
# 3. pushes it through the gate into two bare repositories: one mirrored to
#    Germany (rejected), one mirrored to Canada (accepted).
set -u
umask 022
top=$(cd "$(dirname "$0")/.." && pwd)
eg="$top/build/exportgate"
demo="$top/tests/tmp/demo"
rm -rf "$demo" && mkdir -p "$demo/home"
export HOME="$demo/home" GIT_CONFIG_NOSYSTEM=1 NO_COLOR=${NO_COLOR:-}
git config --global user.name "Demo User"
git config --global user.email demo@example.com
git config --global init.defaultBranch main

if [ -t 1 ] && [ -z "$NO_COLOR" ]; then
	section() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	section() { printf '\n== %s\n' "$*"; }
fi

section "A synthetic geospatial deep-learning project, built commit by commit"
bash "$top/tests/fixtures/mkrepo.sh" controlled "$demo/geo-detector" > "$demo/ids" || exit 1
git -C "$demo/geo-detector" log --oneline --stat | sed 's/^/  /'

section "exportgate scan (the whole history)"
"$eg" scan --no-progress "$demo/geo-detector"
echo "(exit $? : 1 means findings)"

section "The gate: a server in the US, one repository mirrored to DE, one to CA"
cat > "$demo/policy.yml" <<POLICY
jurisdiction: US
destinations:
  - {url: "ssh://git@mirror.example.de/*", jurisdiction: DE}
  - {url: "https://git.example.ca/*", jurisdiction: CA}
unknown_destination: deny
signatures:
  "0D521.1": {controlled: block, review: warn, permitted: [US, CA]}
approvals: $demo/approvals.yml
audit_log: $demo/audit.jsonl
on_error: reject
POLICY
echo "[]" > "$demo/approvals.yml"
sed 's/^/  /' "$demo/policy.yml"
for site in de ca; do
	git init -q --bare "$demo/$site.git"
	case $site in
	de) url="ssh://git@mirror.example.de/geo/radar.git" ;;
	ca) url="https://git.example.ca/geo/radar.git" ;;
	esac
	git -C "$demo/$site.git" remote add --mirror=push mirror "$url"
	"$top/install.sh" --repo "$demo/$site.git" --bin "$eg" \
		--policy "$demo/policy.yml" > /dev/null || exit 1
done

section "git push to the repository mirrored to Germany"
git -C "$demo/geo-detector" push "$demo/de.git" main
echo "(push exit $?; refs on the server: $(git -C "$demo/de.git" for-each-ref | wc -l))"

section "git push to the repository mirrored to Canada"
git -C "$demo/geo-detector" push "$demo/ca.git" main
echo "(push exit $?; refs on the server: $(git -C "$demo/ca.git" for-each-ref | wc -l))"

section "The audit log (hash-chained), and its check"
cut -c1-160 "$demo/audit.jsonl" | sed 's/^/  /'
"$eg" audit verify "$demo/audit.jsonl"
exit 0
