# Helpers shared by build.sh, the image stages and the test runner. Sourced, not run.
# shellcheck shell=bash

HULL_CACHE=${HULL_CACHE:-/var/cache/hull}
HULL_OUT=${HULL_OUT:-out}
HULL_BUILD=${HULL_BUILD:-build}
HULL_PACKAGES=${HULL_PACKAGES:-packages/debian}
HULL_PARTITIONS=${HULL_PARTITIONS:-image/partitions.conf}
HULL_OVERLAYS=${HULL_OVERLAYS:-image/overlays.list}
HULL_VERSION=${HULL_VERSION:-$(cat "$TOP/VERSION")}
# Absolute from here on (the variables may be given relative to the repository).
case $HULL_BUILD in /*) ;; *) HULL_BUILD=$TOP/$HULL_BUILD ;; esac
case $HULL_OUT in /*) ;; *) HULL_OUT=$TOP/$HULL_OUT ;; esac
# HULL_TMP: where the stages that hold whole unpacked trees (tree, selinux: WHERE tmp) keep
# their outputs, and the usr stage its working copy. Unset, it is memory when the machine has
# room, /dev/shm/hull-<digest of HULL_BUILD> on a tmpfs with 4 GiB free, and
# $HULL_BUILD/tmp otherwise. Each of those stages creates, copies or removes 11,000 files
# (330 MB); on this project's build machine an unpack takes 3-11 s on ext4 and 0.6 s on tmpfs.
# Outputs there are kept and replaced like build/stages's; one lost with a reboot is made again.
# HULL_TMP_BUILD names the build folder an inherited HULL_TMP was decided for: a ./build.sh run
# with another HULL_BUILD (a test's scratch build) decides its own, never shares that one.
if [ -n "${HULL_TMP_BUILD:-}" ] && [ "$HULL_TMP_BUILD" != "$HULL_BUILD" ]; then HULL_TMP=""; fi
if [ -z "${HULL_TMP:-}" ]; then
        HULL_TMP=$HULL_BUILD/tmp
        if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] &&
                [ "$(df -P -k /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" -ge $((4 << 20)) ] 2>/dev/null; then
                HULL_TMP=/dev/shm/hull-$(printf '%s' "$HULL_BUILD" | sha256sum | cut -c1-12)
        fi
fi
case $HULL_TMP in /*) ;; *) HULL_TMP=$TOP/$HULL_TMP ;; esac
# Decided once: the test runner's and a stage's own ./build.sh calls on this build folder use
# the same one.
HULL_TMP_BUILD=$HULL_BUILD
export HULL_TMP HULL_TMP_BUILD
# Compiled services; build tests point this at the main build to avoid recompiling.
SERVICES_OUT=${HULL_SERVICES_OUT:-$HULL_BUILD/services}
HULL_MIRROR=${HULL_MIRROR:-http://deb.debian.org/debian}
HULL_SECURITY_MIRROR=${HULL_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# The time of the last commit that changed what the image is made of: a commit of tests,
# benches or CI alone leaves the image (and every stage keyed on this time) as it was.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
        SOURCE_DATE_EPOCH=$(git -C "$TOP" log -1 --format=%ct -- . ':(exclude)tests' ':(exclude)bench' \
                ':(exclude).ci' 2>/dev/null || true)
        SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
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

# step NAME FUNCTION [ARGS...]: run one unkeyed step (host tools, publishing), print its time.
step() {
        local name=$1 t0
        shift
        t0=$(date +%s.%N)
        echo "==> $name"
        "$@"
        printf '    %s done in %.1f s\n' "$name" "$(echo "$(date +%s.%N) - $t0" | bc)"
}

# One line a file of the NUL-separated names on stdin: "NAME SHA256" for a file, "NAME ->
# TARGET" for a symbolic link. One process for all of them (a shell loop spent seconds
# starting sha256sum for each of the services' 600 files); perl, which starts in a few
# milliseconds (Digest::SHA comes with the perl package, as shasum does).
# shellcheck disable=SC2016  # perl's variables
DIGEST_LINES='
chomp;
if (-l) { printf "%s -> %s\n", $_, readlink; next }
printf "%s %s\n", $_, Digest::SHA->new(256)->addfile($_, "b")->hexdigest;
'

# digest PATH...: a SHA-256 over the names and contents of every file under the paths, plus
# any extra words given after "--". Stable across checkouts (relative names, sorted). A path
# that does not exist is an error: a missing input must never read as an unchanged one.
digest() {
        local paths=() extra=() p
        while [ $# -gt 0 ]; do
                if [ "$1" = -- ]; then
                        shift
                        extra=("$@")
                        break
                fi
                paths+=("$1")
                shift
        done
        for p in "${paths[@]}"; do
                [ -e "$p" ] || [ -L "$p" ] || die "$p: input of the build does not exist"
        done
        {
                printf '%s\n' "${extra[@]}"
                [ ${#paths[@]} -eq 0 ] || find "${paths[@]}" \( -type f -o -type l \) -print0 | sort -z |
                        perl -MDigest::SHA -0 -ne "$DIGEST_LINES"
        } | sha256sum | cut -c1-16
}

# --- stages ------------------------------------------------------------------------------------
# The pipeline is a graph of stages. Each is declared once (image/stages.sh, declare_stages):
#
#   stage_declare NAME FUNCTION WHERE [files=...] [vars=...] [code=...] [deps=...] [uses=...]
#
#   WHERE  cache: the output lives in $HULL_CACHE (shared by checkouts: rootfs, kernel, ...);
#          build: in $HULL_BUILD/stages, with $HULL_BUILD/stages/NAME pointing at the latest;
#          tmp: as build, in $HULL_TMP/stages (memory when there is room: unpacked trees).
#   files  the files and folders it reads (globs allowed; one that matches nothing is an error)
#   vars   the variables whose values change its output
#   code   the shell functions it runs besides FUNCTION (FUNCTION's own text always counts)
#   deps   stages whose outputs it reads
#   uses   stages whose outputs it reads but whose keys it does not take: only for an output
#          that carries nothing the stage's own inputs do not already fix (see the disk stage)
#
# The key of a stage is a digest of exactly those: its name, the files, the variables' values,
# the functions' text and the keys of its deps. stage_run resolves the deps first, then either
# finds NAME-KEY (done before, nothing to do) or runs FUNCTION with $OUT an empty temporary
# directory, and publishes it as NAME-KEY with one rename: an output either is complete or does
# not exist. A stage reads another's output with stage_out NAME, which must be one of its deps
# or uses.
#
#   stage_variant PREFIX "VAR=VALUE ..." NAME...
#
# declares the stages NAME again as PREFIX-NAME, run (and keyed) with those variables set to
# those values: a second build of part of the graph, such as the newer version the update tests
# install. A variant reads the variant of a dep that has one (stage_out NAME gives it), and the
# stage itself otherwise.
declare -A STAGE_FN STAGE_WHERE STAGE_FILES STAGE_VARS STAGE_CODE STAGE_DEPS STAGE_USES STAGE_KEY STAGE_DIR
declare -A STAGE_SET STAGE_MAP
STAGE_ORDER=()
STAGE_CURRENT=""

stage_declare() {
        local name=$1 kv
        STAGE_FN[$name]=$2 STAGE_WHERE[$name]=$3
        STAGE_FILES[$name]="" STAGE_VARS[$name]="" STAGE_CODE[$name]="" STAGE_DEPS[$name]="" STAGE_USES[$name]=""
        shift 3
        for kv in "$@"; do
                case $kv in
                files=*) STAGE_FILES[$name]=${kv#files=} ;;
                vars=*) STAGE_VARS[$name]=${kv#vars=} ;;
                code=*) STAGE_CODE[$name]=${kv#code=} ;;
                deps=*) STAGE_DEPS[$name]=${kv#deps=} ;;
                uses=*) STAGE_USES[$name]=${kv#uses=} ;;
                *) die "image/stages.sh: stage $name: unknown declaration '$kv'" ;;
                esac
        done
        STAGE_ORDER+=("$name")
}

stage_variant() {
        local prefix=$1 set=$2 n v d kind
        shift 2
        for n in "$@"; do
                [ -n "${STAGE_FN[$n]-}" ] || die "stage_variant $prefix: no stage named '$n'"
                v=$prefix-$n
                STAGE_FN[$v]=${STAGE_FN[$n]} STAGE_WHERE[$v]=${STAGE_WHERE[$n]} STAGE_FILES[$v]=${STAGE_FILES[$n]}
                STAGE_VARS[$v]=${STAGE_VARS[$n]} STAGE_CODE[$v]=${STAGE_CODE[$n]}
                STAGE_SET[$v]=$set STAGE_MAP[$v]="" STAGE_DEPS[$v]="" STAGE_USES[$v]=""
                for kind in DEPS USES; do
                        local -n from="STAGE_$kind"
                        for d in ${from[$n]}; do
                                if [[ " $* " == *" $d "* ]]; then
                                        from[$v]+=" $prefix-$d"
                                        STAGE_MAP[$v]+=" $d=$prefix-$d"
                                else
                                        from[$v]+=" $d"
                                fi
                        done
                        unset -n from
                done
                STAGE_ORDER+=("$v")
        done
}

# stage_key NAME: the digest of the stage's declared inputs (its deps already resolved).
stage_key() {
        local name=$1 f v d files=()
        for f in ${STAGE_FILES[$name]}; do
                # shellcheck disable=SC2206 # the glob is meant to expand
                local m=($f)
                [ -e "${m[0]}" ] || [ -L "${m[0]}" ] || die "$f: input of stage $name does not exist"
                files+=("${m[@]}")
        done
        {
                echo "stage $name"
                for v in ${STAGE_VARS[$name]}; do
                        [ -n "${!v+x}" ] || die "image/stages.sh: stage $name: variable $v is not set"
                        printf 'var %s=%s\n' "$v" "${!v}"
                done
                for f in "${STAGE_FN[$name]}" ${STAGE_CODE[$name]}; do
                        declare -f "$f" || die "image/stages.sh: stage $name: no function $f"
                done
                for d in ${STAGE_DEPS[$name]}; do echo "dep $d ${STAGE_KEY[$d]}"; done
                if [ ${#files[@]} -gt 0 ]; then
                        d=$(digest "${files[@]}") || exit 1
                        echo "files $d"
                fi
        } | sha256sum | cut -c1-16
}

stage_root() {
        case ${STAGE_WHERE[$1]} in
        cache) echo "$HULL_CACHE" ;;
        tmp) echo "$HULL_TMP/stages" ;;
        *) echo "$HULL_BUILD/stages" ;;
        esac
}

# stage_tmp_prepare: $HULL_TMP made, with the build folder it belongs to in it ("owner"); and
# the memory of build folders that are gone (a removed checkout, a test's scratch build) freed.
stage_tmp_prepare() {
        local d o
        for d in /dev/shm/hull-*/; do
                [ -f "$d/owner" ] || continue
                o=$(cat "$d/owner")
                [ -d "$o" ] || rm -rf "$d"
        done
        mkdir -p "$HULL_TMP/stages" "$HULL_BUILD"
        echo "$HULL_BUILD" >"$HULL_TMP/owner"
}

