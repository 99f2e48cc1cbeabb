# Reboot: 0.1.1 boots, hull-health cannot be read (I/O error), the health gate fails and the
# machine reboots; after 3 tries systemd-boot sorts 0.1.1 last and 0.1.0 boots again by itself,
# and `hull-update status` reports the rollback.
set -u
guest -t 10 'sync; systemctl reboot -ff' >/dev/null 2>&1 || true
sleep 20
end=$(($(date +%s) + 2400))
while [ "$(date +%s)" -lt "$end" ]; do
        out=$(guest -t 10 '. /etc/os-release; echo "$IMAGE_VERSION $(ls /efi/EFI/Linux | tr "\n" " ")"' 2>/dev/null) || { sleep 5; continue; }
        echo "$(date +%T) $out"
        case $out in
        "0.1.0 "*hull_0.1.1+0-3.efi*)
                guest -t 300 'systemctl is-system-running --wait >/dev/null; true'
                s=$(guest -t 60 'hull-update status'); echo "$s"
                st=0
                echo "$s" | grep -q '^Rolled back: *version 0\.1\.1 used its 3 boot tries' ||
                        { echo "FAIL: status does not report the rollback from 0.1.1"; st=1; }
                guest -t 60 'journalctl -b -1 -u hull-health --no-pager -o cat' | tee /dev/stderr |
                        grep -qiE 'input/output error|status=7/BUS' ||
                        { echo "FAIL: the last 0.1.1 boot's health check did not fail on an I/O error"; st=1; }
                exit "$st" ;;
        esac
        sleep 10
done
echo "0.1.0 did not come back with 0.1.1's tries used up"
cat "$HULL_VM_DIR/resets" 2>/dev/null
exit 1
