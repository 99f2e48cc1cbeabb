# shellcheck shell=bash
# The same inputs and SOURCE_DATE_EPOCH give the same /usr image bytes and root hash wherever
# and whenever the build runs: a copy of the repository's files in another folder, with its own
# build folder and an empty stage cache of its own, builds everything /usr is made of from
# nothing (the rootfs from the package archive, the policy modules, the services, then tree,
# selinux, usr), and its /usr matches the published one, which came from whatever the shared
# cache held. Only the keys are shared: they are inputs (HULL_UPDATE_KEY, HULL_SECUREBOOT_KEYS),
# and a cache that starts empty would make new ones.
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
cache=${HULL_CACHE:-/var/cache/hull}
(cd "$src" && env -u HULL_SERVICES_OUT HULL_BUILD="$scratch/build" HULL_OUT="$scratch/out" HULL_CACHE="$scratch/cache" "${SCRATCH_TMP[@]}" \
        HULL_UPDATE_KEY="${HULL_UPDATE_KEY:-$cache/keys/update-key.private.pem}" \
        HULL_SECUREBOOT_KEYS="${HULL_SECUREBOOT_KEYS:-$cache/keys/secureboot}" \
        SOURCE_DATE_EPOCH="$epoch" HULL_VERSION="$version" ./build.sh usr) ||
        { echo "the build in $src failed"; exit 1; }
b=$scratch/build/stages/usr

# The package archive is live (no snapshot.debian.org here): a package that changed in it since
# the shared cache's rootfs was made puts other bytes in a rootfs built now. That is a newer
# input, not a build that differs, so the check is skipped (77) with the packages named.
# Refreshing the cached rootfs (./build.sh clean, removing $cache/rootfs-*) makes them match.
versions() {
        tar -xOf "$1" ./var/lib/dpkg/status | awk '/^Package:/ { p = $2 } /^Version:/ { print p, $2 }' | sort
}
cold_rootfs=$(echo "$scratch"/cache/rootfs-*/rootfs.tar)
shared_rootfs=$cache/$(basename "$(dirname "$cold_rootfs")")/rootfs.tar
if [ -f "$shared_rootfs" ] && ! diff <(versions "$shared_rootfs") <(versions "$cold_rootfs") >"$scratch/versions.diff"; then
        echo "the archive has moved since the shared cache's rootfs was made ($shared_rootfs); packages that differ (< cached, > now):"
        cat "$scratch/versions.diff"
        exit 77
fi
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
