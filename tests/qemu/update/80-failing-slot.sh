# Install 0.1.1 again, this time with a health check (a drop-in of the administrator's) that
# fails on 0.1.1: the new slot must spend its tries and hand the machine back to 0.1.0. The
# administrator gives new slots two tries (/etc/kernel/tries; 20-apply saw the default, 3):
# two failed boots show the count going down across boots, at one boot less than three.
set -eu
mkdir -p /etc/kernel && echo 2 >/etc/kernel/tries
mkdir -p /etc/hull/health.d
cat >/etc/hull/health.d/50-test-fail-0.1.1 <<'CHECK'
#!/bin/sh
. /etc/os-release
[ "$IMAGE_VERSION" != 0.1.1 ] || { echo "test: slot 0.1.1 declared unhealthy"; exit 1; }
CHECK
chmod +x /etc/hull/health.d/50-test-fail-0.1.1
mkdir -p /run/hull-payload
mountpoint -q /run/hull-payload || mount -o ro /dev/disk/by-id/virtio-hull-payload /run/hull-payload
hull-update apply /run/hull-payload
ls -l /efi/EFI/Linux/
ls /efi/EFI/Linux/ | grep -q '^hull_0\.1\.1+2\.efi$' || { echo "no UKI for 0.1.1 with two tries"; exit 1; }
rm /etc/kernel/tries
