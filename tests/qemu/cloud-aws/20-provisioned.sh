# What the user data asked for is there; the launch key pair went nowhere, because the config
# names its users, and the journal says why.
set -e
getent passwd app
[ "$(cat /etc/hull-test/from-user-data)" = "provisioned from EC2 user data" ]
if getent passwd core; then echo "core exists: the launch key was used"; exit 1; fi
if grep -rl ec2-launch-key /home /root 2>/dev/null; then echo "the launch key was installed"; exit 1; fi
journalctl -b -u hull-firstboot --no-pager -o cat |
        grep -E "^The config names its users: the instance's 1 SSH key from .* is not used\.$"
test -f /var/lib/hull/firstboot.done
