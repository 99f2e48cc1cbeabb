# The next boot tries again (the refused one wrote no marker), now with a config that parses
# but uses a field Hull does not support: refused too, the console naming the field. The power
# is cut 35 s after the first refusal, once the guest kernel's writeback (30 s) has put on the
# disk whatever that boot wrote.
set -u
log=$HULL_VM_DIR/serial.log
want='storage\.filesystems: unsupported field "filesystems"'
sleep 35
guest-powercycle --config "$HULL_VM_DIR/unsupported.ign" --no-wait 120 || exit 1
# The last line of the refusal: the lines before it (the field) are on the console by then.
guest-wait-console 'Nothing was changed\. Fix the config and reboot' 2 400 ||
        { echo "FAIL: no second refusal on the console within 400 s of the power cycle"; exit 1; }
grep -aqE "$want" "$log" || { echo "FAIL: the second refusal does not show /$want/"; exit 1; }
if grep -aqE 'Started .*(OpenBSD Secure Shell|ssh\.service)|login: *$' "$log"; then
        echo "FAIL: sshd or a login prompt started on the second boot"; exit 1
fi
echo "the second boot tried again and refused the unsupported field"
