# Each bad payload of make-refused.sh: `hull-update apply` exits 1 with one line naming the
# file and the problem, and leaves the running system as it was: the booted slot (its raw
# partitions, checked once at the end), /usr, the ESP and its boot entries unchanged; the other
# slot has no UKI and no boot entry (hull-update status --json, bootctl list, EFI/Linux); the
# failure is recorded in /var/lib/hull/update.json. Runs on the host: jq reads the guest's JSON.
set -u
P=/run/hull-payload
guest -t 60 "mkdir -p $P; mountpoint -q $P || mount -o ro /dev/disk/by-id/virtio-hull-payload $P" ||
        { echo "cannot mount the payload disk"; exit 1; }
esp_state='cd /efi/EFI/Linux && for f in *; do echo "$f $(sha256sum <"$f" | cut -c1-16)"; done'
entries='bootctl list --no-pager 2>/dev/null | sed -n "s/^ *id: //p"'
usr_state='echo "$(findmnt -no SOURCE /usr) $(veritysetup status usr | sed -n "s/^ *status: *//p")"'
# The booted slot's two partitions (PARTUUIDs from the booted usrhash), hashed raw.
slot_sha='h=$(sed -n "s/.*usrhash=\([0-9a-f]*\).*/\1/p" /proc/cmdline)
u() { echo "$1" | sed -E "s/^(.{8})(.{4})(.{4})(.{4})(.{12})$/\1-\2-\3-\4-\5/"; }
sha256sum /dev/disk/by-partuuid/$(u "$(echo "$h" | cut -c1-32)") /dev/disk/by-partuuid/$(u "$(echo "$h" | cut -c33-64)") | cut -c1-64'

booted_hash=$(guest -t 10 'sed -n "s/.*usrhash=\([0-9a-f]*\).*/\1/p" /proc/cmdline')
status0=$(guest -t 60 'hull-update status --json') || { echo "hull-update status --json failed"; exit 1; }
booted_slot=$(echo "$status0" | jq -r .booted_slot)
esp0=$(guest -t 60 "$esp_state")
entries0=$(guest -t 60 "$entries")
usr0=$(guest -t 60 "$usr_state")
sha0=$(guest -t 600 "$slot_sha")
echo "booted: slot $booted_slot, usrhash $booted_hash; /usr: $usr0"
echo "ESP:"; echo "$esp0"; echo "boot entries:"; echo "$entries0"; echo "booted partitions:"; echo "$sha0"
[ -n "$booted_hash" ] && [ "$booted_slot" != null ] && [ -n "$entries0" ] && [ "$(echo "$sha0" | wc -l)" = 2 ] ||
        { echo "cannot read the starting state"; exit 1; }
case $usr0 in *verified) ;; *) echo "/usr is not on a verified verity device to begin with"; exit 1 ;; esac

bad=0
fail() { echo "FAIL: $c: $*"; bad=1; }
n=0
while read -r c want <&3; do
        [ -n "$c" ] || continue
        n=$((n + 1))
        out=$(guest -t 900 "hull-update apply $P/$c 2>&1; echo \"exit=\$?\"")
        st=$(echo "$out" | sed -n 's/^exit=//p' | tail -1)
        msg=$(echo "$out" | grep -v '^exit=')
        echo "--- $c (exit $st)"; echo "$msg"
        [ "$st" = 1 ] || fail "exit status $st, want 1"
        [ "$(echo "$msg" | grep -c .)" = 1 ] || fail "$(echo "$msg" | grep -c .) lines of output, want one"
        echo "$msg" | grep -qE "^hull-update: $P/$c: refused: $want" || fail "the message does not match /$want/"
        [ "$(guest -t 60 "$usr_state")" = "$usr0" ] || fail "/usr changed: $(guest -t 60 "$usr_state")"
        [ "$(guest -t 60 "$esp_state")" = "$esp0" ] || { fail "the ESP changed:"; guest -t 60 "$esp_state"; }
        [ "$(guest -t 60 "$entries")" = "$entries0" ] || { fail "the boot entries changed:"; guest -t 60 "$entries"; }
        s=$(guest -t 60 'hull-update status --json')
        echo "$s" | jq -e --arg b "$booted_slot" '.booted_slot == $b' >/dev/null || fail "the booted slot changed"
        echo "$s" | jq -e '[.slots[] | select(.booted | not) | .uki] | all(. == null)' >/dev/null ||
                fail "the other slot has a UKI: $(echo "$s" | jq -c '.slots')"
        echo "$s" | jq -e --arg h "$booted_hash" '[.ukis[] | .usrhash] | all(. == $h)' >/dev/null ||
                fail "a UKI for another /usr is on the ESP: $(echo "$s" | jq -c '.ukis')"
        u=$(guest -t 10 'cat /var/lib/hull/update.json')
        echo "$u" | jq -e --arg w "$want" '.result == "failed" and (.message | test($w))' >/dev/null ||
                { fail "/var/lib/hull/update.json does not record this failure:"; echo "$u"; }
done 3<<'CASES'
wrong-key         manifest\.json: wrong key: signed with key [0-9a-f]{32}, the trusted key /usr/lib/hull/update-key\.pem is [0-9a-f]{32}$
bad-signature     manifest\.json\.sig: bad signature: the manifest is not signed by the trusted key
truncated-image   usr\.erofs\.zst: truncated
sha-mismatch      usr\.verity: SHA-256 mismatch: [0-9a-f]{64}, the manifest gives [0-9a-f]{64}$
roothash-mismatch usr\.erofs\.zst: root hash mismatch: the image written to usr-[ab] has root hash [0-9a-f]{64}, the manifest's usrhash is [0-9a-f]{64}$
downgrade         manifest\.json: downgrade: version 0\.0\.9 is not newer than the running version 0\.1\.0 
expired           manifest\.json: expired manifest: manifest of version 0\.1\.1 .*expired at
malformed         manifest\.json: malformed manifest: not in canonical form
garbage           manifest\.json: malformed manifest:
uki-unsigned      hull\.efi: not signed by the Secure Boot db certificate /usr/lib/hull/secureboot-db\.crt: the firmware would refuse to boot it$
uki-other-key     hull\.efi: not signed by the Secure Boot db certificate /usr/lib/hull/secureboot-db\.crt: the firmware would refuse to boot it$
CASES
[ "$n" = 11 ] || { echo "ran $n cases, want 11"; bad=1; }
sha1=$(guest -t 600 "$slot_sha")
[ "$sha1" = "$sha0" ] || { echo "FAIL: the booted slot's partitions changed:"; echo "$sha1"; bad=1; }
guest -t 60 'hull-update status; bootctl list --no-pager; cat /var/lib/hull/update.json'
[ "$bad" = 0 ] && echo "all $n bad payloads refused, nothing of the running system touched"
exit "$bad"
