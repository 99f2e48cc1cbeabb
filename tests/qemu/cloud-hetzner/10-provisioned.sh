# Detected as Hetzner from the DMI strings; the config came from the metadata service, gzip
# and all; the harness's administrator (who runs this) was made from it; the host name too.
set -e
[ "$(cat /run/hull/platform)" = hetzner ]
journalctl -b -u hull-firstboot -u hull-firstboot-fetch --no-pager -o cat | tee /tmp/fb.log
grep -qE '^Platform: hetzner \(DMI .*"Hetzner".*\)\.$' /tmp/fb.log
grep -qE '^GET http://169\.254\.169\.254/hetzner/v1/userdata \(attempt [0-9]/8\): HTTP 200, [0-9]+ bytes\.$' /tmp/fb.log
grep -q '^Using the config from the Hetzner Cloud metadata service' /tmp/fb.log
[ "$(cat /etc/hostname)" = hull-hetzner-vm ]
test -f /var/lib/hull/firstboot.done
