# shellcheck shell=bash
# The same inputs and SOURCE_DATE_EPOCH give the same /usr image bytes and root hash: a second,
# independent run of the build-side stages up to /usr (tree, selinux, usr: from the cached
# rootfs and policy modules) in another build folder matches the published one.
. "$(dirname "$0")/lib.sh"
epoch=$(jq -r .source_date_epoch "$HULL_OUT/build.json")
version=$(jq -r .version "$HULL_OUT/build.json")
env HULL_BUILD="$scratch/build" SOURCE_DATE_EPOCH="$epoch" HULL_VERSION="$version" ./build.sh usr ||
        { echo "second build failed"; exit 1; }
b=$scratch/build/stages/usr
echo "published usrhash $(cat "$HULL_OUT/usrhash")"
echo "rebuilt   usrhash $(cat "$b/usrhash")"
cmp "$HULL_OUT/usr.erofs" "$b/usr.erofs" || { echo "/usr image bytes differ"; exit 1; }
cmp "$HULL_OUT/usr.verity" "$b/usr.verity" || { echo "verity trees differ"; exit 1; }
[ "$(cat "$HULL_OUT/usrhash")" = "$(cat "$b/usrhash")" ] || { echo "root hashes differ"; exit 1; }
