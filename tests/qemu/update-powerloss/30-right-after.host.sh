# Power cut right after apply returned (UKI renamed, directory synced; no shutdown, no sync):
# the machine boots 0.1.1 from slot b on its first counted try, the health gate blesses it, and
# apply run again has nothing to do.
set -u
. "$(dirname "$0")/lib.sh"
mount_payload || exit 1
t0=$(date +%s)
out=$(guest -t 900 "hull-update apply $P 2>&1; echo \"exit=\$?\"")
echo "$out"
echo "$out" | grep -q '^exit=0$' || { echo "apply failed"; exit 1; }
guest-powercycle 900 || exit 1
bad=0
s=$(guest -t 60 '. /etc/os-release; echo "$IMAGE_VERSION $(veritysetup status usr | sed -n "s/^ *status: *//p")"')
echo "after the power cut: $s"
[ "$s" = "0.1.1 verified" ] || { echo "FAIL: want 0.1.1 on a verified /usr"; bad=1; }
guest -t 60 'hull-update status --json' | jq -e '.booted_slot == "b"' >/dev/null || { echo "FAIL: not booted from slot b"; bad=1; }
for _ in $(seq 60); do
        guest -t 10 'ls /efi/EFI/Linux/' | grep -q '^hull_0\.1\.1\.efi$' && break
        sleep 5
done
guest -t 10 'ls -la /efi/EFI/Linux/'
guest -t 10 'ls /efi/EFI/Linux/' | grep -q '^hull_0\.1\.1\.efi$' || { echo "FAIL: 0.1.1 was not blessed"; bad=1; }
echo "from apply to 0.1.1 blessed (apply, power cycle, boot, health gate; TCG): $(($(date +%s) - t0)) s"
mount_payload || exit 1
out=$(guest -t 300 "hull-update apply $P 2>&1; echo \"exit=\$?\"")
echo "$out"
echo "$out" | grep -q '^exit=3$' && echo "$out" | grep -q 'nothing to do' ||
        { echo "FAIL: apply again on 0.1.1 is not 'nothing to do' (exit 3)"; bad=1; }
exit "$bad"
