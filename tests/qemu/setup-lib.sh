# shellcheck shell=bash
# Sourced first by each suite's setup.sh (see suite_conf in tests/qemu/qemu.sh), which runs in
# the VM's folder ($VM) with HULL_TOP, HULL_BUILD, HULL_OUT, HULL_CACHE, HULL_SERVICES_OUT,
# HULL_VERSION, SUITE_DIR, VM_ADMIN and HULL_NEXT_PAYLOAD in its environment: errexit, die,
# and the QEMU helpers (vm_config, vm_ssh_key).
set -euo pipefail
die() { echo "tests/qemu/$(basename "$SUITE_DIR")/setup.sh: $*" >&2; exit 1; }
TOP=$HULL_TOP
suite_admin=$VM_ADMIN
# shellcheck source=tests/qemu/qemu.sh
. "$HULL_TOP/tests/qemu/qemu.sh"
VM_ADMIN=$suite_admin
