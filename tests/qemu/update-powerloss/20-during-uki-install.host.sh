# Power cut during the UKI install: the image and tree are written and verified, slot b has its
# real PARTUUIDs, the UKI is written and synced under its temporary name but not renamed (the
# test hook HULL_UPDATE_TEST_PAUSE_BEFORE_UKI_RENAME stops hull-update exactly there). The
# machine boots the old slot, nothing boots the new one, and apply run again completes and
# leaves no temporary file.
set -u
. "$(dirname "$0")/lib.sh"
mount_payload || exit 1
apply_in_background HULL_UPDATE_TEST_PAUSE_BEFORE_UKI_RENAME=1
end=$(($(date +%s) + 900))
while [ "$(date +%s)" -lt "$end" ]; do
        log=$(guest -t 10 'cat /run/apply.log')
        case $log in *"test hook: paused before renaming"*) break ;; ?*) echo "$log"; echo "apply ended without pausing"; exit 1 ;; esac
        sleep 2
done
echo "$log"
case $log in *"test hook: paused"*) ;; *) echo "hull-update did not reach the UKI install"; exit 1 ;; esac
guest -t 30 'ls -la /efi/EFI/Linux/' | tee /dev/stderr | grep -q '\.hull_0\.1\.1+3\.efi\.tmp$' ||
        { echo "FAIL: no temporary UKI at the pause"; exit 1; }
guest-powercycle 900 || exit 1
bad=0
check_old_slot_boots || bad=1
apply_again || bad=1
exit "$bad"
