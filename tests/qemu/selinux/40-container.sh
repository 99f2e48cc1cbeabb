# Containers run as container_t, each with its own MCS categories.
set -eu
# A container image from the image's own files (there is no registry): dash, sleep, cat and
# the libraries they need.
img=hull-selinux-test:1
if ! docker image inspect "$img" >/dev/null 2>&1; then
        root=$(mktemp -d)
        for f in /usr/bin/dash /usr/bin/sleep /usr/bin/cat; do
                for l in $f $(/lib64/ld-linux-x86-64.so.2 --list "$f" | awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }'); do
                        mkdir -p "$root$(dirname "$l")"
                        cp -L "$l" "$root$l"
                done
        done
        ln -s dash "$root/usr/bin/sh"
        for d in bin lib lib64; do [ -e "$root/usr/$d" ] && ln -s "usr/$d" "$root/$d"; done
        mkdir -p "$root/mnt" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/etc"
        tar -C "$root" -c . | docker import - "$img" >/dev/null
        rm -rf "$root"
fi
fail=0
ctx=$(docker run --rm "$img" cat /proc/self/attr/current | tr -d '\0')
echo "container process: $ctx"
echo "$ctx" | grep -Eq '^system_u:system_r:container_t:s0:c[0-9]+,c[0-9]+$' || { echo "FAIL: not container_t:s0:cX,cY"; fail=1; }
# Two containers get different categories; ps on the host shows them.
a=$(docker run -d "$img" sleep 120)
b=$(docker run -d "$img" sleep 120)
ps -eZ | grep -E 'container_t.* sleep$' || true
ca=$(docker inspect -f '{{.ProcessLabel}}' "$a")
cb=$(docker inspect -f '{{.ProcessLabel}}' "$b")
echo "ProcessLabel: $ca / $cb"
[ "$ca" != "$cb" ] || { echo "FAIL: two containers share the categories $ca"; fail=1; }
[ "$(ps -eZ | grep -cE 'container_t:s0:c[0-9]+,c[0-9]+ .* sleep$')" -ge 2 ] || { echo "FAIL: container processes not seen as container_t"; fail=1; }
docker rm -f "$a" "$b" >/dev/null
# Docker's state has the container module's labels.
for p in /var/lib/docker:container_var_lib_t /var/lib/docker/overlay2:container_ro_file_t; do
        got=$(stat -c %C "${p%%:*}" | cut -d: -f3)
        [ "$got" = "${p#*:}" ] && echo "ok   ${p%%:*} $got" || { echo "FAIL ${p%%:*}: $got, want ${p#*:}"; fail=1; }
done
exit $fail
