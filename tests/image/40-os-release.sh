# shellcheck shell=bash
# os-release names the image and its version; /etc/os-release points at it.
set -u
f=$TREE/usr/lib/os-release
fail=0
for k in ID NAME PRETTY_NAME VERSION_ID IMAGE_ID IMAGE_VERSION; do
        grep -q "^$k=." "$f" || { echo "$f: $k missing"; fail=1; }
done
grep -qx 'IMAGE_ID=hull' "$f" || { echo "$f: IMAGE_ID is not hull"; fail=1; }
v=$(jq -r .version "$OUT/build.json")
grep -qx "IMAGE_VERSION=$v" "$f" || { echo "$f: IMAGE_VERSION differs from build.json ($v)"; fail=1; }
[ "$(readlink "$TREE/usr/share/factory/etc/os-release")" = ../usr/lib/os-release ] ||
        { echo "/etc/os-release is not a link to /usr/lib/os-release"; fail=1; }
exit $fail
