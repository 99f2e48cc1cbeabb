# shellcheck shell=bash
# The user data (`hcloud server create --user-data-from-file config.ign`) is the harness's
# config, gzip-compressed, and the host name.
. "$HULL_TOP/tests/qemu/setup-lib.sh"
mkdir -p md/hetzner/v1/metadata
vm_config user-data.ign
gzip -n <user-data.ign >md/hetzner/v1/userdata
printf hull-hetzner-vm >md/hetzner/v1/metadata/hostname
