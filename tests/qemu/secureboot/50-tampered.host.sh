# Tampered UKIs are refused by the firmware and the machine comes back to the good entry by
# itself. Each is installed as an entry newer than the running one with one try, so
# systemd-boot picks it first:
#   hull_9.9.9+1.efi  the UKI with enforcing=0 on its command line, rebuilt with objcopy: no
#                     signature at all;
#   hull_9.9.8+1.efi  the signed UKI with "enforcing=1" patched to "enforcing=0" in place: the
#                     signature is still there but no longer matches.
# At the reboot systemd-boot counts each try (+1 -> +0-1) and the firmware refuses to load it
# (Access Denied on the console); with every try used, the entry sorts last and hull_0.1.0
# boots, enforcing, with the command line the build signed. The refused entry must stay
# counted: systemd-bless-boot would bless it (LoaderBootCountPath still names it) but for
# /usr/lib/hull/bless-boot-check.
set -eu
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
objcopy -O binary --only-section=.cmdline "$HULL_OUT/hull.efi" "$w/cmdline"
sed -i 's/enforcing=1/enforcing=0/' "$w/cmdline"
objcopy --update-section .cmdline="$w/cmdline" "$HULL_OUT/hull.efi" "$w/unsigned.efi"
python3 - "$HULL_OUT/hull.efi" "$w/patched.efi" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.find(b' enforcing=1 ')
assert i > 0 and b.find(b' enforcing=1 ', i + 1) < 0
b[i:i+13] = b' enforcing=0 '
open(sys.argv[2], 'wb').write(b)
PY
for f in unsigned patched; do
        if sbverify --cert "$HULL_OUT/db.crt" "$w/$f.efi" >/dev/null 2>&1; then echo "$f.efi still verifies"; exit 1; fi
done
sbverify --list "$w/patched.efi" | grep -q 'signature 1' || { echo "patched.efi lost its signature"; exit 1; }
bad=0
# round NAME FILE ENTRY: FILE installed as ENTRY (one try), a reboot, then the checks.
round() {
        local name=$1 file=$2 entry=$3 counted lines
        counted="${entry%+1.efi}+0-1.efi"
        echo "=== $name as $entry"
        guest-put "$file" "/efi/EFI/Linux/$entry"
        guest 'bootctl list --no-pager 2>/dev/null | grep -E "^ +(id|tries):"'
        lines=$(wc -l <"$HULL_VM_DIR/serial.log")
        guest-reboot 900 || { echo "the machine did not come back after $name"; bad=1; return; }
        tail -n +"$lines" "$HULL_VM_DIR/serial.log" | tr -d '\r' | grep -a -E 'Error loading|BdsDxe: failed to start' |
                sed 's/\x1b\[[0-9;]*m//g' | tee "$w/refusals"
        grep -qF "Error loading \\EFI\\Linux\\$counted: Access Denied" "$w/refusals" ||
                { echo "no firmware refusal of $counted on the console"; bad=1; }
        guest 'ls /efi/EFI/Linux; cat /proc/cmdline; getenforce
               cat /sys/firmware/efi/efivars/LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f | tail -c +5 | tr -d "\0"; echo
               journalctl -b -u systemd-bless-boot --no-pager -o cat' |
                tee "$w/state"
        grep -qx 'hull_0.1.0.efi' "$w/state" || { echo "the good entry was not the one booted"; bad=1; }
        grep -qx Enforcing "$w/state" || { echo "not enforcing"; bad=1; }
        if grep -q 'enforcing=0' "$w/state"; then echo "a tampered command line was booted"; bad=1; fi
        grep -qxF "$counted" "$w/state" ||
                { echo "the refused entry is not $counted (its try counted, not blessed)"; bad=1; }
        grep -qF "Not blessing $counted" "$w/state" || { echo "bless-boot-check did not refuse to bless $counted"; bad=1; }
        guest "rm -f /efi/EFI/Linux/$counted"
}
# One bad entry a boot: OVMF, when the loader fails, goes through its boot order once more and
# systemd-boot, with the bad entry's try used, starts the good one. (A second refused entry in
# the same power-on leaves OVMF at "No bootable option or device was found".)
round "the signed UKI with a patched command line" "$w/patched.efi" hull_9.9.8+1.efi
# The unsigned one goes through the same path (the firmware's db check); one more reboot of
# 3-4 min under TCG. HULL_TEST_UNSIGNED_ROUND=1 runs it as well.
if [ -n "${HULL_TEST_UNSIGNED_ROUND:-}" ]; then round "the unsigned UKI" "$w/unsigned.efi" hull_9.9.9+1.efi; fi
exit $bad
