# shellcheck shell=bash
# Setuid and setgid files: only those on the allow-list, each with its reason.
set -u
allowed="
/usr/bin/su                  root from a user account (console or ssh)
/usr/bin/sudo                root for administrators (group sudo), audited
/usr/bin/passwd              users change their own password
/usr/bin/newgrp              group membership changes (shadow suite)
/usr/bin/chfn                (shadow suite)
/usr/bin/chsh                (shadow suite)
/usr/bin/gpasswd             (shadow suite)
/usr/bin/mount               user mounts listed in fstab
/usr/bin/umount              user mounts listed in fstab
/usr/bin/chage               setgid shadow: users read their own password ageing
/usr/bin/expiry              setgid shadow: password expiry at login
/usr/sbin/unix_chkpwd        setgid shadow: PAM checks a user's own password
/usr/lib/openssh/ssh-keysign setuid: host-based ssh authentication helper
/usr/bin/ssh-agent           setgid _ssh: keeps other users from reading the agent's keys via ptrace
/usr/lib/dbus-1.0/dbus-daemon-launch-helper  system bus activation
"
fail=0
while IFS= read -r f; do
        f=/usr/${f#"$TREE/usr/"}
        if ! echo "$allowed" | awk '{ print $1 }' | grep -qx "$f"; then
                echo "setuid/setgid file not on the allow-list: $f"
                fail=1
        fi
done < <(find "$TREE/usr" -type f \( -perm -4000 -o -perm -2000 \))
exit $fail
