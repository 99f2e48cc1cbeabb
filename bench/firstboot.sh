#!/usr/bin/env bash
# Measures the first boot per platform: the time from QEMU start (power-on) to the first
# successful SSH login of the provisioned administrator, the time hull-firstboot spends
# (provisioning, and for a cloud the fetch it waits for), and the fetch alone. One QEMU at a
# time; median of N boots each.
#   qemu   the Ignition config on QEMU fw_cfg (tests/qemu/firstboot/config.ign)
#   aws, gcp, azure   the cloud suites' settings and setups (tests/qemu/cloud-*: SMBIOS strings,
#          tests/qemu/metadata-server behind QEMU's restricted network, Azure's media), without
#          their scripted faults
#
#   bench/firstboot.sh [--boots N] [PLATFORM...]      (after ./build.sh; default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
args=() platforms=()
while [ $# -gt 0 ]; do
        case $1 in
        --boots) args+=("$1" "$2"); shift 2 ;;
        qemu | aws | gcp | azure) platforms+=("$1"); shift ;;
        *) echo "usage: $0 [--boots N] [qemu|aws|gcp|azure...]" >&2; exit 2 ;;
        esac
done
[ ${#platforms[@]} -gt 0 ] || platforms=(qemu aws gcp azure)
bench_vm_init --boots 3 "${args[@]}"
PATH=$TOP/tests/qemu:$PATH
boots=$COUNT
die() { echo "bench/firstboot.sh: $*" >&2; exit 1; }
trap 'vm_stop' EXIT

# unit_seconds UNIT: how long the unit ran in the booted guest, from its Starting to its
# Finished line in the journal (the fetch unit is stopped once read, which resets its
# ExecMain timestamps); "-" when it did not run.
unit_seconds() {
        guest "journalctl -b -o short-monotonic --no-pager -u $1" | awk -v u="$1" '
                { t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t) }
                index($0, "Starting " u) { s = t }
                index($0, "Finished " u) { e = t }
                END { if (s != "" && e != "") printf "%.2f\n", e - s; else print "-" }'
}

for p in "${platforms[@]}"; do
        results=$HULL_BUILD/vm/bench-firstboot-$p.results
        mkdir -p "$HULL_BUILD/vm"
        : >"$results"
        for _ in $(seq "$boots"); do
                vm=$HULL_BUILD/vm/bench-firstboot-$p
                rm -rf "$vm"
                mkdir -p "$vm"
                local_admin=$VM_ADMIN VM_NET="" SUITE_QEMU=()
                if [ "$p" = qemu ]; then
                        vm_config "$vm/fw_cfg.ign" tests/qemu/firstboot/config.ign
                else
                        # The suite's settings and setup, as qemu_suite (tests/run.sh) reads them.
                        d=tests/qemu/cloud-$p
                        if ! { suite_conf "$d" && suite_setup "$d" "$vm" "$vm/setup.log" && suite_qemu_args "$d" "$vm"; }; then
                                die "$p: the settings or setup of $d failed (log: $vm/setup.log)"
                        fi
                        VM_ADMIN=$SUITE_ADMIN
                        rm -f "$vm/md/faults" "$vm/md/health-gone"
                fi
                vm_disk "$vm/disk.qcow2"
                vm_start "$vm" "$vm/disk.qcow2" "${SUITE_QEMU[@]}"
                until guest -t 10 true >/dev/null 2>&1; do
                        vm_running || die "$p: QEMU exited"
                        [ "$(echo "$(date +%s.%N) - $VM_T0 > 600" | bc)" = 1 ] && die "$p: no SSH login within 600 s"
                        sleep 1
                done
                ssh_s=$(echo "$(date +%s.%N) - $VM_T0" | bc | xargs printf '%.1f')
                vm_wait_up 300 >/dev/null
                echo "$ssh_s $(unit_seconds hull-firstboot.service) $(unit_seconds hull-firstboot-fetch.service)" >>"$results"
                vm_stop
                VM_ADMIN=$local_admin
        done
        col() { cut -d' ' -f"$1" "$results" | grep -v '^-$' | median; }
        echo "$p: power-on to first SSH login $(col 1) s, hull-firstboot $(col 2) s, of it the network fetch $(col 3) s (medians of $boots)"
        rm -f "$results"
done
