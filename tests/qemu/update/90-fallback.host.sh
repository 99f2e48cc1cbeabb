# Reboot: 0.1.1 boots, fails its health check, reboots, twice; then its entry has no tries
# left, sorts last, and 0.1.0 boots again by itself. `hull-update status` says what happened and
# which check failed.
set -u
guest-wait-fallback 0.1.0 0.1.1 1500 || exit 1
guest -t 60 'hull-update status' | tee /tmp/hull-status.$$
st=0
grep -q '^Rolled back: *version 0\.1\.1 used its 2 boot tries' /tmp/hull-status.$$ ||
        { echo "FAIL: status does not report the rollback from 0.1.1"; st=1; }
grep -qE '^Health check: +/etc/hull/health.d/50-test-fail-0\.1\.1: exit status 1: test: slot 0\.1\.1 declared unhealthy' /tmp/hull-status.$$ ||
        { echo "FAIL: status does not name the failed health check"; st=1; }
guest -t 60 'hull-update status --json' | jq -e '.rollback.failed_version == "0.1.1" and .rollback.tries_done == 2' ||
        { echo "FAIL: status --json has no rollback from 0.1.1"; st=1; }
rm -f /tmp/hull-status.$$
exit "$st"
