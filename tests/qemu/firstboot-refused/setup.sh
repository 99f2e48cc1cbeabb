# shellcheck shell=bash
# malformed.ign: tests/qemu/firstboot's config cut off after 300 bytes; unsupported.ign: the
# same config with storage.filesystems (20-retry hands it to the second power-on).
. "$HULL_TOP/tests/qemu/setup-lib.sh"
head -c 300 "$SUITE_DIR/../firstboot/config.ign" >malformed.ign
jq '.storage.filesystems = [{"device": "/dev/vdb", "format": "ext4", "path": "/var/data"}]' \
        "$SUITE_DIR/../firstboot/config.ign" >unsupported.ign || die "jq failed"
