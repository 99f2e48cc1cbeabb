# The firmware's db holds exactly the certificate the build published (out/db.crt), and the
# machine got there through one enrollment reset: systemd-boot's message is on the console
# once, before the first kernel.
set -eu
der=$(mktemp)
trap 'rm -f "$der" "$der.db"' EXIT
openssl x509 -in "$HULL_OUT/db.crt" -outform DER -out "$der"
guest -t 60 'base64 -w0 /sys/firmware/efi/efivars/db-d719b2cb-3d3a-4596-a3bc-dad00e67656f' | base64 -d >"$der.db"
echo "db variable: $(stat -c %s "$der.db") bytes; certificate: $(stat -c %s "$der") bytes"
python3 - "$der" "$der.db" <<'PY'
import sys
cert = open(sys.argv[1], 'rb').read()
db = open(sys.argv[2], 'rb').read()[4:]          # efivarfs: attributes first
# One EFI_SIGNATURE_LIST of type X.509: GUID(16) list size(4) header size(4) entry size(4),
# then entries of owner GUID(16) + certificate.
x509 = bytes.fromhex('a159c0a5e494a74a87b5ab155c2bf072')
lists, off = [], 0
while off + 28 <= len(db):
    t = db[off:off+16]
    size = int.from_bytes(db[off+16:off+20], 'little')
    hdr = int.from_bytes(db[off+20:off+24], 'little')
    esz = int.from_bytes(db[off+24:off+28], 'little')
    if size < 28 or off + size > len(db):
        sys.exit('db: malformed signature list at %d' % off)
    p = off + 28 + hdr
    while p + esz <= off + size:
        lists.append((t, db[p+16:p+esz]))
        p += esz
    off += size
print('db entries:', len(lists))
if [c for t, c in lists] != [cert] or lists[0][0] != x509:
    sys.exit('the firmware db is not exactly the build\'s db certificate')
PY
n=$(tr -d '\r' <"$HULL_VM_DIR/serial.log" | grep -ac 'Enrolling secure boot keys from directory')
echo "enrollment messages on the console: $n"
[ "$n" = 1 ] || { echo "expected one enrollment, saw $n"; exit 1; }
grep -q reset "$HULL_VM_DIR/resets" || { echo "no reset after the enrollment"; exit 1; }
