# hull-runtime removes NET_RAW, MKNOD, AUDIT_WRITE and SETPCAP unless asked for. The talk's
# demo with busybox's raw-socket ping (Docker opens net.ipv4.ping_group_range in containers,
# so only a raw socket shows NET_RAW): fails by default and with --cap-drop=all, works with
# --cap-drop=all --cap-add=NET_RAW and with --cap-add=NET_RAW. The bounding set of a default
# container holds the 10 remaining capabilities, also with --runtime hull (the name runc is
# hull-runtime too), with --network none, host and container:<other> (which takes its settings
# from its own hostconfig.json). docker exec, --runtime=runc and the builders' RUN steps are
# in 52-every-path.
set -u
fail() { echo "FAIL: $*"; exit 1; }

docker image inspect hull-test:latest >/dev/null 2>&1 ||
        fail "the test image hull-test:latest is not loaded (the harness imports it with docker import)"

# ping_must_fail DESCRIPTION [DOCKER-RUN-OPTIONS...]
ping_must_fail() {
        d=$1
        shift
        if out=$(docker run --rm "$@" hull-test ping -c1 -W2 127.0.0.1 2>&1); then
                echo "$out"
                fail "ping worked $d"
        fi
        echo "$out"
        echo "$out" | grep -q 'permission denied' || fail "ping failed $d, but not for lack of NET_RAW"
}
ping_must_work() {
        d=$1
        shift
        out=$(docker run --rm "$@" hull-test ping -c1 -W2 127.0.0.1 2>&1) || { echo "$out"; fail "ping failed $d"; }
        echo "$out"
}
ping_must_fail "in a default container"
ping_must_fail "with --cap-drop=all" --cap-drop=all
ping_must_work "with --cap-drop=all --cap-add=NET_RAW" --cap-drop=all --cap-add=NET_RAW
ping_must_work "with --cap-add=NET_RAW" --cap-add=NET_RAW
ping_must_work "with --cap-add=net_raw" --cap-add=net_raw

# Docker's 14 defaults minus the four: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID
# NET_BIND_SERVICE SYS_CHROOT SETFCAP = bits 0 1 3 4 5 6 7 10 18 31.
want=00000000800404fb
want_net_raw=00000000800424fb # plus NET_RAW (bit 13)

# caps OUTPUT NAME: the hex value of /proc/self/status field NAME in OUTPUT
caps() { printf '%s\n' "$1" | awk -v f="$2:" '$1 == f { print $2 }'; }

s=$(docker run --rm hull-test cat /proc/self/status) || fail "docker run failed"
printf '%s\n' "$s" | grep '^Cap'
for f in CapBnd CapPrm CapEff; do
        [ "$(caps "$s" $f)" = $want ] || fail "$f of a default container is $(caps "$s" $f), want $want"
done
[ "$(caps "$s" CapAmb)" = 0000000000000000 ] || fail "a default container has ambient capabilities"

s=$(docker run --rm --runtime=hull hull-test cat /proc/self/status) || fail "docker run --runtime=hull failed"
for f in CapBnd CapEff; do
        [ "$(caps "$s" $f)" = $want ] || fail "$f with --runtime=hull is $(caps "$s" $f), want $want"
done

# hull-runtime finds the container's settings through the /etc/hostname, /etc/hosts and
# /etc/resolv.conf mounts dockerd puts in the spec; every network mode has them.
for net in none host; do
        s=$(docker run --rm --network=$net hull-test cat /proc/self/status) || fail "docker run --network=$net failed"
        [ "$(caps "$s" CapBnd)" = $want ] || fail "CapBnd with --network=$net is $(caps "$s" CapBnd), want $want"
done

s=$(docker run --rm --cap-add NET_RAW hull-test cat /proc/self/status) || fail "docker run --cap-add NET_RAW failed"
[ "$(caps "$s" CapBnd)" = $want_net_raw ] || fail "CapBnd with --cap-add NET_RAW is $(caps "$s" CapBnd), want $want_net_raw"

cid=$(docker run -d hull-test sleep 300) || fail "docker run -d failed"
trap 'docker rm -f "$cid" >/dev/null 2>&1' EXIT
# --network container:<other>: the three files are the other container's, the settings its own.
s=$(docker run --rm --network=container:"$cid" --cap-add=NET_RAW hull-test cat /proc/self/status) ||
        fail "docker run --network=container: failed"
[ "$(caps "$s" CapBnd)" = $want_net_raw ] || fail "CapBnd with --network=container: --cap-add NET_RAW is $(caps "$s" CapBnd), want $want_net_raw"
exit 0
