# Every way a container process starts is confined alike: docker run, docker exec,
# --runtime=runc, a RUN step of the legacy builder and of BuildKit (what docker compose build
# and buildx use), with SELinux enforcing; then the same with userns-remap and a moved
# data-root, set up as an administrator would. Each process reads its own /proc: CapEff and
# CapBnd are Docker's defaults minus the four hull-runtime removes, Seccomp 2, NoNewPrivs 1,
# container_t with two categories, and hull-syscall-probe finds every call on Hull's list
# refused (ptrace among them, which Docker's and containerd's default filters allow: the
# filter is Hull's). --cap-add NET_RAW still brings ping back through run, exec and
# --runtime=runc. Under userns-remap the paths whose setup the remap changes are checked again
# (run, exec, a BuildKit RUN, --cap-add through run); --runtime=runc and the legacy builder
# start their containers as docker run does, and were checked above.
set -u
fail() { echo "FAIL: $*"; exit 1; }
want=00000000800404fb

# check WHAT OUTPUT: OUTPUT is /proc/self/status, a line "label <context>" and the probe's
# report, as one process printed them.
check() {
        what=$1 out=$2
        f() { printf '%s\n' "$out" | awk -v f="$1:" '$1 == f { print $2; exit }'; }
        printf '%s: CapEff %s CapBnd %s Seccomp %s NoNewPrivs %s %s\n' "$what" "$(f CapEff)" "$(f CapBnd)" \
                "$(f Seccomp)" "$(f NoNewPrivs)" "$(printf '%s\n' "$out" | grep '^label ')"
        [ "$(f CapEff)" = $want ] || fail "$what: CapEff $(f CapEff), want $want"
        [ "$(f CapBnd)" = $want ] || fail "$what: CapBnd $(f CapBnd), want $want"
        [ "$(f Seccomp)" = 2 ] || fail "$what: Seccomp $(f Seccomp), want 2 (a filter)"
        [ "$(f NoNewPrivs)" = 1 ] || fail "$what: NoNewPrivs $(f NoNewPrivs), want 1"
        printf '%s\n' "$out" | grep -qE '^label system_u:system_r:container_t:s0:c[0-9]+,c[0-9]+$' ||
                fail "$what: not container_t with two categories: $(printf '%s\n' "$out" | grep '^label ')"
        printf '%s\n' "$out" | grep -qx 'all blocked' ||
                { printf '%s\n' "$out" | grep -v EPERM; fail "$what: a call on Hull's list got through"; }
}
# shellcheck disable=SC2016  # expanded by the container's shell
SELF='cat /proc/self/status; echo "label $(cat /proc/self/attr/current | tr -d "\0")"; /usr/local/bin/hull-syscall-probe'

