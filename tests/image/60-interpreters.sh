# shellcheck shell=bash
# Every script shipped in /usr names an interpreter that exists in /usr (the pruned userland
# must not leave scripts behind whose interpreter went with a removed package).
set -u
fail=0
while IFS= read -r -d '' f; do
        head -c 2 "$f" 2>/dev/null | grep -q '^#!' || continue
        interp=$(head -1 "$f" | sed -E 's/^#![[:space:]]*//; s/[[:space:]].*//')
        [ -n "$interp" ] || continue
        case $interp in /bin/*|/sbin/*|/lib/*) interp=/usr$interp ;; esac
        if [ "${interp#/usr/bin/env}" != "$interp" ]; then
                prog=$(head -1 "$f" | sed -E 's/^#![[:space:]]*//' | awk '{ print $2 }')
                [ -e "$TREE/usr/bin/$prog" ] || { echo "${f#"$TREE"}: env $prog not found"; fail=1; }
                continue
        fi
        [ -e "$TREE$interp" ] || [ -L "$TREE$interp" ] || { echo "${f#"$TREE"}: interpreter $interp missing"; fail=1; }
done < <(find "$TREE/usr/bin" "$TREE/usr/sbin" "$TREE/usr/lib/systemd" "$TREE/usr/libexec" -type f -perm -u+x -print0)
exit $fail
