# The platform came from the DMI strings QEMU's SMBIOS set, and is kept for others to read.
set -e
p=$(cat /run/hull/platform)
echo "platform: $p"
[ "$p" = aws ]
journalctl -b -u hull-firstboot -u hull-firstboot-fetch --no-pager -o cat | tee /tmp/fb.log
grep -qx 'Platform: aws (DMI vendor "Amazon EC2").' /tmp/fb.log
# The service's first answer was a 500: the fetch said so and tried again.
grep -qE '^PUT http://169\.254\.169\.254/latest/api/token \(attempt [0-9]/8\): HTTP 500, the service is busy; trying again in [0-9.]+ s\.$' /tmp/fb.log
# The user data came gzip-compressed (the server's 427 bytes) and was decompressed.
grep -qE '^Fetched [0-9]+ bytes of user data from the EC2 instance metadata service \(IMDSv2\)' /tmp/fb.log
