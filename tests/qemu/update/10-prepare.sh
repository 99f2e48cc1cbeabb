# State an update must keep: an administrator's file in /etc, a container image and a named
# volume with data in /var.
set -eu
echo "kept across updates" >/etc/hull-update-test
if ! docker image inspect hull-test:latest >/dev/null 2>&1; then
        docker import - hull-test:latest </dev/disk/by-id/virtio-hull-test-image >/dev/null
fi
docker volume create hull-vol >/dev/null
docker run --rm -v hull-vol:/data hull-test sh -c 'echo volume-data >/data/f'
hull-update status
