# Install 0.1.1 in the other slot, then corrupt one block of its /usr on the raw partition: the
# first block of /usr/bin/hull-health, which each counted boot of 0.1.1 must run to pass its
# health gate. Read through a verity device opened on that slot with its root hash, the file is
# an I/O error here too (the inactive-slot form of 10-running-usr-eio).
set -u
mkdir -p /run/hull-payload
mountpoint -q /run/hull-payload || mount -o ro /dev/disk/by-id/virtio-hull-payload /run/hull-payload
. /run/hull-payload/corrupt.env
# One boot try (systemd's /etc/kernel/tries, which hull-update reads): the corrupted slot fails
# its health gate once and the machine is back on 0.1.0 at the next boot. The default of three
# tries is tests/qemu/update's.
mkdir -p /etc/kernel && echo 1 >/etc/kernel/tries
hull-update apply /run/hull-payload/0.1.1 || { echo "apply failed"; exit 1; }
rm -f /etc/kernel/tries
ls /efi/EFI/Linux/ | grep -q '^hull_0\.1\.1+1\.efi$' || { echo "no UKI for 0.1.1 with one try"; ls /efi/EFI/Linux/; exit 1; }
# The slot just written, by its partition labels: the running kernel still knows its partitions
# by the PARTUUIDs they had at boot (the table is read again at the next boot).
booted=$(hull-update status --json | sed -n 's/^ *"booted_slot": "\([a-z]*\)",$/\1/p')
case $booted in a) other=b ;; b) other=a ;; *) echo "booted slot unknown: '$booted'"; exit 1 ;; esac
data=/dev/disk/by-partlabel/usr-$other hash=/dev/disk/by-partlabel/usr-$other-verity
[ -b "$data" ] && [ -b "$hash" ] || { echo "no partitions usr-$other, usr-$other-verity"; exit 1; }
echo "0.1.1 in slot $other: $(readlink -f "$data"), $(readlink -f "$hash")"
blk=$((NEW_OFFSET / 4096))
head -c 4096 /dev/zero | tr '\0' '\245' | dd of="$data" bs=4096 seek="$blk" count=1 conv=notrunc oflag=direct status=none
sync
bad=0
# (A time limit: veritysetup waits for udev to finish with the new device, and a denied
# semaphore once made that wait endless.)
timeout 120 veritysetup open "$data" hull-newslot "$hash" "$NEW_USRHASH" ||
        { echo "veritysetup open failed or did not finish in 120 s"; journalctl -b --no-pager -o cat | grep AVC | tail -3; exit 1; }
mkdir -p /run/hull-newslot
mount -t erofs -o ro /dev/mapper/hull-newslot /run/hull-newslot || { veritysetup close hull-newslot; echo "mount failed"; exit 1; }
err=$(cat "/run/hull-newslot${NEW_FILE#/usr}" 2>&1 >/dev/null); st=$?
echo "read of 0.1.1's hull-health: exit $st: $err"
[ "$st" != 0 ] && case $err in *"Input/output error"*) true ;; *) false ;; esac ||
        { echo "FAIL: the corrupted block of the new slot read without an I/O error"; bad=1; }
umount /run/hull-newslot; timeout 120 veritysetup close hull-newslot
exit "$bad"
