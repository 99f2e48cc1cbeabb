# shellcheck shell=bash
# The manifest lists every file in /usr exactly once, with its size, each with an owner, none
# unknown. TREE is the published usr.erofs extracted, not the tree the manifest was made from.
set -u
m=$OUT/manifest.tsv
fail=0
diff <(find "$TREE/usr" ! -type d -printf '/usr/%P\n' | sort) <(grep -v '^#' "$m" | cut -f1) >/tmp/manifest.diff ||
        { echo "manifest and /usr differ:"; head -20 /tmp/manifest.diff; fail=1; }
diff <(find "$TREE/usr" -type f -printf '/usr/%P\t%s\n' | sort) \
        <(grep -v '^#' "$m" | awk -F'\t' -v t="$TREE" '{ print $1 "\t" $3 }' | while IFS=$'\t' read -r p sz; do
                [ -f "$TREE$p" ] && [ ! -L "$TREE$p" ] && printf '%s\t%s\n' "$p" "$sz"; done | sort) >/tmp/manifest-size.diff ||
        { echo "sizes in the manifest and in /usr differ:"; head -20 /tmp/manifest-size.diff; fail=1; }
unknown=$(awk -F'\t' '!/^#/ && ($2 == "" || $2 == "unknown")' "$m")
[ -z "$unknown" ] || { echo "files with no known owner:"; echo "$unknown" | head -20; fail=1; }
dups=$(grep -v '^#' "$m" | cut -f1 | uniq -d)
[ -z "$dups" ] || { echo "listed twice: $dups"; fail=1; }
awk -F'\t' '!/^#/ && $3 !~ /^[0-9]+$/ { print "bad size: " $0; bad = 1 } END { exit bad }' "$m" || fail=1
# Owners known beforehand, not computed: a sample across every kind of origin (Debian packages,
# Hull's services, units, keys, generated files).
while read -r p o; do
        got=$(awk -F'\t' -v p="$p" '$1 == p { print $2 }' "$m")
        [ "$got" = "$o" ] || { echo "$p: owner '$got' in the manifest, expected '$o'"; fail=1; }
done <<'OWNERS'
/usr/sbin/dockerd docker.io
/usr/bin/containerd containerd
/usr/lib/systemd/systemd systemd
/usr/bin/bash bash
/usr/bin/sudo sudo
/usr/share/zoneinfo/UTC tzdata
/usr/bin/hull-health hull:packages/hull-health
/usr/lib/systemd/system/hull-health.service hull:units
/usr/lib/hull/update-key.pem hull:update-key
/usr/lib/hull/secureboot-db.crt hull:secureboot-db-certificate
/usr/lib/os-release hull:generated
OWNERS
# A hull:PATH owner names a file or folder of this repository.
for src in $(awk -F'\t' '!/^#/ && $2 ~ /^hull:.*\// { sub(/^hull:/, "", $2); print $2 }' "$m" | sort -u); do
        [ -e "$HULL_TOP/$src" ] || { echo "owner hull:$src: no such path in the repository"; fail=1; }
done
echo "$(grep -vc '^#' "$m") files, $(awk -F'\t' '!/^#/ { s += $3 } END { printf "%.1f MiB", s / 1048576 }' "$m")"
exit $fail
