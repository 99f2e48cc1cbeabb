# /usr is the erofs image on the dm-verity device, mounted read-only, and verity verifies it.
set -eu
src=$(findmnt -no SOURCE /usr)
fstype=$(findmnt -no FSTYPE /usr)
opts=$(findmnt -no OPTIONS /usr)
echo "/usr: $src $fstype $opts"
[ "$src" = /dev/mapper/usr ] || { echo "/usr is not on /dev/mapper/usr"; exit 1; }
[ "$fstype" = erofs ] || { echo "/usr is not erofs"; exit 1; }
case ",$opts," in *,ro,*) ;; *) echo "/usr is not mounted read-only"; exit 1 ;; esac
veritysetup status usr | tee /tmp/verity-status
grep -qE 'status: +verified' /tmp/verity-status || { echo "verity status is not 'verified'"; exit 1; }
hash=$(sed -n 's/.*usrhash=\([0-9a-f]*\).*/\1/p' /proc/cmdline)
[ ${#hash} = 64 ] || { echo "no usrhash= on the kernel command line"; exit 1; }
grep -q "root hash: *$hash" /tmp/verity-status || { echo "the verity root hash is not the usrhash= of the cmdline"; exit 1; }
