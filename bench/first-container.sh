#!/usr/bin/env bash
# Power-on to the first container, Hull against plain Debian 12 + docker.io (the disk of
# bench/debian-docker.sh), same QEMU (TCG, 2 vCPU, 2 GiB, OVMF), one VM at a time.
#
#   bench/first-container.sh [--boots N] [--runs N] [hull|debian...]
#
# Per image: a first power-on (provisioning: Hull's first boot; Debian's machine-id and the
# rest), which loads a busybox image (docker import, untimed) after taking its figures; then N
# (default 3) power-ons of the same disk after a clean power-off, each timed from QEMU's start:
#   ssh      the administrator's first successful SSH login (polled every 0.5 s)
#   run      `docker run --rm bench true` finished, started right after that login, as an
#            administrator who logs in and starts a container does
#   analyze  systemd-analyze's kernel, initrd and userspace split, once the boot is done
#   mem      memory used (free) after 20 s idle with dockerd up
#   latency  `docker run --rm bench true` once dockerd is up, the median of R (default 10)
#   cpu      the guest's CPU time (both vCPUs, /proc/stat) over those R runs, per run: the work a
#            container costs the host, which varies far less than wall time with the host's load
# Prints each figure's median for each image and, when both ran, the ratio Hull/Debian.
# The critical chain of the last boot of each image goes to build/bench/first-container/.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
boots=3 runs=10 images=()
while [ $# -gt 0 ]; do
        case $1 in
        --boots) boots=$2; shift ;;
        --runs) runs=$2; shift ;;
        hull | debian) images+=("$1") ;;
        *) echo "usage: $0 [--boots N] [--runs N] [hull|debian...]" >&2; exit 2 ;;
        esac
        shift
