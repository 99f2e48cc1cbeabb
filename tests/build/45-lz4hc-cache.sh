# shellcheck shell=bash
# hull-lz4hc-cache changes how fast mkfs.erofs compresses, never what it writes: the same tree
# gives the same image bytes as mkfs.erofs alone (the oracle), with an empty cache, a warm one,
# one with a damaged record, a truncated one, one of another format, and one it cannot read.
# A warm cache answers every call; a damaged record is rejected and the file written again.
. "$(dirname "$0")/lib.sh"
svc=$(./build.sh stage services 2>/dev/null | tail -1)
lib=$svc/tools/liblz4hc-cache.so
[ -f "$lib" ] || { echo "no $lib"; exit 1; }
# The tree: Hull's own binaries and files (compressible), 1 MiB of noise (not), 2 MiB of zeros
# (matches longer than a cluster), and a text file, with the options of make_usr_image.
t=$scratch/tree
mkdir -p "$t/noise"
cp -a "$svc/image/." "$t/"
head -c 1048576 /dev/urandom >"$t/noise/random"
head -c 2097152 /dev/zero >"$t/zeros"
seq 1 200000 >"$t/numbers.txt"
mkfs() {
        env -u SOURCE_DATE_EPOCH "$@" mkfs.erofs -zlz4hc,9 -C65536 -Eztailpacking -T0 \
                -U 6c8b1a52-6d1c-4f3e-9a3e-3f8f6d0c2b11 "$img" "$t" >"$scratch/log" 2>&1 ||
                { cat "$scratch/log"; echo "mkfs.erofs failed"; exit 1; }
}
stats() { grep '^hull-lz4hc-cache: ' "$scratch/log"; }
c=$scratch/lz4hc.cache
st=0
img=$scratch/plain.img; mkfs
# same WHAT: the image just made is the oracle's bytes.
same() {
        if cmp -s "$scratch/plain.img" "$img"; then echo "ok: $1: the same image"; else echo "FAIL: $1: another image"; st=1; fi
}
# expect WHAT REGEX: the library's lines match.
expect() {
        if stats | grep -qE "$2"; then echo "ok: $1: $(stats | tr '\n' ' ')"; else echo "FAIL: $1: wanted /$2/, got: $(stats)"; st=1; fi
}
img=$scratch/cold.img; mkfs LD_PRELOAD="$lib" HULL_LZ4HC_CACHE="$c"
same "empty cache"; expect "empty cache" ': [0-9]+ calls, [0-9]+ from the cache, [1-9][0-9]* compressed, 0 rejected$'
[ -s "$c" ] || { echo "FAIL: no cache file written"; st=1; }
img=$scratch/warm.img; mkfs LD_PRELOAD="$lib" HULL_LZ4HC_CACHE="$c"
same "warm cache"; expect "warm cache" ': ([0-9]+) calls, \1 from the cache, 0 compressed, 0 rejected$'
# A flipped byte in the first record's data (header 16 bytes, record head 36).
printf '\xff' | dd of="$c" bs=1 seek=$((16 + 36 + 5)) conv=notrunc status=none
img=$scratch/damaged.img; mkfs LD_PRELOAD="$lib" HULL_LZ4HC_CACHE="$c"
same "a damaged record"; expect "a damaged record" ', 1 compressed, 1 rejected$'
img=$scratch/rewritten.img; mkfs LD_PRELOAD="$lib" HULL_LZ4HC_CACHE="$c"
same "after the rewrite"; expect "after the rewrite" ': ([0-9]+) calls, \1 from the cache, 0 compressed, 0 rejected$'
truncate -s $(($(stat -c %s "$c") / 2)) "$c"
img=$scratch/truncated.img; mkfs LD_PRELOAD="$lib" HULL_LZ4HC_CACHE="$c"
same "a truncated file"; expect "a truncated file" 'a truncated record; it is written again$'
img=$scratch/again.img; mkfs LD_PRELOAD="$lib" HULL_LZ4HC_CACHE="$c"
same "after the truncation"; expect "after the truncation" ', 0 compressed, 0 rejected$'
echo "not a cache" >"$c"
img=$scratch/other.img; mkfs LD_PRELOAD="$lib" HULL_LZ4HC_CACHE="$c"
same "another format"; expect "another format" 'not a cache file of this format; it is written again$'
img=$scratch/unreadable.img; mkfs LD_PRELOAD="$lib" HULL_LZ4HC_CACHE="$scratch"
same "a folder as the cache"; expect "a folder as the cache" 'the results of this run are not kept$'
exit "$st"
