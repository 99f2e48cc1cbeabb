# The user data is a config Hull refuses (storage.filesystems), gzip-compressed, beside a user
# with the throwaway key and a file: refused whole, the console names the field, the boot is
# held. The power is cut 35 s after the refusal, once the guest kernel's writeback (30 s) has
# put on the disk whatever that boot wrote, so the next boot can show it wrote nothing.
set -u
here=$(dirname "$(readlink -f "$0")")
log=$HULL_VM_DIR/serial.log
fail() { echo "FAIL: $*"; exit 1; }
rm -f "$HULL_VM_DIR/md/faults"
jq --arg k "$(cat "$here/../firstboot/test-key-THROWAWAY.pub")" '
        .passwd.users = [{name: "intruder", groups: ["sudo"], sshAuthorizedKeys: [$k]}] |
        .storage.files = [{path: "/etc/hull-test/from-refused-user-data", contents: {source: "data:,x"}}] |
        .storage.filesystems = [{device: "/dev/vdb", format: "ext4", path: "/var/data"}]' \
        <<<'{"ignition":{"version":"3.4.0"}}' | gzip -n >"$HULL_VM_DIR/md/latest/user-data" || fail "jq failed"
refused='storage\.filesystems: unsupported field "filesystems"'
before=$(grep -acE "$refused" "$log")
guest-powercycle --no-wait 120 || exit 1
guest-wait-console "$refused" "$((before + 1))" 400 ||
        fail "the console does not name the field (no /$refused/ within 400 s)"
grep -a 'Invalid config\|storage\.filesystems\|Nothing was changed' "$log" | tail -4
if guest -t 20 true 2>/dev/null; then fail "somebody got in"; fi
sleep 35
exit 0
