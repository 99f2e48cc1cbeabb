# UEFI -> systemd-boot -> the UKI; the entry's boot counter was blessed once the boot
# completed.
set -eu
bootctl status --no-pager 2>/dev/null | tee /tmp/bootctl
grep -q 'Product: systemd-boot' /tmp/bootctl || { echo "not booted by systemd-boot"; exit 1; }
grep -q 'Stub: systemd-stub' /tmp/bootctl || { echo "not started by systemd-stub (not a UKI)"; exit 1; }
# The entry systemd-boot started, as it reported it (with the counter it found).
sel=$(cat /sys/firmware/efi/efivars/LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f | tail -c +5 | tr -d '\0')
echo "selected entry: $sel"
case $sel in hull_*.efi) ;; *) echo "the selected entry is not a Hull UKI"; exit 1 ;; esac
systemctl is-active boot-complete.target
# systemd-bless-boot renames hull_V+3.efi (or +2...) to hull_V.efi.
for i in $(seq 30); do
        systemctl is-active -q systemd-bless-boot.service && break
        sleep 1
done
systemctl status --no-pager systemd-bless-boot.service || true
esp=$(bootctl --print-esp-path)
ls -l "$esp/EFI/Linux/"
ls "$esp/EFI/Linux/" | grep -qE '^hull_[^+]+\.efi$' || { echo "the entry was not blessed"; exit 1; }
