# Helpers shared by build.sh, the image stages and the test runner. Sourced, not run.
# shellcheck shell=bash

HULL_CACHE=${HULL_CACHE:-/var/cache/hull}
HULL_OUT=${HULL_OUT:-out}
HULL_BUILD=${HULL_BUILD:-build}
HULL_PACKAGES=${HULL_PACKAGES:-packages}
HULL_PARTITIONS=${HULL_PARTITIONS:-image/partitions.conf}
HULL_OVERLAYS=${HULL_OVERLAYS:-image/overlays.list}
HULL_VERSION=${HULL_VERSION:-$(cat "$TOP/VERSION")}
# Absolute from here on (the variables may be given relative to the repository).
case $HULL_BUILD in /*) ;; *) HULL_BUILD=$TOP/$HULL_BUILD ;; esac
case $HULL_OUT in /*) ;; *) HULL_OUT=$TOP/$HULL_OUT ;; esac
# Compiled services; build tests point this at the main build to avoid recompiling.
SERVICES_OUT=${HULL_SERVICES_OUT:-$HULL_BUILD/services}
HULL_MIRROR=${HULL_MIRROR:-http://deb.debian.org/debian}
HULL_SECURITY_MIRROR=${HULL_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
        SOURCE_DATE_EPOCH=$(git -C "$TOP" log -1 --format=%ct 2>/dev/null || echo 1700000000)
fi
export SOURCE_DATE_EPOCH
export LC_ALL=C.UTF-8

BUILD_T0=${BUILD_T0:-$(date +%s)}

# One line, naming what is wrong, then exit 1. Callers name the file in the message.
die() {
        echo "build.sh: error: $*" >&2
        exit 1
}

info() {
        echo "    $*"
}

# stage NAME FUNCTION [ARGS...]: run one pipeline stage, print its name and duration.
stage() {
        local name=$1 t0 t1
        shift
        t0=$(date +%s.%N)
        echo "==> $name"
        "$@"
        t1=$(date +%s.%N)
        printf '    %s done in %.1f s\n' "$name" "$(echo "$t1 - $t0" | bc)"
}

# digest PATH...: a SHA-256 over the names and contents of every file under the paths, plus
# any extra words given after "--". Stable across checkouts (relative names, sorted).
digest() {
        local paths=() extra=()
        while [ $# -gt 0 ]; do
                if [ "$1" = -- ]; then
                        shift
                        extra=("$@")
                        break
                fi
                paths+=("$1")
                shift
        done
        {
                printf '%s\n' "${extra[@]}"
                find "${paths[@]}" \( -type f -o -type l \) -print0 2>/dev/null | sort -z |
                        while IFS= read -r -d '' f; do
                                if [ -L "$f" ]; then
                                        printf '%s -> %s\n' "$f" "$(readlink "$f")"
                                else
                                        printf '%s %s\n' "$f" "$(sha256sum <"$f" | cut -c1-64)"
                                fi
                        done
        } | sha256sum | cut -c1-16
}

mib() {
        local bytes
        bytes=$(stat -c %s "$1")
        echo "$(((bytes + 1048575) / 1048576)) MiB"
}

# Host tools: command -> Debian package. Missing ones are installed with apt-get.
HOST_TOOLS=(
        mmdebstrap:mmdebstrap mkfs.erofs:erofs-utils veritysetup:cryptsetup-bin sfdisk:fdisk
        mkfs.vfat:dosfstools mcopy:mtools mke2fs:e2fsprogs qemu-system-x86_64:qemu-system-x86
        qemu-img:qemu-utils objcopy:binutils cc:gcc make:make clang:clang pkg-config:pkg-config
        jq:jq bc:bc setfiles:policycoreutils semodule_package:semodule-utils checkmodule:checkpolicy
        sbsign:sbsigntool checksec:checksec zstd:zstd busybox:busybox-static cpio:cpio
        ssh:openssh-client ssh-keygen:openssh-client openssl:openssl python3:python3
        /usr/share/OVMF/OVMF_CODE_4M.fd:ovmf
        /usr/share/selinux/devel/Makefile:selinux-policy-dev
        /usr/src/selinux-policy-src.tar.zst:selinux-policy-src
        /usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json:golang-github-docker-docker-dev
        /usr/include/json-c/json.h:libjson-c-dev /usr/include/seccomp.h:libseccomp-dev
        /usr/include/x86_64-linux-gnu/curl/curl.h:libcurl4-openssl-dev /usr/include/openssl/evp.h:libssl-dev
        /usr/include/libfdisk/libfdisk.h:libfdisk-dev /usr/include/blkid/blkid.h:libblkid-dev
        /usr/include/systemd/sd-journal.h:libsystemd-dev /usr/include/selinux/selinux.h:libselinux1-dev
        /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev
        /usr/src/linux-source-6.1.tar.xz:linux-source-6.1 flex:flex bison:bison
        /usr/include/libelf.h:libelf-dev
)

host_tools() {
        local want=() t cmd pkg
        [ "$(id -u)" = 0 ] || die "build.sh must run as root (it builds file systems and boots QEMU)"
        for t in "${HOST_TOOLS[@]}"; do
                cmd=${t%%:*} pkg=${t#*:}
                if [[ $cmd == /* ]]; then
                        [ -e "$cmd" ] && continue
                elif command -v "$cmd" >/dev/null 2>&1; then
                        continue
                fi
                want+=("$pkg")
        done
        [ ${#want[@]} -eq 0 ] && return 0
        mapfile -t want < <(printf '%s\n' "${want[@]}" | sort -u)
        info "installing host packages: ${want[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get -qq update >/dev/null ||
                die "apt-get update failed: the host cannot reach its Debian mirror"
        DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends "${want[@]}" \
                >"$HULL_BUILD/apt-host.log" 2>&1 ||
                die "apt-get install ${want[*]} failed (see $HULL_BUILD/apt-host.log)"
}

# partitions: prints "name type size label" lines of the layout, comments stripped.
partitions() {
        [ -r "$HULL_PARTITIONS" ] || die "$HULL_PARTITIONS: cannot read the partition table"
        sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$HULL_PARTITIONS"
}

# partition_size NAME: size in MiB from the layout.
partition_size() {
        partitions | awk -v n="$1" '$1 == n { print $3; found = 1 } END { exit !found }' ||
                die "$HULL_PARTITIONS: no partition named '$1'"
}

# uuid_from_hex HEX32: format 128 bits of hex as a UUID string, as systemd does for the
# partition UUIDs it derives from a verity root hash.
uuid_from_hex() {
        local h=$1
        echo "${h:0:8}-${h:8:4}-${h:12:4}-${h:16:4}-${h:20:12}"
}

# A fixed, deterministic UUID for a name (so rebuilding gives the same bytes).
uuid_for() {
        uuid_from_hex "$(printf 'hull:%s' "$1" | sha256sum | cut -c1-32)"
}
