# After all the refusals, the good payload from the same disk applies: the refusals were the
# payloads' fault, and a slot left pending by a refused write is written again.
set -eu
hull-update apply /run/hull-payload/good
hull-update status
ls /efi/EFI/Linux/ | grep -q '^hull_0\.1\.1+3\.efi$' || { echo "no counted UKI for 0.1.1"; exit 1; }
hull-update status --json | grep -q '"result": "success"' || { echo "the success is not recorded"; exit 1; }
