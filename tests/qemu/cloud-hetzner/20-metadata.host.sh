# What the metadata service saw (tests/qemu/metadata-server's log): the user data and the host name, once each.
set -eu
cat "$HULL_VM_DIR/md-requests"
[ "$(cut -d' ' -f2- "$HULL_VM_DIR/md-requests")" = "GET /hetzner/v1/userdata 200
GET /hetzner/v1/metadata/hostname 200" ]
