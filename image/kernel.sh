# The kernel of the image (sourced by build.sh). HULL_KERNEL picks it:
#
#   hull    (default) Hull's own kernel: Debian's linux-source-6.1 configured for a container
#           host by image/kernel/hull.config, everything built in, no modules anywhere: the
#           rootfs has no linux-image-amd64, /usr no /usr/lib/modules, the initrd no drivers.
#   debian  Debian's packaged kernel (linux-image-amd64) with its modules in /usr and the
#           storage drivers in the initrd: for hardware the Hull configuration does not cover.
#
#   ./build.sh kernel-config   merge the configuration and check it (fast, no compile)
#   ./build.sh kernel          build bzImage (cached by a digest of the source and the fragment)
# shellcheck shell=bash

HULL_KERNEL=${HULL_KERNEL:-hull}
case $HULL_KERNEL in
hull | debian) ;;
*) die "HULL_KERNEL=$HULL_KERNEL: choose hull (Hull's own kernel) or debian (linux-image-amd64)" ;;
esac
KERNEL_FRAGMENT=${HULL_KERNEL_FRAGMENT:-image/kernel/hull.config}

# kernel_packages: the package names on stdin minus Debian's kernel when Hull's is used.
kernel_packages() {
        if [ "$HULL_KERNEL" = hull ]; then grep -v '^linux-image-'; else cat; fi
}

# kernel_tree: after the rootfs is unpacked into $TREE, sets KVER (the kernel release the
# initrd is made for) and checks that the tree carries the chosen kernel only.
kernel_tree() {
        if [ "$HULL_KERNEL" = hull ]; then
                if [ -n "$(find "$TREE/usr/lib/modules" "$TREE/boot" -type f -print -quit 2>/dev/null)" ]; then
                        die "$ROOTFS_TAR: Debian kernel files in a rootfs for HULL_KERNEL=hull (is a linux-image package pulled in by another?)"
                fi
                rm -rf "$TREE/usr/lib/modules"
                KVER=$(cat "$KERNEL_RELEASE")
        else
                KVER=$(ls "$TREE/usr/lib/modules")
                [ "$(echo "$KVER" | wc -w)" = 1 ] || die "$ROOTFS_TAR: expected one kernel, found: $KVER"
        fi
}

# kernel_source: unpacks Debian's kernel source once per source version into $HULL_CACHE and
# sets KSRC and KVERSION (the Debian package version, e.g. 6.1.192-2).
kernel_source() {
        KVERSION=$(dpkg-query -W -f '${Version}' linux-source-6.1) || die "linux-source-6.1 is not installed"
        KSRC=$HULL_CACHE/kernel-src-$KVERSION/linux-source-6.1
        if [ ! -f "$KSRC/Makefile" ]; then
                rm -rf "$HULL_CACHE/kernel-src-$KVERSION"
                mkdir -p "$HULL_CACHE/kernel-src-$KVERSION.tmp"
                tar -xf /usr/src/linux-source-6.1.tar.xz -C "$HULL_CACHE/kernel-src-$KVERSION.tmp" ||
                        die "/usr/src/linux-source-6.1.tar.xz: cannot unpack"
                mv "$HULL_CACHE/kernel-src-$KVERSION.tmp" "$HULL_CACHE/kernel-src-$KVERSION"
        fi
}