done
[ ${#images[@]} -gt 0 ] || images=(hull debian)
TOP=$(pwd)
export PATH=$TOP/tests/qemu:$PATH
HULL_BUILD=${HULL_BUILD:-build} HULL_OUT=${HULL_OUT:-out}
# shellcheck source=image/lib.sh
. image/lib.sh
# shellcheck source=tests/qemu/qemu.sh
. tests/qemu/qemu.sh
res=$HULL_BUILD/bench/first-container
mkdir -p "$res"
vm_ssh_key

# The container image: busybox (Debian's static build) and nothing else, as a tar to import.
bb=$res/busybox.tar
if [ ! -s "$bb" ]; then
        r=$(mktemp -d)
        mkdir -p "$r/bin"
        cp /bin/busybox "$r/bin/busybox"
        ln -s busybox "$r/bin/true"
        ln -s busybox "$r/bin/sh"
        tar --numeric-owner --owner=0 --group=0 -C "$r" -cf "$bb" .
        rm -rf "$r"
fi

now() { date +%s.%N; }
since() { printf '%.2f\n' "$(echo "$(now) - $1" | bc)"; }
# wait_ssh: polls the administrator's login until it works; prints the seconds since VM_T0.
wait_ssh() {
        local end=$(($(date +%s) + 400))
        until guest -t 10 true >/dev/null 2>&1; do
                [ "$(date +%s)" -lt "$end" ] || { echo "bench/first-container.sh: no SSH login within 400 s" >&2; return 1; }
                vm_running || { echo "bench/first-container.sh: QEMU exited during boot" >&2; return 1; }
                sleep 0.5
        done
        since "$VM_T0"
}
# guest_cpu: the guest's CPU time so far in clock ticks (USER_HZ, 100 a second), all CPUs:
# user, nice, system, irq and softirq (not idle, iowait or steal).
guest_cpu() {
        guest "awk '/^cpu / { print \$2 + \$3 + \$4 + \$7 + \$8 }' /proc/stat"
}
# analyze: systemd-analyze's first line as "kernel initrd userspace" seconds (0 when absent).
analyze() {
        guest 'systemd-analyze' | head -1 | python3 -c '
import re, sys
line = sys.stdin.read()
def part(name):
        m = re.search(r"([0-9.]+min )?([0-9.]+)(ms|s) \(" + name + r"\)", line)
        if not m:
                return 0.0
        v = float(m.group(2)) / (1000 if m.group(3) == "ms" else 1)
        return v + (float(m.group(1)[:-4]) * 60 if m.group(1) else 0)
print("%.1f %.1f %.1f" % (part("kernel"), part("initrd"), part("userspace")))'
}

for img in "${images[@]}"; do
        vm=$HULL_BUILD/vm/bench-$img
        rm -rf "$vm"
        mkdir -p "$vm"
        if [ "$img" = hull ]; then
                [ -f "$HULL_OUT/hull.raw" ] || die "$HULL_OUT/hull.raw missing: run ./build.sh first"
                vm_config "$vm/fw_cfg.ign"
                vm_disk "$vm/disk.qcow2"
        else
                bench/debian-docker.sh "$vm/disk.qcow2" "$VM_SSH_KEY.pub"
        fi
        vm_start "$vm" "$vm/disk.qcow2"
        s=$(wait_ssh)
        t0=$(now)
        guest -t 300 'docker version --format "{{.Server.Version}}"' >/dev/null
        d=$(since "$t0")
        guest 'systemctl is-system-running --wait >/dev/null; true'
        echo "$img first power-on: SSH login $s s, then first docker call (server answers) $d s; $(guest 'systemd-analyze' | head -1)"
        { echo 'base64 -d <<"EOF" | docker import - bench >/dev/null'; base64 "$bb"; echo EOF; } | guest >/dev/null
        rm -f "$res/$img.boots"
        for i in $(seq "$boots"); do
                bench_power_cycle "$vm/disk.qcow2"
                s=$(wait_ssh)
                guest -t 300 'docker run --rm bench true' >/dev/null || die "$img: docker run failed"
                r=$(since "$VM_T0")
                guest 'systemctl is-system-running --wait >/dev/null; true'
                a=$(analyze)
                sleep 20
                mem=$(guest "free -m | awk '/^Mem:/ { print \$3 }'")
                c0=$(guest_cpu)
                l=$(for _ in $(seq "$runs"); do
                        t0=$(now); guest 'docker run --rm bench true' >/dev/null; since "$t0"
                done | median)
                c=$(echo "scale=2; ($(guest_cpu) - $c0) / 100 / $runs" | bc)
                echo "$s $r $a $mem $l $c" >>"$res/$img.boots"
                echo "$img power-on $i: SSH $s s, first container $r s, kernel/initrd/userspace $a s, idle $mem MiB, docker run $l s, guest CPU $c s a run"
        done
        guest 'systemd-analyze critical-chain --no-pager' >"$res/$img.critical-chain" 2>&1 || true
        guest 'systemd-analyze blame --no-pager | head -20' >"$res/$img.blame" 2>&1 || true
        vm_stop
done

fig() { # IMAGE COLUMN: the median of a figure over the boots
        cut -d' ' -f"$2" "$res/$1.boots" | median
}
names=("power-on to SSH login (s)" "power-on to first container (s)" "kernel (s)" "initrd (s)"
        "userspace (s)" "memory used at idle (MiB)" "docker run --rm, median of $runs (s)"
        "guest CPU per docker run (s)")
echo "medians of $boots power-ons after the first:"
for c in 1 2 3 4 5 6 7 8; do
        line="  ${names[$((c - 1))]}:"
        for img in "${images[@]}"; do line+=" $img $(fig "$img" "$c")"; done
        if [ ${#images[@]} = 2 ] && [ -f "$res/debian.boots" ]; then
                h=$(fig hull "$c") b=$(fig debian "$c")
                [ "$(echo "$b > 0" | bc)" = 1 ] && line+=" (Hull/Debian $(echo "scale=2; $h / $b" | bc))"
        fi
        echo "$line"
done
