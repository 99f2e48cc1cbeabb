# shellcheck shell=bash
# The FAT disk labelled HULL-CONFIG with config.ign: tests/qemu/firstboot's config and the
# harness's administrator.
. "$HULL_TOP/tests/qemu/setup-lib.sh"
vm_config config.ign "$SUITE_DIR/../firstboot/config.ign"
mkfs.vfat -C -n HULL-CONFIG config.img 2048 >/dev/null || die "mkfs.vfat failed"
mcopy -i config.img config.ign ::config.ign || die "mcopy failed"
