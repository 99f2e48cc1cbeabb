# Power cut during the UKI install: the image and tree are written and verified, slot b has its
# real PARTUUIDs, the UKI is written and synced under its temporary name but not renamed (a
# test build of hull-update from the payload disk, tools/hull-update-test-hooks, stops exactly
# there when HULL_UPDATE_TEST_PAUSE_BEFORE_UKI_RENAME is set; the image's hull-update has no
# such hook). The machine boots the old slot, nothing boots the new one, and the image's
# hull-update apply run again completes and leaves no temporary file.
set -u
. "$(dirname "$0")/lib.sh"
mount_payload || exit 1
apply_in_background /run/hull-payload/tools/hull-update-test-hooks HULL_UPDATE_TEST_PAUSE_BEFORE_UKI_RENAME=1
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