# paths TAG SLUG [all]: TAG names the setup in messages, SLUG in image names; "all" adds
# --runtime=runc, ping through exec and runc, and the legacy builder.
paths() {
        tag=$1 slug=$2 all=${3:-}
        check "docker run$tag" "$(docker run --rm hull-test sh -c "$SELF" 2>&1)"
        [ -z "$all" ] ||
                check "docker run --runtime=runc$tag" "$(docker run --rm --runtime=runc hull-test sh -c "$SELF" 2>&1)"
        cid=$(docker run -d hull-test sleep 600) || fail "docker run -d failed$tag"
        check "docker exec$tag" "$(docker exec "$cid" sh -c "$SELF" 2>&1)"
        docker rm -f "$cid" >/dev/null
        # --cap-add NET_RAW brings the raw-socket ping back through each of them.
        docker run --rm --cap-add NET_RAW hull-test ping -c1 -W2 127.0.0.1 >/dev/null ||
                fail "ping with --cap-add NET_RAW failed$tag"
        if [ -n "$all" ]; then
                docker run --rm --runtime=runc --cap-add NET_RAW hull-test ping -c1 -W2 127.0.0.1 >/dev/null ||
                        fail "ping with --runtime=runc --cap-add NET_RAW failed$tag"
                cid=$(docker run -d --cap-add NET_RAW hull-test sleep 600) ||
                        fail "docker run -d --cap-add NET_RAW failed$tag"
                docker exec "$cid" ping -c1 -W2 127.0.0.1 >/dev/null ||
                        fail "ping in docker exec of a --cap-add NET_RAW container failed$tag"
                docker rm -f "$cid" >/dev/null
        fi
        # A build context in /tmp, as an administrator's: BuildKit copies its files' labels
        # along with them (dockerd may not take those; the build must not fail on them).
        ctx=$(mktemp -d)
        printf 'FROM hull-test\nRUN %s\nRUN echo built >/built && mkdir /d && ln -s /built /d/l\nCOPY Dockerfile /copied\n' \
                "$SELF" >"$ctx/Dockerfile"
        out=$(DOCKER_BUILDKIT=1 docker build --progress=plain --no-cache -t "hull-bk$slug-test" "$ctx" 2>&1) ||
                { printf '%s\n' "$out" | tail -20; fail "BuildKit build failed$tag"; }
        check "BuildKit RUN$tag" "$(printf '%s\n' "$out" | sed -n 's/^#[0-9][0-9]* [0-9][0-9.]* //p')"
        [ "$(docker run --rm "hull-bk$slug-test" cat /built /d/l)" = "built
built" ] || fail "the BuildKit image lacks what its RUN step wrote$tag"
        docker run --rm -i "hull-bk$slug-test" cmp /copied /dev/stdin <"$ctx/Dockerfile" ||
                fail "the BuildKit image's COPY differs from the context$tag"
        docker rmi "hull-bk$slug-test" >/dev/null
        if [ -n "$all" ]; then
                out=$(DOCKER_BUILDKIT=0 docker build --no-cache --force-rm -t "hull-legacy$slug-test" "$ctx" 2>&1) ||
                        { printf '%s\n' "$out" | tail -20; fail "legacy build failed$tag"; }
                check "legacy RUN$tag" "$out"
                docker rmi "hull-legacy$slug-test" >/dev/null
        fi
        rm -rf "$ctx"
}

docker image inspect hull-test:latest >/dev/null 2>&1 || fail "the test image hull-test:latest is not loaded"
[ "$(getenforce)" = Enforcing ] || fail "SELinux is not enforcing"
paths "" "" all

# userns-remap and a moved data-root: the administrator makes the remap user and its ranges
# (dockerd may not run useradd), edits daemon.json and restarts Docker. Put back afterwards.
cp /etc/docker/daemon.json /run/daemon.json.hull-test
restore() {
        cp /run/daemon.json.hull-test /etc/docker/daemon.json
        systemctl restart docker
}
trap restore EXIT
getent passwd dockremap >/dev/null || useradd -r -M -s /usr/sbin/nologin dockremap || fail "useradd dockremap failed"
grep -q '^dockremap:' /etc/subuid || echo dockremap:300000:65536 >>/etc/subuid
grep -q '^dockremap:' /etc/subgid || echo dockremap:300000:65536 >>/etc/subgid
sed -i '1a\  "data-root": "/var/lib/docker-moved",\n  "userns-remap": "default",' /etc/docker/daemon.json
systemctl restart docker || { journalctl -u docker -b --no-pager -n 20; fail "dockerd did not start with userns-remap"; }
[ "$(docker info --format '{{.DockerRootDir}}')" = /var/lib/docker-moved/300000.300000 ] ||
        fail "Docker's root is $(docker info --format '{{.DockerRootDir}}'), not the remapped moved one"
docker import - hull-test:latest </dev/disk/by-id/virtio-hull-test-image >/dev/null || fail "docker import failed"
[ "$(docker run --rm hull-test cat /proc/self/uid_map | awk '{ print $2 }')" = 300000 ] ||
        fail "the container's root is not uid 300000"
paths " (userns-remap, data-root moved)" -userns
exit 0
