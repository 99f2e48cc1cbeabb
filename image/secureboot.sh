# Secure Boot and measured boot: the keys, the signatures, the enrollment files and the PCR 11
# prediction. Sourced by build.sh after image/stages.sh.
# shellcheck shell=bash
#
# The chain: the firmware's db holds Hull's db certificate; systemd-boot and every UKI are signed
# with the db key; the UKI carries the verity root hash of /usr on its command line, so nothing
# unsigned chooses what /usr is. systemd-stub measures the UKI's sections into PCR 11.

# secureboot_keys: HULL_SECUREBOOT_KEYS (a folder with PK, KEK and db, each NAME.key + NAME.crt
# in PEM, and a file `guid` with the owner GUID), or a development set made on the first build
# in the cache, beside the update key. Sets SB_KEYS and SB_DB_CERT_DIGEST (an input of the tree:
# the image trusts this certificate for updates) and SB_KEYS_DIGEST (an input of what is signed).
secureboot_keys() {
        local n
        SB_KEYS=${HULL_SECUREBOOT_KEYS:-$HULL_CACHE/keys/secureboot}
        if [ -z "${HULL_SECUREBOOT_KEYS:-}" ] && [ ! -s "$SB_KEYS/db.crt" ]; then
                secureboot_keygen "$SB_KEYS"
                info "made a development Secure Boot key set (PK, KEK, db) in $SB_KEYS"
        fi
        for n in PK.key PK.crt KEK.key KEK.crt db.key db.crt guid; do
                [ -r "$SB_KEYS/$n" ] || die "$SB_KEYS/$n: missing; a Secure Boot key set has PK, KEK and db (.key and .crt, PEM) and guid"
        done
        for n in PK KEK db; do
                openssl x509 -in "$SB_KEYS/$n.crt" -noout 2>/dev/null || die "$SB_KEYS/$n.crt: not an X.509 certificate in PEM"
                [ "$(openssl x509 -in "$SB_KEYS/$n.crt" -noout -pubkey | sha256sum)" = \
                  "$(openssl pkey -in "$SB_KEYS/$n.key" -pubout 2>/dev/null | sha256sum)" ] ||
                        die "$SB_KEYS/$n.key: not the private key of $n.crt"
        done
        grep -Eqx '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}' "$SB_KEYS/guid" ||
                die "$SB_KEYS/guid: not a GUID in lower-case hex (like $(cat /proc/sys/kernel/random/uuid))"
        SB_DB_CERT_DIGEST=$(sha256sum <"$SB_KEYS/db.crt" | cut -c1-64)
        SB_KEYS_DIGEST=$(cat "$SB_KEYS"/{PK,KEK,db}.{key,crt} "$SB_KEYS/guid" | sha256sum | cut -c1-64)
}

# secureboot_keygen DIR: PK, KEK and db, RSA 2048 (what every UEFI firmware takes), ten years.
secureboot_keygen() {
        local dir=$1 n tmp
        tmp=$dir.tmp
        rm -rf "$tmp"
        mkdir -p "$tmp"
        chmod 0700 "$tmp"
        for n in PK KEK db; do
                openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
                        -subj "/CN=Hull development $n ($(hostname) $(date -u +%F))/" \
                        -keyout "$tmp/$n.key" -out "$tmp/$n.crt" 2>/dev/null ||
                        die "openssl could not make the Secure Boot $n key"
        done
        cat /proc/sys/kernel/random/uuid >"$tmp/guid"
        mkdir -p "$(dirname "$dir")"
        mv -T "$tmp" "$dir"
}

# sb_sign IN OUT: OUT is IN signed with the db key, and checked against the db certificate.
sb_sign() {
        sbsign --key "$SB_KEYS/db.key" --cert "$SB_KEYS/db.crt" --output "$2" "$1" >/dev/null 2>"$2.log" ||
                die "sbsign could not sign $1: $(tail -1 "$2.log")"
        rm -f "$2.log"
        sbverify --cert "$SB_KEYS/db.crt" "$2" >/dev/null 2>&1 ||
                die "$2: sbverify does not accept the signature just made with $SB_KEYS/db.key"
}

# sb_auth_files DIR: PK.auth, KEK.auth, db.auth for systemd-boot's enrollment (each signed
# by the key above it, PK by itself), dated SOURCE_DATE_EPOCH so that they are reproducible.
sb_auth_files() {
        local dir=$1 guid t n signer
        guid=$(cat "$SB_KEYS/guid")
        t=$(date -u -d "@$SOURCE_DATE_EPOCH" '+%F %T')
        for n in PK KEK db; do
                case $n in PK) signer=PK ;; KEK) signer=PK ;; db) signer=KEK ;; esac
                cert-to-efi-sig-list -g "$guid" "$SB_KEYS/$n.crt" "$dir/$n.esl" >/dev/null ||
                        die "cert-to-efi-sig-list failed on $SB_KEYS/$n.crt"
                sign-efi-sig-list -t "$t" -g "$guid" -k "$SB_KEYS/$signer.key" -c "$SB_KEYS/$signer.crt" \
                        "$n" "$dir/$n.esl" "$dir/$n.auth" >/dev/null ||
                        die "sign-efi-sig-list failed for $n"
                rm -f "$dir/$n.esl"
        done
}

# Output: systemd-bootx64.efi (signed), keys/{PK,KEK,db}.auth, db.crt.
stage_bootloader() {
        local u
        u=$(stage_out usr)
        sb_sign "$u/efi/systemd-bootx64.efi" "$OUT/systemd-bootx64.efi"
        mkdir -p "$OUT/keys"
        sb_auth_files "$OUT/keys"
        cp "$SB_KEYS/db.crt" "$OUT/db.crt"
}

# pcr11_predict KERNEL INITRD CMDLINE OSREL OUT: the SHA-256 PCR 11 that systemd-stub leaves
# after measuring these sections, before any boot phase is measured; OUT holds the hex digest.
pcr11_predict() {
        local out=$5 v
        v=$(/usr/lib/systemd/systemd-measure calculate --linux="$1" --initrd="$2" --cmdline="$3" \
                --osrel="$4" --bank=sha256 --json=short --phase=) ||
                die "systemd-measure could not calculate PCR 11"
        v=$(jq -r '.sha256[] | select(.phase == "" or .phase == null) | .hash' <<<"$v" | head -1)
        [[ $v =~ ^[0-9a-f]{64}$ ]] || die "systemd-measure printed no SHA-256 PCR 11"
        echo "$v" >"$out"
}
