# shellcheck shell=bash
# A package list naming a package that does not exist stops the rootfs stage with one line
# naming the list and the package.
. "$(dirname "$0")/lib.sh"
cp -r packages/debian "$scratch/packages"
printf '# a test list\nhull-no-such-package\n' >"$scratch/packages/zz-test.list"
expect_failure "zz-test.list:2: package 'hull-no-such-package' does not exist" HULL_PACKAGES="$scratch/packages"
