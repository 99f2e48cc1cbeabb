# UEFI -> systemd-boot -> the UKI of slot A, installed blessed.
set -eu
bootctl status --no-pager 2>/dev/null | tee /tmp/bootctl
grep -q 'Product: systemd-boot' /tmp/bootctl || { echo "not booted by systemd-boot"; exit 1; }
grep -q 'Stub: systemd-stub' /tmp/bootctl || { echo "not started by systemd-stub (not a UKI)"; exit 1; }
# The entry systemd-boot started, as it reported it (with the counter it found).
sel=$(cat /sys/firmware/efi/efivars/LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f | tail -c +5 | tr -d '\0')
echo "selected entry: $sel"
case $sel in hull_*.efi) ;; *) echo "the selected entry is not a Hull UKI"; exit 1 ;; esac
# The factory entry is installed blessed (no counter): it has no other slot to fall back to.
esp=$(bootctl --print-esp-path)
ls -l "$esp/EFI/Linux/"
[ "$(ls "$esp/EFI/Linux/")" = "hull_$(. /etc/os-release; echo "$IMAGE_VERSION").efi" ] ||
        { echo "expected exactly one, blessed, UKI for this version"; exit 1; }
[ "$sel" = "$(ls "$esp/EFI/Linux/")" ] || { echo "systemd-boot did not start the UKI on the ESP"; exit 1; }