# kernel_config DIR: defconfig + kvm_guest.config + the fragment, merged in the build directory
# DIR (O=), then every option of the fragment checked in the result: merge_config.sh drops an
# option whose dependencies are not met without failing, so this is where a typo or a missing
# dependency is caught.
kernel_config() {
        local o=$1 frag line opt val now bad=()
        mkdir -p "$o"
        frag=$o/hull.fragment
        sed 's/[[:space:]]*#.*//; /^$/d; s/^\(CONFIG_[A-Z0-9_]*\)=n$/# \1 is not set/' "$KERNEL_FRAGMENT" >"$frag"
        make -s -C "$KSRC" O="$o" defconfig >"$o/config.log" 2>&1 || { cat "$o/config.log" >&2; die "kernel: make defconfig failed"; }
        (cd "$KSRC" && KCONFIG_CONFIG="$o/.config" ./scripts/kconfig/merge_config.sh -m -O "$o" "$o/.config" \
                kernel/configs/kvm_guest.config "$frag") >>"$o/config.log" 2>&1 ||
                { tail -5 "$o/config.log" >&2; die "$KERNEL_FRAGMENT: merge_config.sh failed"; }
        make -s -C "$KSRC" O="$o" olddefconfig >>"$o/config.log" 2>&1 || die "kernel: make olddefconfig failed"
        while IFS= read -r line; do
                opt=${line%%=*} val=${line#*=}
                now=$(grep "^$opt=\|^# $opt is not set" "$o/.config" || echo absent)
                if [ "$val" = n ]; then
                        case $now in "$opt="*) bad+=("$opt=n did not take (now: $now)") ;; esac
                elif [ "$now" != "$opt=$val" ]; then
                        bad+=("$opt=$val did not take (dependencies unmet or no such option; now: $now)")
                fi
        done < <(sed 's/[[:space:]]*#.*//; /^$/d' "$KERNEL_FRAGMENT")
        if [ ${#bad[@]} -gt 0 ]; then
                die "$KERNEL_FRAGMENT: $(printf '%s; ' "${bad[@]}" | sed 's/; $//')"
        fi
        if grep -q '=m$' "$o/.config"; then
                die "$KERNEL_FRAGMENT: options left as modules (build them in or turn them off): $(grep '=m$' "$o/.config" | paste -sd' ' -)"
        fi
}

build_kernel_config() {
        kernel_source
        KCONFIG_DIR=$HULL_BUILD/kernel-config
        rm -rf "$KCONFIG_DIR"
        kernel_config "$KCONFIG_DIR"
        info "kernel $KVERSION configuration: $KCONFIG_DIR/.config ($(grep -c '=y$' "$KCONFIG_DIR/.config") options built in, none as modules)"
}

# The compiled kernel, cached by the source version, the fragment and the tool chain (the inputs
# that change what it does: the build time stamp is the source package's, user and host are
# fixed; bump KERNEL_CACHE_VERSION when this file changes how the kernel is configured or built). The
# build directory stays between builds, so a changed fragment recompiles only what it touches.
# The module signing key is generated by the kernel build and deleted after it: nothing signed
# with it can be made later, and the kernel refuses anything unsigned (MODULE_SIG_FORCE).
KERNEL_CACHE_VERSION=kernel-v2
stage_kernel() {
        local key dir o stamp
        kernel_source
        # The compiler and linker change the output too.
        key=$(digest "$KERNEL_FRAGMENT" -- "$KVERSION" "$KERNEL_CACHE_VERSION" \
                "$(gcc -dumpfullversion)" "$(ld --version | head -1)")
        dir=$HULL_CACHE/kernel-$key
        KERNEL_IMAGE=$dir/bzImage KERNEL_CONFIG=$dir/config KERNEL_RELEASE=$dir/release
        if [ -s "$KERNEL_IMAGE" ] && [ -s "$KERNEL_CONFIG" ] && [ -s "$KERNEL_RELEASE" ]; then
                info "kernel: cached $KERNEL_IMAGE"
                return 0
        fi
        o=$HULL_BUILD/kernel
        # A build directory belongs to one source tree.
        if [ "$(cat "$o/.hull-source" 2>/dev/null)" != "$KSRC" ]; then
                rm -rf "$o"
                mkdir -p "$o"
                echo "$KSRC" >"$o/.hull-source"
        fi
        kernel_config "$o"
        stamp=$(date -u -d "@$(stat -c %Y /usr/src/linux-source-6.1.tar.xz)" '+%a %b %e %H:%M:%S UTC %Y')
        info "kernel: compiling $KVERSION (cold: about 15-20 min on 2 cores; log $o/make.log)"
        make -C "$KSRC" O="$o" -j"${HULL_KERNEL_JOBS:-2}" KBUILD_BUILD_TIMESTAMP="$stamp" \
                KBUILD_BUILD_USER=hull KBUILD_BUILD_HOST=hull KBUILD_BUILD_VERSION=1 \
                bzImage modules >"$o/make.log" 2>&1 ||
                { rm -f "$o/certs/signing_key.pem"; tail -20 "$o/make.log" >&2; die "kernel: compile failed (log $o/make.log)"; }
        rm -f "$o/certs/signing_key.pem"
        if [ -n "$(find "$o" -name '*.ko' -print -quit)" ]; then
                die "kernel: the build made modules; the configuration must build everything in"
        fi
        mkdir -p "$dir.tmp"
        cp "$o/arch/x86/boot/bzImage" "$dir.tmp/bzImage"
        cp "$o/.config" "$dir.tmp/config"
        make -s -C "$KSRC" O="$o" kernelrelease >"$dir.tmp/release"
        rm -rf "$dir"
        mv "$dir.tmp" "$dir"
        info "kernel: $(mib "$KERNEL_IMAGE") bzImage ($(cat "$dir/release")) in $dir"
}
