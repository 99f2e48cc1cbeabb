set -eu
guest-reboot 900
