# Booted 0.1.1 from slot B; the /etc edit, the image and the volume survived; the new entry was
# blessed once the boot completed.
set -eu
. /etc/os-release
echo "running $IMAGE_VERSION"
[ "$IMAGE_VERSION" = 0.1.1 ] || { echo "expected 0.1.1"; exit 1; }
hull-update status
hash=$(sed -n 's/.*usrhash=\([0-9a-f]*\).*/\1/p' /proc/cmdline)
lsblk -o NAME,PARTLABEL,PARTUUID
lsblk -no PARTLABEL "/dev/disk/by-partuuid/$(echo "$hash" | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/')" | grep -qx usr-b ||
        { echo "/usr is not from usr-b"; exit 1; }
# The first boot of a build of /usr that /etc has not seen runs systemd-sysusers (its users and
# groups come with that /usr) and records the build.
systemctl show -p ConditionResult -p Result systemd-sysusers.service
[ "$(systemctl show -p ConditionResult --value systemd-sysusers.service)" = yes ] ||
        { echo "systemd-sysusers did not run on the first boot of 0.1.1"; exit 1; }
ls /var/lib/systemd/hull-sysusers.*
[ -e "/var/lib/systemd/hull-sysusers.$BUILD_ID" ] || { echo "no sysusers stamp for build $BUILD_ID"; exit 1; }
[ "$(cat /etc/hull-update-test)" = "kept across updates" ] || { echo "the /etc edit was lost"; exit 1; }
docker image inspect hull-test:latest >/dev/null || { echo "the container image was lost"; exit 1; }
[ "$(docker run --rm -v hull-vol:/data hull-test cat /data/f)" = volume-data ] || { echo "the volume was lost"; exit 1; }
for i in $(seq 60); do
        ls /efi/EFI/Linux/ | grep -q '^hull_0\.1\.1\.efi$' && break
        sleep 2
done
ls -l /efi/EFI/Linux/
ls /efi/EFI/Linux/ | grep -q '^hull_0\.1\.1\.efi$' || { echo "0.1.1 was not blessed"; exit 1; }
