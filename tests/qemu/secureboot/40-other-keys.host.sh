# Firmware that trusts other keys refuses Hull's systemd-boot: the chain is enforced, not merely
# signed. A second machine on the same image with OVMF's Microsoft store (Debian's PK, Microsoft's
# KEK and db, Secure Boot on: what a PC or a cloud VM ships with): it must never reach the kernel.
set -eu
d=$(mktemp -d)
trap 'kill $(cat "$d/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$d"' EXIT
cp /usr/share/OVMF/OVMF_VARS_4M.ms.fd "$d/vars.fd"
qemu-img create -q -f qcow2 -F raw -b "$HULL_OUT/hull.raw" "$d/disk.qcow2"
qemu-system-x86_64 -machine q35,smm=on -accel tcg -cpu max -smp 1 -m 1024 -nodefaults -display none \
        -no-user-config -no-reboot -global driver=cfi.pflash01,property=secure,value=on \
        -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd \
        -drive if=pflash,format=raw,unit=1,file="$d/vars.fd" \
        -drive if=virtio,format=qcow2,file="$d/disk.qcow2" \
        -chardev file,id=s0,path="$d/serial.log" -serial chardev:s0 -pidfile "$d/pid" -daemonize
for _ in $(seq 120); do
        grep -aq 'Access Denied' "$d/serial.log" && break
        sleep 1
done
sleep 5
tr -d '\r' <"$d/serial.log" | grep -a -e BdsDxe -e 'Access Denied' -e 'Linux version' | head -5
grep -aq 'Access Denied' "$d/serial.log" || { echo "the firmware did not report refusing the loader"; exit 1; }
! grep -aq -e 'Linux version' -e 'EFI stub' "$d/serial.log" || { echo "the loader or kernel ran under foreign keys"; exit 1; }
