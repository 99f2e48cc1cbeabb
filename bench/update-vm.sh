#!/usr/bin/env bash
# Measures an update on the booted image, the way an unattended one runs: a newer build of the
# same tree (0.1.1) on a second virtual disk, /etc/hull/update.conf with REBOOT=now, one start
# of hull-update.service. Figures: the apply (service start to "Applied ..." in the journal,
# guest clock), and the time from the service start to the new slot's entry blessed (host
# clock: apply, reboot, firmware, boot, health gate, systemd-bless-boot). One QEMU at a time;
# median of N runs, each on a fresh disk.
#
#   bench/update-vm.sh [--runs N]      (after ./build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_vm_init --runs 3 "$@"
runs=$COUNT
[ -f "$HULL_OUT/build.json" ] || die "$HULL_OUT/build.json: no built image; run ./build.sh first"
upd=$HULL_BUILD/bench-update-b
vm=$HULL_BUILD/vm/bench-update
# shellcheck disable=SC2153  # SOURCE_DATE_EPOCH and SERVICES_OUT come from image/lib.sh
env HULL_VERSION=0.1.1 SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 1)) HULL_BUILD="$upd" \
        HULL_OUT="$upd/out" HULL_SERVICES_OUT="$SERVICES_OUT" ./build.sh payload >"$HULL_BUILD/bench-update-payload.log" 2>&1 ||
        die "building the 0.1.1 payload failed (log: $HULL_BUILD/bench-update-payload.log)"
rm -f "$upd/payload.img"
mke2fs -q -t ext4 -L hull-payload -d "$upd/out/payload" "$upd/payload.img" 320M
echo "payload: $(du -sm --apparent-size "$upd/out/payload" | cut -f1) MiB ($(cd "$upd/out/payload" && echo *))"
trap vm_stop EXIT
# stuck: what the guest and its console say, then die with the message
stuck() {
        echo "bench/update-vm.sh: $*; hull-update.service in the guest:" >&2
        guest -t 30 'systemctl status --no-pager hull-update.service | head -5; journalctl -b --no-pager -o short-monotonic -u hull-update.service | tail -15' >&2 ||
                echo "(the guest does not answer over SSH)" >&2
        echo "the console's last lines:" >&2
        vm_console_tail 15 >&2
        die "$*"
}
mkdir -p "$(dirname "$vm")"
: >"$vm.results"
for _ in $(seq "$runs"); do
        rm -rf "$vm"; mkdir -p "$vm"; vm_config "$vm/fw_cfg.ign"
        vm_disk "$vm/disk.qcow2"
        vm_start "$vm" "$vm/disk.qcow2" -drive file="$upd/payload.img",if=none,id=payload,format=raw,readonly=on \
                -device virtio-blk-pci,drive=payload,serial=hull-payload
        vm_wait_up 600 >/dev/null
        old=$(guest 'cat /proc/sys/kernel/random/boot_id')
        guest 'set -e
mkdir -p /run/hull-payload /etc/hull
mount -o ro /dev/disk/by-id/virtio-hull-payload /run/hull-payload
printf "URL=file:///run/hull-payload\nREBOOT=now\n" >/etc/hull/update.conf
sync' >/dev/null
        t0=$(date +%s.%N)
        guest 'systemctl start --no-block hull-update.service' >/dev/null
        new=$old
        until [ -n "$new" ] && [ "$new" != "$old" ]; do
                sleep 2
                [ "$(echo "$(date +%s.%N) - $t0 > 1200" | bc)" = 1 ] && stuck "no reboot within 1200 s"
                new=$(guest -t 5 'cat /proc/sys/kernel/random/boot_id' 2>/dev/null) || new=""
        done
        until guest -t 10 'ls /efi/EFI/Linux/' 2>/dev/null | grep -q '^hull_0\.1\.1\.efi$'; do
                sleep 1
                [ "$(echo "$(date +%s.%N) - $t0 > 1800" | bc)" = 1 ] && stuck "0.1.1 not blessed within 1800 s"
        done
        blessed=$(echo "$(date +%s.%N) - $t0" | bc)
        # The apply, from the previous boot's journal: the unit's start to hull-update's
        # "Applied" line (monotonic microseconds of one boot).
        apply=$(guest "journalctl -b -1 -u hull-update.service -o short-monotonic --no-pager" |
                awk 'function t() { match($0, /[0-9]+\.[0-9]+/); return substr($0, RSTART, RLENGTH) }
                     /Starting hull-update.service/ && !s { s = t() }
                     /Applied / && s { printf "%.1f", t() - s; exit }')
        [ -n "$apply" ] || die "no 'Applied' line after the start of hull-update.service in the previous boot's journal"

        echo "$apply $blessed" >>"$vm.results"
        printf 'run %s: apply %s s, service start to blessed %.1f s\n' "$(wc -l <"$vm.results")" "$apply" "$blessed"
        vm_stop
done
echo "apply (hull-update.service start to Applied, median of $runs): $(cut -d' ' -f1 "$vm.results" | median) s"
echo "service start to the new slot blessed (median of $runs): $(cut -d' ' -f2 "$vm.results" | median) s"
rm -f "$vm.results"
