#!/usr/bin/env bash
# Builds the seccomp workload corpus: one container image tar per folder of tests/corpus, made
# offline from Debian's package archive with mmdebstrap (minbase, the folder's `packages` list,
# documentation pruned) and the folder's `workload` script at /usr/local/bin/hull-corpus-workload,
# which exercises the image's software for real and prints "corpus ok" last. go-static has no
# packages: its image is the static Go program of its folder (CGO_ENABLED=0) and busybox.
#
#   tests/corpus/build.sh OUT_TAR [NAME...]     (default: every image)
#
# Each image tar is cached in $HULL_CACHE (default /var/cache/hull) as corpus-<name>-<digest>.tar,
# the digest over this script and the image's folder, so a warm run builds nothing. OUT_TAR is
# one tar holding <name>.tar for each image, for a read-only disk of the VM that runs them
# (bench/seccomp-corpus.sh, tests/qemu/seccomp-corpus).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${HULL_CACHE:-/var/cache/hull}
mirror=${HULL_MIRROR:-http://deb.debian.org/debian}
security=${HULL_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
[ $# -ge 1 ] || { echo "usage: $0 OUT_TAR [NAME...]" >&2; exit 2; }
out=$1
shift
# What the builder runs, installed from Debian's archive when missing (as ./build.sh does).
want=()
for t in mmdebstrap:mmdebstrap go:golang-go file:file busybox:busybox-static; do
        command -v "${t%%:*}" >/dev/null 2>&1 || want+=("${t#*:}")
done
if [ ${#want[@]} -gt 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null &&
                DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "${want[@]}" >/dev/null ||
                { echo "tests/corpus: installing ${want[*]} failed" >&2; exit 1; }
fi
if [ $# -eq 0 ]; then
        mapfile -t all < <(cd "$here" && for d in */; do [ -f "$d/workload" ] && echo "${d%/}"; done)
        set -- "${all[@]}"
fi
die() { echo "tests/corpus: $*" >&2; exit 1; }

digest() { # NAME: the key of an image, over this script and its folder
        (cd "$here" && sha256sum build.sh && find "$1" -type f -print0 | sort -z | xargs -0 sha256sum) |
                sha256sum | cut -c1-16
}

build_go() { # NAME TMP: busybox and the static Go program of the folder
        local root=$2.root
        rm -rf "$root"
        mkdir -p "$root/bin" "$root/usr/local/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev"
        cp /bin/busybox "$root/bin/busybox"
        for a in $("$root/bin/busybox" --list); do [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"; done
        (cd "$here/$1" && CGO_ENABLED=0 GOCACHE=$cache/corpus-gocache GO111MODULE=off \
                go build -trimpath -ldflags=-s -o "$root/usr/local/bin/hull-corpus-go" ./server.go) ||
                die "$1: go build failed"
        file -b "$root/usr/local/bin/hull-corpus-go" | grep -q 'statically linked' || die "$1: not static"
        install -m 0755 "$here/$1/workload" "$root/usr/local/bin/hull-corpus-workload"
        chmod 1777 "$root/tmp"
        tar --numeric-owner --owner=0 --group=0 -C "$root" -cf "$2" .
        rm -rf "$root"
}

build_debian() { # NAME TMP
        local pkgs log=$2.log
        pkgs=$(sed -e 's/#.*//' "$here/$1/packages" | xargs | tr ' ' ,)
        [ -n "$pkgs" ] || die "$1/packages is empty"
        # path-exclude: documentation, manuals and translations are never read by a workload.
        # The setup hook in the folder (optional) runs in the tree after the packages: it
        # compiles what the workload runs, so the container does not compile under TCG.
        # shellcheck disable=SC2016 # $1 is the tree, expanded by mmdebstrap's hook shell
        local hooks=(--customize-hook="install -m 0755 '$here/$1/workload' \"\$1/usr/local/bin/hull-corpus-workload\"")
        # shellcheck disable=SC2016
        [ -f "$here/$1/setup" ] && hooks+=(--customize-hook="cp -r '$here/$1' \"\$1/tmp/corpus-setup\"" \
                --customize-hook='chroot "$1" sh /tmp/corpus-setup/setup' --customize-hook='rm -rf "$1/tmp/corpus-setup"')
        # man1 stays, empty: update-alternatives (Java's postinst) links its man pages there.
        if ! env INITRD=No mmdebstrap --mode=root --format=tar --variant=minbase --include="$pkgs" \
                --aptopt='Acquire::Retries "3"' --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
                --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
                --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
                --dpkgopt='path-exclude=/usr/share/info/*' \
                "${hooks[@]}" \
                bookworm "$2" "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
                "deb $security bookworm-security main" >"$log" 2>&1; then
                die "$1: mmdebstrap failed: $(grep -E '^E:' "$log" | head -1) (log: $log)"
        fi
        rm -f "$log"
}

mkdir -p "$cache"
list=$(mktemp -d)
trap 'rm -rf "$list"' EXIT
for name in "$@"; do
        [ -f "$here/$name/workload" ] || die "no image '$name' (no $here/$name/workload)"
        tar=$cache/corpus-$name-$(digest "$name").tar
        if [ ! -s "$tar" ]; then
                t0=$(date +%s)
                rm -f "$cache/corpus-$name-"*.tar
                if [ -f "$here/$name/server.go" ]; then build_go "$name" "$tar.tmp"; else build_debian "$name" "$tar.tmp"; fi
                mv "$tar.tmp" "$tar"
                echo "corpus: built $name in $(($(date +%s) - t0)) s ($(du -m "$tar" | cut -f1) MiB)"
        fi
        ln -s "$tar" "$list/$name.tar"
done
tar -C "$list" --dereference -cf "$out.tmp" "${@/%/.tar}"
mv "$out.tmp" "$out"
