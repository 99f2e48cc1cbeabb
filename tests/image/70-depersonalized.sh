# shellcheck shell=bash
# Nothing machine-specific is baked into the image: no ssh host keys, an empty machine-id.
set -u
fail=0
etc=$TREE/usr/share/factory/etc
ls "$etc"/ssh/ssh_host_* 2>/dev/null && { echo "ssh host keys in the image"; fail=1; }
[ -f "$etc/machine-id" ] && [ ! -s "$etc/machine-id" ] || { echo "machine-id is not an empty file"; fail=1; }
exit $fail
