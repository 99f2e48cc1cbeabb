# The second boot does not provision again: hull-firstboot is skipped by its marker, what the
# first boot made is still there, and the unit the config enabled runs again.
set -eu
guest-reboot
guest <<'G'
set -eu
r=$(systemctl show -p ConditionResult --value hull-firstboot.service)
[ "$r" = no ] || { echo "hull-firstboot's condition was '$r' on the second boot, want no (skipped)"; exit 1; }
if journalctl -b -u hull-firstboot.service --no-pager | grep -q 'Using the config'; then
        echo "hull-firstboot read a config on the second boot"; exit 1
fi
id core
[ -f /etc/hull-test/hello.txt ] || { echo "the provisioned file is gone"; exit 1; }
systemctl is-active hull-firstboot-test.service
[ "$(cat /run/hull-firstboot-test.ran)" = ran ]
echo "second boot: provisioning skipped, its results kept"
G
