# Booting Hull images in QEMU (TCG; KVM hangs on these machines). Sourced by build.sh.
# shellcheck shell=bash

OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
AGENT=$SERVICES_OUT/hull-test-agent/hull-test-agent

# vm_start DIR DISK [QEMU ARGS...]: boot DISK (qcow2) in the background. DIR gets the serial
# log, the agent socket, the firmware variables and the pids. Sets VM_DIR and VM_SSH_PORT.
#
# A guest reboot is a power cycle: QEMU runs with -no-reboot, so a reset ends the process, and
# a supervisor starts a fresh one on the same disk and firmware variables. Resetting inside one
# QEMU process under multi-threaded TCG now and then left a vCPU spinning in the firmware
# forever; a new process always starts clean. The supervisor tells a reboot (the kernel's
# "reboot: Restarting system" is the last line of the serial log) from a power-off (it stops).
# tests/qemu/guest-powercycle cuts the power instead (kill -9 of QEMU after creating
# DIR/powercycle): the supervisor powers the machine on again.
#
# The disk cache mode is VM_CACHE (default unsafe: guest flushes are ignored, which is fast
# and fine while QEMU is never killed). A suite that kills QEMU sets VM_CACHE=writeback in its
# boot.conf: then what the guest flushed is in the image file when QEMU dies, as on a disk that
# honours flushes, and what it did not flush may be lost.
vm_start() {
        local dir=$1 disk=$2
        shift 2
        mkdir -p "$dir"
        VM_DIR=$(cd "$dir" && pwd)
        [ -f "$VM_DIR/vars.fd" ] || cp "$OVMF_VARS" "$VM_DIR/vars.fd"
        VM_SSH_PORT=$(vm_free_port)
        echo "$VM_SSH_PORT" >"$VM_DIR/ssh-port"
        rm -f "$VM_DIR/agent.sock" "$VM_DIR/stop" "$VM_DIR/qemu.pid" "$VM_DIR/powercycle"
        local qemu=(qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 2048
                -nodefaults -display none -no-user-config -no-reboot
                -drive if=pflash,format=raw,unit=0,readonly=on,file="$OVMF_CODE"
                -drive if=pflash,format=raw,unit=1,file="$VM_DIR/vars.fd"
                -drive if=virtio,format=qcow2,file="$disk",cache="${VM_CACHE:-unsafe}"
                -chardev file,id=serial0,path="$VM_DIR/serial.log",append=on -serial chardev:serial0
                -device virtio-serial-pci
                -chardev socket,id=agent,path="$VM_DIR/agent.sock",server=on,wait=off
                -device virtserialport,chardev=agent,name=org.hull.test
                -netdev user,id=net0,hostfwd=tcp:127.0.0.1:"$VM_SSH_PORT"-:22
                -device virtio-net-pci,netdev=net0
                -device virtio-rng-pci
                -pidfile "$VM_DIR/qemu.pid" "$@")
        (
                trap '' HUP
                while :; do
                        rm -f "$VM_DIR/agent.sock"
                        st=0
                        "${qemu[@]}" </dev/null >>"$VM_DIR/qemu.log" 2>&1 || st=$?
                        [ -e "$VM_DIR/stop" ] && break
                        if [ -e "$VM_DIR/powercycle" ]; then
                                rm -f "$VM_DIR/powercycle"
                                echo "$(date +%s.%N) power cycle" >>"$VM_DIR/resets"
                                continue
                        fi
                        [ "$st" = 0 ] || break
                        tail -c 2000 "$VM_DIR/serial.log" 2>/dev/null | tr -d '\r' | grep -v '^$' | tail -3 |
                                grep -q 'reboot: Restarting system' || break
                        echo "$(date +%s.%N) reset" >>"$VM_DIR/resets"
                done
                rm -f "$VM_DIR/qemu.pid"
        ) >>"$VM_DIR/qemu.log" 2>&1 &
        echo $! >"$VM_DIR/supervisor.pid"
        local i
        for i in $(seq 100); do
                [ -s "$VM_DIR/qemu.pid" ] && break
                kill -0 "$(cat "$VM_DIR/supervisor.pid")" 2>/dev/null || { cat "$VM_DIR/qemu.log" >&2; return 1; }
                sleep 0.1
        done
        VM_T0=$(date +%s.%N)
}

