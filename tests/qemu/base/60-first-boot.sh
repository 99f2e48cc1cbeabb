# First boot made the machine unique: a machine-id and ssh host keys of its own, and the
# image's identity in os-release.
set -eu
id=$(cat /etc/machine-id)
echo "machine-id $id"
[ ${#id} = 32 ] || { echo "no machine-id"; exit 1; }
ls /etc/ssh/ssh_host_ed25519_key.pub || { echo "no ssh host key"; exit 1; }
. /etc/os-release
echo "$PRETTY_NAME: IMAGE_ID=$IMAGE_ID IMAGE_VERSION=$IMAGE_VERSION"
[ "$IMAGE_ID" = hull ]
[ -n "$IMAGE_VERSION" ]
# The build applied the presets: the first boot is not a systemd "first boot" (empty machine-id,
# not "uninitialized"), so systemd does not apply them again nor run systemd-firstboot.
if journalctl -b -o cat --no-pager | grep -F 'Populated /etc with preset unit settings'; then
        echo "systemd applied the presets again at boot"; exit 1
fi
[ "$(systemctl show -P ConditionResult systemd-firstboot.service)" != yes ] ||
        { echo "systemd-firstboot ran"; exit 1; }
