# SELinux is enforcing, and the talk's demo holds: a container cannot write the host's
# /etc/machine-id bind-mounted into it, and the denial (an AVC naming comm and file) is in
# the audit log. Note: this test causes one AVC denial on purpose.
set -u
fail() { echo "FAIL: $*"; exit 1; }

mode=$(getenforce) || fail "getenforce failed"
[ "$mode" = Enforcing ] || fail "SELinux is $mode, not Enforcing"
docker image inspect hull-test:latest >/dev/null 2>&1 ||
        fail "the test image hull-test:latest is not loaded (the harness imports it with docker import)"

before=$(sha256sum /etc/machine-id)
if out=$(docker run --rm -v /etc/machine-id:/mnt/machine-id hull-test sh -c 'echo x >> /mnt/machine-id' 2>&1); then
        echo "$out"
        fail "a container appended to the host's /etc/machine-id"
fi
echo "$out"
[ "$(sha256sum /etc/machine-id)" = "$before" ] || fail "/etc/machine-id changed"
echo "$out" | grep -qi 'permission denied' || fail "the write failed, but not with 'Permission denied'"

i=0
while [ $i -lt 15 ]; do
        avc=$( (ausearch --input-logs -m AVC --start recent 2>/dev/null; journalctl _TRANSPORT=audit --no-pager -q --since=-10min 2>/dev/null) |
                grep 'denied' | grep 'comm="sh"' | grep 'name="machine-id"' | head -5)
        if [ -n "$avc" ]; then
                echo "$avc"
                echo "$avc" | grep -q 'container_t' || fail "the denied process is not in container_t"
                exit 0
        fi
        i=$((i + 1))
        sleep 1
done
ausearch --input-logs -m AVC --start recent 2>&1 | tail -20
fail "no AVC denial with comm=\"sh\" and name=\"machine-id\" in the audit log"
