#!/usr/bin/env bash
# Hull's own kernel against Debian's: the same image built twice (HULL_KERNEL=hull and
# HULL_KERNEL=debian, each in its own build and out folder), then booted one after the other
# (one QEMU at a time). Prints one "name: hull-value | debian-value" line a figure.
#
#   bench/kernel.sh [--boots N] [--cold]
#
# --boots N  boot each image N times (default 3) and report the median of each boot figure
# --cold     also time a cold kernel compile (empty cache: unpack, configure, compile)
#
# Figures: kernel image (the UKI's .linux section), initrd (.initrd), UKI, /usr image (erofs)
# and uncompressed /usr, kernel modules in /usr; boot: systemd-analyze's firmware, loader,
# kernel and initrd times, power-on to the kernel starting init (firmware + loader + kernel),
# power-on to multi-user.target (the same plus initrd and userspace up to multi-user), and the
# wall clock from QEMU start to the test administrator logged in over SSH after the boot finished.
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$(pwd)
boots=3 cold=0
while [ $# -gt 0 ]; do
        case $1 in
        --boots) boots=$2; shift ;;
        --cold) cold=1 ;;
        *) echo "usage: $0 [--boots N] [--cold]" >&2; exit 2 ;;
        esac
        shift
done
base=${HULL_BENCH_DIR:-$TOP/build/bench-kernel}
. bench/lib.sh
t() { local t0; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $t0" | bc; }
# seconds "1min 2.5s" | "2.5s" | "350ms" -> 62.5 | 2.5 | 0.35
seconds() { echo "$1" | sed -E 's/([0-9.]+)min/\1*60+/; s/([0-9.]+)ms/\1\/1000/; s/s$//; s/\+$//' | bc -l | xargs printf '%.2f\n'; }
mib() { echo "scale=1; $(stat -c %s "$1") / 1048576" | bc; }

if [ "$cold" = 1 ]; then
        cache=$(mktemp -d /var/tmp/hull-bench-kcache.XXXXXX)
        echo "kernel compile, cold (unpack, configure, compile): $(HULL_CACHE=$cache HULL_BUILD=$cache/build t ./build.sh kernel) s"
        echo "kernel rebuild, no change, cache dropped (configure, make): $(rm -rf "$cache"/kernel-[0-9a-f]*; HULL_CACHE=$cache HULL_BUILD=$cache/build t ./build.sh kernel) s"
        rm -rf "$cache"
fi

for k in hull debian; do
        mkdir -p "$base/$k"
        HULL_KERNEL=$k HULL_BUILD=$base/$k/build HULL_OUT=$base/$k/out ./build.sh image >"$base/$k/build.log" 2>&1 ||
                { tail -5 "$base/$k/build.log" >&2; echo "bench/kernel.sh: the HULL_KERNEL=$k build failed (log $base/$k/build.log)" >&2; exit 1; }
done

declare -A fig
for k in hull debian; do
        o=$base/$k/out b=$base/$k/build
        objcopy -O binary --only-section=.linux "$o/hull.efi" "$b/uki.linux"
        objcopy -O binary --only-section=.initrd "$o/hull.efi" "$b/uki.initrd"
        fig[kver,$k]=$(jq -r .kernel "$o/build.json")
        fig[kernel,$k]="$(mib "$b/uki.linux") MiB"
        fig[initrd,$k]="$(mib "$b/uki.initrd") MiB"
        fig[uki,$k]="$(mib "$o/hull.efi") MiB"
        fig[erofs,$k]="$(mib "$o/usr.erofs") MiB"
        fig[usr,$k]="$(du -sm --apparent-size "$b/tree/usr" | cut -f1) MiB"
        fig[mods,$k]="$(find "$b/tree/usr/lib/modules" -name '*.ko*' 2>/dev/null | wc -l) files, $(du -sm --apparent-size "$b/tree/usr/lib/modules" 2>/dev/null | cut -f1 || echo 0) MiB"
        fig[usrfiles,$k]=$(grep -vc '^#' "$o/manifest.tsv")
done

for k in hull debian; do
        (
                HULL_BUILD=$base/$k/build HULL_OUT=$base/$k/out
                . image/lib.sh
                . tests/qemu/qemu.sh
                trap vm_stop EXIT
                : >"$base/$k/boots"
                for _ in $(seq "$boots"); do
                        vm=$base/$k/vm
                        rm -rf "$vm"; mkdir -p "$vm"; vm_config "$vm/fw_cfg.ign"
                        vm_disk "$vm/disk.qcow2"
                        vm_start "$vm" "$vm/disk.qcow2"
                        vm_wait_up 600 >/dev/null
                        wall=$(echo "$(date +%s.%N) - $VM_T0" | bc)
                        guest 'systemd-analyze' >"$vm/analyze"
                        line=$(head -1 "$vm/analyze")
                        part() { local v; v=$(echo "$line" | grep -oE "[0-9.]+(min [0-9.]+s|ms|s) \\($1\\)" | cut -d'(' -f1 | sed 's/ $//; s/min /min/'); seconds "${v:-0s}"; }
                        fw=$(part firmware) ld=$(part loader) kn=$(part kernel) ird=$(part initrd)
                        mu=$(sed -n 's/^multi-user.target reached after \(.*\) in userspace.*/\1/p' "$vm/analyze" | sed 's/min /min/')
                        mu=$(seconds "${mu:-0s}")
                        echo "$fw $ld $kn $ird $(echo "$fw + $ld + $kn" | bc) $(echo "$fw + $ld + $kn + $ird + $mu" | bc) $wall" >>"$base/$k/boots"
                        vm_stop
                done
        )
done

col() { cut -d' ' -f"$2" "$base/$1/boots" | median; }
row() { printf '%-52s %14s | %s\n' "$1:" "$2" "$3"; }
row "kernel" "${fig[kver,hull]}" "${fig[kver,debian]}"
row "kernel image (UKI .linux)" "${fig[kernel,hull]}" "${fig[kernel,debian]}"
row "initrd (UKI .initrd, zstd)" "${fig[initrd,hull]}" "${fig[initrd,debian]}"
row "UKI" "${fig[uki,hull]}" "${fig[uki,debian]}"
row "/usr image (erofs lz4hc)" "${fig[erofs,hull]}" "${fig[erofs,debian]}"
row "/usr uncompressed" "${fig[usr,hull]}" "${fig[usr,debian]}"
row "/usr files" "${fig[usrfiles,hull]}" "${fig[usrfiles,debian]}"
row "kernel modules in /usr" "${fig[mods,hull]}" "${fig[mods,debian]}"
row "firmware (systemd-analyze, median of $boots)" "$(col hull 1) s" "$(col debian 1) s"
row "loader (systemd-boot)" "$(col hull 2) s" "$(col debian 2) s"
row "kernel (to the initrd's init)" "$(col hull 3) s" "$(col debian 3) s"
row "initrd" "$(col hull 4) s" "$(col debian 4) s"
row "power-on to the kernel starting init" "$(col hull 5) s" "$(col debian 5) s"
row "power-on to multi-user.target" "$(col hull 6) s" "$(col debian 6) s"
row "QEMU start to SSH login after boot (wall)" "$(col hull 7) s" "$(col debian 7) s"