# stage_run NAME: bring NAME's output up to date (and its deps'); sets STAGE_DIR[NAME].
stage_run() {
        local name=$1 d key root dir t0 parent
        [ -n "${STAGE_FN[$name]-}" ] || die "no stage named '$name' (stages: ${STAGE_ORDER[*]})"
        [ -n "${STAGE_DIR[$name]-}" ] && return 0
        for d in ${STAGE_DEPS[$name]} ${STAGE_USES[$name]}; do stage_run "$d"; done
        # A variant's variables, set after its deps ran with theirs: for its key and its run.
        for d in ${STAGE_SET[$name]-}; do local -x "$d"; done
        key=$(stage_key "$name") || exit 1
        root=$(stage_root "$name")
        dir=$root/$name-$key
        STAGE_KEY[$name]=$key
        if [ -d "$dir" ]; then
                echo "==> $name: up to date ($dir)"
        else
                echo "==> $name"
                t0=$(date +%s.%N)
                mkdir -p "$root"
                rm -rf "$dir.tmp"
                mkdir "$dir.tmp"
                parent=$STAGE_CURRENT
                STAGE_CURRENT=$name
                OUT=$dir.tmp "${STAGE_FN[$name]}"
                STAGE_CURRENT=$parent
                mv -T "$dir.tmp" "$dir"
                printf '    %s done in %.1f s (%s)\n' "$name" "$(echo "$(date +%s.%N) - $t0" | bc)" "$dir"
        fi
        STAGE_DIR[$name]=$dir
        # This stage's other outputs: NAME-KEY and NAME-KEY.tmp only, so that a stage whose name
        # starts with another's (foo, foo-bar) never removes the other's outputs.
        local mine=".*/$name-[0-9a-f]{16}(\.tmp)?"
        if [ "${STAGE_WHERE[$name]}" = cache ]; then
                # The cache is shared by checkouts, each on its own keys: an output goes when no
                # build has used it for HULL_CACHE_DAYS (default 14), and what a stage that failed
                # or was interrupted left (NAME-KEY.tmp) after 12 hours, longer than any stage runs.
                touch "$dir"
                find "$root" -mindepth 1 -maxdepth 1 -regextype posix-extended -regex "$mine" ! -name "$name-$key" \
                        \( -mtime +"${HULL_CACHE_DAYS:-14}" -o \( -name "$name-*.tmp" -mmin +720 \) \) -exec rm -rf {} +
        else
                # The latest output of a build-side stage, for tests and people, always in
                # $HULL_BUILD/stages; older ones go.
                mkdir -p "$HULL_BUILD/stages"
                if [ "$root" = "$HULL_BUILD/stages" ]; then
                        ln -sfn "$name-$key" "$HULL_BUILD/stages/.$name.link"
                else
                        ln -sfn "$dir" "$HULL_BUILD/stages/.$name.link"
                fi
                mv -T "$HULL_BUILD/stages/.$name.link" "$HULL_BUILD/stages/$name"
                find "$root" -maxdepth 1 -regextype posix-extended -regex "$mine" ! -name "$name-$key" -exec rm -rf {} +
        fi
}

