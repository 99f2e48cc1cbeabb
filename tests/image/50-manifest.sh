# shellcheck shell=bash
# The manifest lists every file in /usr exactly once, each with an owner, none unknown.
set -u
m=$OUT/manifest.tsv
fail=0
diff <(find "$TREE/usr" ! -type d -printf '/usr/%P\n' | sort) <(grep -v '^#' "$m" | cut -f1) >/tmp/manifest.diff ||
        { echo "manifest and /usr differ:"; head -20 /tmp/manifest.diff; fail=1; }
unknown=$(awk -F'\t' '!/^#/ && ($2 == "" || $2 == "unknown")' "$m")
[ -z "$unknown" ] || { echo "files with no known owner:"; echo "$unknown" | head -20; fail=1; }
dups=$(grep -v '^#' "$m" | cut -f1 | uniq -d)
[ -z "$dups" ] || { echo "listed twice: $dups"; fail=1; }
awk -F'\t' '!/^#/ && $3 !~ /^[0-9]+$/ { print "bad size: " $0; bad = 1 } END { exit bad }' "$m" || fail=1
echo "$(grep -vc '^#' "$m") files, $(awk -F'\t' '!/^#/ { s += $3 } END { printf "%.1f MiB", s / 1048576 }' "$m")"
exit $fail
