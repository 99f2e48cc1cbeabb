#!/usr/bin/env bash
# make-refused.sh GOOD_PAYLOAD PRIVATE_KEY OUT SECUREBOOT_KEYS: OUT/good (the good payload) and one folder per
# payload hull-update must refuse, each differing from the good one in one way. Files a case
# does not change are hard links to the good payload's, so OUT stays about one payload in size
# (mke2fs -d keeps hard links). Not symbolic links: the reader opens payload files with
# O_NOFOLLOW, so a link would be refused as a missing file, not for the flaw under test.
set -euo pipefail
good=$(realpath "$1") key=$2 out=$3 sb=$4
rm -rf "$out"
mkdir -p "$out/good"
files=(manifest.json manifest.json.sig usr.erofs.zst usr.verity hull.efi)
for f in "${files[@]}"; do ln "$good/$f" "$out/good/$f"; done
good=$out/good

sign() { openssl pkeyutl -sign -rawin -inkey "$2" -in "$1/manifest.json" -out "$1/manifest.json.sig"; }
# new CASE [FILE...]: a case folder of hard links to the good payload, FILEs copied instead.
new() {
        local c=$1 f
        shift
        mkdir "$out/$c"
        for f in "${files[@]}"; do ln "$good/$f" "$out/$c/$f"; done
        for f in "$@"; do rm "$out/$c/$f"; cp "$good/$f" "$out/$c/$f"; done
}
# set_field CASE NAME VALUE: a top-level member of the manifest, canonical layout kept.
set_field() {
        grep -q "^  \"$2\": " "$out/$1/manifest.json" || { echo "make-refused.sh: no member $2" >&2; exit 1; }
        sed -i "s/^  \"$2\": [^,]*,/  \"$2\": $3,/" "$out/$1/manifest.json"
}
field() { sed -n "s/^  \"$1\": \"\{0,1\}\([^\",]*\)\"\{0,1\},\$/\1/p" "$good/manifest.json"; }
flip_byte() {
        local b
        b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
        printf "\\$(printf %03o $((b ^ 0xff)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# Signed by a freshly made key the image does not trust; the manifest names that key.
new wrong-key manifest.json manifest.json.sig
openssl genpkey -algorithm ed25519 -out "$out/other-key.pem"
other_id=$(openssl pkey -in "$out/other-key.pem" -pubout -outform DER | sha256sum | cut -c1-32)
set_field wrong-key key "\"$other_id\""
sign "$out/wrong-key" "$out/other-key.pem"
rm "$out/other-key.pem"

# The trusted key, one byte of the signature changed.
new bad-signature manifest.json.sig
flip_byte "$out/bad-signature/manifest.json.sig" 10

# The compressed /usr image cut short (the manifest gives its whole size).
new truncated-image usr.erofs.zst
truncate -s 20M "$out/truncated-image/usr.erofs.zst"

# The verity tree with one byte changed, same size: its SHA-256 is not the manifest's.
new sha-mismatch usr.verity
flip_byte "$out/sha-mismatch/usr.verity" 100000

# Properly signed, files intact, but the manifest's usrhash is not the image's root hash. The
# UKI says the same usrhash (its SHA-256 in the manifest updated), so every check before the
# write passes and only the root hash computed while writing can tell.
new roothash-mismatch manifest.json manifest.json.sig hull.efi
real=$(field usrhash)
fake=$(printf 'hull-test-fake-root' | sha256sum | cut -d' ' -f1)
objcopy -O binary --only-section=.cmdline "$good/hull.efi" "$out/cmdline.bin"
grep -q "usrhash=$real" "$out/cmdline.bin" || { echo "make-refused.sh: the UKI's cmdline has no usrhash=$real" >&2; exit 1; }
sed -i "s/$real/$fake/" "$out/cmdline.bin"
# The changed UKI is signed again with the image's db key (SECUREBOOT_KEYS/db.key): it must get
# past the Secure Boot check to reach the write.
cp "$good/hull.efi" "$out/uki.nosig"
sbattach --remove "$out/uki.nosig" >/dev/null
objcopy --update-section .cmdline="$out/cmdline.bin" "$out/uki.nosig" "$out/uki.changed"
sbsign --key "$sb/db.key" --cert "$sb/db.crt" --output "$out/roothash-mismatch/hull.efi" "$out/uki.changed" >/dev/null 2>&1
rm -f "$out/roothash-mismatch/hull.efi.unsigned"
rm "$out/cmdline.bin" "$out/uki.nosig" "$out/uki.changed"
set_field roothash-mismatch usrhash "\"$fake\""
sed -i "s/^  \"uki\": .*/  \"uki\": { \"size\": $(stat -c %s "$out/roothash-mismatch/hull.efi"), \"sha256\": \"$(sha256sum <"$out/roothash-mismatch/hull.efi" | cut -d' ' -f1)\" }/" \
        "$out/roothash-mismatch/manifest.json"
sign "$out/roothash-mismatch" "$key"

# set_uki CASE: the manifest's size and SHA-256 of the case's hull.efi, then signed again.
set_uki() {
        sed -i "s/^  \"uki\": .*/  \"uki\": { \"size\": $(stat -c %s "$out/$1/hull.efi"), \"sha256\": \"$(sha256sum <"$out/$1/hull.efi" | cut -d' ' -f1)\" }/" \
                "$out/$1/manifest.json"
        sign "$out/$1" "$key"
}

# Secure Boot: properly signed manifests whose UKI the firmware would refuse: its signature
# removed, or replaced by one from a db key the image does not trust.
new uki-unsigned manifest.json manifest.json.sig hull.efi
sbattach --remove "$out/uki-unsigned/hull.efi" >/dev/null
! sbverify --list "$out/uki-unsigned/hull.efi" 2>/dev/null | grep -q 'signature 1' ||
        { echo "make-refused.sh: the UKI still has a signature" >&2; exit 1; }
set_uki uki-unsigned
new uki-other-key manifest.json manifest.json.sig hull.efi
openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=not Hull's db/" -keyout "$out/other-db.key" \
        -out "$out/other-db.crt" 2>/dev/null
sbsign --key "$out/other-db.key" --cert "$out/other-db.crt" --output "$out/uki-other-key/hull.efi" \
        "$out/uki-unsigned/hull.efi" >/dev/null 2>&1
rm "$out/other-db.key" "$out/other-db.crt"
set_uki uki-other-key

# Older than the running image (RUNNING_BUILD, the build number of the image under test):
# version 0.0.9, one build before it.
new downgrade manifest.json manifest.json.sig
set_field downgrade version '"0.0.9"'
set_field downgrade build $((RUNNING_BUILD - 1))
set_field downgrade released $((RUNNING_BUILD - 1))
sign "$out/downgrade" "$key"

# Expired an hour ago (released a day ago).
new expired manifest.json manifest.json.sig
set_field expired released $(($(date +%s) - 86400))
set_field expired expires $(($(date +%s) - 3600))
sign "$out/expired" "$key"

# Properly signed, valid JSON, but not the canonical manifest (one more space): refused before
# any field is believed.
new malformed manifest.json manifest.json.sig
sed -i 's/^  "version": /  "version":  /' "$out/malformed/manifest.json"
sign "$out/malformed" "$key"

# Properly signed garbage.
new garbage manifest.json manifest.json.sig
printf 'hull\0\1\2 not a manifest\n' >"$out/garbage/manifest.json"
sign "$out/garbage" "$key"

# Each case must differ from the good payload in at least one file.
for c in "$out"/*/; do
        [ "$c" != "$good/" ] || continue
        same=1
        for f in "${files[@]}"; do cmp -s "$c/$f" "$good/$f" || same=0; done
        [ "$same" = 0 ] || { echo "make-refused.sh: $c is the good payload" >&2; exit 1; }
done
ls -l "$out"/*
