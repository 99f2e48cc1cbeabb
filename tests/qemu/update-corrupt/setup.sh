# shellcheck shell=bash
# payloads/0.1.1: the 0.1.1 payload; payloads/corrupt.env: where, in each /usr image, the blocks
# the tests corrupt lie (found on the host with dump.erofs, so the guest need not read those
# files first and cache them):
#   RUNNING_FILE, RUNNING_OFFSET, RUNNING_SHA256: a file of the running /usr (0.1.0) that
#     nothing reads at boot, the byte offset of its first block in the image, its SHA-256;
#   NEW_FILE, NEW_OFFSET, NEW_USRHASH: /usr/bin/hull-health in the 0.1.1 image, which every
#     counted boot of 0.1.1 runs (a read error there fails its health gate), and 0.1.1's root hash.
. "$HULL_TOP/tests/qemu/setup-lib.sh"
mkdir -p payloads/0.1.1
ln "$HULL_NEXT_PAYLOAD"/* payloads/0.1.1/
# first_block IMAGE PATH: byte offset of the first physical extent of PATH (in /usr) in IMAGE.
first_block() {
        dump.erofs --path="${2#/usr}" -e "$1" 2>/dev/null | awk '$1 == "0:" { sub(/\.\..*/, "", $7); print $7; exit }'
}
rf=/usr/share/common-licenses/GPL-3
ro=$(first_block "$HULL_OUT/usr.erofs" $rf)
zstd -q -d -f "$HULL_NEXT_PAYLOAD/usr.erofs.zst" -o usr-0.1.1.erofs
no=$(first_block usr-0.1.1.erofs /usr/bin/hull-health)
rm -f usr-0.1.1.erofs
[ -n "$ro" ] && [ -n "$no" ] && [ $((ro % 4096)) = 0 ] && [ $((no % 4096)) = 0 ] ||
        die "cannot find the blocks of $rf or hull-health (dump.erofs: '$ro' '$no')"
cat >payloads/corrupt.env <<ENV
RUNNING_FILE=$rf
RUNNING_OFFSET=$ro
RUNNING_SHA256=$(sha256sum <"$HULL_BUILD/stages/tree/root$rf" | cut -d' ' -f1)
NEW_FILE=/usr/bin/hull-health
NEW_OFFSET=$no
NEW_USRHASH=$(sed -n 's/^  "usrhash": "\([0-9a-f]*\)",$/\1/p' "$HULL_NEXT_PAYLOAD/manifest.json")
ENV
mke2fs -q -t ext4 -L hull-payload -d payloads payload.img 300M
