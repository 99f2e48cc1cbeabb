# shellcheck shell=bash
# The seccomp workload corpus (tests/corpus) on the running image, for each image on the
# read-only disk with serial hull-corpus (a tar of image tars, NAME.tar, and the static
# hull-syscall-census of tests/probes; this suite's setup.sh puts the one image CI runs on it,
# bench/seccomp-corpus.sh every image):
#   1. loaded with docker import; its workload passes ("corpus ok") under Hull's default
#   2. two starts under the logging profile (hull-seccomp record --make-logging-profile),
#      recorded from the audit log by their containers (hull-seccomp record --container), then
#      one start a round under the logging profile made --seen the recording so far, until a
#      round adds no call
#   3. the recorded profile is within Hull's default (diff --subset) and the workload passes
#      under it
#   4. a call the workload never made (the first of a list of harmless calls missing from the
#      recorded profile) fails with EPERM under the recorded profile and is reached under the
#      default (hull-syscall-census of tests/probes, copied into the container)
# Each image is removed after its checks (the disk holds one at a time). The recorded profiles
# stay in /var/tmp/hull-corpus/NAME.json; one line an image: "corpus NAME syscalls N refused
# CALL rounds R lost L seconds S" (N: the calls it allows on x86_64; L: audit records the kernel
# dropped meanwhile), or "FAIL: NAME: why"; then the next image.
# With CORPUS_MODE=default set ahead of this script (bench/seccomp-corpus.sh --default-only),
# only step 1: "corpus NAME default ok seconds S" an image.
# Exit 1 if any image failed.
set -u
CORPUS_MODE=${CORPUS_MODE:-record}
DEV=/dev/disk/by-id/virtio-hull-corpus
W=/var/tmp/hull-corpus
DEFAULT=/usr/share/hull/seccomp/docker-default.json
AUDIT_LOG=/var/log/audit/audit.log
WORKLOAD=/usr/local/bin/hull-corpus-workload
REFUSABLE="mkdirat symlinkat fchmodat renameat2 linkat getpriority sysinfo getcwd uname umask"
fail() { echo "FAIL: $*"; exit 1; }
bad() { echo "FAIL: $*"; return 1; }

[ -b "$DEV" ] || fail "the corpus disk $DEV is missing"
command -v hull-seccomp >/dev/null || fail "hull-seccomp is not in the image"
mkdir -p "$W" || fail "cannot create $W"
# --seek: tar reads a block device through unless told it can seek, 2.5 GiB for every image of
# bench/seccomp-corpus.sh's disk; --occurrence=1 stops at the member
images=$(tar --seek -tf "$DEV" | sed -n 's/\.tar$//p')
[ -n "$images" ] || fail "no image tar on the corpus disk $DEV"
tar --seek --occurrence=1 -xOf "$DEV" hull-syscall-census >"$W/hull-syscall-census" ||
        fail "hull-syscall-census is not on the corpus disk"
chmod 0755 "$W/hull-syscall-census" || fail "chmod $W/hull-syscall-census failed"
hull-seccomp record --make-logging-profile -o "$W/log.json" || fail "record --make-logging-profile failed"

# run PROFILE NAME: the workload of image NAME under PROFILE ("" for the default); its output
run() {
        local opt=()
        [ -n "$1" ] && opt=(--security-opt seccomp="$1")
        docker run --rm --network none "${opt[@]}" "hull-corpus-$2" "$WORKLOAD" 2>&1
}

# census PROFILE NAME CALL: hull-syscall-census CALL in a container of image NAME
census() {
        local opt=() cid out
        [ -n "$1" ] && opt=(--security-opt seccomp="$1")
        cid=$(docker create --network none "${opt[@]}" "hull-corpus-$2" /hull-syscall-census "$3") || return 1
        docker cp "$W/hull-syscall-census" "$cid:/hull-syscall-census" >/dev/null || { docker rm "$cid" >/dev/null; return 1; }
        out=$(docker start -a "$cid" 2>&1)
        docker rm "$cid" >/dev/null
        echo "$out"
}

# the kernel's count of audit records it dropped
lost() { auditctl -s | awk '$1 == "lost" { print $2 }'; }

# auditd's logs, oldest first: it rotates audit.log at 8 MiB (Debian's max_log_file), which one
# logged round of a busy workload can fill
audit_logs() {
        local f
        for f in $(ls -r "$AUDIT_LOG".[0-9]* 2>/dev/null) "$AUDIT_LOG"; do
                printf -- '--audit-log %s ' "$f"
        done
}

# auditd writes asynchronously: wait until the log stops growing
audit_settle() {
        local prev=-1 n
        for _ in $(seq 1 30); do
                n=$(grep -c 'type=SECCOMP' "$AUDIT_LOG")
                [ "$n" = "$prev" ] && return 0
                prev=$n
                sleep 1
        done
}

