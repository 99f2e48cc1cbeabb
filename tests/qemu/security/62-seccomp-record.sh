# hull-seccomp record (packages/hull-seccomp/README.md, "Seccomp from evidence"): a busybox
# workload started three times under the logging profile is recorded from the audit log by its
# containers' SELinux labels (and runc's last calls, by pid); the recorded profile is within
# Hull's default (diff --subset), runs the same workload, and refuses a call the workload never
# made (mkdir) with EPERM, which Hull's default allows, through hull-seccomp-agent, which writes
# the refusal to the audit log.
set -u
W=/var/tmp/hull-seccomp-record
DEFAULT=/usr/share/hull/seccomp/docker-default.json
AUDIT_LOG=/var/log/audit/audit.log
WORKLOAD='echo recorded >/tmp/x && cat /tmp/x && ls / >/dev/null'
cids=
fail() { echo "FAIL: $*"; cleanup; exit 1; }
cleanup() {
        # shellcheck disable=SC2086 # one word per container
        [ -n "$cids" ] && docker rm -f $cids >/dev/null 2>&1
        rm -rf "$W"
        return 0
}

docker image inspect hull-test:latest >/dev/null 2>&1 ||
        fail "the test image hull-test:latest is not loaded (the harness imports it with docker import)"
command -v hull-seccomp >/dev/null || fail "hull-seccomp is not in the image"
grep -qw log /proc/sys/kernel/seccomp/actions_logged ||
        fail "\"log\" is not in /proc/sys/kernel/seccomp/actions_logged: $(cat /proc/sys/kernel/seccomp/actions_logged)"
mkdir -p "$W" || fail "cannot create $W"

# 1. the logging profile: the same calls as the default, logged
hull-seccomp record --make-logging-profile -o "$W/log.json" || fail "record --make-logging-profile failed"
hull-seccomp validate "$W/log.json" || fail "the logging profile does not validate"
hull-seccomp diff "$DEFAULT" "$W/log.json" | tail -n 1 | grep -qF '(same)' ||
        fail "the logging profile allows other calls than the default"

# 2. the workload under it, three starts (runc's own calls after loading the filter vary)
since=$(date +@%s)
for _ in 1 2 3; do
        cid=$(docker run -d --security-opt seccomp="$W/log.json" hull-test sh -c "$WORKLOAD") ||
                fail "docker run under the logging profile failed"
        cids="$cids $cid"
        [ "$(docker wait "$cid")" = 0 ] || { docker logs "$cid"; fail "the workload failed under the logging profile"; }
done

# auditd writes asynchronously: wait until the last container's records stop growing
label=$(docker inspect --format '{{.ProcessLabel}}' "$cid")
case "$label" in *container_t:s0:c*) ;; *) fail "unexpected container label '$label'" ;; esac
prev=-1
for _ in $(seq 1 30); do
        n=$(grep -c -F "subj=$label " "$AUDIT_LOG")
        [ "$n" -gt 0 ] && [ "$n" = "$prev" ] && break
        prev=$n
        sleep 1
done
[ "$n" -gt 0 ] || fail "no SECCOMP record with subj=$label in $AUDIT_LOG"
echo "$n records of $label"

# 3. the recorded profile, within the default
set --
for c in $cids; do set -- "$@" --container "$c"; done
hull-seccomp record --since "$since" "$@" -o "$W/rec.json" || fail "record failed"
hull-seccomp validate "$W/rec.json" || fail "the recorded profile does not validate"
hull-seccomp diff --subset "$DEFAULT" "$W/rec.json" || fail "the recorded profile is not within Hull's default"
grep -qF '"execve"' "$W/rec.json" || fail "execve is missing: runc's calls before the container's label were not linked"
# shellcheck disable=SC2086 # one word per container
docker rm $cids >/dev/null || fail "docker rm failed"
cids=

# the workload runs under its recorded profile
out=$(docker run --rm --security-opt seccomp="$W/rec.json" hull-test sh -c "$WORKLOAD" 2>&1) ||
        fail "the workload failed under its recorded profile: $out"
[ "$out" = recorded ] || fail "the workload printed '$out' under its recorded profile"

# a call it never made is refused with EPERM; Hull's default allows it, so the recorded profile
# hands it to hull-seccomp-agent (SCMP_ACT_NOTIFY; write excepted, which runc refuses to notify)
# and the agent writes the refusal to the audit log
grep -qF '"SCMP_ACT_NOTIFY"' "$W/rec.json" || fail "the recorded profile has no SCMP_ACT_NOTIFY rule"
# attached, not -d: docker logs of a container that is gone at once may come back empty (journald)
out=$(docker run --name hull-seccomp-refused --security-opt seccomp="$W/rec.json" hull-test sh -c "$WORKLOAD && mkdir /tmp/d" 2>&1)
st=$?
cid=$(docker inspect -f '{{.Id}}' hull-seccomp-refused) || fail "docker run under the recorded profile (with its notified calls) made no container: $out"
cids=$cid
echo "$out"
[ "$st" != 0 ] || fail "mkdir, never recorded, was allowed"
echo "$out" | grep -qF "mkdir: can't create directory '/tmp/d': Operation not permitted" ||
        fail "mkdir did not fail with EPERM under the recorded profile"
rec=
for _ in $(seq 1 20); do
        # libaudit quotes the id (audit_encode_nv_string); an id it would hex-encode is no Docker id
        rec=$(grep -F "op=seccomp-refuse container=\"$cid\" " "$AUDIT_LOG") && break
        sleep 1
done
echo "$rec"
[ -n "$rec" ] || fail "no op=seccomp-refuse record of container $cid in $AUDIT_LOG"
echo "$rec" | grep -q '^type=TRUSTED_APP .* arch=x86_64 syscall=mkdir nr=83 errno=1 ' ||
        fail "the agent's record is not a TRUSTED_APP record of mkdir (83) on x86_64"
echo "$rec" | grep -qF 'subj=system_u:system_r:hull_seccomp_agent_t:s0 ' ||
        fail "the record did not come from hull_seccomp_agent_t"
# the same record through the audit tools
ausearch --input-logs -m TRUSTED_APP -i 2>/dev/null | grep -aF "$cid" | grep -aq ' syscall=mkdir ' ||
        fail "ausearch -m TRUSTED_APP does not find the refusal of mkdir"
[ "$(ps -o label= -C hull-seccomp-agent)" = system_u:system_r:hull_seccomp_agent_t:s0 ] ||
        fail "hull-seccomp-agent runs as '$(ps -o label= -C hull-seccomp-agent)'"
docker rm "$cid" >/dev/null || fail "docker rm failed"
cids=
# Hull's default allows the call the recorded profile refused
docker run --rm hull-test sh -c 'mkdir /tmp/d' || fail "mkdir fails under Hull's default too"

cleanup
exit 0
