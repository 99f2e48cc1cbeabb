# The state partition grew to the end of the 8 GiB disk at first boot, and its file system
# with it.
set -eu
dev=$(findmnt -no SOURCE /)
part=$(lsblk -bno SIZE "$dev")
fs=$(df -B1 --output=size / | tail -1 | tr -d ' ')
echo "state partition $dev: $part bytes, file system $fs bytes"
[ "$part" -gt $((6 * 1024 * 1024 * 1024)) ] || { echo "the partition did not grow"; exit 1; }
[ "$fs" -gt $((6 * 1024 * 1024 * 1024)) ] || { echo "the file system did not grow"; exit 1; }
