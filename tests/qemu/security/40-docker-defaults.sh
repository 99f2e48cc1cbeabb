# dockerd runs with Hull's daemon.json: the built-in runc runtime by default, which on Hull is
# hull-runtime (/usr/sbin/runc links to it; Debian's runc is /usr/libexec/hull/runc), Hull's
# seccomp profile, SELinux labels, no-new-privileges, journald logging; and a container shows
# them, with either runtime name (runc, and hull, kept for containers of older images).
set -u
fail() { echo "FAIL: $*"; exit 1; }

docker image inspect hull-test:latest >/dev/null 2>&1 ||
        fail "the test image hull-test:latest is not loaded (the harness imports it with docker import)"
info=$(docker info --format '{{.DefaultRuntime}} {{.LoggingDriver}} {{json .SecurityOptions}}') || fail "docker info failed"
echo "$info"
case $info in runc\ *) ;; *) fail "the default runtime is not runc" ;; esac
echo "$info" | grep -q ' journald ' || fail "the log driver is not journald"
echo "$info" | grep -q 'profile=/usr/share/hull/seccomp/docker-default.json' || fail "dockerd does not use Hull's seccomp profile"
echo "$info" | grep -q 'name=selinux' || fail "dockerd's SELinux support is off"

docker info --format '{{json .Runtimes}}' | grep -q '"hull"' || fail "the runtime hull (containers of older images) is not defined"

# runc, as every caller finds it by name (PATH), is hull-runtime; the real runc answers behind it.
out=$(runc --hull-version) || fail "runc in PATH is not hull-runtime (runc --hull-version failed)"
echo "$out"
case $out in "hull-runtime "*) ;; *) fail "runc --hull-version printed '$out'" ;; esac
[ "$(readlink -f "$(command -v runc)")" = /usr/bin/hull-runtime ] || fail "runc in PATH does not lead to /usr/bin/hull-runtime"
out=$(/usr/libexec/hull/runc --version) || fail "/usr/libexec/hull/runc --version failed"
echo "$out"
echo "$out" | grep -q '^runc version ' || fail "/usr/libexec/hull/runc is not runc"
[ "$(runc --version)" = "$out" ] || fail "runc --version through hull-runtime differs from the real runc's"

for rt in default runc hull; do
        opt=""
        [ "$rt" = default ] || opt="--runtime=$rt"
        # shellcheck disable=SC2086 # $opt is empty or one option
        status=$(docker run --rm $opt hull-test sh -c 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; cat /proc/self/attr/current; echo') ||
                fail "docker run ($rt runtime) failed"
        echo "$rt: $status"
        echo "$status" | grep -qE '^NoNewPrivs:[[:space:]]+1$' || fail "no-new-privileges is not set in a container ($rt runtime)"
        echo "$status" | grep -qE '^Seccomp:[[:space:]]+2$' || fail "a container ($rt runtime) runs without a seccomp filter"
        echo "$status" | grep -q ':container_t:s0:c[0-9]*,c[0-9]*' || fail "a container ($rt runtime) is not labelled container_t with MCS categories"
done
exit 0
