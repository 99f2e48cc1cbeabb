# A fresh boot, so the verity error 10-running-usr-eio provoked is not in the log the later
# checks read.
set -eu
guest-reboot 900
