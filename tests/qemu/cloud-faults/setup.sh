# shellcheck shell=bash
# The first power-on's service: down (md/down: every connection closed). The tests change md/
# before each power cycle.
. "$HULL_TOP/tests/qemu/setup-lib.sh"
mkdir -p md/latest
touch md/down
