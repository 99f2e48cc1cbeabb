# Power cut while hull-update writes the /usr image into the other slot: the machine boots the
# old slot (the half-written one has "pending" PARTUUIDs and no UKI), and apply run again
# completes.
set -u
. "$(dirname "$0")/lib.sh"
mount_payload || exit 1
apply_in_background
# Cut when the writer has written 64 MiB of the image (wchar of hull-update's processes).
end=$(($(date +%s) + 900)) w=0
while [ "$(date +%s)" -lt "$end" ]; do
        w=$(guest -t 10 'for p in $(pidof hull-update); do sed -n "s/^wchar: //p" /proc/$p/io; done | sort -n | tail -1')
        [ -n "$w" ] && [ "$w" -ge $((64 << 20)) ] && break
        guest -t 10 'cat /run/apply.log' | grep . && { echo "apply ended before the cut"; exit 1; }
        sleep 1
done
s=$(guest -t 30 'hull-update status --json')
echo "at the cut: $((w >> 20)) MiB written; slots: $(echo "$s" | jq -c '[.slots[] | {name, state}]')"
echo "$s" | jq -e '[.slots[] | select(.name == "b") | .state] == ["pending"]' >/dev/null ||
        { echo "FAIL: slot b is not pending while it is written"; exit 1; }
guest-powercycle 900 || exit 1
bad=0
check_old_slot_boots || bad=1
guest -t 30 'hull-update status' | grep -E '^Slot b +pending' || { echo "FAIL: slot b is not left pending"; bad=1; }
apply_again || bad=1
exit "$bad"
