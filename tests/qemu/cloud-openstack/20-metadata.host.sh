# What the metadata service saw (tests/qemu/metadata-server's log): the user data, once.
set -eu
cat "$HULL_VM_DIR/md-requests"
[ "$(cut -d' ' -f2- "$HULL_VM_DIR/md-requests")" = "GET /openstack/latest/user_data 200" ]
