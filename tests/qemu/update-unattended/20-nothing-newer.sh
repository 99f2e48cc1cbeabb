# URL= the running version: the service succeeds (hull-update exits 3, "nothing to do"),
# records no update, and records the check (last-check.json, shown by status).
set -u
mkdir -p /run/hull-payload /etc/hull
mountpoint -q /run/hull-payload || mount -o ro /dev/disk/by-id/virtio-hull-payload /run/hull-payload
printf 'URL=file:///run/hull-payload/0.1.0\nREBOOT=never\n' >/etc/hull/update.conf
hull-update --validate auto || { echo "FAIL: the configuration does not validate"; exit 1; }
state() { cat /var/lib/hull/update.json 2>/dev/null || echo none; }
before=$(state)
since=$(date '+%Y-%m-%d %H:%M:%S')
systemctl start hull-update.service; st=$?
journalctl -u hull-update.service --since "$since" --no-pager -o cat
echo "systemctl start: $st"
bad=0
[ "$st" = 0 ] || { echo "FAIL: the service failed with nothing to do"; bad=1; }
# The exit status itself (systemd unloads a finished one-shot unit nothing refers to, so
# ExecMainStatus is gone by the time systemctl show asks): the same command, by hand.
hull-update auto; code=$?
[ "$code" = 3 ] || { echo "FAIL: hull-update auto exited $code, want 3 (nothing to do)"; bad=1; }
journalctl -u hull-update.service --since "$since" --no-pager -o cat | grep -q 'nothing to do: version 0\.1\.0 build [0-9]* is the running version' ||
        { echo "FAIL: no 'nothing to do' in the journal"; bad=1; }
[ "$(state)" = "$before" ] || { echo "FAIL: a check with nothing to do was recorded as an update"; bad=1; }
t=$(date +%s)
hull-update status --json | tr -d '\n ' | grep -qE '"last_check":\{"time":[0-9]+,"result":"nothing-newer"' ||
        { echo "FAIL: status does not show the check as nothing-newer"; hull-update status --json; bad=1; }
checked=$(sed -n 's/^ *"time": *\([0-9]*\).*/\1/p' /var/lib/hull/last-check.json)
[ -n "$checked" ] && [ $((t - checked)) -ge 0 ] && [ $((t - checked)) -lt 120 ] ||
        { echo "FAIL: the last check's time ($checked) is not this check's ($t)"; bad=1; }
hull-update status | grep -q '^Last check: .*nothing-newer' || { echo "FAIL: status does not print the last check"; bad=1; }
exit "$bad"
