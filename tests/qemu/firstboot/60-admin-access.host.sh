# One way in, and who gets root through it. From the host, over SSH:
# - the harness's administrator (group sudo, key only) gets root with `sudo -n`, no password,
#   in the SELinux domain the README states (unconfined_t for the unconfined_u login);
# - a wrong key is refused (root and passwords: 40-ssh);
# - core, a provisioned user outside group sudo, is refused by sudo even with the right
#   password, and the attempt is in the audit log (sudo's own USER_CMD record and the rootcmd
#   execve record of the talk's rules), with core's login uid.
set -u
here=$(dirname "$(readlink -f "$0")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ssh-keygen -q -t ed25519 -N '' -f "$tmp/wrong"
bad=0
no() { echo "FAIL: $*"; bad=1; }

ctx=$(guest -t 30 'id -Z; id -u') || no "the administrator's sudo failed"
echo "administrator via sudo: $(echo "$ctx" | tr '\n' ' ')"
[ "$(echo "$ctx" | sed -n 2p)" = 0 ] || no "sudo did not give uid 0"
echo "$ctx" | head -1 | grep -qx 'unconfined_u:unconfined_r:unconfined_t:s0-s0:c0\.c1023' ||
        no "the sudo root shell is not unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023"
sh=$(guest-ssh-as --key "$HULL_SSH_KEY" "$HULL_ADMIN" -o LogLevel=ERROR -- 'getent passwd "$(id -un)" | cut -d: -f7; sudo -n true && echo sudo-ok')
echo "administrator: $(echo "$sh" | tr '\n' ' ')"
[ "$(echo "$sh" | head -1)" = /bin/bash ] || no "the administrator's login shell is not /bin/bash"
echo "$sh" | grep -qx sudo-ok || no "sudo -n true failed for the administrator"

if guest-ssh-as --key "$tmp/wrong" "$HULL_ADMIN" -o LogLevel=ERROR -- true 2>/dev/null; then no "a wrong key was accepted"; fi
if guest-ssh-as --key "$tmp/wrong" core -o LogLevel=ERROR -- true 2>/dev/null; then no "a wrong key was accepted for core"; fi

# core is not in group sudo: refused even with its password.
out=$(guest-ssh-as --key "$here/test-key-THROWAWAY" core -o LogLevel=ERROR -- 'id; echo hull-test-password | sudo -S -p "" id -u; echo "exit=$?"' 2>&1)
echo "core: $out"
echo "$out" | grep -q '^exit=1$' || no "sudo did not refuse core"
echo "$out" | grep -qx 0 && no "core became root"
echo "$out" | grep -q 'not in the sudoers file' || no "sudo did not say core is not in the sudoers file"
uid=$(echo "$out" | sed -n 's/^uid=\([0-9]*\)(core).*/\1/p')
[ -n "$uid" ] || no "cannot read core's uid"
guest -t 60 "set -u
ausearch --input-logs -i -m USER_CMD -ul $uid --success no 2>/dev/null | tail -4 | tee /tmp/a1
grep -q 'exe=.\?/usr/bin/sudo' /tmp/a1 || { echo 'FAIL: no failed USER_CMD record of sudo for core'; exit 1; }
ausearch --input-logs -i -k rootcmd -ul $uid 2>/dev/null | grep -m1 'exe=.\?/usr/bin/sudo' ||
        { echo 'FAIL: no rootcmd execve record of core running sudo'; exit 1; }
journalctl -b --no-pager -o cat SYSLOG_IDENTIFIER=sudo | grep 'core : user NOT in sudoers' ||
        { echo 'FAIL: the journal has no sudo refusal of core'; exit 1; }" || bad=1
exit "$bad"
