# shellcheck shell=bash
. "$HULL_TOP/tests/qemu/setup-lib.sh"
running_build=$(sed -n 's/^  "build": \([0-9]*\),$/\1/p' "$HULL_OUT/payload/manifest.json")
RUNNING_BUILD=$running_build bash "$SUITE_DIR/make-refused.sh" "$HULL_NEXT_PAYLOAD" \
        "${HULL_UPDATE_KEY:-$HULL_CACHE/keys/update-key.private.pem}" "$VM/payloads" \
        "${HULL_SECUREBOOT_KEYS:-$HULL_CACHE/keys/secureboot}" || die "making the refused payloads failed"
mke2fs -q -t ext4 -L hull-payload -d payloads payload.img 320M
