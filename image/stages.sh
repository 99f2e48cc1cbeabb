# The image pipeline, one function a stage. Sourced by build.sh after image/lib.sh.
# shellcheck shell=bash

SUITES="bookworm bookworm-updates bookworm-security"
HULL_SERVICES=${HULL_SERVICES:-}
# The services' sources: the services stage's input, and what it compares with its last run.
SERVICES_SOURCES="packages/libhull packages/hull-* packages/common.mk"
# Docker's stock seccomp profile (golang-github-docker-docker-dev): hull-seccomp's install
# derives Hull's default from it (packages/hull-seccomp/Makefile).
DOCKER_SECCOMP_DEFAULT=/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
HULL_PAYLOAD_EXPIRES_DAYS=${HULL_PAYLOAD_EXPIRES_DAYS:-90}

# build_inputs: the inputs read from the build host, once its tools are installed.
# shellcheck disable=SC2034 # read by stage_key through the stage declarations (vars=)
build_inputs() {
        # The Debian archive's state a build is made from (packages/debian/debian-snapshot): an
        # input of the rootfs like the package lists. Changing it refreshes the rootfs on purpose;
        # with HULL_MIRROR and HULL_SECURITY_MIRROR pointing at
        # snapshot.debian.org/archive/debian/<date> and .../debian-security/<date>, the same date
        # gives the same packages later from a cold cache. The mirror itself is where packages
        # come from, not what they are: not an input.
        HULL_DEBIAN_SNAPSHOT=${HULL_DEBIAN_SNAPSHOT:-$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$HULL_PACKAGES/debian-snapshot" 2>/dev/null | head -1)}
        [[ $HULL_DEBIAN_SNAPSHOT =~ ^[0-9]{8}T[0-9]{6}Z$ ]] ||
                die "$HULL_PACKAGES/debian-snapshot: '$HULL_DEBIAN_SNAPSHOT' is not a snapshot date like 20261203T000000Z"
        # The build host's compiler and linker change what the services and the kernel are.
        HOST_CC_VERSION=$(gcc -dumpfullversion)
        HOST_LD_VERSION=$(ld --version | head -1)
        LINUX_SOURCE_VERSION=$(linux_source_version)
        # The payload is signed with a release time: it is made again each day.
        PAYLOAD_DAY=$(date -u +%F)
        # What the rootfs reads of prune.rules: its exclude and keep lines (dpkg's path filters).
        # The other rules act on the tree, so a new remove rule does not unpack Debian again.
        [ -r "$HULL_PACKAGES/prune.rules" ] || die "$HULL_PACKAGES/prune.rules: cannot read it"
        ROOTFS_PATH_FILTERS=$({ prune_rules exclude | sed 's/^/exclude /'; prune_rules keep | sed 's/^/keep /'; } |
                sha256sum | cut -c1-64)
}

# prepare: host tools, inputs, the stage graph and the update key; once per run.
PREPARED=""
prepare() {
        [ -n "$PREPARED" ] && return 0
        mkdir -p "$HULL_BUILD" "$HULL_CACHE"
        stage_tmp_prepare
        step "host tools" host_tools
        build_inputs
        declare_stages
        update_keys
        secureboot_keys
        PREPARED=1
}

# The stages of the image and what each reads. Declared after every file of image/ is sourced
# (the functions named here are defined there). The graph:
#
#   services ─────────────────────────┐
#   rootfs ─┬─────────────────────────┴─ tree ── selinux ── usr ─┬─ uki ── payload
#           ├─ selinux-store ──────────────────────┘             │    │
#           │  selinux-policy ──┘                                │    │
#   kernel ─┴─ initrd ───────────────────────────────────────────┴────┘
#                                                                 └─ bootloader
#                                       usr + uki + bootloader (+ payload, used) ── disk
declare_stages() {
        local k=""
        if [ "$HULL_KERNEL" = hull ]; then k=kernel; fi
        stage_declare services stage_services build \
                files="$SERVICES_SOURCES $DOCKER_SECCOMP_DEFAULT" \
                vars="HULL_VERSION HULL_SERVICES HOST_CC_VERSION HOST_LD_VERSION" code="service_makefiles"
        stage_declare rootfs stage_rootfs cache \
                files="$HULL_PACKAGES/*.list" \
                vars="SUITES HULL_DEBIAN_SNAPSHOT HULL_KERNEL ROOTFS_PATH_FILTERS" code="package_names prune_rules kernel_packages snapshot_epoch"
        if [ -n "$k" ]; then
                stage_declare kernel stage_kernel cache files="$KERNEL_FRAGMENT" \
                        vars="LINUX_SOURCE_VERSION HOST_CC_VERSION HOST_LD_VERSION" code="kernel_source kernel_config"
        fi
        stage_declare initrd stage_initrd cache files="image/initrd" vars="HULL_KERNEL" deps="rootfs $k"
        stage_declare selinux-policy selinux_modules cache \
                files="image/selinux/*.te image/selinux/*.fc image/selinux/*.if $SELINUX_SRC $SELINUX_DEVEL" \
                vars="SELINUX_TYPE SELINUX_UPSTREAM_MODULES SELINUX_HULL_MODULES"
        stage_declare tree stage_tree tmp \
                files="$HULL_OVERLAYS $(overlay_sources) $HULL_PACKAGES/prune.rules $HULL_PARTITIONS" \
                vars="HULL_VERSION SOURCE_DATE_EPOCH HULL_KERNEL UPDATE_PUBKEY_DIGEST SB_DB_CERT_DIGEST" \
                code="normalize_paths record_origin apply_overlays divert_runc install_services prune_rules prune_tree
                      resolve_alternatives write_os_release depersonalize apply_presets generate_audit_rules
                      record_dpkg_owners state_partuuid uuid_for uuid_from_hex" \
                deps="rootfs services"
        stage_declare selinux-store stage_selinux_store cache files="$SELINUX_KEEP" \
                vars="SELINUX_TYPE SELINUX_UPSTREAM_MODULES SELINUX_HULL_MODULES SELINUX_EQUIVALENCES SELINUX_STORE_DIRS" \
                code="selinux_install selinux_prune record_origin normalize_paths" \
                deps="rootfs selinux-policy"
        stage_declare selinux stage_selinux tmp files="$SELINUX_RELABEL" \
                vars="SELINUX_TYPE SELINUX_STORE_DIRS" \
                code="selinux_config selinux_label selinux_check_labels state_skeleton" \
                deps="tree selinux-store"
        # services is used, not keyed: hull-lz4hc-cache (its tools/) only makes mkfs.erofs faster,
        # never changes a byte of its output.
        stage_declare usr stage_usr build files="$HULL_PARTITIONS" vars="HULL_VERSION SOURCE_DATE_EPOCH" \
                code="split_state state_skeleton write_manifest make_usr_image uuid_for uuid_from_hex partition_size partitions" \
                deps="selinux" uses="services"
        stage_declare uki stage_uki build files="image/cmdline" vars="SB_KEYS_DIGEST" \
                code="kernel_cmdline state_partuuid uuid_for uuid_from_hex sb_sign pcr11_predict" deps="usr initrd"
        stage_declare bootloader stage_bootloader build vars="SB_KEYS_DIGEST SOURCE_DATE_EPOCH" \
                code="sb_sign sb_auth_files" deps="usr"
        # Signed with a release time and an expiry: made again each day, the rest stays.
        stage_declare payload stage_payload build \
                vars="HULL_VERSION SOURCE_DATE_EPOCH UPDATE_KEY_DIGEST HULL_PAYLOAD_EXPIRES_DAYS PAYLOAD_DAY" \
                code="hull_payload" deps="usr uki services"
        # The disk's slot A is written from the payload by hull-payload write-image (the same
        # writer and checks as an update), but the bytes it writes are usr's and uki's: the payload's signature and
        # release time do not reach the disk, so a new day's payload does not make a new disk.
        stage_declare disk stage_disk build files="$HULL_PARTITIONS" vars="HULL_VERSION SOURCE_DATE_EPOCH" \
                code="make_esp partitions state_partuuid uuid_for uuid_from_hex hull_payload" \
                deps="usr uki bootloader services" uses="payload"
        # Not part of ./build.sh image: the disk as other platforms import it (./build.sh gce,
        # azure, vmware).
        stage_declare gce stage_gce build vars="SOURCE_DATE_EPOCH" deps="disk"
        stage_declare azure stage_azure build deps="disk"
        stage_declare vmware stage_vmware build deps="disk"
}

build_image() {
        prepare
        stage_run disk
        publish
        summary
}

# The stages up to the sealed /usr: ./build.sh usr (prints where it is); what the
# reproducibility test compares.
build_usr() {
        prepare
        stage_run usr
        echo "    /usr image: $(stage_out usr)/usr.erofs, usrhash $(cat "$(stage_out usr)/usrhash")"
}

# Everything an update needs, no disk: ./build.sh payload (publishes HULL_OUT/payload).
build_payload() {
        local p
        prepare
        stage_run payload
        p=$(stage_out payload)
        mkdir -p "$HULL_OUT"
        rm -rf "$HULL_OUT/payload.new"
        cp -a "$p/payload" "$HULL_OUT/payload.new"
        rm -rf "$HULL_OUT/payload"
        mv -T "$HULL_OUT/payload.new" "$HULL_OUT/payload"
        echo "    $HULL_OUT/payload: version $HULL_VERSION, usrhash $(cat "$(stage_out usr)/usrhash")"
}

# --- services: Hull's C programs, hardened build, unit tests built too ---------------------
# The service folders to build: all of packages/*/ with a Makefile, or HULL_SERVICES.
service_makefiles() {
        local mk
        for mk in packages/*/Makefile; do
                if [ -z "${HULL_SERVICES:-}" ] || [[ " $HULL_SERVICES " == *" $(basename "$(dirname "$mk")") "* ]]; then
                        echo "$mk"
                fi
        done
}

# Output: image/<service>/, one folder a service with what `make install` puts in an image
# (image/<service>/usr/...), and tools/, the build programs (BUILD_PROGS: hull-payload,
# hull-seccomp-gen) that run here and never go into the image. make's own objects stay in
# $SERVICES_OUT/<service> (incremental; the unit tests run from there).
stage_services() {
        local mk dir svc sums=$SERVICES_OUT/sources.sha256
        # make decides by modification times, this stage by content: a source whose content
        # changed but whose time is older than its objects (a file put back with mv from a copy
        # keeps the copy's time) would leave a stale object in an output published under the
        # new key. Every file whose content differs from what the last run compiled is touched
        # first, so make sees it as changed; with no record of the last run, every file.
        mkdir -p "$SERVICES_OUT"
        if [ -f "$sums" ]; then
                # (sha256sum -c exits 1 when a file differs: that is the point here.)
                { sha256sum --quiet -c "$sums" 2>/dev/null || true; } | sed -n 's/: FAILED.*$//p' |
                        while IFS= read -r f; do if [ -f "$f" ]; then touch "$f"; fi; done
        else
                # shellcheck disable=SC2086 # globs of folders
                find $SERVICES_SOURCES -type f -exec touch {} +
        fi
        rm -f "$sums"
        for mk in $(service_makefiles); do
                dir=${mk%/Makefile} svc=${dir#packages/}
                make -s -j"$(nproc)" -C "$dir" O="$SERVICES_OUT/$svc" VERSION="$HULL_VERSION" all tests \
                        >"$HULL_BUILD/make-$svc.log" 2>&1 ||
                        { tail -20 "$HULL_BUILD/make-$svc.log" >&2; die "$dir: build failed (log: $HULL_BUILD/make-$svc.log)"; }
                make -s -C "$dir" O="$SERVICES_OUT/$svc" VERSION="$HULL_VERSION" install DESTDIR="$OUT/image/$svc" \
                        >>"$HULL_BUILD/make-$svc.log" 2>&1 ||
                        { tail -20 "$HULL_BUILD/make-$svc.log" >&2; die "$dir: install failed (log: $HULL_BUILD/make-$svc.log)"; }
                make -s -C "$dir" O="$SERVICES_OUT/$svc" VERSION="$HULL_VERSION" install-tools TOOLDIR="$OUT/tools" \
                        >>"$HULL_BUILD/make-$svc.log" 2>&1 ||
                        { tail -20 "$HULL_BUILD/make-$svc.log" >&2; die "$dir: install-tools failed (log: $HULL_BUILD/make-$svc.log)"; }
        done
        # shellcheck disable=SC2086 # globs of folders
        find $SERVICES_SOURCES -type f -print0 | sort -z | xargs -0 sha256sum >"$sums"
}

# hull_payload: the hull-payload this build made (packages/hull-update, build side only): update
# keys, payloads, slot A of the disk image.
hull_payload() {
        local s
        s=$(stage_out services) || exit 1
        "$s/tools/hull-payload" "$@"
}

# --- rootfs: mmdebstrap of the package lists, cached by their digest ------------------------
package_names() {
        local f line n
        ls "$HULL_PACKAGES"/*.list >/dev/null 2>&1 || die "$HULL_PACKAGES: no package lists (*.list)"
        for f in "$HULL_PACKAGES"/*.list; do
                n=0
                while IFS= read -r line || [ -n "$line" ]; do
                        n=$((n + 1))
                        line=${line%%#*}
                        line=$(echo "$line" | tr -d '[:space:]')
                        [ -z "$line" ] && continue
                        [[ $line =~ ^[a-z0-9][a-z0-9+.-]+$ ]] ||
                                die "$f:$n: '$line' is not a Debian package name"
                        echo "$line"
                done <"$f"
        done
}

# prune_rules KIND: the globs of one kind of rule in prune.rules.
prune_rules() {
        sed -e 's/#.*//' "$HULL_PACKAGES/prune.rules" |
                awk -v k="$1" -v kernel="kernel=$HULL_KERNEL" '$1 == k && ($3 == "" || $3 == kernel) { print $2 }'
}

# snapshot_epoch: HULL_DEBIAN_SNAPSHOT (20261203T000000Z) in seconds since the epoch.
snapshot_epoch() {
        local d=$HULL_DEBIAN_SNAPSHOT
        date -u -d "${d:0:4}-${d:4:2}-${d:6:2} ${d:9:2}:${d:11:2}:${d:13:2}" +%s
}

# Output: rootfs.tar. With Hull's kernel (image/kernel.sh) it has no linux-image-amd64.
stage_rootfs() {
        local pkgs opts=() g log tmp=$OUT/rootfs.tar missing where
        pkgs=$(package_names | kernel_packages | sort -u | paste -sd, -)
        while read -r g; do opts+=(--dpkgopt="path-exclude=$g"); done < <(prune_rules exclude)
        while read -r g; do opts+=(--dpkgopt="path-include=$g"); done < <(prune_rules keep)
        log=$HULL_BUILD/mmdebstrap.log
        # INITRD=No: the kernel's install hook must not build an initrd; ours is built later
        # from the finished tree, with Hull's dracut settings.
        # A snapshot's Release files are old on purpose.
        case $HULL_MIRROR in *snapshot.debian.org*) opts+=(--aptopt='Acquire::Check-Valid-Until "false"') ;; esac
        # The rootfs is dated by its own input, the Debian snapshot date, not by the commit being
        # built: what maintainer scripts stamp (the last-change day of each account in
        # /etc/shadow, the mtimes of what they create) depends on SOURCE_DATE_EPOCH, which is
        # not part of this stage's key, so a rootfs cached at one commit would differ from one
        # built cold at another.
        if ! env INITRD=No SOURCE_DATE_EPOCH="$(snapshot_epoch)" mmdebstrap --mode=root --format=tar --variant=minbase --include="$pkgs" \
                --aptopt='Acquire::Retries "3"' "${opts[@]}" \
                bookworm "$tmp" \
                "deb $HULL_MIRROR bookworm main" \
                "deb $HULL_MIRROR bookworm-updates main" \
                "deb $HULL_SECURITY_MIRROR bookworm-security main" >"$log" 2>&1; then
                rm -f "$tmp"
                missing=$(sed -nE -e "s/.*Unable to locate package ([^ ]+).*/\1/p" \
                        -e "s/.*Package '?([^ ']+)'? has no installation candidate.*/\1/p" "$log" | head -1)
                if [ -n "$missing" ]; then
                        where=$(grep -nwH -- "^[[:space:]]*$missing" "$HULL_PACKAGES"/*.list | head -1 | cut -d: -f1,2)
                        die "${where:-$HULL_PACKAGES}: package '$missing' does not exist in $SUITES"
                fi
                die "mmdebstrap failed: $(grep -E '^E:' "$log" | head -1) (log: $log)"
        fi
        if [ "$HULL_KERNEL" = hull ] && tar -tf "$tmp" | grep -qE '^\./(boot/vmlinuz|usr/lib/modules/.+/.)'; then
                die "$HULL_PACKAGES: Debian kernel files in a rootfs for HULL_KERNEL=hull (is a linux-image package pulled in by another?)"
        fi
        info "rootfs: $(mib "$tmp") tar"
}

# --- initrd: dracut inside the unpacked rootfs ----------------------------------------------
# Output: initrd.img, vmlinuz, kver. With Hull's kernel the initrd carries no kernel modules
# (--no-kernel: everything is built in) and vmlinuz is the one the kernel stage compiled; with
# Debian's, the drivers of dracut.conf and the packaged vmlinuz.
stage_initrd() {
        local t=$HULL_BUILD/work/initrd kver nokernel=() r k=""
        r=$(stage_out rootfs)
        rm -rf "$t"
        mkdir -p "$t"
        tar -C "$t" --numeric-owner -xpf "$r/rootfs.tar"
        if [ "$HULL_KERNEL" = hull ]; then
                k=$(stage_out kernel)
                kver=$(cat "$k/release") nokernel=(--no-kernel)
                cp "$k/bzImage" "$OUT/vmlinuz"
        else
                kver=$(ls "$t/usr/lib/modules")
                [ "$(echo "$kver" | wc -w)" = 1 ] || die "$r/rootfs.tar: expected one kernel, found: $kver"
                cp "$t/boot/vmlinuz-$kver" "$OUT/vmlinuz"
        fi
        echo "$kver" >"$OUT/kver"
        mkdir -p "$t/tmp/hull-dracut/conf.d"
        cp image/initrd/dracut.conf "$t/tmp/hull-dracut/"
        cp -r image/initrd/modules.d/. "$t/usr/lib/dracut/modules.d/"
        # dracut needs /proc, /sys and /dev; a private mount namespace keeps them from leaking.
        unshare --mount --propagation private bash -euc '
                t=$1 kver=$2
                shift 2
                mount -t proc proc "$t/proc"
                mount --rbind /sys "$t/sys"
                mount --rbind /dev "$t/dev"
                chroot "$t" dracut --quiet --force --conf /tmp/hull-dracut/dracut.conf \
                        --confdir /tmp/hull-dracut/conf.d --kver "$kver" "$@" /tmp/hull-dracut/initrd.img
        ' _ "$t" "$kver" "${nokernel[@]}" >"$HULL_BUILD/dracut.log" 2>&1 ||
                { tail -5 "$HULL_BUILD/dracut.log" >&2; die "image/initrd: dracut failed (log: $HULL_BUILD/dracut.log)"; }
        cp "$t/tmp/hull-dracut/initrd.img" "$OUT/initrd.img"
        rm -rf "$t"
        info "initrd: $(mib "$OUT/initrd.img"), kernel $kver: $(mib "$OUT/vmlinuz")"
}

# --- customize: overlays, units, services, prune, os-release, labels, manifest ---------------

# Where a path of the installed tree ends up in the image: merged /usr, /etc in the factory.
normalize_paths() {
        sed -E -e 's#^/(bin|sbin|lib|lib64)/#/usr/\1/#' -e 's#^/etc/#/usr/share/factory/etc/#' \
                -e 's#^/etc(\t|$)#/usr/share/factory/etc\1#'
}

# record_origin ORIGIN: read paths (as installed) on stdin, note who put them there.
# Into the running stage's OUT/origins.tsv.
record_origin() {
        normalize_paths | awk -v o="$1" '{ print $0 "\t" o }' >>"$OUT/origins.tsv"
}

# overlay_sources: the source folders overlays.list names (those that exist: apply_overlays
# reports a missing one with its line).
overlay_sources() {
        [ -r "$HULL_OVERLAYS" ] || return 0
        sed -e 's/#.*//' "$HULL_OVERLAYS" | awk 'NF { print $1 }' | while read -r src; do
                if [ -d "$src" ]; then echo "$src"; fi
        done
}

apply_overlays() {
        local n=0 line src dest f
        [ -r "$HULL_OVERLAYS" ] || die "$HULL_OVERLAYS: cannot read the overlay list"
        while IFS= read -r line || [ -n "$line" ]; do
                n=$((n + 1))
                line=${line%%#*}
                read -r src dest <<<"$line" || true
                [ -z "${src:-}" ] && continue
                [ -n "${dest:-}" ] || die "$HULL_OVERLAYS:$n: '$src' has no destination"
                [ -d "$src" ] || die "$HULL_OVERLAYS:$n: overlay source '$src' does not exist"
                mkdir -p "$TREE$dest"
                # Not the checkout's timestamps: they are when it was made or a file last edited,
                # older than SOURCE_DATE_EPOCH in a working copy, so stage_usr would keep them.
                # Copied now, every overlay file and folder it creates or changes is clamped there.
                cp -a --no-preserve=ownership,timestamps "$src/." "$TREE$dest/"
                # Nor the checkout's modes: they follow the umask of whoever made it (0664 and 0775
                # under 0002, up to /usr and /usr/lib, which cp -a takes from overlays/usr). Git
                # keeps one bit, executable or not: folders and executables get 0755, other files
                # 0644, as a checkout under umask 0022 has them.
                (cd "$src" && find . -type d -print0) | (cd "$TREE$dest" && xargs -0r chmod 0755)
                (cd "$src" && find . -type f -perm -u=x -print0) | (cd "$TREE$dest" && xargs -0r chmod 0755)
                (cd "$src" && find . -type f ! -perm -u=x -print0) | (cd "$TREE$dest" && xargs -0r chmod 0644)
                # A link must resolve inside the image, not on the build host.
                while IFS= read -r f; do
                        local target
                        target=$(readlink "$src/$f")
                        [[ $target == /* ]] || target=${dest%/}/$(dirname "$f")/$target
                        [ -e "$TREE$target" ] || die "$src/$f: symlink to '$(readlink "$src/$f")', which is not in the image"
                done < <(cd "$src" && find . -type l -printf '%P\n')
                (cd "$src" && find . ! -type d -printf '%P\n') |
                        sed "s#^#${dest%/}/#" | record_origin "hull:$src"
        done <"$HULL_OVERLAYS"
}

# runc by name is hull-runtime: dockerd's built-in runtime, BuildKit's executor (runc from PATH,
# not the daemon's default runtime) and containerd's shim all run "runc" from PATH, and
# /usr/sbin/runc comes first there (/usr/local is on the read-only /usr too). Debian's runc moves
# to /usr/libexec/hull/runc, still recorded as its package's file; hull-runtime's install puts
# the link /usr/sbin/runc -> ../bin/hull-runtime in its place (install_services, after this).
# Debian's /usr/bin/runc -> ../sbin/runc then leads to hull-runtime as well.
divert_runc() {
        local owner svc
        svc=$(stage_out services)/image/hull-runtime
        [ -L "$svc/usr/sbin/runc" ] ||
                die "packages/hull-runtime: the services build installs no /usr/sbin/runc (HULL_SERVICES without hull-runtime?): the image would have no runc"
        [ -f "$TREE/usr/sbin/runc" ] && [ ! -L "$TREE/usr/sbin/runc" ] ||
                die "$HULL_PACKAGES/container.list: the rootfs has no runc program at /usr/sbin/runc to move"
        owner=$(awk -F'\t' '$1 == "/usr/sbin/runc" { print $2; exit }' "$OUT/owners.tsv")
        [ -n "$owner" ] || die "/usr/sbin/runc: no Debian package owns it"
        mkdir -p "$TREE/usr/libexec/hull"
        mv "$TREE/usr/sbin/runc" "$TREE/usr/libexec/hull/runc"
        echo /usr/libexec/hull/runc | record_origin "$owner"
}

install_services() {
        local s d
        s=$(stage_out services)
        # Not with the services stage's timestamps: that stage is keyed on the sources, not on
        # SOURCE_DATE_EPOCH, so its files may be older than the last commit and stage_usr would
        # keep them. Copied now, they are clamped there, as the overlays are.
        for d in "$s"/image/*/; do
                cp -a --no-preserve=ownership,timestamps "$d." "$TREE/"
                (cd "$d" && find . ! -type d -printf '/%P\n') | record_origin "hull:packages/$(basename "$d")"
        done
}

prune_tree() {
        local g p f gone=()
        # What goes is collected, then removed by one rm: a process a file took 17 s.
        while read -r p; do
                f=$TREE/var/lib/dpkg/info/$p.list
                [ -f "$f" ] || f=$TREE/var/lib/dpkg/info/$p:amd64.list
                [ -f "$f" ] || die "$HULL_PACKAGES/prune.rules: remove-package '$p' is not installed"
                # Files and links only: directories may be shared with packages that stay, and
                # /lib, /bin, /sbin are links to directories (merged /usr) that every list names.
                while IFS= read -r g; do
                        [ -d "$TREE$g" ] && continue
                        if [ -L "$TREE$g" ] || [ -f "$TREE$g" ]; then gone+=("$TREE$g"); fi
                done <"$f"
        done < <(prune_rules remove-package)
        [ ${#gone[@]} -eq 0 ] || printf '%s\0' "${gone[@]}" | xargs -0 rm -f --
        gone=()
        while read -r g; do
                # shellcheck disable=SC2086 # the glob is meant to expand
                for f in $TREE$g; do
                        [ -e "$f" ] || [ -L "$f" ] || continue
                        gone+=("$f")
                done
        done < <(prune_rules remove)
        [ ${#gone[@]} -eq 0 ] || printf '%s\0' "${gone[@]}" | xargs -0 rm -rf --
        # hwdb.bin is compiled from the hwdb.d tables that stay (udev's postinst compiled all).
        if [ -d "$TREE/usr/lib/udev/hwdb.d" ]; then
                rm -f "$TREE/etc/udev/hwdb.bin"
                chroot "$TREE" systemd-hwdb update --usr --strict ||
                        die "systemd-hwdb update failed in the image tree"
        fi
        # Empty directories left behind by removed packages.
        find "$TREE/usr" -depth -type d -empty -delete 2>/dev/null || true
        mkdir -p "$TREE/usr/local/bin"
        [ "$HULL_KERNEL" = hull ] || mkdir -p "$TREE/usr/lib/modules"
}

# /usr must not depend on /etc: alternatives become direct links.
resolve_alternatives() {
        local l target
        while IFS= read -r -d '' l; do
                target=$(readlink "$l")
                case $target in
                /etc/alternatives/*)
                        target=$(readlink -f "$TREE$target" 2>/dev/null || true)
                        target=${target#"$TREE"}
                        target=${target#"$TREE"}
                        [ -n "$target" ] && [ -e "$TREE$target" ] || { rm -f "$l"; continue; }
                        ln -sfn "$target" "$l"
                        ;;
                esac
        done < <(find "$TREE/usr" -type l -lname '/etc/alternatives/*' -print0)
        rm -rf "$TREE/etc/alternatives"
}

write_os_release() {
        local debian_version
        debian_version=$(cat "$TREE/etc/debian_version")
        rm -f "$TREE/etc/os-release" "$TREE/usr/lib/os-release"
        cat >"$TREE/usr/lib/os-release" <<EOF
NAME="Hull"
PRETTY_NAME="Hull $HULL_VERSION (Debian $debian_version)"
ID=hull
ID_LIKE=debian
VERSION="$HULL_VERSION"
VERSION_ID=$HULL_VERSION
IMAGE_ID=hull
IMAGE_VERSION=$HULL_VERSION
BUILD_ID=$SOURCE_DATE_EPOCH
HULL_BUILD=$SOURCE_DATE_EPOCH
HOME_URL="https://hull.invalid/"
EOF
        ln -s ../usr/lib/os-release "$TREE/etc/os-release"
        echo /usr/lib/os-release | record_origin hull:generated
}

# The machine is made unique at first boot, never at build time.
depersonalize() {
        rm -f "$TREE"/etc/ssh/ssh_host_*
        # Empty: systemd makes a new ID at the first boot and writes it to /etc (writable from the
        # initrd on). Not "uninitialized", which would also make the boot a "first boot": systemd
        # would apply the presets again (the build already did: 3.7 s of a first boot under
        # TCG) and run systemd-firstboot, which has nothing to set on Hull.
        : >"$TREE/etc/machine-id"
        rm -f "$TREE/var/lib/dbus/machine-id"
        ln -sf /etc/machine-id "$TREE/var/lib/dbus/machine-id"
        echo hull >"$TREE/etc/hostname"
        # / and /usr are mounted from the kernel command line; this line only asks systemd to
        # grow the state file system to its partition (which systemd-repart grows first).
        printf '%s\n' "# / and /usr are mounted from the kernel command line (see /proc/cmdline)." \
                "PARTUUID=$(state_partuuid) / ext4 rw,x-systemd.growfs 0 0" >"$TREE/etc/fstab"
        rm -rf "$TREE/var/lib/dpkg" "$TREE/var/lib/apt" "$TREE/var/cache/apt" "$TREE/var/cache/debconf" \
                "$TREE/etc/apt" "$TREE/etc/dpkg" "$TREE/var/log"/*.log "$TREE/var/log/apt" \
                "$TREE/etc/dracut.conf.d" "$TREE/etc/kernel" "$TREE/etc/initramfs"
        rm -f "$TREE/etc/dracut.conf" "$TREE/var/cache/ldconfig/aux-cache"
        find "$TREE/tmp" "$TREE/var/tmp" -mindepth 1 -delete
}

apply_presets() {
        rm -rf "$TREE"/etc/systemd/system/*.wants "$TREE"/etc/systemd/system/dbus-org.*.service \
                "$TREE/etc/systemd/system/sshd.service"
        systemctl --root="$TREE" preset-all >"$HULL_BUILD/preset.log" 2>&1 ||
                die "overlays/usr/lib/systemd/system-preset/10-hull.preset: systemctl preset-all failed: $(tail -1 "$HULL_BUILD/preset.log")"
        (cd "$TREE" && find etc/systemd/system -type l -printf '/%p\n') | record_origin hull:presets
}

# /etc/audit/audit.rules from /etc/audit/rules.d, made by the tree's own augenrules as auditd
# makes it at boot. At boot augenrules then finds no change and only loads the rules: the first
# boot no longer pays for writing and relabelling the file (seconds under TCG, on the way to
# sysinit.target, which auditd.service is ordered before).
generate_audit_rules() {
        [ -x "$TREE/usr/sbin/augenrules" ] || return 0
        rm -f "$TREE/etc/audit/audit.rules"
        chroot "$TREE" /usr/sbin/augenrules >"$HULL_BUILD/augenrules.log" 2>&1 || true
        rm -f "$TREE/etc/audit/audit.rules.prev"
        [ -s "$TREE/etc/audit/audit.rules" ] ||
                die "overlays/etc/audit/rules.d: augenrules made no /etc/audit/audit.rules ($(tail -1 "$HULL_BUILD/augenrules.log"))"
        grep -q '^-e 2' "$TREE/etc/audit/audit.rules" ||
                die "overlays/etc/audit/rules.d: the generated audit.rules does not end the rules with -e 2"
}

# Owners of every installed path, from dpkg's lists, before dpkg's database is removed.
record_dpkg_owners() {
        # One awk over every list (a process a package took 4.7 s); the package is the list's name.
        awk '{ p = FILENAME; sub(/^.*\//, "", p); sub(/\.list$/, "", p); sub(/:amd64$/, "", p); print $0 "\t" p }' \
                "$TREE"/var/lib/dpkg/info/*.list | normalize_paths >"$OUT/owners.tsv"
        find "$TREE" -path "$TREE/proc" -prune -o ! -type d -printf '/%P\n' | normalize_paths |
                sort -u >"$OUT/debian-files.txt"
}

# manifest: every file and symlink in /usr with its owner and size, tab-separated.
write_manifest() {
        local m=$OUT/manifest.tsv from=$1
        {
                printf '# path\towner\tsize\n'
                find "$TREE/usr" ! -type d -printf '/usr/%P\t%s\n' | sort |
                        awk -F'\t' -v origins="$from/origins.tsv" -v owners="$from/owners.tsv" \
                                -v deb="$from/debian-files.txt" '
                        BEGIN {
                                while ((getline l < owners) > 0) { split(l, a, "\t"); own[a[1]] = a[2] }
                                while ((getline l < deb) > 0) gen[l] = 1
                                while ((getline l < origins) > 0) { split(l, a, "\t"); orig[a[1]] = a[2] }
                        }
                        {
                                o = ($1 in orig) ? orig[$1] : ($1 in own) ? own[$1] : ($1 in gen) ? "debian:maintscript" : "unknown"
                                print $1 "\t" o "\t" $2
                        }'
        } >"$m"
}

# Output: root/ (the whole root as the image will have it, /etc and /var not yet split off),
# origins.tsv (who put each file there), owners.tsv and debian-files.txt (dpkg's view).
stage_tree() {
        local TREE=$OUT/root r
        r=$(stage_out rootfs)
        mkdir -p "$TREE"
        tar -C "$TREE" --numeric-owner -xpf "$r/rootfs.tar"
        if [ "$HULL_KERNEL" = hull ]; then rm -rf "$TREE/usr/lib/modules"; fi
        : >"$OUT/origins.tsv"
        record_dpkg_owners
        rm -rf "$TREE/usr/lib/dracut/modules.d/90hull"
        apply_overlays
        divert_runc
        install_services
        prune_tree
        resolve_alternatives
        write_os_release
        depersonalize
        apply_presets
        generate_audit_rules
        mkdir -p "$TREE/usr/lib/hull"
        cp "$HULL_PARTITIONS" "$TREE/usr/lib/hull/partitions.conf"
        echo /usr/lib/hull/partitions.conf | record_origin hull:image/partitions.conf
        install -m 0644 "$UPDATE_PUBKEY" "$TREE/usr/lib/hull/update-key.pem"
        echo /usr/lib/hull/update-key.pem | record_origin hull:update-key
        install -m 0644 "$SB_KEYS/db.crt" "$TREE/usr/lib/hull/secureboot-db.crt"
        echo /usr/lib/hull/secureboot-db.crt | record_origin hull:secureboot-db-certificate
}

# state_skeleton ROOT: the state partition's root directory as every Hull machine has it: the
# mount points, the links of merged /usr, the overlay's folders for /etc.
state_skeleton() {
        local d
        for d in etc usr proc sys dev run tmp home srv mnt opt media efi lost+found; do mkdir -p "$1/$d"; done
        for d in bin sbin lib lib64; do [ -L "$1/$d" ] || ln -sfn "usr/$d" "$1/$d"; done
        chmod 1777 "$1/tmp"
        chmod 0700 "$1/lost+found"
}

# The factory /etc moves into /usr; the state partition gets the skeleton, /var and /root.
split_state() {
        local tree=$1 state=$2
        mkdir -p "$tree/usr/share/factory" "$state"
        rm -rf "$tree/usr/share/factory/etc"
        mv "$tree/etc" "$tree/usr/share/factory/etc"
        mv "$tree/var" "$state/var"
        mv "$tree/root" "$state/root"
        state_skeleton "$state"
        chmod 0700 "$state/root"
        mkdir -p "$state/var/lib/hull/etc/upper" "$state/var/lib/hull/etc/work"
}

# Output: usr.erofs, usr.verity, usrhash, manifest.tsv, state/ (the state partition's files),
# efi/ (systemd-boot and systemd-stub from the image, for the uki and disk stages).
stage_usr() {
        local from size max t=$HULL_TMP/$STAGE_CURRENT.work TREE=$HULL_TMP/$STAGE_CURRENT.work
        from=$(stage_out selinux)
        # A copy: a stage never changes another's output. cp -a keeps the labels (xattrs). /usr
        # is hard-linked, not copied (1.3 s): nothing here writes to a file of it, mkfs.erofs
        # only reads it and takes every mtime from -T. So the copy is in $HULL_TMP, beside
        # selinux's output (a hard link does not cross file systems).
        rm -rf "$t"
        mkdir "$t"
        cp -al "$from/root/usr" "$t/usr"
        find "$from/root" -mindepth 1 -maxdepth 1 ! -name usr -exec cp -a -t "$t" {} +
        cp -a "$from/state" "$OUT/state"
        split_state "$t" "$OUT/state"
        write_manifest "$from"
        mkdir -p "$OUT/efi"
        cp "$t/usr/lib/systemd/boot/efi/linuxx64.efi.stub" "$t/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$OUT/efi/" ||
                die "$t/usr/lib/systemd/boot/efi: systemd-boot or systemd-stub missing (is systemd-boot-efi in the package lists?)"
        cp "$t/usr/lib/os-release" "$OUT/os-release"
        # No timestamp of the state partition's files after SOURCE_DATE_EPOCH (those of /usr are
        # set by mkfs.erofs -T).
        find "$OUT/state" -newermt "@$SOURCE_DATE_EPOCH" -print0 | xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"
        make_usr_image "$t/usr" "$OUT"
        rm -rf "$t"
        size=$(stat -c %s "$OUT/usr.erofs")
        max=$(($(partition_size usr-a) * 1048576))
        [ "$size" -le "$max" ] ||
                die "$HULL_PARTITIONS: the /usr image is $((size / 1048576)) MiB, larger than usr-a ($((max / 1048576)) MiB)"
        size=$(stat -c %s "$OUT/usr.verity")
        max=$(($(partition_size usr-a-verity) * 1048576))
        [ "$size" -le "$max" ] ||
                die "$HULL_PARTITIONS: the verity tree is $((size / 1048576)) MiB, larger than usr-a-verity"
        info "usrhash $(cat "$OUT/usrhash")"
}

# --- /usr image: erofs + dm-verity ----------------------------------------------------------
# make_usr_image TREE DIR: DIR/usr.erofs, DIR/usr.verity, DIR/usrhash. Bit-for-bit the same for
# the same tree, version and SOURCE_DATE_EPOCH: the file system UUID is derived from the
# version (uuid_for usr-<version>), the verity salt and UUID from the erofs image's bytes, and
# timestamps are clamped. Physical clusters of up to 64 KiB (-C65536) compress /usr to 85 % of
# what 4 KiB clusters give; a read decompresses at most 64 KiB. A file's last cluster is stored
# inline with its inode (ztailpacking, Linux 5.17 and later). lz4hc level 9, not 12: on this
# /usr, 9 with ztailpacking is 1.4 MiB smaller than 12 without and takes 8.7 s instead of 28 s
# (level 12 with ztailpacking saves another 0.4 MiB for 38 s); the level does not change how
# fast a read decompresses.
#
# Compressing is nearly all of mkfs.erofs's time (12 s, 96 % of it in liblz4's HC compressor),
# and most of /usr is the same from one build to the next. hull-lz4hc-cache
# (packages/hull-lz4hc-cache), preloaded into mkfs.erofs, answers each compression call from
# $HULL_CACHE/lz4hc.cache when the same call with the same input bytes was made before, after
# checking that the stored result decompresses to that input: the image is the same bytes
# with or without it (tests/build/40-reproducible-usr builds from an empty cache and compares).
make_usr_image() {
        local src=$1 dir=$2 h salt lib pre=()
        lib=$(stage_out services)/tools/liblz4hc-cache.so
        if [ -f "$lib" ]; then pre=("LD_PRELOAD=$lib" "HULL_LZ4HC_CACHE=$HULL_CACHE/lz4hc.cache"); fi
        rm -f "$dir/usr.erofs" "$dir/usr.verity"
        # Every inode gets the same mtime, SOURCE_DATE_EPOCH (-T), as OSTree gives every file of a
        # commit one: mtimes in a sealed /usr tell nothing. erofs-utils 1.5 only clamps to -T,
        # keeping older mtimes (the packages', the rootfs build's), when SOURCE_DATE_EPOCH is in
        # its environment, so it is not.
        env -u SOURCE_DATE_EPOCH "${pre[@]}" mkfs.erofs -zlz4hc,9 -C65536 -Eztailpacking -T"$SOURCE_DATE_EPOCH" -U "$(uuid_for "usr-$HULL_VERSION")" \
                "$dir/usr.erofs" "$src" >"$HULL_BUILD/mkfs.erofs.log" 2>&1 ||
                die "mkfs.erofs failed: $(tail -1 "$HULL_BUILD/mkfs.erofs.log")"
        sed -n 's/^hull-lz4hc-cache: [^:]*: /    lz4hc cache: /p' "$HULL_BUILD/mkfs.erofs.log"
        salt=$(sha256sum <"$dir/usr.erofs" | cut -c1-64)
        veritysetup format --data-block-size=4096 --hash-block-size=4096 --salt="$salt" \
                --uuid="$(uuid_from_hex "${salt:32:32}")" "$dir/usr.erofs" "$dir/usr.verity" \
                >"$HULL_BUILD/verity.log" || die "veritysetup format failed"
        h=$(awk '/^Root hash:/ { print $3 }' "$HULL_BUILD/verity.log")
        [ ${#h} = 64 ] || die "veritysetup format printed no root hash"
        echo "$h" >"$dir/usrhash"
}

# --- UKI: systemd-stub + kernel + initrd + cmdline + os-release -----------------------------
state_partuuid() {
        uuid_for state
}

# kernel_cmdline USRHASH
kernel_cmdline() {
        { sed -e 's/#.*//' image/cmdline | tr -s '[:space:]' '\n' | sed '/^$/d'
          echo "usrhash=$1"
          echo "root=PARTUUID=$(state_partuuid)"
        } | paste -sd' ' -
}

# Output: hull.efi (signed with the db key), cmdline, pcr11 (what systemd-stub will measure).
stage_uki() {
        local u i
        u=$(stage_out usr) i=$(stage_out initrd)
        kernel_cmdline "$(cat "$u/usrhash")" >"$OUT/cmdline"
        # Section addresses as systemd 252's documentation gives them: the kernel must fit
        # below 0x3000000 (48 MiB) and the initrd goes last.
        objcopy \
                --add-section .osrel="$u/os-release" --change-section-vma .osrel=0x20000 \
                --add-section .cmdline="$OUT/cmdline" --change-section-vma .cmdline=0x30000 \
                --add-section .linux="$i/vmlinuz" --change-section-vma .linux=0x2000000 \
                --add-section .initrd="$i/initrd.img" --change-section-vma .initrd=0x3000000 \
                "$u/efi/linuxx64.efi.stub" "$OUT/hull.efi.unsigned" || die "objcopy could not assemble the UKI"
        sb_sign "$OUT/hull.efi.unsigned" "$OUT/hull.efi"
        rm -f "$OUT/hull.efi.unsigned"
        pcr11_predict "$i/vmlinuz" "$i/initrd.img" "$OUT/cmdline" "$u/os-release" "$OUT/pcr11"
        info "PCR 11 (sha256) after systemd-stub: $(cat "$OUT/pcr11")"
        info "cmdline: $(cat "$OUT/cmdline")"
}

# --- update payload: the signed form of this build's /usr, verity tree and UKI ---------------
# The signing key: HULL_UPDATE_KEY (a private Ed25519 PEM), or a development key pair made on
# the first build in the cache, outside the repository. Its public half goes into /usr. Sets
# UPDATE_KEY, UPDATE_PUBKEY and their digests (inputs of the tree and payload stages).
update_keys() {
        local dir=$HULL_CACHE/keys
        UPDATE_KEY=${HULL_UPDATE_KEY:-$dir/update-key.private.pem}
        if [ -z "${HULL_UPDATE_KEY:-}" ] && [ ! -s "$UPDATE_KEY" ]; then
                stage_run services
                hull_payload keygen -o "$dir" >/dev/null || die "hull-payload keygen -o $dir failed"
                info "made a development update key pair in $dir"
        fi
        [ -r "$UPDATE_KEY" ] || die "$UPDATE_KEY: cannot read the update signing key"
        mkdir -p "$HULL_BUILD"
        UPDATE_PUBKEY=$HULL_BUILD/update-key.pem
        openssl pkey -in "$UPDATE_KEY" -pubout -out "$UPDATE_PUBKEY" 2>/dev/null ||
                die "$UPDATE_KEY: not a private key openssl can read"
        UPDATE_PUBKEY_DIGEST=$(sha256sum <"$UPDATE_PUBKEY" | cut -c1-64)
        UPDATE_KEY_DIGEST=$(sha256sum <"$UPDATE_KEY" | cut -c1-64)
}

# Output: payload/ (what `hull-update apply` takes).
stage_payload() {
        local u k
        u=$(stage_out usr) k=$(stage_out uki)
        hull_payload make-payload --key "$UPDATE_KEY" --version "$HULL_VERSION" \
                --build "$SOURCE_DATE_EPOCH" --expires "$HULL_PAYLOAD_EXPIRES_DAYS" \
                --usr "$u/usr.erofs" --verity "$u/usr.verity" --uki "$k/hull.efi" \
                --usrhash "$(cat "$u/usrhash")" --pcr11 "$(cat "$k/pcr11")" -o "$OUT/payload" >"$HULL_BUILD/payload.log" 2>&1 ||
                die "hull-payload make-payload failed: $(tail -1 "$HULL_BUILD/payload.log")"
        info "payload: $(du -sh "$OUT/payload" | cut -f1) ($(ls "$OUT/payload" | paste -sd' ' -))"
}

# --- disk: ESP, slot A, empty slot B, state; raw and qcow2 ----------------------------------
make_esp() {
        local img=$1 size=$2 b=$3 n
        rm -f "$img"
        mkfs.vfat -C -F 32 -n HULL-ESP -i "$(printf '%08x' "$SOURCE_DATE_EPOCH" | cut -c1-8)" \
                "$img" $((size * 1024)) >/dev/null || die "mkfs.vfat failed"
        export MTOOLS_SKIP_CHECK=1
        mmd -i "$img" ::/EFI ::/EFI/BOOT ::/EFI/systemd ::/EFI/Linux ::/loader ::/loader/entries \
                ::/loader/keys ::/loader/keys/hull
        mcopy -i "$img" "$b/systemd-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI
        mcopy -i "$img" "$b/systemd-bootx64.efi" ::/EFI/systemd/systemd-bootx64.efi
        for n in PK KEK db; do mcopy -i "$img" "$b/keys/$n.auth" "::/loader/keys/hull/$n.auth"; done
        # secure-boot-enroll manual: firmware in setup mode offers "Enroll Secure Boot keys: hull"
        # in the boot menu; nothing is enrolled unless someone chooses it.
        printf 'timeout 0\neditor no\nauto-entries no\nauto-firmware no\nconsole-mode keep\nsecure-boot-enroll manual\n' \
                >"$img.loader.conf"
        mcopy -i "$img" "$img.loader.conf" ::/loader/loader.conf
        rm -f "$img.loader.conf"
}

# Output: hull.raw, hull.qcow2.
stage_disk() {
        local raw=$OUT/hull.raw name type size label start=1 total=1 script u p w=$HULL_BUILD/work/disk
        local -A off sz uuid
        u=$(stage_out usr) p=$(stage_out payload)
        rm -rf "$w"
        mkdir -p "$w"
        while read -r name type size label; do
                off[$name]=$start sz[$name]=$size
                start=$((start + size))
        done < <(partitions)
        total=$((start + 1))
        uuid[state]=$(state_partuuid)
        script="label: gpt"$'\n'"label-id: $(uuid_for disk)"$'\n'"unit: sectors"$'\n'
        while read -r name type size label; do
                script+="start=$((off[$name] * 2048)), size=$((sz[$name] * 2048)), type=$type, uuid=${uuid[$name]:-$(uuid_for "$name-empty")}, name=$label"$'\n'
        done < <(partitions)
        truncate -s $((total * 1048576)) "$raw"
        echo "$script" | sfdisk --quiet --no-reread --no-tell-kernel "$raw" >/dev/null ||
                die "$HULL_PARTITIONS: sfdisk rejected the layout"
        make_esp "$w/esp.img" "${sz[esp]}" "$(stage_out bootloader)"
        dd if="$w/esp.img" of="$raw" bs=1M seek="${off[esp]}" conv=notrunc,sparse status=none
        # Made in place, at the partition's offset in the disk image: no file system image to
        # copy in (that dd took 1.6 s). nodiscard: mke2fs must not punch the file.
        mke2fs -q -t ext4 -L hull-state -U "$(uuid_for state-fs)" \
                -E "root_owner=0:0,nodiscard,offset=$((off[state] * 1048576))" -d "$u/state" \
                "$raw" "${sz[state]}M" || die "mke2fs could not build the state file system"
        # Slot A is written the way an update writes a slot of a running machine: the same
        # writer and checks (hull-update's apply.c, linked into hull-payload), with the disk image
        # file as the target. It sets the slot's partition UUIDs from the root hash and installs
        # the UKI as hull_<version>+3.efi.
        hull_payload write-image --key "$UPDATE_PUBKEY" --secureboot-cert "$SB_KEYS/db.crt" \
                --layout "$HULL_PARTITIONS" --state-dir "$w/update-state" \
                --target "$raw" --slot a "$p/payload" >"$HULL_BUILD/apply.log" 2>&1 ||
                { tail -5 "$HULL_BUILD/apply.log" >&2; die "hull-payload could not write slot A of $raw (log: $HULL_BUILD/apply.log)"; }
        # The factory slot starts out blessed: with no other slot to fall back to, counting its
        # tries could only cost reboots (and its health check would run on every first boot).
        MTOOLS_SKIP_CHECK=1 mmove -i "$raw@@$((off[esp] * 1048576))" \
                "::/EFI/Linux/hull_$HULL_VERSION+3.efi" "::/EFI/Linux/hull_$HULL_VERSION.efi" ||
                die "could not bless the factory entry in the ESP of $raw"
        rm -rf "$w"
        # The raw disk serves bare metal, ./build.sh run and the tests; compressed qcow2 the KVM
        # family (libvirt, OpenStack, Proxmox). Its clusters are compressed with zstd, which
        # QEMU 5.1 (2020) and later read: 0.6 s and 140 MB, where zlib took 4.1 s for 138 MB
        # (most of the disk is the already compressed /usr). Other platforms' formats are
        # stages of their own (azure, vmware, gce), made on request.
        qemu-img convert -c -o compression_type=zstd -f raw -O qcow2 "$raw" "$OUT/hull.qcow2" ||
                die "qemu-img could not convert $raw to qcow2"
}

# --- azure, vmware: the disk in the format each platform imports ------------------------------
# Not part of ./build.sh image: ./build.sh azure, ./build.sh vmware (their conversion took 6 s
# of each build, on the path of every edit). Azure takes a fixed VHD, its size a whole number of
# MiB, which the layout guarantees; VMware and VirtualBox take a stream-optimised VMDK.
# Output: hull.vhd; hull.vmdk.
stage_azure() {
        qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$(stage_out disk)/hull.raw" "$OUT/hull.vhd" ||
                die "qemu-img could not convert the disk to VHD"
}
stage_vmware() {
        qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$(stage_out disk)/hull.raw" "$OUT/hull.vmdk" ||
                die "qemu-img could not convert the disk to VMDK"
}

# --- gce: the disk as Google Compute Engine imports it -----------------------------------------
# GCE takes a gzip-compressed tar holding one file, disk.raw, in GNU tar's oldgnu format (sparse
# regions recorded, not stored), the disk a whole number of GiB. The raw disk is grown to the
# next GiB with its backup GPT moved to the new end; partitions and their bytes are the disk
# stage's. Output: hull-gce.tar.gz.
stage_gce() {
        local d size gib
        d=$(stage_out disk)
        cp --sparse=always "$d/hull.raw" "$OUT/disk.raw"
        size=$(stat -c %s "$OUT/disk.raw")
        gib=$(((size + 1073741823) / 1073741824 * 1073741824))
        truncate -s "$gib" "$OUT/disk.raw"
        sfdisk --quiet --relocate gpt-bak-std "$OUT/disk.raw" ||
                die "sfdisk could not move the backup GPT to the end of the $gib-byte GCE disk"
        tar --format=oldgnu --sparse --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
                -C "$OUT" -cf - disk.raw | gzip -n -6 >"$OUT/hull-gce.tar.gz" ||
                die "could not write $OUT/hull-gce.tar.gz"
        rm -f "$OUT/disk.raw"
}

# build_platform STAGE FILE KEY: ./build.sh gce, azure, vmware: the image, then STAGE's FILE
# beside it in out/, and in build.json as KEY (both replaced by rename: a reader sees the old
# file or the new, never half of one).
build_platform() {
        local stage=$1 file=$2 key=$3 dir
        build_image
        stage_run "$stage"
        dir=$(realpath "$HULL_OUT")
        ln -f "$(stage_out "$stage")/$file" "$dir/.$file.new"
        mv -T "$dir/.$file.new" "$dir/$file"
        jq --arg k "$key" --arg v "$(realpath -m -s --relative-to="$TOP" "$HULL_OUT")/$file" '.[$k] = $v' \
                "$dir/build.json" >"$dir/.build.json.new" && mv -T "$dir/.build.json.new" "$dir/build.json" ||
                die "$dir/build.json: could not add $key"
        echo "    $HULL_OUT/$file $(du -h --apparent-size "$HULL_OUT/$file" | cut -f1)"
}

# --- publish: out/ is a link to a complete build, replaced in one rename ----------------------
# $HULL_OUT is a symbolic link to $HULL_OUT.d/<version>-<key>; a new build is assembled beside
# it (hard links to the stage outputs: no copy), and the link is replaced with rename(2): at no
# moment is out/ missing or half made. Older builds in $HULL_OUT.d are removed after the switch.
publish() {
        local u k p d b key name dir f
        u=$(stage_out usr) k=$(stage_out uki) p=$(stage_out payload) d=$(stage_out disk) b=$(stage_out bootloader)
        # Keyed by what it publishes and by this function's own code (what build.json says).
        key=$( { echo "${STAGE_KEY[disk]} ${STAGE_KEY[payload]}"; declare -f publish; } | sha256sum | cut -c1-16)
        name=$HULL_VERSION-$key
        dir=$HULL_OUT.d/$name
        if [ "$(readlink "$HULL_OUT" 2>/dev/null)" = "$(basename "$HULL_OUT").d/$name" ] && [ -d "$dir" ]; then
                echo "==> publish: $HULL_OUT is up to date"
                return 0
        fi
        echo "==> publish"
        mkdir -p "$HULL_OUT.d"
        rm -rf "$dir.tmp"
        mkdir "$dir.tmp"
        for f in "$d"/hull.raw "$d"/hull.qcow2 "$u"/usr.erofs "$u"/usr.verity \
                "$u"/usrhash "$u"/manifest.tsv "$k"/hull.efi "$k"/cmdline "$k"/pcr11 "$b"/db.crt; do
                [ -s "$f" ] || die "$f missing: not publishing"
                ln "$f" "$dir.tmp/" 2>/dev/null || cp --reflink=auto "$f" "$dir.tmp/"
        done
        cp -al "$p/payload" "$dir.tmp/payload" 2>/dev/null || cp -a "$p/payload" "$dir.tmp/payload"
        [ -s "$dir.tmp/payload/manifest.json" ] || die "$p/payload/manifest.json missing: not publishing"
        jq -n --arg version "$HULL_VERSION" --arg usrhash "$(cat "$u/usrhash")" \
                --arg out "$(realpath -m -s --relative-to="$TOP" "$HULL_OUT")" --arg kver "$(cat "$(stage_out initrd)/kver")" \
                --arg kflavour "$HULL_KERNEL" --argjson epoch "$SOURCE_DATE_EPOCH" --arg pcr11 "$(cat "$k/pcr11")" '{
                version: $version, source_date_epoch: $epoch, kernel: $kver, kernel_flavour: $kflavour, usrhash: $usrhash,
                pcr11_sha256: $pcr11, secureboot_db_certificate: "\($out)/db.crt",
                disk_raw: "\($out)/hull.raw", disk_qcow2: "\($out)/hull.qcow2",
                usr_image: "\($out)/usr.erofs", usr_verity: "\($out)/usr.verity",
                uki: "\($out)/hull.efi", manifest: "\($out)/manifest.tsv", cmdline: "\($out)/cmdline",
                payload: "\($out)/payload"
        }' >"$dir.tmp/build.json"
        rm -rf "$dir"
        mv -T "$dir.tmp" "$dir"
        # A build from before out/ was a link left a folder there: it goes once.
        if [ -d "$HULL_OUT" ] && [ ! -L "$HULL_OUT" ]; then rm -rf "$HULL_OUT"; fi
        ln -sfn "$(basename "$HULL_OUT").d/$name" "$HULL_OUT.link"
        mv -T "$HULL_OUT.link" "$HULL_OUT"
        find "$HULL_OUT.d" -mindepth 1 -maxdepth 1 ! -name "$name" -exec rm -rf {} +
}

summary() {
        local f t i
        i=$(stage_out initrd)
        echo "==> summary"
        for f in hull.raw hull.qcow2 usr.erofs usr.verity hull.efi manifest.tsv build.json payload; do
                printf '    %-26s %s\n' "$HULL_OUT/$f" "$(du -h --apparent-size "$HULL_OUT/$f" | cut -f1) ($(du -h "$HULL_OUT/$f" | cut -f1) on disk)"
        done
        printf '    %-26s %s\n' initrd "$(mib "$i/initrd.img")" kernel "$(mib "$i/vmlinuz")" \
                "/usr files" "$(($(wc -l <"$HULL_OUT/manifest.tsv") - 1))"
        t=$(($(date +%s) - BUILD_T0))
        echo "    version $HULL_VERSION, usrhash $(cat "$HULL_OUT/usrhash"), built in ${t} s"
}
