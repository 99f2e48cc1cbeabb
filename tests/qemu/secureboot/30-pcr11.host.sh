# PCR 11 of the TPM, as the booted kernel reads it, is what the build predicted for this UKI
# (out/pcr11): systemd-stub measured exactly the published UKI's sections.
set -eu
want=$(cat "$HULL_OUT/pcr11")
got=$(guest -t 60 'cat /sys/class/tpm/tpm0/pcr-sha256/11' | tr -d '\r\n' | tr 'A-F' 'a-f')
echo "predicted $want"
echo "measured  $got"
[ "${#got}" = 64 ] || { echo "no SHA-256 PCR 11 read from the TPM"; exit 1; }
[ "$got" = "$want" ] || { echo "PCR 11 differs from the prediction"; exit 1; }
# The TPM's event log names the UKI's sections as what was measured into PCR 11.
guest -t 60 'test -r /sys/kernel/security/tpm0/binary_bios_measurements && echo event log present'
