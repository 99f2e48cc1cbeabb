# shellcheck shell=bash
# The same inputs and SOURCE_DATE_EPOCH give the same /usr image bytes and root hash wherever
# the checkout is: a copy of the repository's files in another folder, with its own build
# folder, compiles the services again and runs the stages up to /usr (tree, selinux, usr; the
# rootfs and policy modules come from the shared cache), and its /usr matches the published one.
. "$(dirname "$0")/lib.sh"
epoch=$(jq -r .source_date_epoch "$HULL_OUT/build.json")
version=$(jq -r .version "$HULL_OUT/build.json")
src=$scratch/elsewhere/hull
mkdir -p "$src"
# The repository's files as they are in the work tree (tracked or new, not ignored).
git -C "$HULL_TOP" ls-files -z --cached --others --exclude-standard |
        (cd "$HULL_TOP" && tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$src" ||
        { echo "cannot copy the repository to $src"; exit 1; }
(cd "$src" && env -u HULL_SERVICES_OUT HULL_BUILD="$scratch/build" HULL_OUT="$scratch/out" \
        SOURCE_DATE_EPOCH="$epoch" HULL_VERSION="$version" ./build.sh usr) ||
        { echo "the build in $src failed"; exit 1; }
b=$scratch/build/stages/usr
echo "published usrhash $(cat "$HULL_OUT/usrhash")"
echo "rebuilt   usrhash $(cat "$b/usrhash") (in $src)"
if ! cmp "$HULL_OUT/usr.erofs" "$b/usr.erofs"; then
        echo "/usr image bytes differ; files whose sizes differ:"
        diff <(cut -f1,3 "$HULL_OUT/manifest.tsv") <(cut -f1,3 "$b/manifest.tsv") | head -20
        exit 1
fi
cmp "$HULL_OUT/usr.verity" "$b/usr.verity" || { echo "verity trees differ"; exit 1; }
[ "$(cat "$HULL_OUT/usrhash")" = "$(cat "$b/usrhash")" ] || { echo "root hashes differ"; exit 1; }
