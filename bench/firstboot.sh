#!/usr/bin/env bash
# Measures first boot with an Ignition config (tests/qemu/firstboot/config.ign on QEMU fw_cfg):
# the time hull-firstboot spends provisioning, and the time from QEMU start (power-on) to the
# first successful SSH login with the config's key. One QEMU at a time; median of N boots.
#
#   bench/firstboot.sh [--boots N]      (after ./build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_vm_init --boots 3 "$@"
boots=$COUNT
vm=$HULL_BUILD/vm/bench-firstboot
key=$(mktemp)
trap 'rm -f "$key"; vm_stop' EXIT
install -m 0600 tests/qemu/firstboot/test-key-THROWAWAY "$key"
: >"$vm.results" 2>/dev/null || { mkdir -p "$(dirname "$vm")"; : >"$vm.results"; }
for _ in $(seq "$boots"); do
        rm -rf "$vm"; mkdir -p "$vm"; vm_config "$vm/fw_cfg.ign" tests/qemu/firstboot/config.ign
        vm_disk "$vm/disk.qcow2"
        vm_start "$vm" "$vm/disk.qcow2"
        until ssh -q -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes \
                -o ConnectTimeout=5 -o IdentitiesOnly=yes -o IdentityAgent=none -i "$key" \
                -p "$VM_SSH_PORT" core@127.0.0.1 true 2>/dev/null; do
                vm_running || { echo "QEMU exited" >&2; exit 1; }
                [ "$(echo "$(date +%s.%N) - $VM_T0 > 600" | bc)" = 1 ] && { echo "no SSH login within 600 s" >&2; exit 1; }
                sleep 1
        done
        ssh_s=$(echo "$(date +%s.%N) - $VM_T0" | bc)
        vm_wait_up 300 >/dev/null
        prov=$(guest 'systemctl show -p ExecMainStartTimestampMonotonic -p ExecMainExitTimestampMonotonic --value hull-firstboot.service' |
                tr '\n' ' ' | awk '{ printf "%.2f", ($2 - $1) / 1000000 }')
        echo "$ssh_s $prov" >>"$vm.results"
        vm_stop
done
echo "power-on to first SSH login (median of $boots): $(cut -d' ' -f1 "$vm.results" | median) s"
echo "hull-firstboot provisioning (median of $boots): $(cut -d' ' -f2 "$vm.results" | median) s"
rm -f "$vm.results"
