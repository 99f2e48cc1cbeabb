# shellcheck shell=bash
# Shared by the host tests of this suite.
P=/run/hull-payload/0.1.1
mount_payload() {
        guest -t 60 'mkdir -p /run/hull-payload; mountpoint -q /run/hull-payload || mount -o ro /dev/disk/by-id/virtio-hull-payload /run/hull-payload'
}
# apply_in_background [PROGRAM [ENV=VALUE...]]: PROGRAM (default: the image's hull-update) apply
# of 0.1.1 in the guest, detached, its output in /run/apply.log.
apply_in_background() {
        local prog=${1:-hull-update}
        [ $# -gt 0 ] && shift
        guest -t 30 "rm -f /run/apply.log; setsid env $* $prog apply $P </dev/null >/run/apply.log 2>&1 & echo started"
}
# After a power cut: the machine booted a good slot, the one it ran before (0.1.0 from slot a),
# on a verified /usr with no failed unit; the other slot has no boot entry.
check_old_slot_boots() {
        local s bad=0
        s=$(guest -t 60 '. /etc/os-release; echo "$IMAGE_VERSION $(veritysetup status usr | sed -n "s/^ *status: *//p") $(systemctl is-system-running)"')
        echo "after the power cut: $s"
        [ "$s" = "0.1.0 verified running" ] || { echo "FAIL: want '0.1.0 verified running'"; bad=1; }
        # A second boot of the same build: /etc has its users already, sysusers is skipped.
        s=$(guest -t 60 'systemctl show -p ConditionResult --value systemd-sysusers.service')
        [ "$s" = no ] || { echo "FAIL: systemd-sysusers ran again on a later boot of the same build (ConditionResult=$s)"; bad=1; }
        s=$(guest -t 60 'hull-update status --json')
        echo "$s" | jq -e '.booted_slot == "a" and ([.slots[] | select(.booted | not) | .uki] | all(. == null))' >/dev/null ||
                { echo "FAIL: not booted from slot a, or the other slot has a boot entry"; echo "$s"; bad=1; }
        guest -t 60 'ls -la /efi/EFI/Linux/; bootctl list --no-pager | grep -E "^ *id:"' | tee /tmp/hull-pl.$$
        grep 'hull_0\.1\.1' /tmp/hull-pl.$$ | grep -v '\.tmp$' | grep -q . && { echo "FAIL: a 0.1.1 boot entry exists"; bad=1; }
        rm -f /tmp/hull-pl.$$
        return "$bad"
}
# apply again after the power cut (a new boot: the payload disk is mounted again): it completes.
apply_again() {
        local out st
        mount_payload || return 1
        out=$(guest -t 900 "hull-update apply $P 2>&1; echo \"exit=\$?\"")
        echo "$out"
        st=$(echo "$out" | sed -n 's/^exit=//p')
        [ "$st" = 0 ] || { echo "FAIL: apply after the power cut exited $st"; return 1; }
        guest -t 30 'ls -a /efi/EFI/Linux/' | tee /tmp/hull-pl.$$
        grep -q '^hull_0\.1\.1+3\.efi$' /tmp/hull-pl.$$ || { echo "FAIL: no hull_0.1.1+3.efi after apply"; rm -f /tmp/hull-pl.$$; return 1; }
        grep -q '\.tmp$' /tmp/hull-pl.$$ && { echo "FAIL: a temporary file is left on the ESP"; rm -f /tmp/hull-pl.$$; return 1; }
        rm -f /tmp/hull-pl.$$
        return 0
}
