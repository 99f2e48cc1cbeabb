# shellcheck shell=bash
# os-release names the image and the version the build was asked for (HULL_VERSION, from the
# VERSION file); /etc/os-release points at it; the UKI carries the same os-release (.osrel),
# which is what systemd-boot sorts its entries by.
set -u
f=$TREE/usr/lib/os-release
fail=0
for k in ID NAME PRETTY_NAME VERSION_ID IMAGE_ID IMAGE_VERSION; do
        grep -q "^$k=." "$f" || { echo "$f: $k missing"; fail=1; }
done
grep -qx 'IMAGE_ID=hull' "$f" || { echo "$f: IMAGE_ID is not hull"; fail=1; }
v=$HULL_VERSION
grep -qx "IMAGE_VERSION=$v" "$f" || { echo "$f: IMAGE_VERSION is not the version built ($v)"; fail=1; }
grep -qx "VERSION_ID=$v" "$f" || { echo "$f: VERSION_ID is not the version built ($v)"; fail=1; }
# What a user reads: the name, the version and the Debian release it is made from (the
# image's own /etc/debian_version).
want="PRETTY_NAME=\"Hull $v (Debian $(cat "$TREE/usr/share/factory/etc/debian_version"))\""
grep -qxF "$want" "$f" || { echo "$f: not $want"; fail=1; }
grep -qx "BUILD_ID=$(jq -r .source_date_epoch "$OUT/build.json")" "$f" ||
        { echo "$f: BUILD_ID is not the build's SOURCE_DATE_EPOCH"; fail=1; }
osrel=$(mktemp)
objcopy -O binary --only-section=.osrel "$OUT/hull.efi" "$osrel" 2>/dev/null
cmp -s "$osrel" "$f" || { echo "the UKI's .osrel differs from /usr/lib/os-release:"; diff "$osrel" "$f" | head; fail=1; }
rm -f "$osrel"
[ "$(readlink "$TREE/usr/share/factory/etc/os-release")" = ../usr/lib/os-release ] ||
        { echo "/etc/os-release is not a link to /usr/lib/os-release"; fail=1; }
exit $fail
