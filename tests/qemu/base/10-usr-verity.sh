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
# The initrd's udev rule (image/initrd/modules.d/90hull/60-hull-usr-readahead.rules) gave the
# device a readahead window of 1 MiB, and device-mapper's resume did not put back the default.
dev=$(basename "$(readlink -f /dev/mapper/usr)")
ra=$(cat "/sys/block/$dev/queue/read_ahead_kb")
echo "/usr readahead: $ra KiB ($dev)"
[ "$ra" = 1024 ] || { echo "the readahead window of /dev/mapper/usr is $ra KiB, not 1024"; exit 1; }
