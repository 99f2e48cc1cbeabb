# shellcheck shell=bash
# ./build.sh gce's archive is what Google Compute Engine imports: a gzip tar in GNU oldgnu
# format holding exactly one file, disk.raw, stored sparse, a whole number of GiB, with a GPT
# that sfdisk finds valid (backup header at the new end) and every partition of the disk stage's
# hull.raw (what out/hull.raw is after ./build.sh) at the same place with the same bytes. Read
# with tar, od and sfdisk, not with the stage's code.
. "$(dirname "$0")/lib.sh"
a=$(./build.sh stage gce 2>/dev/null | tail -1)/hull-gce.tar.gz
raw=$(./build.sh stage disk 2>/dev/null | tail -1)/hull.raw
[ -s "$a" ] || { echo "no archive at $a"; exit 1; }
echo "$a: $(stat -c %s "$a") bytes"
list=$(tar -tvzf "$a") || { echo "tar cannot list $a"; exit 1; }
echo "$list"
[ "$(echo "$list" | wc -l)" = 1 ] || { echo "not exactly one member"; exit 1; }
case $list in *" root/root "*" disk.raw"|*" 0/0 "*" disk.raw") ;; *) echo "the member is not disk.raw owned by 0:0"; exit 1 ;; esac
# The first header: GNU magic "ustar  " (oldgnu, not POSIX "ustar\0") and type S (a sparse file).
hdr=$(gzip -dc "$a" | head -c 512 | od -An -c -j 156 -N 1 | tr -d ' ')
magic=$(gzip -dc "$a" | head -c 512 | tail -c +258 | head -c 8 | od -An -tx1 | tr -d ' ')
echo "type flag '$hdr', magic $magic"
[ "$hdr" = S ] || { echo "disk.raw is not stored as a GNU sparse file"; exit 1; }
[ "$magic" = 7573746172202000 ] || { echo "not the oldgnu header format"; exit 1; }
tar -xSzf "$a" -C "$scratch" || { echo "tar cannot extract $a"; exit 1; }
d=$scratch/disk.raw
size=$(stat -c %s "$d")
echo "disk.raw: $size bytes ($(du -m "$d" | cut -f1) MiB allocated)"
[ $((size % 1073741824)) = 0 ] || { echo "disk.raw is not a whole number of GiB"; exit 1; }
[ "$size" -ge "$(stat -c %s "$raw")" ] || { echo "disk.raw is smaller than hull.raw"; exit 1; }
sfdisk --verify "$d" || { echo "sfdisk finds the GPT of disk.raw invalid"; exit 1; }
parts() { sfdisk -J "$1" | jq -c '[.partitiontable.partitions[] | {start, size, type, uuid, name}]'; }
[ "$(parts "$d")" = "$(parts "$raw")" ] || { echo "the partitions differ:"; parts "$d"; parts "$raw"; exit 1; }
n=0
while read -r start sz name; do
        cmp -n $((sz * 512)) -i $((start * 512)):$((start * 512)) "$d" "$raw" ||
                { echo "partition $name differs"; exit 1; }
        n=$((n + 1))
done < <(sfdisk -J "$d" | jq -r '.partitiontable.partitions[] | "\(.start) \(.size) \(.name)"')
echo "$n partitions byte for byte the same as in hull.raw"
