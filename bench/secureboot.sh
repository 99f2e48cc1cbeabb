#!/usr/bin/env bash
# Boot time with and without Secure Boot, on the built image (out/hull.raw).
#
#   bench/secureboot.sh [--boots N]
#
# For each firmware, N machines (default 3): the first power-on (provisioning), a clean
# power-off, then the second power-on, which is the one measured (no first-boot work). Figures,
# medians of N: systemd-analyze's firmware, loader (systemd-boot), kernel, initrd and userspace
# times, and the wall clock from QEMU's start to the administrator logged in over SSH.
#   uefi        OVMF_CODE_4M.fd, no Secure Boot (what the suites ran on before)
#   secureboot  OVMF_CODE_4M.secboot.fd with SMM, Hull's keys enrolled (vm_enrolled_vars):
#               the firmware verifies systemd-boot, systemd-boot has the firmware verify the UKI
# Run it alone: TCG timings vary by 15 % and more when another QEMU shares the CPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_vm_init --boots 3 "$@"
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-0}
# systemd-analyze's first line: "Startup finished in 1.2s (firmware) + 300ms (loader) + ..."
part() { grep -oE "[0-9.]+(min [0-9.]+)?m?s \($2\)" "$1" | sed -E 's/ \(.*//; s/^([0-9.]+)min ([0-9.]+)s$/\1*60+\2/; s/^([0-9.]+)ms$/\1\/1000/; s/s$//' | bc -l | xargs printf '%.2f'; }
for fw in uefi secureboot; do
        f=$HULL_BUILD/vm/bench-sb-$fw
        : >"$f"
        for i in $(seq "$COUNT"); do
                vm=$HULL_BUILD/vm/bench-sb
                rm -rf "$vm"; mkdir -p "$vm"; vm_config "$vm/fw_cfg.ign"
                vm_disk "$vm/disk.qcow2"
                VM_FIRMWARE=$fw VM_VARS=""
                if [ "$fw" = secureboot ]; then vm_enrolled_vars >/dev/null; fi
                vm_start "$vm" "$vm/disk.qcow2"
                vm_wait_up 400 >/dev/null
                bench_power_on_again "$vm/disk.qcow2"
                wall=$(echo "$(date +%s.%N) - $VM_T0" | bc)
                guest 'systemd-analyze' | head -1 >"$vm/analyze"
                sb=$(guest 'bootctl status 2>/dev/null | sed -n "s/^ *Secure Boot: //p"')
                [ "$i" = 1 ] && echo "$fw, boot 1: $(cat "$vm/analyze") [Secure Boot: $sb]"
                echo "$(part "$vm/analyze" firmware) $(part "$vm/analyze" loader) $(part "$vm/analyze" kernel) $(part "$vm/analyze" initrd) $(part "$vm/analyze" userspace) $wall" >>"$f"
                vm_stop
        done
        printf '%s (median of %s): firmware %s s, loader %s s, kernel %s s, initrd %s s, userspace %s s, power-on to SSH %s s\n' \
                "$fw" "$COUNT" "$(cut -d' ' -f1 "$f" | median)" "$(cut -d' ' -f2 "$f" | median)" "$(cut -d' ' -f3 "$f" | median)" \
                "$(cut -d' ' -f4 "$f" | median)" "$(cut -d' ' -f5 "$f" | median)" "$(cut -d' ' -f6 "$f" | median)"
        rm -f "$f"
done
