# Loads the test container image hull-test:latest (busybox-static and the probes of
# tests/probes) from the read-only disk the harness attaches with serial hull-test-image.
if ! docker image inspect hull-test:latest >/dev/null 2>&1; then
        dev=/dev/disk/by-id/virtio-hull-test-image
        [ -b "$dev" ] || { echo "the test image disk $dev is missing"; exit 1; }
        docker import - hull-test:latest <"$dev" >/dev/null || { echo "docker import of $dev failed"; exit 1; }
fi
