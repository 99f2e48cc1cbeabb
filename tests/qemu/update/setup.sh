# shellcheck shell=bash
# payload.img: an ext4 disk labelled hull-payload holding the 0.1.1 payload.
. "$HULL_TOP/tests/qemu/setup-lib.sh"
mke2fs -q -t ext4 -L hull-payload -d "$HULL_NEXT_PAYLOAD" payload.img 320M
