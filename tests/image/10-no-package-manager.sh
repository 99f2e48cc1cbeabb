# shellcheck shell=bash
# No package manager on the image: no dpkg or apt programs, databases, caches or config, in /usr
# (TREE) or on the state partition of the published disk (STATE, mounted read-only).
set -u
fail=0
[ -d "$STATE/var/lib" ] || { echo "$STATE has no /var/lib: not the state partition"; exit 1; }
for p in usr/bin/dpkg usr/bin/apt usr/bin/apt-get usr/lib/apt usr/lib/dpkg usr/bin/perl; do
        if [ -e "$TREE/$p" ]; then echo "$p is on the image"; fail=1; fi
done
for p in var/lib/dpkg var/lib/apt var/cache/apt; do
        if [ -e "$STATE/$p" ]; then echo "/$p is on the state partition"; fail=1; fi
done
for p in apt dpkg; do
        if [ -e "$TREE/usr/share/factory/etc/$p" ]; then echo "/etc/$p is in the factory /etc"; fail=1; fi
done
echo "state partition /var/lib: $(ls "$STATE/var/lib" | tr '\n' ' ')"
exit $fail
