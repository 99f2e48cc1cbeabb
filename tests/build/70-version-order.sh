# shellcheck shell=bash
# Versions order the same for systemd-boot (which boots the newest hull_<version>.efi) and for
# hull-update (which refuses what is not newer): every pair of
# packages/hull-update/version-order.tsv, which the unit test test-version checks against
# hull-update, is checked here against systemd's own strverscmp_improved() through
# `systemd-analyze compare-versions` of the build host, the same systemd release as the image's
# systemd-boot (checked first).
. "$(dirname "$0")/lib.sh"
efi=$HULL_BUILD/stages/usr/efi/systemd-bootx64.efi
[ -f "$efi" ] || { echo "FAIL: $efi missing (build the image first)"; exit 1; }
boot=$(strings "$efi" | sed -n 's/.*LoaderInfo: systemd-boot \([^ ]*\) .*/\1/p' | head -1)
host=$(dpkg-query -W -f '${Version}' systemd)
echo "image systemd-boot $boot, build host systemd $host"
[ -n "$boot" ] && [ "$boot" = "$host" ] ||
        { echo "FAIL: the build host's systemd ($host) is not the image's systemd-boot (${boot:-unknown})"; exit 1; }
n=0 bad=0
while read -r a op b; do
        case $a in '#'* | '') continue ;; esac
        got=$(systemd-analyze compare-versions "$a" "$b")
        n=$((n + 1))
        [ "$got" = "$a $op $b" ] || { echo "FAIL: the table says '$a $op $b', systemd says '$got'"; bad=1; }
done <packages/hull-update/version-order.tsv
echo "$n pairs checked against systemd-analyze"
[ "$n" -ge 40 ] || { echo "FAIL: only $n pairs"; exit 1; }
exit "$bad"
