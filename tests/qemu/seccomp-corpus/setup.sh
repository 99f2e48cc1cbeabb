# shellcheck shell=bash
# corpus.tar: the go-static image of tests/corpus and tests/probes' hull-syscall-census.
. "$HULL_TOP/tests/qemu/setup-lib.sh"
make -s -C "$HULL_TOP/tests/probes" O="$HULL_BUILD/probes" || die "tests/probes: build failed"
(cd "$HULL_TOP" && tests/corpus/build.sh "$VM/corpus.tar" go-static) || die "tests/corpus: build failed"
tar -C "$HULL_BUILD/probes" -rf corpus.tar hull-syscall-census
