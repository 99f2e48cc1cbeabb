# The operator fixes the user data (the harness's config) on a service from before IMDSv2: the
# token request gets a 404, so the fetch asks without a token (IMDSv1), for the user data and
# again for the launch key and the host name (none here: 404). This boot provisions;
# the refused boots left no marker, and nothing of the refused config is on the machine.
set -u
r=$HULL_VM_DIR/md-requests
fail() { echo "FAIL: $*"; exit 1; }
touch "$HULL_VM_DIR/md/imdsv1"
gzip -n <"$HULL_ADMIN_CONFIG" >"$HULL_VM_DIR/md/latest/user-data"
n=$(cat "$HULL_VM_DIR/md-count")
guest-powercycle 900 || exit 1
tail -n +"$((n + 1))" "$r"
[ "$(tail -n +"$((n + 1))" "$r" | awk '{print $2, $3, $4, $5}' | sed 's/ *$//')" = "PUT /latest/api/token 404
GET /latest/user-data 200
PUT /latest/api/token 404
GET /latest/meta-data/public-keys/0/openssh-key 404
PUT /latest/api/token 404
GET /latest/meta-data/hostname 404" ] || fail "the server saw other requests than IMDSv1's"
guest <<'G'
set -u
bad=0
no() { echo "FAIL: $*"; bad=1; }
journalctl -b -u hull-firstboot -u hull-firstboot-fetch --no-pager -o cat | tee /tmp/fb.log
grep -qE 'PUT http://169\.254\.169\.254/latest/api/token \(attempt 1/8\): HTTP 404, 0 bytes, no IMDSv2 token API here: IMDSv1\.$' /tmp/fb.log ||
        no "the fetch did not say it fell back to IMDSv1"
grep -q 'Using the config from the EC2 instance metadata service' /tmp/fb.log || no "this boot did not provision from IMDS"
[ -f /var/lib/hull/firstboot.done ] || no "no marker"
if getent passwd intruder >/dev/null; then no "user intruder of the refused config exists"; fi
[ -e /etc/hull-test ] && no "/etc/hull-test of the refused config exists"
echo "boots of this disk: $(journalctl --list-boots --no-pager | wc -l)"
exit "$bad"
G
