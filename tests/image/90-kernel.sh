# shellcheck shell=bash
# The kernel the build chose (build.json: kernel_flavour). Hull's own (HULL_KERNEL=hull): /usr
# carries no /usr/lib/modules tree, no module anywhere and nothing of a Debian kernel package,
# and the UKI's kernel is the one compiled from image/kernel/hull.config. Debian's: its modules
# are in /usr/lib/modules/<release>.
set -u
fail=0
flavour=$(jq -r '.kernel_flavour // "debian"' "$OUT/build.json")
kver=$(jq -r .kernel "$OUT/build.json")
echo "kernel: $flavour $kver"
if [ "$flavour" = hull ]; then
        [ ! -e "$TREE/usr/lib/modules" ] || { echo "/usr/lib/modules exists with Hull's kernel"; fail=1; }
        ko=$(find "$TREE/usr" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' | head -3)
        [ -z "$ko" ] || { echo "kernel modules in /usr: $ko"; fail=1; }
        pk=$(awk -F'\t' '$2 ~ /^linux-(image|modules)/ { print $2 }' "$OUT/manifest.tsv" | sort -u)
        [ -z "$pk" ] || { echo "files of a Debian kernel package in /usr: $pk"; fail=1; }
        # The bzImage's setup header carries its version string in clear.
        tmp=$(mktemp)
        objcopy -O binary --only-section=.linux "$OUT/hull.efi" "$tmp"
        if ! grep -aq "$kver (hull@hull)" "$tmp"; then echo "the UKI's kernel is not Hull's $kver"; fail=1; fi
        rm -f "$tmp"
else
        n=$(find "$TREE/usr/lib/modules/$kver" -name '*.ko*' 2>/dev/null | wc -l)
        echo "$n modules in /usr/lib/modules/$kver"
        [ "$n" -gt 0 ] || { echo "Debian's kernel without its modules"; fail=1; }
fi
exit $fail
