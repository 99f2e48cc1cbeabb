# No AVC denial since boot, in the journal or in auditd's log (once auditd runs the kernel's
# audit records go to auditd, not to the journal), and none in permissive mode hidden either.
set -eu
n_journal=$(journalctl -b --no-pager | grep -cE 'avc: +denied' || true)
n_audit=0
if [ -r /var/log/audit/audit.log ]; then
        n_audit=$(grep -cE 'avc: +denied' /var/log/audit/audit.log || true)
        grep -E 'avc: +denied' /var/log/audit/audit.log | head -20 || true
fi
journalctl -b --no-pager | grep -E 'avc: +denied' | head -20 || true
echo "AVC denials since boot: $n_journal in the journal, $n_audit in /var/log/audit/audit.log"
[ "$n_journal" = 0 ] && [ "$n_audit" = 0 ]
