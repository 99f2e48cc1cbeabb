# The platform came from the DMI strings QEMU's SMBIOS set (Azure's chassis asset tag), and
# the config from the provisioning media on the CD-ROM.
set -e
p=$(cat /run/hull/platform)
echo "platform: $p"
[ "$p" = azure ]
journalctl -b -u hull-firstboot --no-pager -o cat | tee /tmp/fb.log
grep -qE '^Platform: azure \(DMI chassis_asset_tag "7783-7084-3265-9085-8269-3286-77" \(Azure\)\)\.$' /tmp/fb.log
grep -qE '^Using the config from /dev/sr0 \(Azure provisioning media, iso9660\)' /tmp/fb.log
