# Booting Hull images in QEMU (TCG; KVM hangs on these machines). Sourced by build.sh.
# shellcheck shell=bash

# QEMU. Bookworm's QEMU 7.2 keys each block of guest code it has translated by the virtual
# address it ran at. With address-space randomisation every process finds its loader and
# libraries at new addresses, so every program started has its code translated anew: about
# 60 ms a program under TCG on these machines (20 runs of /bin/true: 1.2 s). QEMU 8.0 and
# later translate x86 code independently of where it sits and reuse it. Debian has such a QEMU
# in bookworm-backports. Measured on the probe VM (one VM at a time), QEMU 10.0 against 7.2:
#   20 runs of /bin/true                        0.31-0.43 s    1.15-1.25 s
#   docker version (the client, warm)           0.54-0.63 s    1.26-1.81 s
#   docker run --rm IMG true, warm              5.1-6.2 s      7.5-10.5 s
#   first boot: QEMU start to SSH and dockerd   55-57 s        63-72 s
# qemu_select fetches it with apt (debian_download, below) into $HULL_CACHE/qemu-backports,
# unpacked there and not installed: the host's own QEMU stays as it is. Fetched once; delete
# that folder to fetch the archive's current one. When it cannot be had (no backports in the
# mirror, a library the host lacks), the system's qemu-system-x86_64 runs the guests, slower,
# and a line says so. HULL_QEMU=system chooses the system's.
QEMU_CMD=()
qemu_select() {
        local d=$HULL_CACHE/qemu-backports st=0
        [ ${#QEMU_CMD[@]} -gt 0 ] && return 0
        QEMU_CMD=(qemu-system-x86_64)
        [ "${HULL_QEMU:-backports}" = system ] && return 0
        mkdir -p "$d"
        if [ ! -x "$d/current/usr/bin/qemu-system-x86_64" ]; then
                qemu_fetch_backports "$d" >"$d/fetch.log" 2>&1 || st=$?
        fi
        if [ "$st" = 0 ] && "$d/current/usr/bin/qemu-system-x86_64" --version >/dev/null 2>&1; then
                QEMU_CMD=(env "QEMU_MODULE_DIR=$d/current/usr/lib/x86_64-linux-gnu/qemu"
                          "$d/current/usr/bin/qemu-system-x86_64" -L "$d/current/usr/share/qemu")
        else
                echo "    QEMU from bookworm-backports could not be had (log: $d/fetch.log); the guests run on the system's $(qemu-system-x86_64 --version | head -1), slower" >&2
        fi
}

# debian_download SUITE DIR PACKAGE...: the .deb files of PACKAGE... as SUITE of Debian's
# archive (HULL_MIRROR, by default deb.debian.org) has them, into DIR. apt runs on a source
# list, lists and a cache of its own in DIR/apt, so the host's sources, lists and package cache
# are not touched; the index is checked against Debian's archive key, each package against
# the index. Also used by bench/libc-syscalls.sh for bullseye's libc.
debian_download() {
        local suite=$1 dir=$2 a=$2/apt
        shift 2
        mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
        echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${HULL_MIRROR:-http://deb.debian.org/debian} $suite main" >"$a/sources.list"
        local apt=(apt-get -q -o Dir::Etc::SourceList="$a/sources.list" -o Dir::Etc::SourceParts=/nonexistent
                   -o Dir::State::Lists="$a/lists" -o Dir::Cache="$a/cache" -o Debug::NoLocking=1
                   -o APT::Sandbox::User=root)
        "${apt[@]}" update && (cd "$dir" && "${apt[@]}" download "${@/%//$suite}")
}

# qemu_fetch_backports DIR: bookworm-backports' qemu-system-x86 and the two packages of data it
# needs (debian_download), unpacked into DIR/VERSION; DIR/current points at it.
qemu_fetch_backports() {
        local d=$1 tmp=$1/tmp v f
        rm -rf "$tmp"
        mkdir -p "$tmp/root"
        debian_download bookworm-backports "$tmp" qemu-system-x86 qemu-system-common qemu-system-data || return 1
        for f in "$tmp"/*.deb; do dpkg-deb -x "$f" "$tmp/root" || return 1; done
        # Every library it needs is on the host (the binary starts).
        "$tmp/root/usr/bin/qemu-system-x86_64" --version || return 1
        v=$(dpkg-deb -f "$tmp"/qemu-system-x86_*.deb Version) || return 1
        v=${v//[^A-Za-z0-9.+~-]/_}
        rm -rf "${d:?}/$v"
        mv "$tmp/root" "$d/$v"
        ln -sfn "$v" "$d/current"
        rm -rf "$tmp"
}

# The emulated CPU: QEMU's generic x86-64 with the SSE4.2 level most distributions' libraries
# pick their fast paths by, and the kernel's hardening features (SMEP, SMAP, UMIP, FSGSBASE).
# Not "max": QEMU 10's "max" hangs this kernel early in its boot (after "LSM: Security
# Framework initializing"). Without ERMS, as with QEMU 7.2's "max,-erms" before: ERMS tells
# the kernel and glibc that `rep movsb` is the fastest way to copy and clear memory, which TCG
# emulates a byte at a time (a first boot then took 15 s longer).
QEMU_CPU=qemu64,+smep,+smap,+umip,+fsgsbase,+ssse3,+sse4.1,+sse4.2,+popcnt,+rdrand,+aes,+pclmulqdq
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
# OVMF built with Secure Boot; it needs SMM, which keeps the variable store out of the OS's
# reach. Its empty variable store (OVMF_VARS) is setup mode: no PK, anything boots, and keys
# may be enrolled.
OVMF_CODE_SECBOOT=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd

# The harness comes in through the front door, as an administrator would: its Ignition config
# (handed to the first boot over QEMU fw_cfg, the product's own path) makes the user
# $VM_ADMIN, in group sudo, with an SSH key made for this run; tests/qemu/guest logs in with
# it and runs its commands with sudo. The image itself knows nothing of tests.
VM_ADMIN=hull-admin

# vm_net_metadata PLATFORM DIR [ADDRESS]: sets VM_NET for a cloud's metadata service at
# ADDRESS (default 169.254.169.254; Azure's wireserver is 168.63.129.16), port 80: the user
# network moves into ADDRESS's /16, so the address is inside slirp's network, and QEMU runs
# tests/qemu/metadata-server PLATFORM DIR for each connection the guest makes to it.
QEMU_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
vm_net_metadata() {
        local platform=$1 dir=$2 addr=${3:-169.254.169.254}
        local n=${addr%.*.*}
        VM_NET="net=$n.0.0/16,host=$n.0.2,dns=$n.0.3,dhcpstart=$n.0.16"
        VM_NET+=",guestfwd=tcp:$addr:80-cmd:$QEMU_TESTS/metadata-server $platform $(cd "$dir" && pwd)"
}

# A QEMU suite's settings are data: tests/qemu/SUITE/suite.conf, one "KEY VALUE" a line (the
# value is the rest of the line; # starts a comment line):
#   secure-boot on|off|enroll   the firmware (default off, or HULL_TEST_SECURE_BOOT): on is
#                       OVMF with Secure Boot on and Hull's keys enrolled (vm_enrolled_vars);
#                       enroll is Secure Boot firmware in setup mode, and the disk's ESP gets
#                       `secure-boot-enroll force` (vm_esp_enroll_force), so the first boot
#                       enrolls the image's keys and resets into Secure Boot
#   tpm on              a TPM 2.0 (swtpm)
#   cache writeback     the disk honours flushes (for suites that cut the power; default unsafe)
#   admin USER          the user the harness logs in as (default hull-admin)
#   config FILE|none    the suite's Ignition config: the harness adds its test administrator and
#                       hands it to the first boot over fw_cfg (default: the administrator
#                       alone); none: nothing on fw_cfg (the config comes on a disk or from a
#                       metadata service)
#   config-raw FILE     handed over fw_cfg as it is, with no administrator: the first boot cannot
#                       be entered, so boot-serial is needed
#   boot-serial REGEX   the first boot cannot be entered (a refused config): the harness waits
#                       for REGEX (extended) on the serial console instead of an SSH login
#   smbios VALUE        a QEMU -smbios option (the cloud the machine says it runs on); repeatable
#   metadata PLATFORM [ADDRESS]   a metadata service on the restricted network (vm_net_metadata),
#                       serving the files under $VM/md
#   disk FILE SERIAL    a raw read-only virtio disk with that serial; repeatable
#   cdrom FILE          a read-only CD-ROM on the IDE bus
#   needs next-payload  the 0.1.1 update payload (update_payload in tests/run.sh), built before
#                       setup.sh runs, which finds it in HULL_NEXT_PAYLOAD
#   expected-avc REGEX  the one SELinux denial the suite provokes on purpose (over the AVC line)
# FILE is relative to the suite's folder; $VM/NAME is a file setup.sh made. Error-priority
# journal lines the suite makes on purpose are in tests/qemu/SUITE/expected-errors, one
# extended regex a line, as in tests/qemu/expected-errors.
# tests/qemu/SUITE/setup.sh, when there is one, makes the files the suite needs (disks, metadata,
# configs): a script of its own process, run in the VM's folder ($VM), whose failure fails
# that suite alone.
#
# suite_conf DIR: reads DIR/suite.conf into SUITE_* (SUITE_QEMU_CONF: the smbios, disk and
# cdrom lines, made into QEMU arguments by suite_qemu_args after setup). An unknown key, a
# bad value or a missing argument is a one-line error naming the file and line (status 1).
# shellcheck disable=SC2034  # SUITE_* are read by the caller
suite_conf() {
        local f=$1/suite.conf n=0 key val
        SUITE_SECURE_BOOT=${HULL_TEST_SECURE_BOOT:-off} SUITE_TPM="" SUITE_CACHE=unsafe SUITE_ADMIN=$VM_ADMIN
        SUITE_CONFIG="" SUITE_CONFIG_RAW="" SUITE_BOOT_SERIAL="" SUITE_METADATA="" SUITE_NEEDS=""
        SUITE_EXPECTED_AVC="" SUITE_QEMU_CONF=()
        [ -f "$f" ] || return 0
        while IFS= read -r line || [ -n "$line" ]; do
                n=$((n + 1))
                case $line in '' | '#'*) continue ;; esac
                key=${line%%[[:space:]]*}
                val=${line#"$key"}
                val=${val#"${val%%[![:space:]]*}"}
                [ -n "$val" ] || { echo "$f:$n: $key: no value"; return 1; }
                case $key in
                secure-boot)
                        case $val in on | off | enroll) SUITE_SECURE_BOOT=$val ;;
                        *) echo "$f:$n: secure-boot '$val' (on, off or enroll)"; return 1 ;; esac ;;
                tpm) [ "$val" = on ] || { echo "$f:$n: tpm '$val' (on)"; return 1; }; SUITE_TPM=1 ;;
                cache)
                        case $val in writeback | unsafe) SUITE_CACHE=$val ;;
                        *) echo "$f:$n: cache '$val' (writeback or unsafe)"; return 1 ;; esac ;;
                admin) SUITE_ADMIN=$val ;;
                config) SUITE_CONFIG=$val ;;
                config-raw) SUITE_CONFIG_RAW=$val ;;
                boot-serial) SUITE_BOOT_SERIAL=$val ;;
                metadata) SUITE_METADATA=$val ;;
                needs) [ "$val" = next-payload ] || { echo "$f:$n: needs '$val' (next-payload)"; return 1; }
                        SUITE_NEEDS=$val ;;
                expected-avc) SUITE_EXPECTED_AVC=$val ;;
                smbios | cdrom) SUITE_QEMU_CONF+=("$key $val") ;;
                disk) [[ $val == *[[:space:]]?* ]] || { echo "$f:$n: disk '$val' (FILE SERIAL)"; return 1; }
                        SUITE_QEMU_CONF+=("$key $val") ;;
                *) echo "$f:$n: unknown key '$key'"; return 1 ;;
                esac
        done <"$f"
        if [ -n "$SUITE_CONFIG_RAW" ] && [ -z "$SUITE_BOOT_SERIAL" ]; then
                echo "$f: config-raw needs boot-serial (nobody can log in to that boot)"; return 1
        fi
}

# suite_path DIR VM FILE: FILE of a suite.conf as a path: $VM/NAME in the VM's folder, anything
# else relative to the suite's folder DIR.
suite_path() {
        # shellcheck disable=SC2016  # $VM/ is literal text of suite.conf
        case $3 in
        '$VM/'*) echo "$(cd "$2" && pwd)/${3#\$VM/}" ;;
        /*) echo "$3" ;;
        *) echo "$(cd "$1" && pwd)/$3" ;;
        esac
}

# suite_setup DIR VM LOG: runs DIR/setup.sh (when there is one) in VM, output to LOG, with the
# build's paths and the suite's in its environment.
suite_setup() {
        local dir vm log=$3
        [ -f "$1/setup.sh" ] || return 0
        dir=$(cd "$1" && pwd) vm=$(cd "$2" && pwd)
        (cd "$vm" && env HULL_TOP="$TOP" HULL_BUILD="$HULL_BUILD" HULL_OUT="$HULL_OUT" HULL_CACHE="$HULL_CACHE" \
                HULL_SERVICES_OUT="$SERVICES_OUT" HULL_VERSION="$HULL_VERSION" SUITE_DIR="$dir" VM="$vm" \
                VM_ADMIN="$SUITE_ADMIN" HULL_NEXT_PAYLOAD="${UPDATE_PAYLOAD:-}" bash "$dir/setup.sh") >>"$log" 2>&1
}

# suite_qemu_args DIR VM: the suite's smbios, disk and cdrom settings as QEMU arguments in
# SUITE_QEMU, and VM_NET for its metadata service; a file that is not there is an error naming
# it (status 1).
suite_qemu_args() {
        local dir=$1 vm=$2 l key val file serial platform addr n=0
        SUITE_QEMU=()
        for l in "${SUITE_QEMU_CONF[@]}"; do
                key=${l%% *} val=${l#* }
                [ "$key" = smbios ] && { SUITE_QEMU+=(-smbios "$val"); continue; }
                read -r file serial <<<"$val"
                file=$(suite_path "$dir" "$vm" "$file")
                [ -f "$file" ] || { echo "$dir/suite.conf: $key $file: no such file"; return 1; }
                n=$((n + 1))
                if [ "$key" = disk ]; then
                        SUITE_QEMU+=(-drive "file=$file,if=none,id=suite$n,format=raw,readonly=on"
                                -device "virtio-blk-pci,drive=suite$n,serial=$serial")
                else
                        SUITE_QEMU+=(-drive "file=$file,if=none,id=suite$n,media=cdrom,readonly=on,format=raw"
                                -device "ide-cd,drive=suite$n,bus=ide.1")
                fi
        done
        VM_NET=""
        if [ -n "$SUITE_METADATA" ]; then
                read -r platform addr <<<"$SUITE_METADATA"
                vm_net_metadata "$platform" "$vm" ${addr:+"$addr"}
        fi
}

# vm_ssh_key: the run's SSH key pair ($HULL_BUILD/test-ssh/id_ed25519), made once per build
# folder; sets VM_SSH_KEY.
vm_ssh_key() {
        VM_SSH_KEY=$(cd "$HULL_BUILD" && pwd)/test-ssh/id_ed25519
        if [ ! -s "$VM_SSH_KEY" ]; then
                mkdir -p "$(dirname "$VM_SSH_KEY")"
                rm -f "$VM_SSH_KEY" "$VM_SSH_KEY.pub"
                ssh-keygen -q -t ed25519 -N '' -C "hull test harness $(hostname) $(date +%F)" -f "$VM_SSH_KEY" ||
                        die "ssh-keygen failed: no key for the test administrator"
        fi
}

# vm_config OUT [BASE]: an Ignition config in OUT: BASE (default: an empty 3.4.0 config) with
# the test administrator added to passwd.users.
vm_config() {
        local out=$1 base=${2:-}
        vm_ssh_key
        if [ -z "$base" ]; then
                echo '{"ignition":{"version":"3.4.0"}}' >"$out.base"
                base=$out.base
        fi
        jq --arg u "$VM_ADMIN" --arg k "$(cat "$VM_SSH_KEY.pub")" \
                '.passwd.users = ((.passwd.users // []) + [{name: $u, groups: ["sudo"], sshAuthorizedKeys: [$k]}])' \
                "$base" >"$out.tmp" || die "$base: cannot add the test administrator (jq failed)"
        mv "$out.tmp" "$out"
        rm -f "$out.base"
}

# vm_env: export what tests/qemu/guest and the host-side tests need to reach the VM.
vm_env() {
        export HULL_VM_DIR=$VM_DIR HULL_SSH_PORT=$VM_SSH_PORT HULL_SSH_KEY=$VM_SSH_KEY HULL_ADMIN=$VM_ADMIN
}

# vm_start DIR DISK [QEMU ARGS...]: boot DISK (qcow2) in the background. DIR gets the serial
# log, the firmware variables, the pids and the SSH connection. DIR/fw_cfg.ign, when it exists,
# is the Ignition config on fw_cfg (opt/org.hull/config): by default the test administrator's
# (vm_config); a test may replace it before a power cycle, and the next QEMU reads the new one.
# Port 22 of the guest is forwarded to a free port of 127.0.0.1; user networking is restricted,
# so nothing the guest sends (DNS, NTP, a registry pull) leaves this machine. The NIC has no
# option ROM: a firmware that finds nothing to boot on the disk does not spend minutes on
# PXE and HTTP boot before it tries the disk again. Sets VM_DIR and
# VM_SSH_PORT and exports them for tests/qemu/guest (vm_env).
#
# A guest reboot is a power cycle: QEMU runs with -no-reboot, so a reset ends the process, and
# a supervisor starts a fresh one on the same disk and firmware variables. Resetting inside one
# QEMU process under multi-threaded TCG now and then left a vCPU spinning in the firmware
# forever; a new process always starts clean. The supervisor tells a power-off (the kernel's
# "reboot: Power down" is the last line of the serial log: it stops) from a reset by the
# kernel, the firmware or the watchdog (an i6300esb, as libvirt gives a VM: it powers on
# again). Each QEMU exit goes into DIR/exits with the console's last line, each power-on
# into DIR/resets.
# tests/qemu/guest-powercycle cuts the power instead (kill -9 of QEMU after creating
# DIR/powercycle): the supervisor powers the machine on again.
#
# The firmware is VM_FIRMWARE: uefi (default) or secureboot (OVMF_CODE_SECBOOT, SMM on), with
# the variables of VM_VARS (default: OVMF's empty store) copied to DIR/vars.fd on the first
# start. VM_TPM=1 attaches a TPM 2.0 (swtpm, state in DIR/tpm, kept across power cycles).
#
# VM_NET adds options to the user network (-netdev user,...): the cloud suites move it into
# 169.254.0.0/16 and forward the metadata service's address to tests/qemu/metadata-server.
#
# The system disk is the only boot option (bootindex): a firmware that refuses the loader (a
# tampered UKI under Secure Boot) goes back to the disk at once, not through PXE and HTTP boot
# on the network card, which under TCG waits minutes for DHCP answers that never come.
#
# The disk cache mode is VM_CACHE (default unsafe: guest flushes are ignored, which is fast
# and fine while QEMU is never killed). A suite that kills QEMU says `cache writeback` in its
# suite.conf: then what the guest flushed is in the image file when QEMU dies, as on a disk that
# honours flushes, and what it did not flush may be lost.
vm_start() {
        local dir=$1 disk=$2
        shift 2
        mkdir -p "$dir"
        VM_DIR=$(cd "$dir" && pwd)
        [ -f "$VM_DIR/vars.fd" ] || cp "${VM_VARS:-$OVMF_VARS}" "$VM_DIR/vars.fd"
        VM_SSH_PORT=$(vm_free_port)
        echo "$VM_SSH_PORT" >"$VM_DIR/ssh-port"
        vm_ssh_key
        vm_env
        rm -f "$VM_DIR/stop" "$VM_DIR/qemu.pid" "$VM_DIR/powercycle" "$VM_DIR/ssh.ctl"
        local fw=() code=$OVMF_CODE machine=q35
        [ -f "$VM_DIR/fw_cfg.ign" ] && fw=(-fw_cfg "name=opt/org.hull/config,file=$VM_DIR/fw_cfg.ign")
        if [ "${VM_FIRMWARE:-uefi}" = secureboot ]; then
                code=$OVMF_CODE_SECBOOT machine=q35,smm=on
                fw+=(-global driver=cfi.pflash01,property=secure,value=on)
        fi
        if [ -n "${VM_TPM:-}" ]; then
                fw+=(-chardev socket,id=chrtpm,path="$VM_DIR/swtpm.sock" -tpmdev emulator,id=tpm0,chardev=chrtpm
                     -device tpm-tis,tpmdev=tpm0)
        fi
        qemu_select
        local qemu=("${QEMU_CMD[@]}" -machine "$machine" -accel tcg -cpu "$QEMU_CPU" -smp 2 -m 2048
                -nodefaults -display none -no-user-config -no-reboot
                -drive if=pflash,format=raw,unit=0,readonly=on,file="$code"
                -drive if=pflash,format=raw,unit=1,file="$VM_DIR/vars.fd"
                -drive if=none,id=disk0,format=qcow2,file="$disk",cache="${VM_CACHE:-unsafe}"
                -device virtio-blk-pci,drive=disk0,bootindex=0
                -chardev file,id=serial0,path="$VM_DIR/serial.log",append=on -serial chardev:serial0
                -netdev "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$VM_SSH_PORT-:22${VM_NET:+,$VM_NET}"
                -device virtio-net-pci,netdev=net0,romfile=
                -device virtio-rng-pci -device i6300esb
                -pidfile "$VM_DIR/qemu.pid" "${fw[@]}" "$@")
        (
                # The supervisor decides by exit statuses itself: a caller's `set -e` (the
                # benches run with it) would end it at the first `wait` for a killed guard,
                # and the next reset would leave the machine off.
                set +e
                trap '' HUP
                while :; do
                        st=0
                        if [ -n "${VM_TPM:-}" ]; then vm_swtpm || break; fi
                        start=$(stat -c %s "$VM_DIR/serial.log" 2>/dev/null || echo 0)
                        "${qemu[@]}" </dev/null >>"$VM_DIR/qemu.log" 2>&1 &
                        qpid=$!
                        vm_firmware_guard "$qpid" "$start" &
                        gpid=$!
                        wait "$qpid" || st=$?
                        kill "$gpid" 2>/dev/null; wait "$gpid" 2>/dev/null
                        # Every exit with the serial log's last line: a boot that ended in a
                        # way the supervisor did not take for a reset shows why, and where.
                        echo "$(date +%s.%N) exit $st: $(vm_console_tail 1 | cut -c1-160)" >>"$VM_DIR/exits"
                        [ -e "$VM_DIR/stop" ] && break
                        if [ -e "$VM_DIR/powercycle" ]; then
                                rm -f "$VM_DIR/powercycle"
                                echo "$(date +%s.%N) power cycle" >>"$VM_DIR/resets"
                                continue
                        fi
                        [ "$st" = 0 ] || break
                        # QEMU ends with status 0 at a reset (the kernel's reboot, systemd-boot's
                        # after it enrolled Secure Boot keys, the watchdog's) and at a power-off,
                        # which the kernel announces as its last words.
                        if vm_console_tail 3 | grep -qE 'reboot: (Power down|System halted)'; then
                                echo "$(date +%s.%N) power off" >>"$VM_DIR/resets"
                                break
                        fi
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

# vm_console_tail N: the last N non-empty lines the console of $VM_DIR printed.
vm_console_tail() {
        tail -c 2000 "$VM_DIR/serial.log" 2>/dev/null | tr -d '\r' | grep -av '^$' | tail -n "$1"
}

# vm_firmware_guard QEMU_PID START: the power button for a firmware that hangs. Now and then
# under TCG a fresh QEMU process never gets out of OVMF: its console stays silent and the kernel
# never starts. A machine whose console has said nothing for VM_FIRMWARE_HANG seconds (default
# 300; a firmware prints and hands over in about 10) and whose serial log since byte START (its
# power-on) holds no "Linux version" gets its power cut, as a BMC's watchdog would; the
# supervisor powers it on again and "firmware hung" goes into DIR/resets with the console's
# last line. The same goes for a kernel that reports an RCU stall before it has started init
# (TCG_TIMER_LOST below, in the kernel's first seconds): the boot never gets further, and
# "kernel stalled" goes into DIR/resets. Once the kernel runs init the guard goes away: a hang
# from there on fails the suite's tests, and the runner runs a suite again only for a lost
# timer (qemu_suite in tests/run.sh).
vm_firmware_guard() {
        local qpid=$1 start=$2 size last=-1 still=0 log
        while sleep 10; do
                kill -0 "$qpid" 2>/dev/null || return 0
                log=$(tail -c +$((start + 1)) "$VM_DIR/serial.log" 2>/dev/null | tr -d '\0')
                grep -aq '^\[ *[0-9.]*\] Run /' <<<"$log" && return 0
                if grep -aqE "rcu: INFO: .* detected stalls|$TCG_TIMER_LOST" <<<"$log"; then
                        echo "$(date +%s.%N) kernel stalled before init: $(grep -aE 'rcu' <<<"$log" |
                                tail -n 1 | cut -c1-120)" >>"$VM_DIR/resets"
                        touch "$VM_DIR/powercycle"
                        kill -9 "$qpid" 2>/dev/null
                        return 0
                fi
                grep -aq 'Linux version' <<<"$log" && continue
                size=$(stat -c %s "$VM_DIR/serial.log" 2>/dev/null || echo 0)
                if [ "$size" != "$last" ]; then last=$size still=0; continue; fi
                still=$((still + 10))
                [ "$still" -ge "${VM_FIRMWARE_HANG:-300}" ] || continue
                echo "$(date +%s.%N) firmware hung: console silent for $still s after: $(vm_console_tail 1 |
                        cut -c1-120)" >>"$VM_DIR/resets"
                touch "$VM_DIR/powercycle"
                kill -9 "$qpid" 2>/dev/null
                return 0
        done
}

# The guest kernel's report that a CPU's timer never fired ("rcu_preempt kthread timer wakeup
# didn't happen ... Possible timer handling issue on cpu=N"). Under TCG on a loaded host QEMU
# now and then loses a halted vCPU's timer interrupt for good: the emulator's fault, not the
# image's.
TCG_TIMER_LOST='rcu: rcu_[a-z]+ kthread timer wakeup didn.t happen'

# vm_swtpm: a TPM 2.0 emulator for the VM in $VM_DIR, listening on DIR/swtpm.sock. swtpm ends
# when QEMU does, so it is started again before each power-on; its state (DIR/tpm) stays, and
# PCRs start from zero as on a real power-on.
vm_swtpm() {
        if [ -f "$VM_DIR/swtpm.pid" ] && kill -0 "$(cat "$VM_DIR/swtpm.pid")" 2>/dev/null; then return 0; fi
        mkdir -p "$VM_DIR/tpm"
        rm -f "$VM_DIR/swtpm.sock"
        swtpm socket --tpm2 --tpmstate dir="$VM_DIR/tpm" --ctrl type=unixio,path="$VM_DIR/swtpm.sock" \
                --log file="$VM_DIR/swtpm.log" --pid file="$VM_DIR/swtpm.pid" --daemon ||
                { echo "swtpm did not start (log: $VM_DIR/swtpm.log)"; return 1; }
}

# vm_esp_enroll_force DISK: DISK (a qcow2 overlay of hull.raw) gets `secure-boot-enroll force`
# in /loader/loader.conf and the image's keys in /loader/keys/auto as well, the one folder
# systemd-boot 252 enrolls by itself (the image's own loader.conf says manual: a menu entry).
# The ESP is copied out of hull.raw, changed with mtools and written into the overlay with
# qemu-io; hull.raw is not touched.
vm_esp_enroll_force() {
        local disk=$1 start size w n
        w=$(dirname "$disk")/esp.img
        read -r start size < <(sfdisk -J "$HULL_OUT/hull.raw" |
                jq -r '.partitiontable.partitions[] | select(.name == "esp") | "\(.start) \(.size)"')
        [ -n "$start" ] || die "$HULL_OUT/hull.raw: no partition named esp"
        dd if="$HULL_OUT/hull.raw" of="$w" bs=512 skip="$start" count="$size" status=none
        export MTOOLS_SKIP_CHECK=1
        mtype -i "$w" ::/loader/loader.conf | sed '/^secure-boot-enroll/d' >"$w.conf"
        echo "secure-boot-enroll force" >>"$w.conf"
        mcopy -o -i "$w" "$w.conf" ::/loader/loader.conf
        mmd -i "$w" ::/loader/keys/auto
        for n in PK KEK db; do
                mcopy -i "$w" "::/loader/keys/hull/$n.auth" "$w.$n" && mcopy -i "$w" "$w.$n" "::/loader/keys/auto/$n.auth" ||
                        die "$HULL_OUT/hull.raw: no /loader/keys/hull/$n.auth on the ESP"
        done
        qemu-io -f qcow2 -c "write -s $w $((start * 512)) $((size * 512))" "$disk" >/dev/null ||
                die "qemu-io could not write the ESP into $disk"
        rm -f "$w" "$w".*
}

# vm_enrolled_vars: VM_VARS for a machine with Hull's keys enrolled and Secure Boot on, made
# once per built image ($HULL_BUILD/vm/enrolled-vars.fd): a throwaway machine in setup mode
# boots the image with vm_esp_enroll_force until systemd-boot has enrolled the keys and reset
# (QEMU exits: -no-reboot); its variable store is kept. tests/qemu/secureboot proves that
# enrollment on its own machine; every other suite starts from this store.
vm_enrolled_vars() {
        local d=$HULL_BUILD/vm/enroll out=$HULL_BUILD/vm/enrolled-vars.fd i
        VM_VARS=$out
        [ -s "$out" ] && [ "$out" -nt "$HULL_OUT/hull.raw" ] && return 0
        rm -rf "$d" "$out"
        mkdir -p "$d"
        cp "$OVMF_VARS" "$d/vars.fd"
        vm_disk "$d/disk.qcow2"
        vm_esp_enroll_force "$d/disk.qcow2"
        qemu_select
        "${QEMU_CMD[@]}" -machine q35,smm=on -accel tcg -cpu "$QEMU_CPU" -smp 1 -m 1024 -nodefaults -display none \
                -no-user-config -no-reboot -global driver=cfi.pflash01,property=secure,value=on \
                -drive if=pflash,format=raw,unit=0,readonly=on,file="$OVMF_CODE_SECBOOT" \
                -drive if=pflash,format=raw,unit=1,file="$d/vars.fd" \
                -drive if=virtio,format=qcow2,file="$d/disk.qcow2" \
                -chardev file,id=s0,path="$d/serial.log" -serial chardev:s0 -pidfile "$d/pid" -daemonize ||
                die "QEMU did not start the enrollment machine"
        for i in $(seq 300); do
                kill -0 "$(cat "$d/pid" 2>/dev/null)" 2>/dev/null || break
                grep -aq 'Linux version' "$d/serial.log" && break
                sleep 1
        done
        kill "$(cat "$d/pid" 2>/dev/null)" 2>/dev/null || true
        grep -aq 'Enrolling secure boot keys' "$d/serial.log" && ! grep -aq 'Linux version' "$d/serial.log" ||
                die "the enrollment machine did not enroll Hull's keys and reset (serial log: $d/serial.log)"
        mv "$d/vars.fd" "$out"
        rm -rf "$d"
        echo "    Secure Boot variables with Hull's keys enrolled: $out (${i} s)"
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

# guest [-t SECONDS] [SCRIPT]: run SCRIPT (or stdin) as root in the guest, over SSH and sudo
# (tests/qemu/guest).
guest() {
        "$TOP/tests/qemu/guest" "$@"
}

# vm_wait_up [SECONDS]: wait until the test administrator can log in and the boot has finished.
vm_wait_up() {
        local limit=${1:-300} deadline
        deadline=$(($(date +%s) + limit))
        while [ "$(date +%s)" -lt "$deadline" ]; do
                vm_running || { echo "QEMU exited during boot"; return 1; }
                if guest -t 20 true >/dev/null 2>&1; then
                        guest -t $((deadline - $(date +%s) + 1)) 'systemctl is-system-running --wait >/dev/null; true'
                        return 0
                fi
                sleep 2
        done
        echo "the test administrator could not log in over SSH within $limit s"
        return 1
}

# vm_wait_serial PATTERN [COUNT] [SECONDS]: wait until the serial log has COUNT (default 1) lines
# matching the extended regex PATTERN: for boots that cannot be entered over SSH.
vm_wait_serial() {
        local pat=$1 count=${2:-1} limit=${3:-300} deadline
        deadline=$(($(date +%s) + limit))
        while [ "$(date +%s)" -lt "$deadline" ]; do
                [ "$(grep -acE "$pat" "$VM_DIR/serial.log" 2>/dev/null)" -ge "$count" ] && return 0
                vm_running || { echo "QEMU exited during boot"; return 1; }
                sleep 2
        done
        echo "the serial log shows /$pat/ fewer than $count times after $limit s"
        return 1
}

vm_stop() {
        local pid sup
        [ -f "$VM_DIR/supervisor.pid" ] || return 0
        sup=$(cat "$VM_DIR/supervisor.pid")
        touch "$VM_DIR/stop"
        guest --disconnect
        pid=$(cat "$VM_DIR/qemu.pid" 2>/dev/null || true)
        if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
        for _ in $(seq 50); do kill -0 "$sup" 2>/dev/null || break; sleep 0.2; done
        pid=$(cat "$VM_DIR/qemu.pid" 2>/dev/null || true)
        if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null || true; fi
        kill -9 "$sup" 2>/dev/null || true
        wait "$sup" 2>/dev/null || true
        if [ -f "$VM_DIR/swtpm.pid" ]; then kill "$(cat "$VM_DIR/swtpm.pid")" 2>/dev/null || true; fi
        rm -f "$VM_DIR/qemu.pid" "$VM_DIR/supervisor.pid" "$VM_DIR/swtpm.pid"
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
        qemu_select
        exec "${QEMU_CMD[@]}" -machine q35 -accel tcg -cpu "$QEMU_CPU" -smp 2 -m 2048 -nodefaults \
                -nographic -serial mon:stdio \
                -drive if=pflash,format=raw,unit=0,readonly=on,file="$OVMF_CODE" \
                -drive if=pflash,format=raw,unit=1,file="$dir/vars.fd" \
                -drive if=virtio,format=qcow2,file="$disk" \
                -netdev user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22 -device virtio-net-pci,netdev=net0 \
                -device virtio-rng-pci "${extra[@]}"
}
