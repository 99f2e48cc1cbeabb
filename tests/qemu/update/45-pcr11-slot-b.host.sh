# Measured boot across an update: booted from slot B, PCR 11 is what the 0.1.1 payload's signed
# manifest predicts for its UKI ("pcr11"), not 0.1.0's prediction (out/pcr11).
set -eu
want=$(sed -n 's/^  "pcr11": "\([0-9a-f]*\)",$/\1/p' "$HULL_BUILD/stages/next-payload/payload/manifest.json")
old=$(cat "$HULL_OUT/pcr11")
got=$(guest -t 60 'cat /sys/class/tpm/tpm0/pcr-sha256/11' | tr -d '\r\n' | tr 'A-F' 'a-f')
echo "0.1.1 predicted $want"
echo "0.1.0 predicted $old"
echo "measured        $got"
[ "${#want}" = 64 ] || { echo "the 0.1.1 manifest has no pcr11"; exit 1; }
[ "$want" != "$old" ] || { echo "the two builds predict the same PCR 11: nothing to tell apart"; exit 1; }
[ "$got" = "$want" ] || { echo "PCR 11 is not 0.1.1's prediction"; exit 1; }
