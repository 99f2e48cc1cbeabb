# /etc is the factory /etc (in /usr) with the administrator's layer on the state partition
# over it; /etc and /var are writable.
set -eu
findmnt -no FSTYPE,OPTIONS /etc | tee /tmp/etc-mount
grep -q '^overlay' /tmp/etc-mount || { echo "/etc is not an overlay"; exit 1; }
grep -q 'lowerdir=/usr/share/factory/etc' /tmp/etc-mount || grep -q 'lowerdir=/sysroot/usr/share/factory/etc' /tmp/etc-mount ||
        { echo "/etc's lower layer is not the factory /etc"; exit 1; }
echo probe >/etc/hull-write-test
[ "$(cat /etc/hull-write-test)" = probe ]
[ -f /var/lib/hull/etc/upper/hull-write-test ] || { echo "the change did not land in the state layer"; exit 1; }
rm /etc/hull-write-test
echo probe >/var/hull-write-test && rm /var/hull-write-test
[ "$(findmnt -no SOURCE /)" != "" ]
findmnt -no FSTYPE / | grep -qx ext4 || { echo "/ (state) is not ext4"; exit 1; }
