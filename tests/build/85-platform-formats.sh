# shellcheck shell=bash
# ./build.sh azure and ./build.sh vmware: the disk stage's hull.raw in the format each platform
# imports, read without qemu-img where the format allows.
#   hull.vhd (Azure, Hyper-V): a fixed VHD is the raw disk, byte for byte, then one 512-byte
#     footer: cookie "conectix", disk type 2 (fixed), its current size the raw disk's, which
#     Azure wants a whole number of MiB.
#   hull.vmdk (VMware, VirtualBox): a sparse extent header (magic KDMV, version 3, the
#     compressed-grain flag) whose embedded descriptor says createType="streamOptimized"; its
#     content is the raw disk's (qemu-img compare reads it).
. "$(dirname "$0")/lib.sh"
raw=$(./build.sh stage disk 2>/dev/null | tail -1)/hull.raw
vhd=$(./build.sh stage azure 2>/dev/null | tail -1)/hull.vhd
vmdk=$(./build.sh stage vmware 2>/dev/null | tail -1)/hull.vmdk
[ -s "$raw" ] && [ -s "$vhd" ] && [ -s "$vmdk" ] || { echo "missing: $raw $vhd $vmdk"; exit 1; }
size=$(stat -c %s "$raw")
echo "hull.raw $size bytes, hull.vhd $(stat -c %s "$vhd"), hull.vmdk $(stat -c %s "$vmdk")"
[ "$(stat -c %s "$vhd")" = $((size + 512)) ] || { echo "hull.vhd is not the raw disk plus a 512-byte footer"; exit 1; }
cmp -n "$size" "$raw" "$vhd" || { echo "hull.vhd's data is not hull.raw's"; exit 1; }
# field OFFSET LENGTH: bytes of the footer as hex.
field() { tail -c 512 "$vhd" | od -An -tx1 -j "$1" -N "$2" | tr -d ' \n'; }
echo "VHD footer: cookie $(field 0 8), current size $((16#$(field 48 8))), disk type $((16#$(field 60 4)))"
[ "$(field 0 8)" = "$(printf conectix | od -An -tx1 | tr -d ' \n')" ] || { echo "no conectix cookie"; exit 1; }
[ "$((16#$(field 48 8)))" = "$size" ] || { echo "the footer's current size is not the raw disk's"; exit 1; }
[ "$((16#$(field 60 4)))" = 2 ] || { echo "not a fixed VHD (disk type 2)"; exit 1; }
[ $((size % 1048576)) = 0 ] || { echo "the disk is not a whole number of MiB (Azure refuses it)"; exit 1; }
# VMDK sparse extent header: magic "KDMV", version (little-endian 32 bits), flags (bit 16:
# compressed grains), then the descriptor at the sector the header names.
hdr() { head -c 512 "$vmdk" | od -An -tx1 -j "$1" -N "$2" | tr -d ' \n'; }
le32() { local h=$1; echo $((16#${h:6:2}${h:4:2}${h:2:2}${h:0:2})); }
desc_sector=$(($(le32 "$(hdr 28 4)")))
echo "VMDK: magic $(hdr 0 4), version $(le32 "$(hdr 4 4)"), flags 0x$(printf %x "$(le32 "$(hdr 8 4)")"), descriptor at sector $desc_sector"
[ "$(hdr 0 4)" = 4b444d56 ] || { echo "no KDMV magic"; exit 1; }
[ "$(le32 "$(hdr 4 4)")" = 3 ] || { echo "not version 3 (stream-optimised)"; exit 1; }
[ $(($(le32 "$(hdr 8 4)") & 0x10000)) != 0 ] || { echo "grains are not compressed"; exit 1; }
dd if="$vmdk" bs=512 skip="$desc_sector" count=2 status=none | tr -d '\0' | tee "$scratch/descriptor" | grep -q '^createType="streamOptimized"' ||
        { echo "the descriptor does not say streamOptimized:"; cat "$scratch/descriptor"; exit 1; }
qemu-img compare -q -f raw -F vmdk "$raw" "$vmdk" || { echo "hull.vmdk's content is not hull.raw's"; exit 1; }
echo "hull.vhd and hull.vmdk hold hull.raw"
