# User data that names no user: its file is written, and the instance's permanent SSH keys
# went to the default user core, an administrator; the key with an expiry did not, and no
# other user was made from the keys' user names.
set -e
id core
id -nG core | tr ' ' '\n' | grep -qx sudo
k=/home/core/.ssh/authorized_keys
cat "$k"
[ "$(grep -c . "$k")" = 2 ]
grep -q ' hull test harness ' "$k"
grep -q ' hull-firstboot THROWAWAY TEST KEY' "$k"
for u in alice bob; do if getent passwd "$u"; then echo "user $u was made"; exit 1; fi; done
journalctl -b -u hull-firstboot --no-pager -o cat |
        grep -E "^No user in the config: the instance's 2 SSH keys from .* go to user 'core' \(group sudo\)\.$"
# The instance's host name (Compute Engine's internal DNS name) for the next boot.
[ "$(cat /etc/hostname)" = hull-gcp-vm.us-central1-a.c.hull-test.internal ]
test -f /var/lib/hull/firstboot.done
[ "$(cat /etc/hull-test/from-gce-user-data)" = "from the GCE user-data attribute" ]
journalctl -b -u hull-firstboot --no-pager -o cat | grep -E '^Using the config from the Compute Engine metadata server'