vm_free_port() {
        local p
        for p in $(shuf -i 20000-40000 -n 50); do
                ! (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null && { echo "$p"; return; }
        done
        echo 22222
}

vm_running() {
        [ -f "$VM_DIR/supervisor.pid" ] && kill -0 "$(cat "$VM_DIR/supervisor.pid")" 2>/dev/null
}

# guest [-t SECONDS] [SCRIPT]: run SCRIPT (or stdin) as root in the guest.
guest() {
        local t=600
        if [ "${1:-}" = -t ]; then t=$2; shift 2; fi
        if [ $# -gt 0 ]; then
                printf '%s\n' "$*" | "$AGENT" call "$VM_DIR/agent.sock" -t "$t"
        else
                "$AGENT" call "$VM_DIR/agent.sock" -t "$t"
        fi
}

# vm_wait_up [SECONDS]: wait until the agent answers and the boot has finished.
vm_wait_up() {
        local limit=${1:-300} deadline
        deadline=$(($(date +%s) + limit))
        while [ "$(date +%s)" -lt "$deadline" ]; do
                vm_running || { echo "QEMU exited during boot"; return 1; }
                if [ -S "$VM_DIR/agent.sock" ] && guest -t 5 true >/dev/null 2>&1; then
                        guest -t $((deadline - $(date +%s) + 1)) 'systemctl is-system-running --wait >/dev/null; true'
                        return 0
                fi
                sleep 2
        done
        echo "the guest did not answer within $limit s"
        return 1
}

vm_stop() {
        local pid sup
        [ -f "$VM_DIR/supervisor.pid" ] || return 0
        sup=$(cat "$VM_DIR/supervisor.pid")
        touch "$VM_DIR/stop"
        pid=$(cat "$VM_DIR/qemu.pid" 2>/dev/null || true)
        if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
        for _ in $(seq 50); do kill -0 "$sup" 2>/dev/null || break; sleep 0.2; done
        pid=$(cat "$VM_DIR/qemu.pid" 2>/dev/null || true)
        if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
        kill -9 "$sup" 2>/dev/null || true
        wait "$sup" 2>/dev/null || true
        rm -f "$VM_DIR/qemu.pid" "$VM_DIR/supervisor.pid"
}

# A fresh disk for a test boot: a qcow2 overlay on the built raw image, 8 GiB so the state
# partition has room to grow.
vm_disk() {
        local disk=$1
        rm -f "$disk"
        qemu-img create -q -f qcow2 -F raw -b "$HULL_OUT/hull.raw" "$disk" 8G
}

# ./build.sh run [--keep] [--config FILE]: boot the built image with the serial console on this
# terminal; FILE (an Ignition config) is handed to first boot over QEMU fw_cfg.
run_interactive() {
        local dir=$HULL_BUILD/vm/run disk keep=0 extra=()
        while [ $# -gt 0 ]; do
                case $1 in
                --keep) keep=1 ;;
                --config)
                        [ -r "${2:-}" ] || die "${2:-(none)}: cannot read the config for --config"
                        extra+=(-fw_cfg "name=opt/org.hull/config,file=$(realpath "$2")")
                        shift
                        ;;
                *) die "run: unknown option '$1' (use --keep, --config FILE)" ;;
                esac
                shift
        done
        [ -f "$HULL_OUT/hull.raw" ] || die "$HULL_OUT/hull.raw missing: run ./build.sh first"
        mkdir -p "$dir"
        disk=$(cd "$dir" && pwd)/disk.qcow2
        if [ "$keep" = 0 ] || [ ! -f "$disk" ]; then vm_disk "$disk"; fi
        cp "$OVMF_VARS" "$dir/vars.fd"
        echo "Booting $HULL_OUT/hull.raw (changes go to $disk; Ctrl-a x quits)."
        exec qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp 2 -m 2048 -nodefaults \
                -nographic -serial mon:stdio \
                -drive if=pflash,format=raw,unit=0,readonly=on,file="$OVMF_CODE" \
                -drive if=pflash,format=raw,unit=1,file="$dir/vars.fd" \
                -drive if=virtio,format=qcow2,file="$disk" \
                -netdev user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22 -device virtio-net-pci,netdev=net0 \
                -device virtio-rng-pci "${extra[@]}"
}
