# UEFI -> systemd-boot -> the UKI; the entry's boot counter was blessed once the boot
# completed.
set -eu
bootctl status --no-pager 2>/dev/null | tee /tmp/bootctl
grep -q 'Product: systemd-boot' /tmp/bootctl || { echo "not booted by systemd-boot"; exit 1; }
grep -qE 'Current Entry: hull_' /tmp/bootctl || { echo "the current entry is not a Hull UKI"; exit 1; }
grep -q 'Stub: systemd-stub' /tmp/bootctl || grep -q 'Stub:' /tmp/bootctl || echo "(bootctl 252 may not report the stub)"
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