# stage_list: the stages in the order they were declared, with what each reads.
stage_list() {
        local n
        for n in "${STAGE_ORDER[@]}"; do
                printf '%-15s %-5s deps: %s\n' "$n" "${STAGE_WHERE[$n]}" "${STAGE_DEPS[$n]:-none}${STAGE_USES[$n]:+ (uses ${STAGE_USES[$n]})}"
        done
}

# stage_out NAME: the output folder of NAME, a declared dep or use of the running stage.
stage_out() {
        local n=$1 m
        if [ -n "$STAGE_CURRENT" ]; then
                for m in ${STAGE_MAP[$STAGE_CURRENT]-}; do [ "${m%%=*}" = "$1" ] && n=${m#*=}; done
                [[ " ${STAGE_DEPS[$STAGE_CURRENT]} ${STAGE_USES[$STAGE_CURRENT]} " == *" $n "* ]] ||
                        die "image/stages.sh: stage $STAGE_CURRENT reads $1 without declaring it"
        fi
        [ -n "${STAGE_DIR[$n]-}" ] || die "image/stages.sh: stage $n has not run"
        echo "${STAGE_DIR[$n]}"
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
        sbsign:sbsigntool sbverify:sbsigntool cert-to-efi-sig-list:efitools sign-efi-sig-list:efitools
        swtpm:swtpm swtpm_setup:swtpm-tools checksec:checksec zstd:zstd busybox:busybox-static cpio:cpio
        ssh:openssh-client ssh-keygen:openssh-client openssl:openssl python3:python3 shasum:perl
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
        /usr/include/libelf.h:libelf-dev /usr/include/libaudit.h:libaudit-dev
        /usr/include/expat.h:libexpat1-dev genisoimage:genisoimage
        /usr/include/lz4hc.h:liblz4-dev /usr/include/xxhash.h:libxxhash-dev
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
