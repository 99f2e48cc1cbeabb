# Seccomp: every system call on the talk's block list fails with EPERM in a default
# container (hull-syscall-probe), and the talk's strict-mode program is killed by SIGKILL at
# open() (status 137). Strict mode cannot be entered from inside a seccomp filter (the
# kernel refuses to change modes, the probe exits 2), which shows the filter is there; the
# demonstration itself runs with seccomp=unconfined.
set -u
fail() { echo "FAIL: $*"; exit 1; }

docker image inspect hull-test:latest >/dev/null 2>&1 ||
        fail "the test image hull-test:latest is not loaded (the harness imports it with docker import)"

out=$(docker run --rm hull-test /usr/local/bin/hull-syscall-probe 2>&1)
st=$?
echo "$out"
[ $st = 0 ] || fail "hull-syscall-probe exited $st: a blocked system call got through"
echo "$out" | grep -qx 'all blocked' || fail "hull-syscall-probe did not report 'all blocked'"

out=$(docker run --rm hull-test /usr/local/bin/hull-seccomp-strict 2>&1)
st=$?
echo "$out"
[ $st = 2 ] || fail "in a default container hull-seccomp-strict exited $st, want 2 (strict mode refused under a filter)"

out=$(docker run --rm --security-opt seccomp=unconfined hull-test /usr/local/bin/hull-seccomp-strict 2>&1)
st=$?
echo "$out"
[ $st = 137 ] || fail "hull-seccomp-strict exited $st, want 137 (SIGKILL at open)"
echo "$out" | grep -q 'Writing to an already open file' || fail "it did not get past entering strict mode"
if echo "$out" | grep -q 'You should not see'; then
        fail "open() was not stopped"
fi
exit 0
