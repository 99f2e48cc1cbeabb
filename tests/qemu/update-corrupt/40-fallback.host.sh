# Reboot: 0.1.1 boots, hull-health cannot be read (I/O error), the health gate fails and the
# machine reboots; with its one try used systemd-boot sorts 0.1.1 last and 0.1.0 boots again by
# itself, and `hull-update status` reports the rollback.
set -u
guest-wait-fallback 0.1.0 0.1.1 900 || exit 1
s=$(guest -t 60 'hull-update status'); echo "$s"
st=0
echo "$s" | grep -q '^Rolled back: *version 0\.1\.1 used its 1 boot try without' ||
        { echo "FAIL: status does not report the rollback from 0.1.1"; st=1; }
guest -t 60 'journalctl -b -1 -u hull-health --no-pager -o cat' | tee /dev/stderr |
        grep -qiE 'input/output error|status=7/BUS' ||
        { echo "FAIL: the last 0.1.1 boot's health check did not fail on an I/O error"; st=1; }
exit "$st"
