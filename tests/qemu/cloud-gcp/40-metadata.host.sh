# What the metadata server saw, from its own log (tests/qemu/metadata-server): the connection
# closed unanswered, the one held past the fetch's timeout, then the user data and
# the ssh-keys attribute, then the host name, every request with Metadata-Flavor: Google.
set -eu
r=$HULL_VM_DIR/md-requests
cat "$r"
u=/computeMetadata/v1/instance/attributes
want="1 GET $u/user-data closed flavor
2 GET $u/user-data held flavor
3 GET $u/user-data 200 flavor
4 GET $u/ssh-keys 200 flavor
5 GET /computeMetadata/v1/instance/hostname 200 flavor"
if [ "$(cat "$r")" != "$want" ]; then
        echo "expected:"; echo "$want"; exit 1
fi
