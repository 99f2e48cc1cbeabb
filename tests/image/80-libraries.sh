# shellcheck shell=bash
# Every shared library Hull's own programs need is in /usr (the package lists carry them).
set -u
fail=0
for b in "$TREE"/usr/bin/hull-*; do
        for lib in $(readelf -d "$b" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
                if [ ! -e "$TREE/usr/lib/x86_64-linux-gnu/$lib" ] && [ ! -e "$TREE/usr/lib64/$lib" ] &&
                        [ ! -e "$TREE/usr/lib/$lib" ]; then
                        echo "${b#"$TREE"}: $lib is not in the image"
                        fail=1
                fi
        done
done
exit $fail
