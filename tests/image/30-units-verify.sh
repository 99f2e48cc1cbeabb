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
# Any warning fails, as does a non-zero exit: nothing is filtered out.
fail=0 n=0
for u in $units; do
        st=0
        out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --root="$TREE" --man=no "$u" 2>&1) || st=$?
        if [ -n "$out" ] || [ "$st" != 0 ]; then
                echo "== $u (exit status $st)"; echo "$out"; fail=1
        fi
        n=$((n + 1))
done
echo "$n units verified"
exit $fail
