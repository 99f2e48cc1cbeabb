# Roll back: the other slot (0.1.0 in A) boots next.
set -eu
hull-update rollback
hull-update status
ls -l /efi/EFI/Linux/
