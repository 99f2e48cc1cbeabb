#!/bin/sh
# Lays the administrator's /etc over the factory /etc, in the initrd (see the unit).
set -eu
root=/sysroot
lower=$root/usr/share/factory/etc
state=$root/var/lib/hull/etc
[ -d "$lower" ] || { echo "hull-etc-overlay: $lower missing: /usr is not a Hull /usr" >&2; exit 1; }
mkdir -p "$state/upper" "$state/work"
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$state/upper,workdir=$state/work" "$root/etc"
