# shellcheck shell=bash
# Setuid and setgid files: exactly those on the allow-list, each with its reason. Read from
# /usr as the kernel mounts the published image (USR), where the bits are as the machine sees
# them; an allow-listed file that is no longer setuid or setgid (or gone) fails too, so the
# list stays the truth.
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
found=$(find "$USR" -type f -perm /6000 -printf '/usr/%P %m\n' | sort)
echo "setuid/setgid files in $USR:"
echo "$found"
diff <(echo "$allowed" | awk 'NF { print $1 }' | sort) <(echo "$found" | awk '{ print $1 }') ||
        { echo "(< on the allow-list but not setuid/setgid on the image, > setuid/setgid but not allowed)"; exit 1; }
