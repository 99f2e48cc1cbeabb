# dockerd's setkey prestart hook, by which runc hands a new container's network namespace to
# dockerd, is hull-runtime (packages/hull-runtime/setkey.h) rather than a second start of
# dockerd's own binary: a running container's spec names /usr/bin/hull-runtime with dockerd's
# own arguments, and the container got its interface, address and default route through that
# hook, on the default bridge and on a network of the administrator's. With --network none,
# host or container:<other> dockerd writes no hook, and those containers run as before.
set -u
fail() { echo "FAIL: $*"; exit 1; }

docker image inspect hull-test:latest >/dev/null 2>&1 ||
        fail "the test image hull-test:latest is not loaded (the harness imports it with docker import)"
docker rm -f hull-hook-a hull-hook-b >/dev/null 2>&1
docker network rm hull-hook-net >/dev/null 2>&1

# prestart_of ID: the hooks.prestart list of a running container's spec, as containerd keeps it.
prestart_of() {
        spec=/run/containerd/io.containerd.runtime.v2.task/moby/$1/config.json
        [ -f "$spec" ] || fail "no spec at $spec"
        grep -o '"prestart":\[[^]]*\]' "$spec"
}

# check_net NAME NETWORK: the container's eth0 has the address and route dockerd reports.
check_net() {
        name=$1 net=$2
        id=$(docker inspect -f '{{.Id}}' "$name") || fail "docker inspect $name failed"
        hooks=$(prestart_of "$id")
        echo "$name: $hooks"
        case $hooks in
        *'"path":"/usr/bin/hull-runtime","args":["libnetwork-setkey","-exec-root='*"\",\"$id\",\""*) ;;
        *) fail "$name: the setkey hook is not hull-runtime with dockerd's arguments" ;;
        esac
        case $hooks in *'/proc/'*) fail "$name: a hook still runs /proc/<pid>/exe" ;; esac
        want=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$net\").IPAddress}}" "$name")
        gw=$(docker inspect -f "{{(index .NetworkSettings.Networks \"$net\").Gateway}}" "$name")
        [ -n "$want" ] && [ -n "$gw" ] || fail "$name: dockerd reports no address on $net"
        addr=$(docker exec "$name" ip -4 -o addr show dev eth0) || fail "$name: no eth0 in the container"
        echo "$name: $addr"
        case $addr in *" inet $want/"*) ;; *) fail "$name: eth0 does not hold $want" ;; esac
        route=$(docker exec "$name" ip -4 route show default)
        echo "$name: $route"
        case $route in "default via $gw dev eth0"*) ;; *) fail "$name: the default route is not via $gw" ;; esac
}

docker run -d --name hull-hook-a hull-test sleep 600 >/dev/null || fail "docker run on the default bridge failed"
check_net hull-hook-a bridge

docker network create hull-hook-net >/dev/null || fail "docker network create failed"
docker run -d --name hull-hook-b --network hull-hook-net hull-test sleep 600 >/dev/null ||
        fail "docker run on a user-defined network failed"
check_net hull-hook-b hull-hook-net

for n in none host container:hull-hook-a; do
        out=$(docker run --rm --network "$n" hull-test sh -c 'ip -o link | wc -l') ||
                fail "docker run --network $n failed"
        echo "--network $n: $out links"
done

docker rm -f hull-hook-a hull-hook-b >/dev/null
docker network rm hull-hook-net >/dev/null || fail "docker network rm failed"
exit 0
