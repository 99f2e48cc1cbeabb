# shellcheck shell=bash
# The user data (`openstack server create --user-data config.ign`) is the harness's config,
# plain JSON; meta_data.json as Nova's metadata service writes it (the fields Hull reads and
# some others).
. "$HULL_TOP/tests/qemu/setup-lib.sh"
mkdir -p md/openstack/latest
vm_config md/openstack/latest/user_data
cat >md/openstack/latest/meta_data.json <<'JSON'
{"uuid": "0b5c1f4e-6a57-4d1e-9c2a-3f8e7d6c5b4a", "name": "hull-openstack-vm", "hostname": "hull-openstack-vm.novalocal",
 "availability_zone": "nova", "launch_index": 0, "project_id": "6f1e2d3c4b5a69788796a5b4c3d2e1f0",
 "public_keys": {}, "keys": [], "devices": [], "meta": {}}
JSON
