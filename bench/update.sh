#!/bin/sh
# Measures hull-update's slot writer (hull-payload write-image, the code apply runs) against dd writing the same /usr bytes to the same kind of target
# (a partition inside a disk image file), fsync both ways, and the payload size against /usr.
#   bench/update.sh [USR_ERofs_SOURCE_TREE|-] [BUILD_DIR]   (default: this host's /usr/bin, /tmp/hull-bench-update)
# With a built image (out/usr.erofs) the real /usr is used: HULL_USR=out/usr.erofs bench/update.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-/usr/bin}
out=${2:-/tmp/hull-bench-update}
usr_image=""
if [ -n "${HULL_USR:-}" ]; then
        [ -f "$HULL_USR" ] || { echo "$HULL_USR: no such /usr image (HULL_USR)" >&2; exit 1; }
        usr_image=$(realpath "$HULL_USR")
fi
rm -rf "$out" && mkdir -p "$out"
make -s -C "$top/packages/hull-update" O="$out/build" all >/dev/null
hp=$out/build/hull-payload
cd "$out"
if [ -n "$usr_image" ]; then
        cp "$usr_image" usr.erofs
else
        mkfs.erofs -zlz4hc,12 usr.erofs "$src" >/dev/null 2>&1
fi
veritysetup format --data-block-size=4096 --hash-block-size=4096 usr.erofs usr.verity | awk '/^Root hash:/ { print $3 }' >usrhash
h=$(cat usrhash)
echo "quiet usrhash=$h" >cmdline
# systemd-stub: the build host's, or the one the last build took from the image.
stub=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
[ -f "$stub" ] || stub=$top/build/stages/usr/efi/linuxx64.efi.stub
[ -f "$stub" ] || { echo "bench/update.sh: no systemd-stub (install systemd-boot-efi, or run ./build.sh first)" >&2; exit 1; }
objcopy --add-section .cmdline=cmdline --change-section-vma .cmdline=0x30000 "$stub" hull.efi.unsigned
# The writer checks the UKI's Secure Boot signature: a db key of the bench's own signs it.
openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=hull bench db" \
        -keyout db.key -out db.crt >/dev/null 2>&1
sbsign --key db.key --cert db.crt --output hull.efi hull.efi.unsigned >/dev/null 2>&1
"$hp" keygen -o keys >/dev/null 2>&1
usr_mib=$(( ($(stat -c %s usr.erofs) + 1048575) / 1048576 + 1 ))
ver_mib=$(( ($(stat -c %s usr.verity) + 1048575) / 1048576 + 1 ))
cat >layout.conf <<L
esp c12a7328-f81f-11d2-ba4b-00a0c93ec93b 8 esp
usr-a 8484680c-9521-48c6-9c11-b0720656f69e $usr_mib usr-a
usr-a-verity 77ff5f63-e7b6-4633-acf4-1565b864c0e6 $ver_mib usr-a-verity
usr-b 8484680c-9521-48c6-9c11-b0720656f69e $usr_mib usr-b
usr-b-verity 77ff5f63-e7b6-4633-acf4-1565b864c0e6 $ver_mib usr-b-verity
L
s=2048 script="label: gpt
unit: sectors"
while read -r name type mib label; do
        script="$script
start=$s, size=$((mib * 2048)), type=$type, name=$label"
        s=$((s + mib * 2048))
done <layout.conf
truncate -s $(( (s + 4096) * 512 )) disk.raw
echo "$script" | sfdisk -q disk.raw
mkfs.vfat -C esp.img 8192 >/dev/null && dd if=esp.img of=disk.raw bs=1M seek=1 conv=notrunc status=none
usr_b_off=$(( (2048 + 8 * 2048 + usr_mib * 2048 + ver_mib * 2048) * 512 ))

now() { date +%s.%N; }
for level in 3 6 19; do
        "$hp" make-payload --key keys/update-key.private.pem --version 1.0 --build 1 --expires 30 --level $level \
                --usr usr.erofs --verity usr.verity --uki hull.efi --usrhash "$h" -o "payload-zstd$level" 2>/dev/null
done
"$hp" make-payload --key keys/update-key.private.pem --version 1.0 --build 1 --expires 30 --no-compress \
        --usr usr.erofs --verity usr.verity --uki hull.efi --usrhash "$h" -o payload-plain 2>/dev/null
bytes=$(stat -c %s usr.erofs)
echo "== payload size (/usr source: ${HULL_USR:-$src}) =="
printf '%-34s %12s\n' "/usr tree (du --apparent-size)" "$( [ -n "${HULL_USR:-}" ] && echo - || du -sb "$src" | cut -f1)"
printf '%-34s %12s\n' "usr.erofs (lz4hc)" "$bytes"
for p in payload-plain payload-zstd3 payload-zstd6 payload-zstd19; do
        printf '%-34s %12s\n' "$p (all files)" "$(du -cb $p/* | tail -1 | cut -f1)"
done

echo "== throughput, $((bytes / 1048576)) MiB image, page cache dropped before each run =="
run() {
        sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
        t0=$(now); "$@" >/dev/null 2>&1; t1=$(now)
        echo "$t1 - $t0" | bc -l
}
for i in 1 2 3; do
        tdd=$(run dd if=usr.erofs of=disk.raw bs=1M seek=$((usr_b_off / 1048576)) conv=notrunc,fsync status=none)
        tdd2=$(run sh -c "dd if=usr.erofs of=disk.raw bs=1M seek=$((usr_b_off / 1048576)) conv=notrunc status=none && dd if=usr.verity of=disk.raw bs=1M seek=$(((usr_b_off + usr_mib * 1048576) / 1048576)) conv=notrunc,fsync status=none")
        for p in payload-plain payload-zstd6; do
                t=$(run "$hp" write-image --key keys/update-key.pem --layout layout.conf --state-dir state --target disk.raw --slot b --no-uki \
                        --secureboot-cert db.crt "$p")
                printf 'run %d: dd %.3f s (%.0f MiB/s), dd image+tree %.3f s, apply %-14s %.3f s (%.0f MiB/s), ratio %.2f\n' \
                        "$i" "$tdd" "$(echo "$bytes / 1048576 / $tdd" | bc -l)" "$tdd2" "$p" "$t" \
                        "$(echo "$bytes / 1048576 / $t" | bc -l)" "$(echo "$tdd2 / $t" | bc -l)"
        done
done
