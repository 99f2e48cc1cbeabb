# URL= the 0.1.1 payload, REBOOT=never: one service start installs it in the other slot and
# does not reboot; a second start finds it installed and does not write the slot again.
set -u
printf 'URL=file:///run/hull-payload/0.1.1\nREBOOT=never\n' >/etc/hull/update.conf
boot=$(cat /proc/sys/kernel/random/boot_id)
since=$(date '+%Y-%m-%d %H:%M:%S')
# Started in the background so that ps sees the process (apply takes a while): its SELinux
# domain must be hull_update_t, not init_t.
systemctl start hull-update.service & starter=$!
ctx=""
for i in $(seq 300); do
        ctx=$(ps -e -o label=,comm= | awk '$2 == "hull-update" && $1 != "-" { print $1; exit }')
        [ -n "$ctx" ] && break
        kill -0 "$starter" 2>/dev/null || break
        sleep 0.1
done
wait "$starter"; st=$?
journalctl -u hull-update.service --since "$since" --no-pager -o cat
echo "systemctl start: $st"
echo "hull-update ran as: ${ctx:-(not seen)}"
hull-update status
bad=0
[ "$st" = 0 ] || { echo "FAIL: the service failed"; bad=1; }
journalctl -u hull-update.service --since "$since" --no-pager -o cat | grep -q '^Applied /run/hull-payload/0\.1\.1 to slot b of ' ||
        { echo "FAIL: the service did not apply the update"; bad=1; }
ls /efi/EFI/Linux/ | grep -q '^hull_0\.1\.1+3\.efi$' || { echo "FAIL: no counted UKI for 0.1.1"; bad=1; }
grep -q '"result": "success"' /var/lib/hull/update.json && grep -q '"version": "0.1.1"' /var/lib/hull/update.json ||
        { echo "FAIL: update.json does not record 0.1.1 installed"; bad=1; }
. /etc/os-release
[ "$IMAGE_VERSION" = 0.1.0 ] && [ "$(cat /proc/sys/kernel/random/boot_id)" = "$boot" ] ||
        { echo "FAIL: the machine rebooted or changed version"; bad=1; }
hull-update status | grep -qE '^Slot [ab] +ready, version 0\.1\.1, hull_0\.1\.1\+3\.efi' ||
        { echo "FAIL: status does not show 0.1.1 installed in the other slot"; bad=1; }
[ "$(echo "$ctx" | cut -d: -f3)" = hull_update_t ] || { echo "FAIL: hull-update.service did not run as hull_update_t"; bad=1; }

finished=$(sed -n 's/.*"finished": \([0-9]*\).*/\1/p' /var/lib/hull/update.json)
since=$(date '+%Y-%m-%d %H:%M:%S')
systemctl start hull-update.service; st=$?
journalctl -u hull-update.service --since "$since" --no-pager -o cat
[ "$st" = 0 ] || { echo "FAIL: second run: the service failed"; bad=1; }
hull-update auto; code=$?
[ "$code" = 3 ] || { echo "FAIL: hull-update auto with the update installed exited $code, want 3"; bad=1; }
journalctl -u hull-update.service --since "$since" --no-pager -o cat | grep -q 'nothing to do: version 0\.1\.1 is installed in slot . already and boots next' ||
        { echo "FAIL: the second run does not say the update waits for a reboot"; bad=1; }
[ "$(sed -n 's/.*"finished": \([0-9]*\).*/\1/p' /var/lib/hull/update.json)" = "$finished" ] ||
        { echo "FAIL: the second run wrote the slot again"; bad=1; }
rm -f /etc/hull/update.conf
exit "$bad"
