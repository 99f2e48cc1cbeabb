# hull-firstboot found config.ign on the disk labelled HULL-CONFIG and applied all of it.
set -eu
systemctl show -p Result --value hull-firstboot.service | grep -qx success ||
        { echo "hull-firstboot.service did not succeed"; journalctl -b -u hull-firstboot.service --no-pager; exit 1; }
journalctl -b -u hull-firstboot.service --no-pager | tee /tmp/fb.log
grep -qE 'Using the config from /dev/[a-z0-9]+ \(LABEL=HULL-CONFIG\) file config.ign' /tmp/fb.log ||
        { echo "the HULL-CONFIG disk was not the source"; exit 1; }
grep -q 'Provisioning done' /tmp/fb.log || { echo "no 'Provisioning done' in the journal"; exit 1; }
[ -f /var/lib/hull/firstboot.done ] || { echo "no marker /var/lib/hull/firstboot.done"; exit 1; }
# The medium was mounted in the unit's own namespace only, and is not left mounted.
if grep -q 'LABEL=HULL-CONFIG\|/run/hull-firstboot' /proc/mounts; then echo "the config disk is still mounted"; exit 1; fi
exit 0
