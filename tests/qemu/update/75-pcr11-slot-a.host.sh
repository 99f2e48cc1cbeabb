# Back on slot A after the rollback: PCR 11 is 0.1.0's prediction again (out/pcr11).
set -eu
want=$(cat "$HULL_OUT/pcr11")
got=$(guest -t 60 'cat /sys/class/tpm/tpm0/pcr-sha256/11' | tr -d '\r\n' | tr 'A-F' 'a-f')
echo "predicted $want"
echo "measured  $got"
[ "$got" = "$want" ] || { echo "PCR 11 is not 0.1.0's prediction"; exit 1; }