# one NAME: the checks of image NAME; 1 (and a message) on the first that fails
one() {
        local name=$1 t0 img rec since cid prev n out refused c round logp lost0
        t0=$(date +%s)
        img=hull-corpus-$name
        rec=$W/$name.json
        if ! docker image inspect "$img" >/dev/null 2>&1; then
                tar --seek --occurrence=1 -xOf "$DEV" "$name.tar" | docker import - "$img" >/dev/null ||
                        { bad "$name: docker import of $name.tar from $DEV failed"; return 1; }
        fi

        out=$(run "" "$name") || { bad "$name: the workload failed under Hull's default: $out"; return 1; }
        [ "$(echo "$out" | tail -n 1)" = "corpus ok" ] || { bad "$name: the workload did not finish under Hull's default: $out"; return 1; }
        if [ "$CORPUS_MODE" = default ]; then
                echo "corpus $name default ok seconds $(($(date +%s) - t0))"
                return 0
        fi

        since=$(date +@%s)
        lost0=$(lost)
        set --
        # Round 1 logs every call of two starts; each later round runs the workload once under a
        # logging profile that allows what is recorded so far without logging it, so it logs only
        # what the earlier rounds' records missed (the kernel drops records when auditd falls
        # behind a flood of them). The recording is done when a round adds no call.
        n=0
        for round in 1 2 3 4 5; do
                logp=$W/log.json
                if [ "$round" -gt 1 ]; then
                        logp=$W/$name.seen.json
                        hull-seccomp record --make-logging-profile --seen "$rec" -o "$logp" >/dev/null ||
                                { bad "$name: record --make-logging-profile --seen failed"; return 1; }
                fi
                for _ in $([ "$round" = 1 ] && echo 1 2 || echo 1); do
                        cid=$(docker run -d --network none --security-opt seccomp="$logp" "$img" "$WORKLOAD") ||
                                { bad "$name: docker run under the logging profile failed"; return 1; }
                        [ "$(docker wait "$cid")" = 0 ] || { docker logs "$cid"; bad "$name: the workload failed under the logging profile (round $round)"; return 1; }
                        set -- "$@" --container "$cid"
                done
                audit_settle
                # --no-notify: the evidence is what the image calls, and "reachable" below counts
                # what the profile allows (a notified call would count as reachable);
                # security/62-seccomp-record checks the notified refusals and their records.
                hull-seccomp record --no-notify --since "$since" "$@" $(audit_logs) -o "$rec" >"$W/$name.record.log" 2>&1 ||
                        { cat "$W/$name.record.log"; bad "$name: record failed"; return 1; }
                prev=$n
                n=$(hull-seccomp stats "$rec" --arch amd64 | awk '$1 == "reachable" { print $2 }')
                [ "$n" = "$prev" ] && break
        done
        [ "$n" = "$prev" ] || { bad "$name: the recording still grew after $round rounds ($prev, then $n calls)"; return 1; }
        for c in "$@"; do [ "$c" = --container ] || docker rm "$c" >/dev/null; done
        hull-seccomp validate "$rec" >/dev/null || { bad "$name: the recorded profile does not validate"; return 1; }
        hull-seccomp diff --subset "$DEFAULT" "$rec" >/dev/null || { bad "$name: the recorded profile is not within Hull's default"; return 1; }

        out=$(run "$rec" "$name") || { bad "$name: the workload failed under its recorded profile: $out"; return 1; }
        [ "$(echo "$out" | tail -n 1)" = "corpus ok" ] || { bad "$name: the workload did not finish under its recorded profile: $out"; return 1; }

        refused=
        for c in $REFUSABLE; do
                grep -qF "\"$c\"" "$rec" || { refused=$c; break; }
        done
        [ -n "$refused" ] || { bad "$name: the recorded profile allows every call of: $REFUSABLE"; return 1; }
        out=$(census "$rec" "$name" "$refused")
        echo "$out" | grep -qE "^[0-9]+ $refused eperm EPERM$" ||
                { bad "$name: $refused, never recorded, was not refused with EPERM under the recorded profile: $out"; return 1; }
        out=$(census "" "$name" "$refused")
        echo "$out" | grep -qE "^[0-9]+ $refused reachable " ||
                { bad "$name: $refused is not reached under Hull's default: $out"; return 1; }

        echo "corpus $name syscalls $n refused $refused rounds $round lost $(($(lost) - lost0)) seconds $(($(date +%s) - t0))"
}

failed=0
for name in $images; do
        one "$name" || failed=1
        docker rmi "hull-corpus-$name" >/dev/null 2>&1
done
exit "$failed"
