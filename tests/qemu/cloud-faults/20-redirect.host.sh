# The service is back, but answers the user data with a redirect to another host: hull-firstboot
# refuses it at once (no retry, not followed) and the boot is held again. The power is cut
# without waiting for writeback: that boot writes nothing worth keeping.
set -u
log=$HULL_VM_DIR/serial.log
r=$HULL_VM_DIR/md-requests
fail() { echo "FAIL: $*"; exit 1; }
n=$(cat "$HULL_VM_DIR/md-count")
rm "$HULL_VM_DIR/md/down"
# The next boot's token request, then its user-data request, which gets the redirect.
echo "$((n + 2)) redirect" >"$HULL_VM_DIR/md/faults"
before=$(grep -ac 'Failed to fetch the config from the EC2' "$log")
guest-powercycle --no-wait 120 || exit 1
guest-wait-console 'Failed to fetch the config from the EC2' "$((before + 1))" 400 ||
        fail "no second fetch failure on the console within 400 s"
tail -n +"$((n + 1))" "$r"
grep -aE 'latest/user-data \(attempt [0-9]/8\)' "$log" | tail -1
grep -aqE 'GET http://169\.254\.169\.254/latest/user-data \(attempt [0-9]/8\): HTTP 302, a redirect, which is not followed\.' "$log" ||
        fail "the console does not show the redirect refused"
# Refused at the first answer: one token and one user-data request in this boot, none after.
[ "$(tail -n +"$((n + 1))" "$r" | awk '{print $2, $3, $4}')" = "PUT /latest/api/token 200
GET /latest/user-data 302" ] || fail "the server saw other requests than the token and one redirected GET"
if guest -t 20 true 2>/dev/null; then fail "the test administrator got in"; fi
exit 0
