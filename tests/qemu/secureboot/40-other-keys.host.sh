# Firmware that trusts other keys refuses Hull's systemd-boot: the chain is enforced, not merely
# signed. A second machine on the same image with OVMF's Microsoft store (Debian's PK, Microsoft's
# KEK and db, Secure Boot on: what a PC or a cloud VM ships with): it must never reach the kernel.
# It is started by the harness's own vm_start (tests/qemu/qemu.sh), as every test machine is.
set -eu
TOP=$PWD # the harness runs host tests from the checkout's top
# shellcheck source=tests/qemu/qemu.sh
. tests/qemu/qemu.sh
d=$(mktemp -d)
VM_DIR=$d/vm
trap 'vm_stop; rm -rf "$d"' EXIT
vm_disk "$d/disk.qcow2"
VM_FIRMWARE=secureboot VM_VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd vm_start "$d/vm" "$d/disk.qcow2"
for _ in $(seq 120); do
        grep -aq 'Access Denied' "$VM_DIR/serial.log" && break
        sleep 1
done
sleep 5
tr -d '\r' <"$VM_DIR/serial.log" | grep -a -e BdsDxe -e 'Access Denied' -e 'Linux version' | head -5
grep -aq 'Access Denied' "$VM_DIR/serial.log" || { echo "the firmware did not report refusing the loader"; exit 1; }
! grep -aq -e 'Linux version' -e 'EFI stub' "$VM_DIR/serial.log" || { echo "the loader or kernel ran under foreign keys"; exit 1; }
