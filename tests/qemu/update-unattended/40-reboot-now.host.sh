# REBOOT=now with 0.1.1 installed and waiting (30-apply-no-reboot): a start of the service
# reboots the machine through systemd by itself; 0.1.1 boots from the other slot, passes the
# health gate (with an administrator's drop-in check that passes and prints its SELinux context:
# drop-ins run in hull-health's domain, hull_health_t) and is blessed.
set -u
old=$(guest -t 10 'cat /proc/sys/kernel/random/boot_id') || { echo "FAIL: the guest does not answer"; exit 1; }
guest -t 30 'set -e
mkdir -p /etc/hull/health.d
printf "#!/bin/sh\nsystemctl is-active --quiet systemd-networkd.service && grep -q ^IMAGE_VERSION= /etc/os-release && tr -d \"\\\\0\" </proc/self/attr/current\n" >/etc/hull/health.d/50-test-networkd
cat /etc/hull/health.d/50-test-networkd
chmod +x /etc/hull/health.d/50-test-networkd
printf "URL=file:///run/hull-payload/0.1.1\nREBOOT=now\n" >/etc/hull/update.conf
sync
systemctl start --no-block hull-update.service' || { echo "FAIL: cannot start hull-update.service"; exit 1; }
end=$(($(date +%s) + 900))
new=$old
while [ "$(date +%s)" -lt "$end" ]; do
        sleep 5
        new=$(guest -t 5 'cat /proc/sys/kernel/random/boot_id' 2>/dev/null) || continue
        [ -n "$new" ] && [ "$new" != "$old" ] && break
done
[ -n "$new" ] && [ "$new" != "$old" ] || { echo "FAIL: no reboot within 900 s of starting hull-update.service"; exit 1; }
echo "rebooted: boot id $new"
guest -t 600 'systemctl is-system-running --wait >/dev/null; true'
guest -t 300 'set -u
bad=0
. /etc/os-release
echo "running $IMAGE_VERSION"
[ "$IMAGE_VERSION" = 0.1.1 ] || { echo "FAIL: running $IMAGE_VERSION, want 0.1.1"; bad=1; }
journalctl -b -1 -u hull-update.service --no-pager -o cat | tail -5
journalctl -b -1 -u hull-update.service --no-pager -o cat | grep -q "REBOOT=now: rebooting into the new slot" ||
        { echo "FAIL: the previous boot did not reboot through hull-update"; bad=1; }
for i in $(seq 90); do ls /efi/EFI/Linux/ | grep -q "^hull_0\.1\.1\.efi$" && break; sleep 2; done
ls /efi/EFI/Linux/
ls /efi/EFI/Linux/ | grep -q "^hull_0\.1\.1\.efi$" || { echo "FAIL: 0.1.1 was not blessed"; bad=1; }
journalctl -b -u hull-health.service --no-pager -o cat
journalctl -b -u hull-health.service --no-pager -o cat | grep -q "/etc/hull/health.d/50-test-networkd: system_u:system_r:hull_health_t:s0" ||
        { echo "FAIL: the drop-in check did not pass as hull_health_t"; bad=1; }
rm -f /etc/hull/update.conf /etc/hull/health.d/50-test-networkd
exit $bad'
