# Reboot: 0.1.1 boots, fails its health check, reboots, three times; then its entry has no tries
# left, sorts last, and 0.1.0 boots again by itself. `hull-update status` says what happened and
# which check failed.
set -u
guest -t 10 'sync; systemctl reboot -ff' >/dev/null 2>&1 || true
sleep 20
end=$(($(date +%s) + 1500))
while [ "$(date +%s)" -lt "$end" ]; do
        out=$(guest -t 10 '. /etc/os-release; echo "$IMAGE_VERSION $(ls /efi/EFI/Linux | tr "\n" " ")"' 2>/dev/null) || { sleep 5; continue; }
        echo "$(date +%T) $out"
        case $out in
        "0.1.0 "*hull_0.1.1+0-3.efi*)
                guest -t 300 'systemctl is-system-running --wait >/dev/null; true'
                guest -t 60 'hull-update status' | tee /tmp/hull-status.$$
                st=0
                grep -q '^Rolled back: *version 0\.1\.1 used its 3 boot tries' /tmp/hull-status.$$ ||
                        { echo "FAIL: status does not report the rollback from 0.1.1"; st=1; }
                grep -qE '^Health check: +/etc/hull/health.d/50-test-fail-0\.1\.1: exit status 1: test: slot 0\.1\.1 declared unhealthy' /tmp/hull-status.$$ ||
                        { echo "FAIL: status does not name the failed health check"; st=1; }
                guest -t 60 'hull-update status --json' | jq -e '.rollback.failed_version == "0.1.1" and .rollback.tries_done == 3' ||
                        { echo "FAIL: status --json has no rollback from 0.1.1"; st=1; }
                rm -f /tmp/hull-status.$$
                exit "$st" ;;
        esac
        sleep 10
done
echo "0.1.0 did not come back with 0.1.1's tries used up"
exit 1
