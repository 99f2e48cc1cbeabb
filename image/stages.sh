# The image pipeline, one function a stage. Sourced by build.sh after image/lib.sh.
# shellcheck shell=bash

SUITES="bookworm bookworm-updates bookworm-security"
TREE=$HULL_BUILD/tree     # the root as Debian left it, then customized; tree/usr becomes /usr
STATE=$HULL_BUILD/state   # the state partition's contents: the root skeleton, /var
STAGING=$HULL_BUILD/out.new

build_image() {
        build_usr
        stage uki stage_uki
        stage payload stage_payload
        stage disk stage_disk
        publish
        summary
}

# The stages up to the sealed /usr: the start of every build; alone (./build.sh usr), what the
# reproducibility test compares.
build_usr() {
        mkdir -p "$HULL_BUILD" "$HULL_CACHE"
        rm -rf "$STAGING"
        mkdir -p "$STAGING"
        stage "host tools" host_tools
        stage services stage_services
        stage rootfs stage_rootfs
        if [ "$HULL_KERNEL" = hull ]; then stage kernel stage_kernel; fi
        stage tree stage_tree
        stage initrd stage_initrd
        stage customize stage_customize
        stage "/usr image" stage_usr
}

# Everything an update needs, no disk: ./build.sh payload (publishes into HULL_OUT).
build_payload() {
        build_usr
        stage uki stage_uki
        stage payload stage_payload
        mkdir -p "$HULL_OUT"
        rm -rf "$HULL_OUT/payload"
        mv "$STAGING/payload" "$HULL_OUT/payload"
        echo "    $HULL_OUT/payload: version $HULL_VERSION, usrhash $(cat "$STAGING/usrhash")"
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

stage_services() {
        local mk dir svc
        for mk in $(service_makefiles); do
                dir=${mk%/Makefile} svc=${dir#packages/}
                make -s -C "$dir" O="$SERVICES_OUT/$svc" VERSION="$HULL_VERSION" all tests \
                        >"$HULL_BUILD/make-$svc.log" 2>&1 ||
                        { tail -20 "$HULL_BUILD/make-$svc.log" >&2; die "$dir: build failed (log: $HULL_BUILD/make-$svc.log)"; }
        done
}

# --- rootfs: mmdebstrap of the package lists, cached by their digest ------------------------
package_names() {
        local f line n
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

stage_rootfs() {
        local pkgs opts=() g key log tmp missing where kernel=()
        ls "$HULL_PACKAGES"/*.list >/dev/null 2>&1 || die "$HULL_PACKAGES: no package lists (*.list)"
        pkgs=$(package_names | kernel_packages | sort -u | paste -sd, -)
        # Hull's kernel: no linux-image-amd64 in the tree (image/kernel.sh), a rootfs of its own.
        [ "$HULL_KERNEL" = debian ] || kernel=("kernel=$HULL_KERNEL")
        key=$(digest "$HULL_PACKAGES"/*.list "$HULL_PACKAGES/prune.rules" -- "$SUITES" rootfs-v1 "${kernel[@]}")
        ROOTFS_KEY=$key
        ROOTFS_TAR=$HULL_CACHE/rootfs-$key.tar
        if [ -s "$ROOTFS_TAR" ]; then
                info "cached: $ROOTFS_TAR"
                return 0
        fi
        while read -r g; do opts+=(--dpkgopt="path-exclude=$g"); done < <(prune_rules exclude)
        while read -r g; do opts+=(--dpkgopt="path-include=$g"); done < <(prune_rules keep)
        log=$HULL_BUILD/mmdebstrap.log
        tmp=$HULL_CACHE/rootfs-$key.tmp.tar
        # INITRD=No: the kernel's install hook must not build an initrd; ours is built later
        # from the finished tree, with Hull's dracut settings.
        if ! env INITRD=No mmdebstrap --mode=root --format=tar --variant=minbase --include="$pkgs" \
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
        mv "$tmp" "$ROOTFS_TAR"
        info "rootfs: $(mib "$ROOTFS_TAR") tar, cached as $ROOTFS_TAR"
}

stage_tree() {
        rm -rf "$TREE" "$STATE"
        mkdir -p "$TREE"
        tar -C "$TREE" --numeric-owner -xpf "$ROOTFS_TAR"
        kernel_tree
}

# --- initrd: dracut inside the tree, cached by the rootfs and the dracut settings -----------
# With Hull's kernel the initrd carries no kernel modules (--no-kernel: everything is built in)
# and the kernel is the one stage_kernel compiled; with Debian's, the drivers of dracut.conf
# and the packaged vmlinuz.
stage_initrd() {
        local key dir t=$TREE nokernel=()
        key=$(digest image/initrd -- "$ROOTFS_KEY" initrd-v1 "$HULL_KERNEL" "$KVER")
        dir=$HULL_CACHE/initrd-$key
        INITRD=$dir/initrd.img VMLINUZ=$dir/vmlinuz
        if [ "$HULL_KERNEL" = hull ]; then
                VMLINUZ=$KERNEL_IMAGE nokernel=(--no-kernel)
        fi
        if [ -s "$INITRD" ] && [ -s "$VMLINUZ" ]; then
                info "cached: $dir"
                return 0
        fi
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
        ' _ "$t" "$KVER" "${nokernel[@]}" >"$HULL_BUILD/dracut.log" 2>&1 ||
                { tail -5 "$HULL_BUILD/dracut.log" >&2; die "image/initrd: dracut failed (log: $HULL_BUILD/dracut.log)"; }
        mkdir -p "$dir.tmp"
        cp "$t/tmp/hull-dracut/initrd.img" "$dir.tmp/initrd.img"
        [ "$HULL_KERNEL" = hull ] || cp "$t/boot/vmlinuz-$KVER" "$dir.tmp/vmlinuz"
        rm -rf "$t/tmp/hull-dracut" "$dir"
        mv "$dir.tmp" "$dir"
        info "initrd: $(mib "$INITRD"), kernel $KVER: $(mib "$VMLINUZ")"
}

# --- customize: overlays, units, services, prune, os-release, labels, manifest ---------------

# Where a path of the installed tree ends up in the image: merged /usr, /etc in the factory.
normalize_paths() {
        sed -E -e 's#^/(bin|sbin|lib|lib64)/#/usr/\1/#' -e 's#^/etc/#/usr/share/factory/etc/#' \
                -e 's#^/etc$#/usr/share/factory/etc#'
}

# record_origin ORIGIN: read paths (as installed) on stdin, note who put them there.
record_origin() {
        normalize_paths | awk -v o="$1" '{ print $0 "\t" o }' >>"$HULL_BUILD/origins.tsv"
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
                cp -a --no-preserve=ownership "$src/." "$TREE$dest/"
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

install_services() {
        local mk dir svc list
        for mk in $(service_makefiles); do
                dir=${mk%/Makefile} svc=${dir#packages/}
                list=$HULL_BUILD/install-$svc.files
                find "$TREE/usr" ! -type d | sort >"$list.before"
                make -s -C "$dir" O="$SERVICES_OUT/$svc" VERSION="$HULL_VERSION" \
                        install DESTDIR="$TREE" >"$HULL_BUILD/make-$svc.log" 2>&1 ||
                        { tail -20 "$HULL_BUILD/make-$svc.log" >&2; die "$dir: install failed"; }
                find "$TREE/usr" ! -type d | sort | comm -13 "$list.before" - |
                        sed "s#^$TREE##" | record_origin "hull:$dir"
                rm -f "$list.before"
        done
}

prune_tree() {
        local g p f
        while read -r p; do
                f=$TREE/var/lib/dpkg/info/$p.list
                [ -f "$f" ] || f=$TREE/var/lib/dpkg/info/$p:amd64.list
                [ -f "$f" ] || die "$HULL_PACKAGES/prune.rules: remove-package '$p' is not installed"
                # Files and links only: directories may be shared with packages that stay, and
                # /lib, /bin, /sbin are links to directories (merged /usr) that every list names.
                while IFS= read -r g; do
                        [ -d "$TREE$g" ] && continue
                        if [ -L "$TREE$g" ] || [ -f "$TREE$g" ]; then rm -f "$TREE$g"; fi
                done <"$f"
        done < <(prune_rules remove-package)
        while read -r g; do
                # shellcheck disable=SC2086 # the glob is meant to expand
                for f in $TREE$g; do
                        [ -e "$f" ] || [ -L "$f" ] || continue
                        rm -rf "$f"
                done
        done < <(prune_rules remove)
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
        done < <(find "$TREE/usr" -type l -print0)
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
        local f p
        : >"$HULL_BUILD/owners.tsv"
        for f in "$TREE"/var/lib/dpkg/info/*.list; do
                p=$(basename "$f" .list)
                p=${p%:amd64}
                normalize_paths <"$f" | awk -v p="$p" '{ print $0 "\t" p }' >>"$HULL_BUILD/owners.tsv"
        done
        find "$TREE" -path "$TREE/proc" -prune -o ! -type d -printf '/%P\n' | normalize_paths |
                sort -u >"$HULL_BUILD/debian-files.txt"
}

# manifest: every file and symlink in /usr with its owner and size, tab-separated.
write_manifest() {
        local m=$STAGING/manifest.tsv
        {
                printf '# path\towner\tsize\n'
                find "$TREE/usr" ! -type d -printf '/usr/%P\t%s\n' | sort |
                        awk -F'\t' -v origins="$HULL_BUILD/origins.tsv" -v owners="$HULL_BUILD/owners.tsv" \
                                -v deb="$HULL_BUILD/debian-files.txt" '
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

stage_customize() {
        : >"$HULL_BUILD/origins.tsv"
        record_dpkg_owners
        rm -rf "$TREE/usr/lib/dracut/modules.d/90hull"
        apply_overlays
        install_services
        prune_tree
        resolve_alternatives
        write_os_release
        depersonalize
        apply_presets
        generate_audit_rules
        cp "$HULL_PARTITIONS" "$TREE/usr/lib/hull/partitions.conf" 2>/dev/null ||
                { mkdir -p "$TREE/usr/lib/hull" && cp "$HULL_PARTITIONS" "$TREE/usr/lib/hull/partitions.conf"; }
        echo /usr/lib/hull/partitions.conf | record_origin hull:image/partitions.conf
        update_keys
        install -m 0644 "$UPDATE_PUBKEY" "$TREE/usr/lib/hull/update-key.pem"
        echo /usr/lib/hull/update-key.pem | record_origin hull:update-key
        if declare -F selinux_customize >/dev/null; then selinux_customize; fi
        split_state
        write_manifest
        # Every timestamp at SOURCE_DATE_EPOCH: the /usr image is a function of its inputs.
        find "$TREE/usr" "$STATE" -newermt "@$SOURCE_DATE_EPOCH" -print0 |
                xargs -0r touch -h -d "@$SOURCE_DATE_EPOCH"
}

# The factory /etc moves into /usr; the state partition gets the root skeleton and /var.
split_state() {
        local d
        mkdir -p "$TREE/usr/share/factory"
        rm -rf "$TREE/usr/share/factory/etc"
        mv "$TREE/etc" "$TREE/usr/share/factory/etc"
        mkdir -p "$STATE"
        mv "$TREE/var" "$STATE/var"
        mv "$TREE/root" "$STATE/root"
        for d in etc usr proc sys dev run tmp home srv mnt opt media efi; do mkdir -p "$STATE/$d"; done
        for d in bin sbin lib lib64; do ln -sfn "usr/$d" "$STATE/$d"; done
        chmod 1777 "$STATE/tmp"
        chmod 0700 "$STATE/root"
        mkdir -p "$STATE/var/lib/hull/etc/upper" "$STATE/var/lib/hull/etc/work"
}

# --- /usr image: erofs + dm-verity ----------------------------------------------------------
stage_usr() {
        make_usr_image "$TREE/usr" "$STAGING"
        local size max
        size=$(stat -c %s "$STAGING/usr.erofs")
        max=$(($(partition_size usr-a) * 1048576))
        [ "$size" -le "$max" ] ||
                die "$HULL_PARTITIONS: the /usr image is $((size / 1048576)) MiB, larger than usr-a ($((max / 1048576)) MiB)"
        size=$(stat -c %s "$STAGING/usr.verity")
        max=$(($(partition_size usr-a-verity) * 1048576))
        [ "$size" -le "$max" ] ||
                die "$HULL_PARTITIONS: the verity tree is $((size / 1048576)) MiB, larger than usr-a-verity"
        info "usrhash $(cat "$STAGING/usrhash")"
}

# make_usr_image TREE DIR: DIR/usr.erofs, DIR/usr.verity, DIR/usrhash. Bit-for-bit the same for
# the same tree and SOURCE_DATE_EPOCH: the file system UUID and the verity salt and UUID are
# derived from the content, timestamps are clamped.
make_usr_image() {
        local src=$1 dir=$2 h salt
        rm -f "$dir/usr.erofs" "$dir/usr.verity"
        mkfs.erofs -zlz4hc,12 -T"$SOURCE_DATE_EPOCH" -U "$(uuid_for "usr-$HULL_VERSION")" \
                "$dir/usr.erofs" "$src" >"$HULL_BUILD/mkfs.erofs.log" 2>&1 ||
                die "mkfs.erofs failed: $(tail -1 "$HULL_BUILD/mkfs.erofs.log")"
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

kernel_cmdline() {
        local h
        h=$(cat "$STAGING/usrhash")
        { sed -e 's/#.*//' image/cmdline | tr -s '[:space:]' '\n' | sed '/^$/d'
          echo "usrhash=$h"
          echo "root=PARTUUID=$(state_partuuid)"
        } | paste -sd' ' -
}

stage_uki() {
        local stub=$TREE/usr/lib/systemd/boot/efi/linuxx64.efi.stub osrel=$HULL_BUILD/uki.osrel
        [ -f "$stub" ] || die "$stub: systemd-stub missing (is systemd-boot-efi in the package lists?)"
        kernel_cmdline >"$HULL_BUILD/uki.cmdline"
        cp "$TREE/usr/lib/os-release" "$osrel"
        # Section addresses as systemd 252's documentation gives them: the kernel must fit
        # below 0x3000000 (48 MiB) and the initrd goes last.
        objcopy \
                --add-section .osrel="$osrel" --change-section-vma .osrel=0x20000 \
                --add-section .cmdline="$HULL_BUILD/uki.cmdline" --change-section-vma .cmdline=0x30000 \
                --add-section .linux="$VMLINUZ" --change-section-vma .linux=0x2000000 \
                --add-section .initrd="$INITRD" --change-section-vma .initrd=0x3000000 \
                "$stub" "$STAGING/hull.efi" || die "objcopy could not assemble the UKI"
        info "cmdline: $(cat "$HULL_BUILD/uki.cmdline")"
}

# --- update payload: the signed form of this build's /usr, verity tree and UKI ---------------
HULL_UPDATE=$SERVICES_OUT/hull-update/hull-update

# The signing key: HULL_UPDATE_KEY (a private Ed25519 PEM), or a development key pair made on
# the first build in the cache, outside the repository. Its public half goes into /usr.
update_keys() {
        local dir=$HULL_CACHE/keys
        UPDATE_KEY=${HULL_UPDATE_KEY:-$dir/update-key.private.pem}
        if [ -z "${HULL_UPDATE_KEY:-}" ] && [ ! -s "$UPDATE_KEY" ]; then
                "$HULL_UPDATE" keygen -o "$dir" >/dev/null || die "hull-update keygen -o $dir failed"
                info "made a development update key pair in $dir"
        fi
        [ -r "$UPDATE_KEY" ] || die "$UPDATE_KEY: cannot read the update signing key"
        UPDATE_PUBKEY=$HULL_BUILD/update-key.pem
        openssl pkey -in "$UPDATE_KEY" -pubout -out "$UPDATE_PUBKEY" 2>/dev/null ||
                die "$UPDATE_KEY: not a private key openssl can read"
}

stage_payload() {
        rm -rf "$STAGING/payload"
        "$HULL_UPDATE" make-payload --key "$UPDATE_KEY" --version "$HULL_VERSION" \
                --build "$SOURCE_DATE_EPOCH" --expires "${HULL_PAYLOAD_EXPIRES_DAYS:-90}" \
                --usr "$STAGING/usr.erofs" --verity "$STAGING/usr.verity" --uki "$STAGING/hull.efi" \
                --usrhash "$(cat "$STAGING/usrhash")" -o "$STAGING/payload" >"$HULL_BUILD/payload.log" 2>&1 ||
                die "hull-update make-payload failed: $(tail -1 "$HULL_BUILD/payload.log")"
        info "payload: $(du -sh "$STAGING/payload" | cut -f1) ($(ls "$STAGING/payload" | paste -sd' ' -))"
}

# --- disk: ESP, slot A, empty slot B, state; raw and qcow2 ----------------------------------
make_esp() {
        local img=$1 size=$2 efi=$TREE/usr/lib/systemd/boot/efi/systemd-bootx64.efi
        rm -f "$img"
        mkfs.vfat -C -F 32 -n HULL-ESP -i "$(printf '%08x' "$SOURCE_DATE_EPOCH" | cut -c1-8)" \
                "$img" $((size * 1024)) >/dev/null || die "mkfs.vfat failed"
        export MTOOLS_SKIP_CHECK=1
        mmd -i "$img" ::/EFI ::/EFI/BOOT ::/EFI/systemd ::/EFI/Linux ::/loader ::/loader/entries
        mcopy -i "$img" "$efi" ::/EFI/BOOT/BOOTX64.EFI
        mcopy -i "$img" "$efi" ::/EFI/systemd/systemd-bootx64.efi
        printf 'timeout 0\neditor no\nauto-entries no\nauto-firmware no\nconsole-mode keep\n' >"$HULL_BUILD/loader.conf"
        mcopy -i "$img" "$HULL_BUILD/loader.conf" ::/loader/loader.conf
}

stage_disk() {
        local raw=$STAGING/hull.raw name type size label start=1 total=1 script h
        local -A off sz uuid
        h=$(cat "$STAGING/usrhash")
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
        rm -f "$raw"
        truncate -s $((total * 1048576)) "$raw"
        echo "$script" | sfdisk --quiet --no-reread --no-tell-kernel "$raw" >/dev/null ||
                die "$HULL_PARTITIONS: sfdisk rejected the layout"
        make_esp "$HULL_BUILD/esp.img" "${sz[esp]}"
        mke2fs -q -t ext4 -L hull-state -U "$(uuid_for state-fs)" -E root_owner=0:0 -d "$STATE" \
                "$HULL_BUILD/state.img" "${sz[state]}M" || die "mke2fs could not build the state file system"
        write_part() {
                dd if="$1" of="$raw" bs=1M seek="${off[$2]}" conv=notrunc,sparse status=none
        }
        write_part "$HULL_BUILD/esp.img" esp
        write_part "$HULL_BUILD/state.img" state
        # Slot A is written the way an update writes a slot of a running machine: the same
        # program and checks, with the disk image file as the target. It sets the slot's
        # partition UUIDs from the root hash and installs the UKI as hull_<version>+3.efi.
        rm -rf "$HULL_BUILD/update-state"
        "$HULL_UPDATE" --key "$UPDATE_PUBKEY" --layout "$HULL_PARTITIONS" --state-dir "$HULL_BUILD/update-state" \
                --target "$raw" --slot a apply "$STAGING/payload" >"$HULL_BUILD/apply.log" 2>&1 ||
                { tail -5 "$HULL_BUILD/apply.log" >&2; die "hull-update could not write slot A of $raw (log: $HULL_BUILD/apply.log)"; }
        # The factory slot starts out blessed: with no other slot to fall back to, counting its
        # tries could only cost reboots (and its health check would run on every first boot).
        MTOOLS_SKIP_CHECK=1 mmove -i "$raw@@$((off[esp] * 1048576))" \
                "::/EFI/Linux/hull_$HULL_VERSION+3.efi" "::/EFI/Linux/hull_$HULL_VERSION.efi" ||
                die "could not bless the factory entry in the ESP of $raw"
        qemu-img convert -c -f raw -O qcow2 "$raw" "$STAGING/hull.qcow2"
        # Azure takes fixed VHD (its size a whole number of MiB, which the layout guarantees);
        # VMware and VirtualBox take stream-optimised VMDK.
        qemu-img convert -f raw -O vpc -o subformat=fixed,force_size=on "$raw" "$STAGING/hull.vhd"
        qemu-img convert -f raw -O vmdk -o subformat=streamOptimized "$raw" "$STAGING/hull.vmdk"
}

# Replace out/ with the finished build in one step: a failed build leaves no half-made image.
publish() {
        local k
        cp "$HULL_BUILD/uki.cmdline" "$STAGING/cmdline"
        jq -n --arg version "$HULL_VERSION" --arg usrhash "$(cat "$STAGING/usrhash")" \
                --arg out "$(realpath --relative-to="$TOP" "$HULL_OUT")" --arg kver "$KVER" --arg kflavour "$HULL_KERNEL" --argjson epoch "$SOURCE_DATE_EPOCH" '{
                version: $version, source_date_epoch: $epoch, kernel: $kver, kernel_flavour: $kflavour, usrhash: $usrhash,
                disk_raw: "\($out)/hull.raw", disk_qcow2: "\($out)/hull.qcow2",
                disk_vhd: "\($out)/hull.vhd", disk_vmdk: "\($out)/hull.vmdk",
                usr_image: "\($out)/usr.erofs", usr_verity: "\($out)/usr.verity",
                uki: "\($out)/hull.efi", manifest: "\($out)/manifest.tsv", cmdline: "\($out)/cmdline",
                payload: "\($out)/payload"
        }' >"$STAGING/build.json"
        for k in hull.raw hull.qcow2 hull.vhd hull.vmdk usr.erofs usr.verity hull.efi manifest.tsv payload/manifest.json; do
                [ -s "$STAGING/$k" ] || die "$STAGING/$k missing: not publishing"
        done
        rm -rf "$HULL_OUT.old"
        [ -d "$HULL_OUT" ] && mv "$HULL_OUT" "$HULL_OUT.old"
        mv "$STAGING" "$HULL_OUT"
        rm -rf "$HULL_OUT.old"
}

summary() {
        local f t
        echo "==> summary"
        for f in hull.raw hull.qcow2 hull.vhd hull.vmdk usr.erofs usr.verity hull.efi manifest.tsv build.json payload; do
                printf '    %-26s %s\n' "$HULL_OUT/$f" "$(du -h --apparent-size "$HULL_OUT/$f" | cut -f1) ($(du -h "$HULL_OUT/$f" | cut -f1) on disk)"
        done
        printf '    %-26s %s\n' initrd "$(mib "$INITRD")" kernel "$(mib "$VMLINUZ")" \
                "/usr files" "$(($(wc -l <"$HULL_OUT/manifest.tsv") - 1))"
        t=$(($(date +%s) - BUILD_T0))
        echo "    version $HULL_VERSION, usrhash $(cat "$HULL_OUT/usrhash"), built in ${t} s"
}
