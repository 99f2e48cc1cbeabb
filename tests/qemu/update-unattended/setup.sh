# shellcheck shell=bash
. "$HULL_TOP/tests/qemu/setup-lib.sh"
mkdir -p payloads/0.1.1 payloads/0.1.0
ln "$HULL_NEXT_PAYLOAD"/* payloads/0.1.1/
cp "$HULL_OUT"/payload/manifest.json "$HULL_OUT"/payload/manifest.json.sig payloads/0.1.0/
mke2fs -q -t ext4 -L hull-payload -d payloads payload.img 300M
