# The next boot tries again (no marker was written): hull-firstboot runs, fails the same way,
# and still writes nothing.
set -eu
guest-reboot
guest <<'G'
set -u
journalctl -b -u hull-firstboot.service --no-pager | grep 'Invalid config' ||
        { echo "FAIL: hull-firstboot did not try again on the second boot"; exit 1; }
[ ! -e /var/lib/hull/firstboot.done ] || { echo "FAIL: a marker appeared"; exit 1; }
! getent passwd core >/dev/null || { echo "FAIL: user core exists"; exit 1; }
echo "second boot tried again and refused again"
G
