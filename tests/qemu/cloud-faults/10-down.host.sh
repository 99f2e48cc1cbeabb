# The service is down: every attempt is on the console with its failure and the wait before
# the next, the fetch stops after its last one (8), hull-firstboot says what failed and where to
# look, and the boot is held: no sshd, no login prompt, nobody gets in.
set -u
log=$HULL_VM_DIR/serial.log
grep -a 'hull-firstboot\|169.254.169.254\|Nothing was changed' "$log" | head -30
fail() { echo "FAIL: $*"; exit 1; }
n=$(grep -acE 'PUT http://169\.254\.169\.254/latest/api/token \(attempt [0-9]/8\): ' "$log")
[ "$n" = 8 ] || fail "$n attempts on the console, not 8"
grep -aqE 'attempt 8/8\): Empty reply from server\.' "$log" || fail "the last attempt is not on the console"
grep -aqE 'Failed to fetch the config from the EC2 instance metadata service \(IMDSv2\): hull-firstboot-fetch\.service failed' "$log" ||
        fail "hull-firstboot does not say the fetch failed"
grep -aq 'Nothing was changed. Fix the config source and reboot' "$log" || fail "no 'Nothing was changed' on the console"
# The server's side: every attempt made once DHCP was done (the first may find no network
# yet) reached it and was closed unanswered; the console counts the same.
cat "$HULL_VM_DIR/md-requests"
c=$(grep -c ' PUT /latest/api/token closed$' "$HULL_VM_DIR/md-requests")
e=$(grep -acE 'PUT http://169\.254\.169\.254/latest/api/token \(attempt [0-9]/8\): Empty reply from server' "$log")
[ "$c" -ge 1 ] && [ "$c" = "$e" ] || fail "$c requests closed by the server, $e empty replies on the console"
[ "$(grep -vc ' PUT /latest/api/token closed$' "$HULL_VM_DIR/md-requests")" = 0 ] || fail "other requests reached the server"
if grep -aqE 'Started .*(OpenBSD Secure Shell|ssh\.service)|login: *$' "$log"; then fail "sshd or a login prompt started"; fi
if guest -t 20 true 2>/dev/null; then fail "the test administrator got in"; fi
exit 0
