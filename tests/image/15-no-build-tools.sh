# shellcheck shell=bash
# What only the build runs is not on the image: no program a service folder builds for the build
# host (BUILD_PROGS in packages/*/Makefile: hull-payload, hull-seccomp-gen) anywhere in /usr,
# while each service's shipped program (PROG) is there.
set -u
fail=0 any=0
# shellcheck disable=SC2013 # the words of a make variable
for mk in packages/*/Makefile; do
        for p in $(sed -n 's/^BUILD_PROGS *:= *//p' "$mk"); do
                any=1
                found=$(find "$TREE/usr" -name "$p" 2>/dev/null | sed "s#^$TREE##")
                if [ -n "$found" ]; then echo "$p (build host only, $mk) is on the image: $found"; fail=1; fi
        done
        for p in $(sed -n 's/^PROG *:= *//p' "$mk"); do
                [ -n "$(find "$TREE/usr" -name "$p" -type f -perm -0100 2>/dev/null)" ] ||
                        { echo "$p ($mk) is not on the image"; fail=1; }
        done
done
[ "$any" = 1 ] || { echo "no BUILD_PROGS in packages/*/Makefile: nothing checked"; fail=1; }
exit $fail
