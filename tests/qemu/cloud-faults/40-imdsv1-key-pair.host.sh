# The operator launches the machine again with no user data, only a key pair (the harness's
# key), on a service from before IMDSv2: the token request gets a 404, so the fetch asks
# without a token (IMDSv1): no user data (404), the launch key (200), no host name (404). This
# boot provisions the default user core with that key, and the harness logs in as core; the
# refused boots left no marker, and nothing of the refused config is on the machine.
set -u
r=$HULL_VM_DIR/md-requests
fail() { echo "FAIL: $*"; exit 1; }
touch "$HULL_VM_DIR/md/imdsv1"
rm -f "$HULL_VM_DIR/md/latest/user-data"
mkdir -p "$HULL_VM_DIR/md/latest/meta-data/public-keys/0"
cp "$HULL_SSH_KEY.pub" "$HULL_VM_DIR/md/latest/meta-data/public-keys/0/openssh-key"
n=$(cat "$HULL_VM_DIR/md-count")
guest-powercycle 900 || exit 1
tail -n +"$((n + 1))" "$r"
[ "$(tail -n +"$((n + 1))" "$r" | awk '{print $2, $3, $4, $5}' | sed 's/ *$//')" = "PUT /latest/api/token 404
GET /latest/user-data 404
PUT /latest/api/token 404
GET /latest/meta-data/public-keys/0/openssh-key 200
PUT /latest/api/token 404
GET /latest/meta-data/hostname 404" ] || fail "the server saw other requests than IMDSv1's"
[ "$HULL_ADMIN" = core ] || fail "the harness does not log in as core (suite.conf: admin core)"
guest <<'G'
set -u
bad=0
no() { echo "FAIL: $*"; bad=1; }
journalctl -b -u hull-firstboot -u hull-firstboot-fetch --no-pager -o cat | tee /tmp/fb.log
grep -qE 'PUT http://169\.254\.169\.254/latest/api/token \(attempt 1/8\): HTTP 404, 0 bytes, no IMDSv2 token API here: IMDSv1\.$' /tmp/fb.log ||
        no "the fetch did not say it fell back to IMDSv1"
grep -qE "^No user in the config: the instance's 1 SSH key from the EC2 instance metadata service.* goes to user 'core' \(group sudo\)\.$" /tmp/fb.log ||
        no "the launch key did not go to core"
grep -q '^No config found' /tmp/fb.log && no "the boot reported no config, though the key pair made a user"
id -nG core | tr ' ' '\n' | grep -qx sudo || no "core is not in group sudo"
[ "$(grep -c . /home/core/.ssh/authorized_keys)" = 1 ] || no "core has other keys than the launch key"
grep -q ' hull test harness ' /home/core/.ssh/authorized_keys || no "core lacks the launch key"
[ -f /var/lib/hull/firstboot.done ] || no "no marker"
if getent passwd intruder >/dev/null; then no "user intruder of the refused config exists"; fi
[ -e /etc/hull-test ] && no "/etc/hull-test of the refused config exists"
echo "boots of this disk: $(journalctl --list-boots --no-pager | wc -l)"
exit "$bad"
G
