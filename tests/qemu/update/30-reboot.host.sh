# Reboot into the new slot (systemd-boot picks the newest version first).
set -eu
guest-reboot 900
