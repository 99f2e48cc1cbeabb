# The error is on the console (serial log), where an operator without SSH looks, and names the
# problem: what was wrong with the config and how to go on. Nothing else gets in: sshd and the
# getty are held back with the rest of the boot.
set -u
log=$HULL_VM_DIR/serial.log
grep -a 'hull-firstboot\|Invalid config' "$log" | head -20
grep -aq 'Invalid config from QEMU fw_cfg opt/org.hull/config' "$log" || { echo "FAIL: no 'Invalid config' line on the console"; exit 1; }
grep -aq 'malformed JSON' "$log" || { echo "FAIL: the console does not say 'malformed JSON'"; exit 1; }
if grep -aqE 'Started .*(OpenBSD Secure Shell|ssh\.service)|login: *$' "$log"; then
        echo "FAIL: sshd or a login prompt started although provisioning failed"; exit 1
fi
if guest -t 20 true 2>/dev/null; then echo "FAIL: the test administrator got in"; exit 1; fi
exit 0
