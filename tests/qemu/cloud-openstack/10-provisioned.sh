# Detected as OpenStack from the DMI strings; no config drive, so the config came from the
# metadata service; the harness's administrator (who runs this) was made from it; the host
# name came from meta_data.json.
set -e
[ "$(cat /run/hull/platform)" = openstack ]
journalctl -b -u hull-firstboot -u hull-firstboot-fetch --no-pager -o cat | tee /tmp/fb.log
grep -qE '^Platform: openstack \(DMI .*"OpenStack Nova".*\)\.$' /tmp/fb.log
grep -qE '^GET http://169\.254\.169\.254/openstack/latest/user_data \(attempt [0-9]/8\): HTTP 200, [0-9]+ bytes\.$' /tmp/fb.log
grep -q '^Using the config from the OpenStack metadata service' /tmp/fb.log
[ "$(cat /etc/hostname)" = hull-openstack-vm.novalocal ]
test -f /var/lib/hull/firstboot.done
