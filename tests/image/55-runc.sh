# shellcheck shell=bash
# runc by name is hull-runtime: /usr/sbin/runc (first in PATH for dockerd, containerd, the shim
# and BuildKit's executor) and Debian's /usr/bin/runc lead to /usr/bin/hull-runtime; Debian's
# runc is /usr/libexec/hull/runc, recorded in the manifest as its package's file; no other runc
# anywhere in a PATH directory.
set -u
fail=0
no() { echo "FAIL: $*"; fail=1; }
[ "$(readlink "$TREE/usr/sbin/runc")" = ../bin/hull-runtime ] || no "/usr/sbin/runc is not a link to ../bin/hull-runtime"
[ "$(readlink -f "$TREE/usr/bin/runc")" = "$(readlink -f "$TREE/usr/bin/hull-runtime")" ] ||
        no "/usr/bin/runc does not lead to hull-runtime"
f=$TREE/usr/libexec/hull/runc
if ! { [ -f "$f" ] && [ ! -L "$f" ] && [ -x "$f" ] && head -c4 "$f" | grep -q ELF; }; then
        no "/usr/libexec/hull/runc is not an executable ELF file"
fi
origin() { awk -F'\t' -v p="$1" '$1 == p { print $2 }' "$OUT/manifest.tsv"; }
[ "$(origin /usr/libexec/hull/runc)" = runc ] || no "the manifest records /usr/libexec/hull/runc as '$(origin /usr/libexec/hull/runc)', want runc (Debian's package)"
[ "$(origin /usr/sbin/runc)" = hull:packages/hull-runtime ] || no "the manifest records /usr/sbin/runc as '$(origin /usr/sbin/runc)', want hull:packages/hull-runtime"
for d in usr/local/sbin usr/local/bin; do
        if [ -e "$TREE/$d/runc" ] || [ -L "$TREE/$d/runc" ]; then no "/$d/runc comes before /usr/sbin/runc in PATH"; fi
done
[ "$fail" = 0 ] && echo "ok   runc is hull-runtime; Debian's runc at /usr/libexec/hull/runc"
exit $fail
