# shellcheck shell=bash
# The same inputs and SOURCE_DATE_EPOCH give the same /usr image bytes and root hash: a second,
# independent run of the stages up to /usr (from the cached rootfs) matches the published one.
. "$(dirname "$0")/lib.sh"
epoch=$(jq -r .source_date_epoch "$HULL_OUT/build.json")
version=$(jq -r .version "$HULL_OUT/build.json")
env HULL_BUILD="$scratch/build" SOURCE_DATE_EPOCH="$epoch" HULL_VERSION="$version" ./build.sh usr ||
        { echo "second build failed"; exit 1; }
a=$(cat "$HULL_OUT/usrhash") b=$(cat "$scratch/build/out.new/usrhash")
echo "published usrhash $a"
echo "rebuilt   usrhash $b"
cmp "$HULL_OUT/usr.erofs" "$scratch/build/out.new/usr.erofs" || { echo "/usr image bytes differ"; exit 1; }
cmp "$HULL_OUT/usr.verity" "$scratch/build/out.new/usr.verity" || { echo "verity trees differ"; exit 1; }
[ "$a" = "$b" ] || { echo "root hashes differ"; exit 1; }
