# shellcheck shell=bash
# 20-during-uki-install runs a test build of hull-update (make test-hooks: the same sources with
# -DHULL_TEST_HOOKS), which can pause before the UKI's rename; the image's own never can. It
# goes in tools/ beside the payload.
. "$HULL_TOP/tests/qemu/setup-lib.sh"
mkdir -p payloads/0.1.1 payloads/tools
ln "$HULL_NEXT_PAYLOAD"/* payloads/0.1.1/
make -s -C "$HULL_TOP/packages/hull-update" O="$HULL_SERVICES_OUT/hull-update" VERSION="$HULL_VERSION" test-hooks ||
        die "make test-hooks failed"
cp "$HULL_SERVICES_OUT/hull-update/test-hooks/hull-update" payloads/tools/hull-update-test-hooks
mke2fs -q -t ext4 -L hull-payload -d payloads payload.img 300M
