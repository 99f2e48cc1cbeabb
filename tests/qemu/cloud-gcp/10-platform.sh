# The platform came from the DMI strings QEMU's SMBIOS set, and is kept for others to read.
set -e
p=$(cat /run/hull/platform)
echo "platform: $p"
[ "$p" = gcp ]
journalctl -b -u hull-firstboot -u hull-firstboot-fetch --no-pager -o cat | tee /tmp/fb.log
grep -qE '^Platform: gcp \(DMI .*"Google Compute Engine"\)\.$' /tmp/fb.log
