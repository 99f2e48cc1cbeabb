# dockerd runs with Hull's daemon.json: hull-runtime by default, Hull's seccomp profile,
# SELinux labels, no-new-privileges, journald logging; and a container shows them.
set -u
fail() { echo "FAIL: $*"; exit 1; }

docker image inspect hull-test:latest >/dev/null 2>&1 ||
        fail "the test image hull-test:latest is not loaded (the harness imports it with docker import)"
info=$(docker info --format '{{.DefaultRuntime}} {{.LoggingDriver}} {{json .SecurityOptions}}') || fail "docker info failed"
echo "$info"
case $info in hull\ *) ;; *) fail "the default runtime is not hull" ;; esac
echo "$info" | grep -q ' journald ' || fail "the log driver is not journald"
echo "$info" | grep -q 'profile=/usr/share/hull/seccomp/docker-default.json' || fail "dockerd does not use Hull's seccomp profile"
echo "$info" | grep -q 'name=selinux' || fail "dockerd's SELinux support is off"

status=$(docker run --rm hull-test sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/self/attr/current; echo') ||
        fail "docker run failed"
echo "$status"
echo "$status" | grep -qE '^NoNewPrivs:[[:space:]]+1$' || fail "no-new-privileges is not set in a default container"
echo "$status" | grep -qE '^Seccomp:[[:space:]]+2$' || fail "a default container runs without a seccomp filter"
echo "$status" | grep -q ':container_t:s0:c[0-9]*,c[0-9]*' || fail "a default container is not labelled container_t with MCS categories"
exit 0
