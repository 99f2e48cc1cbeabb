# The CIS watches on Docker's state (/var/lib/docker, /var/lib/containerd): a write deep in
# either tree by a person is recorded with key "docker", on every boot including the first
# (the directories exist before auditd loads its rules); the engines' own writes there, about
# 1,000 records for each container, are not.
set -u
fail() { echo "FAIL: $*"; exit 1; }
export LC_ALL=C

docker image inspect hull-test:latest >/dev/null 2>&1 || fail "hull-test:latest is not loaded (05-test-image)"
for d in /var/lib/docker/tmp /var/lib/containerd/io.containerd.metadata.v1.bolt; do
        [ -d "$d" ] || fail "$d does not exist: dockerd or containerd has not started"
done

sleep 1
start=$(date '+%x %T')
sleep 1
# The engines at work: a container created, started and removed, with writes under both trees.
docker run --rm hull-test:latest true || fail "docker run failed"
tag=hull-audit-state-$$
for f in /var/lib/docker/tmp/$tag /var/lib/containerd/io.containerd.metadata.v1.bolt/$tag; do
        touch "$f" || fail "cannot create $f"
        rm -f "$f"
done

# Each tree on its own: both files' names, under their own folder.
i=0
while :; do
        rec=$(ausearch --input-logs -k docker --start $start -i 2>/dev/null)
        missing=""
        for d in /var/lib/docker/tmp /var/lib/containerd/io.containerd.metadata.v1.bolt; do
                printf '%s\n' "$rec" | grep -q "name=$d/$tag" || missing="$missing $d"
        done
        [ -z "$missing" ] && break
        i=$((i + 1))
        if [ $i -ge 15 ]; then
                printf '%s\n' "$rec" | tail -30
                auditctl -l | grep /var/lib
                fail "the administrator's file was not recorded with key docker under:$missing"
        fi
        sleep 1
done
echo "the administrator's writes, recorded:"
printf '%s\n' "$rec" | grep "name=.*$tag" | sed -e 's/ inode=.*//'

# The engines' own: none. ausearch -x matches the exe field of the SYSCALL record.
for exe in /usr/sbin/dockerd /usr/bin/containerd; do
        own=$(ausearch --input-logs -k docker -x "$exe" --start $start 2>/dev/null | grep -c '^type=SYSCALL' || true)
        echo "$exe: $own records with key docker since $start"
        [ "$own" = 0 ] || fail "$own syscalls of $exe under Docker's state recorded with key docker: the never rules of 30-hull-docker.rules are not in effect"
done
exit 0
