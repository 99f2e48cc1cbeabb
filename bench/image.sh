#!/usr/bin/env bash
# Measures the image pipeline and the booted image. Prints one "name: value" line a figure.
#
#   bench/image.sh [--cold] [--boots N]
#
# --cold    also time a build with an empty stage cache (downloads every package again)
# --boots N boot the image N times (default 3) and report the median of each boot figure (0:
#           the build and size figures only)
#
# Figures: build time (cold, warm no-change, warm after a one-line C change), /usr image size,
# files and ELF binaries in /usr, initrd/UKI/disk sizes, time to multi-user (systemd-analyze,
# firmware excluded, and wall clock from QEMU start), unit count, memory used at idle, time of
# the first `docker run`-free docker call (docker version, which socket-activates dockerd), audit
# events written in one idle minute; the same boot figures for the second power-on of the disk
# (after a clean power-off), which has no first-boot work.
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$(pwd)
cold=0 boots=3
while [ $# -gt 0 ]; do
        case $1 in
        --cold) cold=1 ;;
        --boots) boots=$2; shift ;;
        *) echo "usage: $0 [--cold] [--boots N]" >&2; exit 2 ;;
        esac
        shift
done

t() { local t0; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; echo "$(date +%s.%N) - $t0" | bc; }
. bench/lib.sh

if [ "$cold" = 1 ]; then
        cache=$(mktemp -d /var/tmp/hull-bench-cache.XXXXXX)
        echo "build, cold (empty cache): $(HULL_CACHE=$cache t ./build.sh image) s"
        rm -rf "$cache"
fi
./build.sh image >/dev/null
echo "build, warm (no change): $(t ./build.sh image) s"
f=packages/libhull/parse.c
cp "$f" "$f.bench"
# A change the binaries see (a comment would leave every compiled file as it was).
echo "int hull_bench_line = $RANDOM;" >>"$f"
echo "build, warm (one-line C change): $(t ./build.sh image) s"
# Put back as a new write (cp, not mv): the restored file must be newer than the objects
# compiled from the changed one.
cp "$f.bench" "$f" && rm "$f.bench"
./build.sh image >/dev/null

# The unpacked tree: the tree stage's output (build/stages/tree-<key>/root).
tree=$(./build.sh stage tree 2>/dev/null | tail -1)/root
[ -d "$tree/usr" ] || { echo "bench/image.sh: no unpacked tree at $tree" >&2; exit 1; }
echo "/usr image (erofs): $(stat -c %s out/usr.erofs) bytes ($(du -m --apparent-size out/usr.erofs | cut -f1) MiB)"
echo "/usr uncompressed: $(du -sm --apparent-size "$tree/usr" | cut -f1) MiB"
echo "/usr files: $(grep -vc '^#' out/manifest.tsv)"
echo "/usr ELF binaries: $(find "$tree/usr" -type f -exec sh -c 'head -c4 "$1" | grep -q ELF && echo' _ {} \; | wc -l)"
if [ -d "$tree/usr"/lib/modules ]; then
        echo "kernel modules: $(find "$tree/usr"/lib/modules -name '*.ko*' | wc -l) ($(du -sm "$tree/usr"/lib/modules | cut -f1) MiB)"
else
        echo "kernel modules: none (no /usr/lib/modules)"
fi
echo "UKI: $(du -m --apparent-size out/hull.efi | cut -f1) MiB"
echo "qcow2 disk: $(du -m out/hull.qcow2 | cut -f1) MiB"

HULL_BUILD=build HULL_OUT=out
. image/lib.sh
. tests/qemu/qemu.sh
for i in $(seq "$boots"); do
        vm=build/vm/bench
        rm -rf "$vm"; mkdir -p "$vm"; vm_config "$vm/fw_cfg.ign"
        vm_disk "$vm/disk.qcow2"
        vm_start "$vm" "$vm/disk.qcow2"
        vm_wait_up 400 >/dev/null
        wall=$(echo "$(date +%s.%N) - $VM_T0" | bc)
        guest 'systemd-analyze' >"$vm/analyze"
        total() { sed -n 's/.*= \([0-9.]*\)s *$/\1/p; s/.*= \([0-9]*\)min \([0-9.]*\)s *$/\1*60+\2/p' "$1" | head -1 | bc; }
        userspace=$(total "$vm/analyze")
        sleep 20
        mem=$(guest "free -m | awk '/^Mem:/ { print \$3 }'")
        units=$(guest 'systemctl list-units --all --no-legend | wc -l')
        d0=$(date +%s.%N); guest 'docker version >/dev/null'; dock=$(echo "$(date +%s.%N) - $d0" | bc)
        # The second boot of the same disk, after a clean power-off: what every boot after the
        # first costs (no first-boot work: presets, machine-id, host keys, growing the state).
        bench_power_on_again "$vm/disk.qcow2"
        wall2=$(echo "$(date +%s.%N) - $VM_T0" | bc)
        guest 'systemd-analyze' >"$vm/analyze2"
        total2=$(total "$vm/analyze2")
        [ "$i" = 1 ] && { echo "systemd-analyze (boot 1, second power-on): $(head -1 "$vm/analyze2")"; guest 'systemd-analyze critical-chain --no-pager | head -25' | sed 's/^/    /'; }
        echo "$wall $userspace $mem $units $dock $wall2 $total2" >>"$vm/../bench-boots"
        [ "$i" = 1 ] && { echo "systemd-analyze (boot 1): $(head -1 "$vm/analyze")"; guest 'systemd-analyze blame | head -10' | sed 's/^/    /'; }
        if [ "$i" = 1 ]; then
                # Audit volume at idle: events (distinct serials) and records written to
                # audit.log during one minute with nobody logged in.
                count='tail -n +$(cat /tmp/audit-mark) /var/log/audit/audit.log | sed -n "s/.*msg=audit(\\([0-9.:]*\\)).*/\\1/p" | sort -u | wc -l'
                guest 'echo $(($(wc -l </var/log/audit/audit.log) + 1)) >/tmp/audit-mark'
                sleep 60
                echo "audit events in one idle minute (boot 1): $(guest "$count") ($(guest 'tail -n +$(cat /tmp/audit-mark) /var/log/audit/audit.log | wc -l') records)"
        fi
        vm_stop
done
[ "$boots" -gt 0 ] || exit 0
f=build/vm/bench-boots
echo "power-on to the administrator logged in over SSH after multi-user (wall, median of $boots): $(cut -d' ' -f1 $f | median) s"
echo "kernel+initrd+userspace (systemd-analyze, median): $(cut -d' ' -f2 $f | median) s"
echo "memory used at idle (free, median): $(cut -d' ' -f3 $f | median) MiB"
echo "units: $(cut -d' ' -f4 $f | median)"
echo "first docker call, socket activation (median): $(cut -d' ' -f5 $f | median) s"
echo "second power-on of the same disk to SSH login (wall, median): $(cut -d' ' -f6 $f | median) s"
echo "second power-on, kernel+initrd+userspace (systemd-analyze, median): $(cut -d' ' -f7 $f | median) s"
rm -f "$f"
