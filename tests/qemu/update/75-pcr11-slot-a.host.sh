# Back on slot A after the rollback: PCR 11 is 0.1.0's prediction again (out/pcr11, the same
# value as in 0.1.0's signed manifest).
set -eu
want=$(cat "$HULL_OUT/pcr11")
got=$(guest -t 60 'cat /sys/class/tpm/tpm0/pcr-sha256/11' | tr -d '\r\n' | tr 'A-F' 'a-f')
echo "predicted $want"
echo "measured  $got"
grep -q "^  \"pcr11\": \"$want\",\$" "$HULL_OUT/payload/manifest.json" || { echo "out/pcr11 is not the manifest's pcr11"; exit 1; }
[ "$got" = "$want" ] || { echo "PCR 11 is not 0.1.0's prediction"; exit 1; }
