# What ovf-env.xml asked for: the custom data's file, the SSH key for the named user (an
# administrator: the harness is logged in as it), the host name for the next boot; the
# password is not used.
set -e
[ "$(cat /etc/hull-test/from-custom-data)" = "provisioned from Azure custom data" ]
id azureuser
id -nG azureuser | tr ' ' '\n' | grep -qx sudo
[ "$(grep -c . /home/azureuser/.ssh/authorized_keys)" = 1 ]
[ "$(cat /etc/hostname)" = hull-azure-vm ]
[ "$(stat -c %a /etc/hostname)" = 644 ]
# No password for the user: locked, as every provisioned user without passwordHash.
[ "$(getent shadow azureuser | cut -d: -f2 | cut -c1)" = '!' ] || [ "$(getent shadow azureuser | cut -d: -f2)" = '*' ]
journalctl -b -u hull-firstboot --no-pager -o cat | tee /tmp/fb.log
grep -qE 'gives a password for the user: not used' /tmp/fb.log
grep -qE "^No user in the config: the instance's 1 SSH key from .* goes to user 'azureuser' \(group sudo\)\.$" /tmp/fb.log
test -f /var/lib/hull/firstboot.done
