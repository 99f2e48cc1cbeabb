# shellcheck shell=bash
# Every unit Hull ships or enables passes systemd-analyze verify in the image tree.
set -u
cd "$TREE" || exit 1
# Enablement links and aliases are checked by the name of the unit they point to.
units=$( (ls usr/lib/systemd/system/hull-*.service usr/lib/systemd/system/hull-*.timer 2>/dev/null
          find usr/share/factory/etc/systemd/system \( -name '*.service' -o -name '*.socket' -o -name '*.timer' \) \
                -exec readlink {} \;) |
        xargs -rn1 basename | sed 's/@.*\./@hull./' | sort -u)
[ -n "$units" ] || { echo "no units found"; exit 1; }
fail=0
for u in $units; do
        out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --root="$TREE" --man=no "$u" 2>&1 |
                grep -v -e 'is not executable' -e 'Command .* is not executable' -e "/etc/" -e 'Failed to put bus name' || true)
        if [ -n "$out" ]; then
                echo "== $u"; echo "$out"; fail=1
        fi
done
exit $fail
