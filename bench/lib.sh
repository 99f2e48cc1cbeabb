# shellcheck shell=bash
# Shared by the benches (sourced from the repository's top folder).
#
# median: the median of the numbers on stdin, one a line.
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# bench_vm_init OPTION DEFAULT ARGS...: for a bench that boots the built image. Parses the one
# option it takes (--runs N, --boots N), sets COUNT to its value or DEFAULT, and loads the
# build's paths (HULL_BUILD, HULL_OUT, default build and out) and the QEMU helpers.
# shellcheck disable=SC2034  # COUNT and TOP are read by the bench that sources this
bench_vm_init() {
        local opt=$1
        COUNT=$2
        shift 2
        while [ $# -gt 0 ]; do
                case $1 in
                "$opt") COUNT=$2; shift ;;
                *) echo "usage: $0 [$opt N]" >&2; exit 2 ;;
                esac
                shift
        done
        TOP=$(pwd)
        HULL_BUILD=${HULL_BUILD:-build} HULL_OUT=${HULL_OUT:-out}
        # shellcheck source=image/lib.sh
        . image/lib.sh
        # shellcheck source=tests/qemu/qemu.sh
        . tests/qemu/qemu.sh
}

# bench_power_cycle DISK: a clean power-off of the running bench VM ($VM_DIR), then the same
# disk and firmware variables powered on, not waited for. Sets VM_T0 (vm_start) to the new
# power-on.
bench_power_cycle() {
        guest -t 10 'systemctl poweroff' >/dev/null 2>&1 || true
        for _ in $(seq 300); do vm_running || break; sleep 0.2; done
        vm_stop
        vm_start "$VM_DIR" "$1"
}

# bench_power_on_again DISK: bench_power_cycle, then the boot waited for (SSH login, boot
# finished).
bench_power_on_again() {
        bench_power_cycle "$1"
        vm_wait_up 400 >/dev/null
}
