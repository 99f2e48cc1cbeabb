# shellcheck shell=bash
# The Secure Boot chain as the published disk carries it, checked with sbverify against the
# published db certificate ($OUT/db.crt), and with a certificate made here that signed nothing
# (so a check that accepts anything fails):
# - the UKI and both copies of systemd-boot on the ESP are signed by the db key;
# - the ESP carries PK, KEK and db as authenticated variables for systemd-boot's enrollment,
#   db.auth holding the published certificate, and loader.conf asks for enrollment only from
#   the menu (manual), never silently;
# - /usr trusts the same certificate for updates (/usr/lib/hull/secureboot-db.crt).
set -u
fail=0
no() { echo "FAIL: $*"; fail=1; }
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=nobody/ -keyout "$w/other.key" \
        -out "$w/other.crt" 2>/dev/null
read -r start size < <(sfdisk -J "$OUT/hull.raw" |
        jq -r '.partitiontable.partitions[] | select(.name == "esp") | "\(.start) \(.size)"')
dd if="$OUT/hull.raw" of="$w/esp.img" bs=512 skip="$start" count="$size" status=none
export MTOOLS_SKIP_CHECK=1
mcopy -i "$w/esp.img" ::/EFI/BOOT/BOOTX64.EFI "$w/BOOTX64.EFI"
mcopy -i "$w/esp.img" ::/EFI/systemd/systemd-bootx64.efi "$w/systemd-bootx64.efi"
uki=$(mdir -b -i "$w/esp.img" ::/EFI/Linux | grep -m1 '\.efi$')
mcopy -i "$w/esp.img" "$uki" "$w/uki.efi"
for f in "$OUT/hull.efi" "$w/uki.efi" "$w/BOOTX64.EFI" "$w/systemd-bootx64.efi"; do
        if sbverify --cert "$OUT/db.crt" "$f" >/dev/null 2>&1; then echo "ok   $(basename "$f"): signed by db.crt"
        else no "$(basename "$f") is not signed by $OUT/db.crt"; fi
        if sbverify --cert "$w/other.crt" "$f" >/dev/null 2>&1; then no "$(basename "$f") verifies against a foreign certificate"; fi
done
cmp -s "$w/uki.efi" "$OUT/hull.efi" || no "the ESP's UKI ($uki) is not out/hull.efi"
for n in PK KEK db; do
        mcopy -i "$w/esp.img" "::/loader/keys/hull/$n.auth" "$w/$n.auth" 2>/dev/null || no "no /loader/keys/hull/$n.auth on the ESP"
done
openssl x509 -in "$OUT/db.crt" -outform DER -out "$w/db.der"
python3 -c 'import sys; sys.exit(0 if open(sys.argv[1],"rb").read() in open(sys.argv[2],"rb").read() else 1)' \
        "$w/db.der" "$w/db.auth" && echo "ok   db.auth holds db.crt" || no "db.auth does not hold db.crt"
mtype -i "$w/esp.img" ::/loader/loader.conf | tee "$w/loader.conf"
grep -qx 'secure-boot-enroll manual' "$w/loader.conf" || no "loader.conf does not say secure-boot-enroll manual"
cmp -s "$TREE/usr/lib/hull/secureboot-db.crt" "$OUT/db.crt" && echo "ok   /usr trusts db.crt" ||
        no "/usr/lib/hull/secureboot-db.crt is not the published db certificate"
exit $fail
