# `systemd-analyze security` rates every Hull service 2.0 or lower ("OK" or better).
set -u
bad=0 n=0
for f in /usr/lib/systemd/system/hull-*.service; do
        u=$(basename "$f")
        line=$(systemd-analyze security --no-pager "$u" 2>&1 | grep 'Overall exposure level')
        score=$(echo "$line" | sed -n 's/.*: \([0-9.]*\) .*/\1/p')
        echo "$u: ${score:-?} (${line#*: })"
        n=$((n + 1))
        if [ -z "$score" ] || awk -v s="$score" 'BEGIN { exit !(s > 2.0) }'; then
                echo "FAIL: $u is rated ${score:-not at all}, above 2.0"
                systemd-analyze security --no-pager "$u" | grep -E '^✗' | head -20
                bad=1
        fi
done
[ "$n" -ge 3 ] || { echo "FAIL: only $n Hull services found"; bad=1; }
exit "$bad"
