# shellcheck shell=bash
# The same inputs and SOURCE_DATE_EPOCH give the same /usr image bytes and root hash wherever
# the checkout is: a copy of the repository's files in another folder, with its own build
# folder, compiles the services again and runs the stages up to /usr (tree, selinux, usr; the
# rootfs and policy modules come from the shared cache), and its /usr matches the published one.
# The copy differs from the checkout as another checkout would: another path, every file and
# folder dated now (a working copy's are often older than the last commit) and group-writable
# (a checkout made under umask 0002).
. "$(dirname "$0")/lib.sh"
epoch=$(jq -r .source_date_epoch "$HULL_OUT/build.json")
version=$(jq -r .version "$HULL_OUT/build.json")
src=$scratch/elsewhere/hull
mkdir -p "$src"
# The repository's files as they are in the work tree (tracked or new, not ignored).
git -C "$HULL_TOP" ls-files -z --cached --others --exclude-standard |
        (cd "$HULL_TOP" && tar --null --ignore-failed-read -T - -cf -) | tar -xmf - -C "$src" ||
        { echo "cannot copy the repository to $src"; exit 1; }
chmod -R g+w "$src"
(cd "$src" && env -u HULL_SERVICES_OUT HULL_BUILD="$scratch/build" HULL_OUT="$scratch/out" \
        SOURCE_DATE_EPOCH="$epoch" HULL_VERSION="$version" ./build.sh usr) ||
        { echo "the build in $src failed"; exit 1; }
b=$scratch/build/stages/usr
echo "published usrhash $(cat "$HULL_OUT/usrhash")"
echo "rebuilt   usrhash $(cat "$b/usrhash") (in $src)"

# listing ROOT: every path of an extracted /usr with its type and mode, owner, mtime and size.
listing() {
        (cd "$1" && find . -printf '%p %M %U:%G %T@ %s\n' | sort)
}
# labels ROOT: every path of a selinux stage's tree with its SELinux label (fsck.erofs does not
# extract them).
labels() {
        (cd "$1" && find . -printf '%p %Z\n' 2>/dev/null | sort)
}

if ! cmp "$HULL_OUT/usr.erofs" "$b/usr.erofs"; then
        echo "/usr image bytes differ; what differs (< published, > rebuilt):"
        mkdir -p "$scratch/published" "$scratch/rebuilt"
        fsck.erofs --extract="$scratch/published" --preserve "$HULL_OUT/usr.erofs" >/dev/null &&
                fsck.erofs --extract="$scratch/rebuilt" --preserve "$b/usr.erofs" >/dev/null ||
                { echo "fsck.erofs cannot extract both /usr images"; exit 1; }
        diff -rq --no-dereference "$scratch/published" "$scratch/rebuilt" | head -20
        diff <(listing "$scratch/published") <(listing "$scratch/rebuilt") | head -40
        diff <(labels "$HULL_BUILD/stages/selinux/root") <(labels "$scratch/build/stages/selinux/root") | head -20
        exit 1
fi
cmp "$HULL_OUT/usr.verity" "$b/usr.verity" || { echo "verity trees differ"; exit 1; }
[ "$(cat "$HULL_OUT/usrhash")" = "$(cat "$b/usrhash")" ] || { echo "root hashes differ"; exit 1; }
