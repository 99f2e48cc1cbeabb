# The talk's demo: `docker images` leaves an audit record with key "docker" (the watch on
# /usr/bin/docker -p x), found with ausearch or in the journal.
set -u
fail() { echo "FAIL: $*"; exit 1; }

tag=hull-audit-$$-$(date +%s)
# A unique argument, so the record found is this run's (EXECVE records carry the arguments).
docker images --filter "label=$tag" || fail "docker images failed"

i=0
while [ $i -lt 15 ]; do
        if ausearch --input-logs -k docker --start recent 2>/dev/null | grep -F "$tag" >/tmp/hull-audit-docker; then
                cat /tmp/hull-audit-docker
                ausearch --input-logs -k docker --start recent 2>/dev/null | grep -q 'key="docker"' ||
                        fail "ausearch --input-logs -k docker shows no key=\"docker\" record"
                echo "found with ausearch --input-logs -k docker"
                exit 0
        fi
        if journalctl _TRANSPORT=audit --no-pager -q --since=-10min 2>/dev/null | grep -F "$tag" >/tmp/hull-audit-docker; then
                cat /tmp/hull-audit-docker
                journalctl _TRANSPORT=audit --no-pager -q --since=-10min | grep -q 'key="docker"' ||
                        fail "the journal has the EXECVE record but no key=\"docker\""
                echo "found with journalctl _TRANSPORT=audit"
                exit 0
        fi
        i=$((i + 1))
        sleep 1
done
echo "--- ausearch --input-logs -k docker --start recent:"
ausearch --input-logs -k docker --start recent 2>&1 | tail -20
echo "--- auditctl -l:"
auditctl -l
fail "no audit record of 'docker images --filter label=$tag' with key docker"
