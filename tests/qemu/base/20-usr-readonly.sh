# Nothing can write to /usr, not even root.
set -u
if touch /usr/hull-write-test 2>/tmp/err; then echo "created a file in /usr"; rm -f /usr/hull-write-test; exit 1; fi
cat /tmp/err
grep -q 'Read-only file system' /tmp/err || { echo "write failed, but not because /usr is read-only"; exit 1; }
if mount -o remount,rw /usr 2>/tmp/err; then echo "/usr could be remounted read-write"; exit 1; fi
cat /tmp/err
exit 0
