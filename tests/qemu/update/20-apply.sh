# Apply the signed 0.1.1 payload from the payload disk: slot B gets the new /usr, its verity
# tree, its UUIDs and a UKI with a boot counter; slot A (running) is untouched.
set -eu
usr_before=$(findmnt -no SOURCE /usr)
mkdir -p /run/hull-payload
mountpoint -q /run/hull-payload || mount -o ro /dev/disk/by-id/virtio-hull-payload /run/hull-payload
hull-update check /run/hull-payload
hull-update apply /run/hull-payload
hull-update status
ls -l /efi/EFI/Linux/
ls /efi/EFI/Linux/ | grep -q '^hull_0\.1\.1+3\.efi$' || { echo "no counted UKI for 0.1.1"; exit 1; }
[ "$(findmnt -no SOURCE /usr)" = "$usr_before" ] || { echo "/usr changed under the running system"; exit 1; }
veritysetup status usr | grep -qE 'status: +verified' || { echo "the running /usr is no longer verified"; exit 1; }
