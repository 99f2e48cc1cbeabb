# hull-posture on the booted image: every required check passes, and weakening one thing at a
# time makes exactly the matching check fail, with the evidence naming what was weakened.
#
# The baseline is what fails before anything is weakened (only recommended checks may: the
# AVC that 30-selinux provokes on purpose, Secure Boot off under plain OVMF). Each case must
# fail the baseline plus its own check, nothing more and nothing less; the weakening is undone
# before the next case, and the baseline must hold again at the end.
set -u
fail() { echo "FAIL: $*"; cleanup; exit 1; }
cleanup() {
        docker rm -f posture-weak >/dev/null 2>&1
        rm -f /var/lib/posture-suid
        [ -f /run/daemon.json.orig ] && cp /run/daemon.json.orig /etc/docker/daemon.json && rm -f /run/daemon.json.orig
        return 0
}

docker image inspect hull-test:latest >/dev/null 2>&1 ||
        fail "the test image hull-test:latest is not loaded (the harness imports it with docker import)"
command -v hull-posture >/dev/null || fail "hull-posture is not in the image"

# failing: the ids of the checks that fail or could not look, sorted, one line.
failing() {
        hull-posture >/run/posture.out 2>&1
        echo $? >/run/posture.rc
        awk 'NR > 1 && ($2 == "fail" || $2 == "error") { print $1 }' /run/posture.out | sort | paste -sd' ' -
}
show() { sed 's/^/    /' /run/posture.out; }

# --list names each check once; every listed check shows up in a run, once.
listed=$(hull-posture --list | awk '{ print $1 }' | sort)
ran=$(hull-posture | awk 'NR > 1 { print $1 }' | sort)
[ "$(echo "$listed" | wc -l)" -ge 30 ] || fail "hull-posture --list names fewer than 30 checks"
[ "$listed" = "$ran" ] || fail "the checks hull-posture runs are not the ones --list names"
[ -z "$(echo "$listed" | uniq -d)" ] || fail "a check id is listed twice: $(echo "$listed" | uniq -d)"

base=$(failing)
show
[ "$(cat /run/posture.rc)" = 0 ] || fail "a required check fails on a fresh image (exit $(cat /run/posture.rc)): $base"
for id in $base; do
        sev=$(hull-posture --list | awk -v id="$id" '$1 == id { print $2 }')
        [ "$sev" = recommended ] || fail "$id fails on a fresh image and is $sev"
done
echo "baseline: ${base:-nothing fails}"
hull-posture --json | grep -q '"required_passed": *true' || fail "--json does not say required_passed true"

# expect CASE IDS EVIDENCE-REGEX: after weakening, exactly the baseline plus IDS (the check the
# case is about first, then any it also fails by design) fail, hull-posture exits 1, the first
# ID's line shows EVIDENCE-REGEX, and --check ID alone exits 1 for each.
expect() {
        local got want id
        got=$(failing)
        # shellcheck disable=SC2086 # word lists
        want=$(printf '%s\n' $base $2 | sort -u | paste -sd' ' -)
        show
        [ "$got" = "$want" ] || fail "$1: failing checks are '$got', want '$want'"
        [ "$(cat /run/posture.rc)" = 1 ] || fail "$1: hull-posture exited $(cat /run/posture.rc), want 1"
        grep -E "^${2%% *} " /run/posture.out | grep -qE "$3" || fail "$1: ${2%% *}'s evidence does not match /$3/"
        for id in $2; do
                hull-posture --check "$id" >/dev/null && fail "$1: hull-posture --check $id passes"
        done
        echo "PASS: $1 -> $2"
}
# weak CASE IDS EVIDENCE DOCKER-RUN-OPTIONS...: a container started with the options.
weak() {
        local c=$1 id=$2 ev=$3
        shift 3
        docker run -d --name posture-weak "$@" hull-test sleep 600 >/dev/null || fail "$c: docker run $* failed"
        expect "$c" "$id" "$ev"
        docker rm -f posture-weak >/dev/null || fail "$c: could not remove the container"
}
# A default container is within every check.
docker run -d --name posture-weak hull-test sleep 600 >/dev/null || fail "docker run failed"
[ "$(failing)" = "$base" ] || { show; fail "a default container fails a check: $(failing)"; }
docker rm -f posture-weak >/dev/null

weak "--privileged" containers.privileged 'spc_t' --privileged
weak "seccomp=unconfined" containers.seccomp 'Seccomp' --security-opt seccomp=unconfined
# Docker runs a --pid=host container without SELinux labels (spc_t): privileged fails too.
weak "--pid=host" "containers.host-pid containers.privileged" "shares the host's pid namespace" --pid=host
weak "docker.sock mounted" containers.docker-sock 'docker\.sock' -v /run/docker.sock:/run/docker.sock
weak "--cap-add NET_RAW" containers.capabilities 'NET_RAW' --cap-add NET_RAW

cp /usr/bin/true /var/lib/posture-suid && chmod 4755 /var/lib/posture-suid
expect "a setuid file in /var" files.setuid-var '/var/lib/posture-suid'
rm -f /var/lib/posture-suid

cp /etc/docker/daemon.json /run/daemon.json.orig
sed -i 's/"icc": false/"icc": true/' /etc/docker/daemon.json
grep -q '"icc": true' /etc/docker/daemon.json || fail "could not set icc in daemon.json"
expect "daemon.json icc true" docker.icc 'icc'
cp /run/daemon.json.orig /etc/docker/daemon.json
sed -i 's/^{/{\n  "insecure-registries": ["10.0.2.2:5000"],/' /etc/docker/daemon.json
expect "an insecure registry" docker.insecure-registries '10\.0\.2\.2:5000'
cp /run/daemon.json.orig /etc/docker/daemon.json && rm -f /run/daemon.json.orig

[ "$(failing)" = "$base" ] || { show; fail "after every weakening is undone, failing checks are '$(failing)', want '$base'"; }
cleanup
exit 0
