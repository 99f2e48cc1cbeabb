# Measured boot across an update: booted from slot B, PCR 11 is what the 0.1.1 build predicted
# for its UKI (update-b's out/pcr11), not 0.1.0's; the payload's UKI is the one that was
# measured.
set -eu
want=$(cat "$HULL_BUILD/update-b/out/pcr11")
old=$(cat "$HULL_OUT/pcr11")
got=$(guest -t 60 'cat /sys/class/tpm/tpm0/pcr-sha256/11' | tr -d '\r\n' | tr 'A-F' 'a-f')
echo "0.1.1 predicted $want"
echo "0.1.0 predicted $old"
echo "measured        $got"
[ "$want" != "$old" ] || { echo "the two builds predict the same PCR 11: nothing to tell apart"; exit 1; }
[ "$got" = "$want" ] || { echo "PCR 11 is not 0.1.1's prediction"; exit 1; }
