# What the user data asked for is there; the launch key pair went nowhere, because the config
# names its users, and the journal says why; the host name went to /etc/hostname.
set -e
getent passwd app
[ "$(cat /etc/hull-test/from-user-data)" = "provisioned from EC2 user data" ]
if getent passwd core; then echo "core exists: the launch key was used"; exit 1; fi
if grep -rl ec2-launch-key /home /root 2>/dev/null; then echo "the launch key was installed"; exit 1; fi
journalctl -b -u hull-firstboot --no-pager -o cat |
        grep -E "^The config names its users: the instance's 1 SSH key from .* is not used\.$"
# The host name from the metadata service, for the next boot (the config does not write it).
[ "$(cat /etc/hostname)" = ip-169-254-0-16.ec2.internal ]
journalctl -b -u hull-firstboot --no-pager -o cat |
        grep -Fx "Host name 'ip-169-254-0-16.ec2.internal' from the EC2 instance metadata service (IMDSv2) goes to /etc/hostname."
test -f /var/lib/hull/firstboot.done
