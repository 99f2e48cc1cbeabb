# What the metadata service saw (tests/qemu/metadata-server's log): the user data and meta_data.json (the host name), once each.
set -eu
cat "$HULL_VM_DIR/md-requests"
[ "$(cut -d' ' -f2- "$HULL_VM_DIR/md-requests")" = "GET /openstack/latest/user_data 200
GET /openstack/latest/meta_data.json 200" ]
