# A corrupted block in the running /usr reads as an I/O error, never as other data. One block
# of a file nothing has read (GPL-3, so neither its pages nor its compressed cluster are cached)
# is overwritten on the raw partition of the booted slot, under the verity device; caches are
# dropped; reading the file fails with EIO and the kernel names the block. The block is put
# back and the file reads as it should again. (The kernel's verity error stays in this boot's
# log: the next test reboots before anything checks for verity errors.)
set -u
mkdir -p /run/hull-payload
mountpoint -q /run/hull-payload || mount -o ro /dev/disk/by-id/virtio-hull-payload /run/hull-payload
. /run/hull-payload/corrupt.env
uuid() { echo "$1" | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\1-\2-\3-\4-\5/'; }
h=$(sed -n 's/.*usrhash=\([0-9a-f]*\).*/\1/p' /proc/cmdline)
dev=/dev/disk/by-partuuid/$(uuid "$(echo "$h" | cut -c1-32)")
blk=$((RUNNING_OFFSET / 4096))
echo "booted /usr data partition $dev ($(readlink -f "$dev")); $RUNNING_FILE starts at block $blk"
[ -b "$dev" ] || { echo "no partition $dev"; exit 1; }
veritysetup status usr | grep -qE 'status: +verified' || { echo "/usr is not on a verified verity device"; exit 1; }
dd if="$dev" of=/run/orig.blk bs=4096 skip="$blk" count=1 iflag=direct status=none
head -c 4096 /dev/zero | tr '\0' '\245' | dd of="$dev" bs=4096 seek="$blk" count=1 conv=notrunc oflag=direct status=none
dd if="$dev" of=/run/now.blk bs=4096 skip="$blk" count=1 iflag=direct status=none
cmp -s /run/orig.blk /run/now.blk && { echo "the block did not change on disk"; exit 1; }
sync; echo 3 >/proc/sys/vm/drop_caches
bad=0
err=$(sha256sum "$RUNNING_FILE" 2>&1); st=$?
echo "sha256sum $RUNNING_FILE: exit $st: $err"
[ "$st" != 0 ] || { echo "FAIL: the corrupted file was read without an error"; bad=1; }
case $err in *"Input/output error"*) ;; *) echo "FAIL: no I/O error"; bad=1 ;; esac
case $err in *"$RUNNING_SHA256"*) echo "FAIL: read the original data from a corrupted block"; bad=1 ;; esac
dmesg | grep -E "device-mapper: verity: .*data block $blk is corrupted" ||
        { echo "FAIL: the kernel did not report data block $blk as corrupted"; dmesg | grep -i verity | tail -5; bad=1; }
# Put the block back: the same file reads correctly (verity has no memory of the failure).
dd if=/run/orig.blk of="$dev" bs=4096 seek="$blk" count=1 conv=notrunc oflag=direct status=none
sync; echo 3 >/proc/sys/vm/drop_caches
got=$(sha256sum <"$RUNNING_FILE" | cut -d' ' -f1)
[ "$got" = "$RUNNING_SHA256" ] || { echo "FAIL: after restoring the block, $RUNNING_FILE reads $got, want $RUNNING_SHA256"; bad=1; }
[ "$bad" = 0 ] && echo "corrupted block: EIO; restored block: the right data"
exit "$bad"
