# ./build.sh test [FILTER]: build the image, then run every test whose name contains FILTER.
# Sourced by build.sh. Each test is recorded once as passed, failed or skipped; the last line
# is "N passed, N failed, N skipped". Logs of failed tests are kept in $HULL_BUILD/test-logs
# (build/test-logs).
# shellcheck shell=bash

# shellcheck source=tests/qemu/qemu.sh
. tests/qemu/qemu.sh

T_PASS=0 T_FAIL=0 T_SKIP=0
T_FAILED=()
FILTER=""
LOGS=$HULL_BUILD/test-logs
FUZZ_SECONDS=${FUZZ_SECONDS:-10}

selected() {
        [ -z "$FILTER" ] || [[ $1 == *"$FILTER"* ]]
}

# result NAME STATUS [LOGFILE]: STATUS 0 pass, 77 skip, else fail.
result() {
        local name=$1 st=$2 log=${3:-}
        case $st in
        0) T_PASS=$((T_PASS + 1)); echo "PASS: $name" ;;
        77) T_SKIP=$((T_SKIP + 1)); echo "SKIP: $name" ;;
        *)
                T_FAIL=$((T_FAIL + 1)); T_FAILED+=("$name"); echo "FAIL: $name (status $st)"
                if [ -n "$log" ] && [ -s "$log" ]; then tail -n 40 "$log" | sed 's/^/    | /'; fi
                ;;
        esac
}

# check NAME COMMAND...: run a host-side test, output to a log.
check() {
        local name=$1 log st=0
        shift
        selected "$name" || return 0
        log=$LOGS/$(echo "$name" | tr '/ ' '__').log
        "$@" >"$log" 2>&1 || st=$?
        result "$name" "$st" "$log"
}

# makefile_var NAME MAKEFILE: the words of a service Makefile's variable NAME, as make sees it
# (continued lines, includes and all).
makefile_var() {
        make -s --no-print-directory -C "$(dirname "$2")" print-"$1"
}

unit_tests() {
        local mk dir svc t o
        for mk in $(service_makefiles); do
                dir=${mk%/Makefile} svc=${dir#packages/}
                o=$SERVICES_OUT/$svc
                if selected "unit/$svc" || selected "asan/$svc"; then
                        make -s -j"$(nproc)" -C "$dir" O="$o" VERSION="$HULL_VERSION" tests asan >"$LOGS/make-asan-$svc.log" 2>&1 ||
                                { result "build/$svc: unit tests and ASan+UBSan build" 1 "$LOGS/make-asan-$svc.log"; continue; }
                fi
                # The tests the Makefile names, each run from its binary; a missing binary is a
                # failure with its name, never a shorter list.
                for t in $(makefile_var TESTS "$mk"); do
                        check "unit/$svc/$t" bash -c '[ -x "$2" ] || { echo "$2: not built"; exit 1; }; cd "$1" && "$2"' \
                                _ "$dir" "$o/tests/$t"
                        check "asan/$svc/$t" bash -c '[ -x "$2" ] || { echo "$2: not built"; exit 1; }; cd "$1" &&
                                ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 "$2"' _ "$dir" "$o/asan/tests/$t"
                done
        done
        return 0
}

# The fuzzers run as many at a time as there are cores, each for FUZZ_SECONDS; results are
# recorded in order once each has ended.
fuzz_tests() {
        local mk dir svc f o name log pending=() st
        for mk in $(service_makefiles); do
                dir=${mk%/Makefile} svc=${dir#packages/}
                o=$SERVICES_OUT/$svc
                grep -q '^FUZZERS' "$mk" || continue
                selected "fuzz/$svc" || continue
                make -s -j"$(nproc)" -C "$dir" O="$o" fuzz >"$LOGS/make-fuzz-$svc.log" 2>&1 ||
                        { result "fuzz/$svc: build" 1 "$LOGS/make-fuzz-$svc.log"; continue; }
                for f in $(makefile_var FUZZERS "$mk"); do
                        name="fuzz/$svc/$f (${FUZZ_SECONDS}s)"
                        selected "$name" || continue
                        log=$LOGS/$(echo "$name" | tr '/ ' '__').log
                        mkdir -p "$o/fuzz-corpus/$f"
                        while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
                        # libFuzzer exits 77 on a crash by default, which result() counts
                        # as a skip: a crash, a timeout or a leak must fail. A crashing input
                        # is kept beside the log.
                        ( st=0; "$o/fuzz/$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
                                -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$LOGS/$f-" \
                                "$o/fuzz-corpus/$f" "$dir/fuzz/$f" >"$log" 2>&1 || st=$?; echo "$st" >"$log.status" ) &
                        pending+=("$name")
                done
        done
        wait
        for name in "${pending[@]}"; do
                log=$LOGS/$(echo "$name" | tr '/ ' '__').log
                st=$(cat "$log.status" 2>/dev/null || echo 1)
                rm -f "$log.status"
                result "$name" "$st" "$log"
        done
}

# Every program Hull ships: full RELRO, canary, NX, PIE, FORTIFY.
checksec_one() {
        local out
        out=$(checksec --output=csv --file="$1") || return 1
        echo "$out"
        echo "$out" | awk -F, '{ exit !($1 == "Full RELRO" && $2 == "Canary found" && $3 == "NX enabled" && $4 == "PIE enabled" && $8 == "Yes") }' ||
                { echo "$1: hardening incomplete (want Full RELRO, Canary, NX, PIE, FORTIFY)"; return 1; }
}

checksec_tests() {
        local mk dir svc prog
        for mk in $(service_makefiles); do
                dir=${mk%/Makefile} svc=${dir#packages/}
                prog=$(sed -n 's/^PROG *:= *//p' "$mk")
                [ -n "$prog" ] || continue
                check "checksec/$prog" checksec_one "$SERVICES_OUT/$svc/$prog"
        done
}

# The image checks read what was published, not the build's work tree: out/usr.erofs extracted
# (fsck.erofs checks every file's encoding on the way) into a root with the image's merged-/usr
# links and its factory /etc as /etc (TREE), and, read-only through the kernel's own file
# systems, out/usr.erofs as the machine mounts it (USR: fsck.erofs's extraction loses the
# setuid and setgid bits) and the state partition of out/hull.raw (STATE).
image_tests() {
        local t root=$HULL_BUILD/image-check l st=0 any=0 start size
        for t in tests/image/[0-9]*.sh; do selected "image/$(basename "$t" .sh)" && any=1; done
        [ "$any" = 1 ] || return 0
        rm -rf "$root"
        mkdir -p "$root/usr"
        fsck.erofs --extract="$root/usr" --preserve "$HULL_OUT/usr.erofs" >"$LOGS/image-extract.log" 2>&1 || st=$?
        result "image/00-extract: $HULL_OUT/usr.erofs extracts whole (fsck.erofs)" "$st" "$LOGS/image-extract.log"
        [ "$st" = 0 ] || return 0
        for l in bin sbin lib lib64; do ln -s "usr/$l" "$root/$l"; done
        ln -s usr/share/factory/etc "$root/etc"
        mkdir -p "$root.usr" "$root.state"
        read -r start size < <(sfdisk -J "$HULL_OUT/hull.raw" |
                jq -r '.partitiontable.partitions[] | select(.name == "state") | "\(.start) \(.size)"')
        { mount -t erofs -o loop,ro "$HULL_OUT/usr.erofs" "$root.usr" &&
                mount -t ext4 -o "loop,ro,noload,offset=$((start * 512)),sizelimit=$((size * 512))" \
                        "$HULL_OUT/hull.raw" "$root.state"; } >"$LOGS/image-mount.log" 2>&1 || st=$?
        result "image/00-mount: $HULL_OUT/usr.erofs and the state partition of $HULL_OUT/hull.raw mount read-only" \
                "$st" "$LOGS/image-mount.log"
        for t in tests/image/[0-9]*.sh; do
                if [ ! -f "$t" ]; then continue; fi
                if [ "$st" = 0 ]; then
                        check "image/$(basename "$t" .sh)" env HULL_TOP="$TOP" TREE="$root" USR="$root.usr" STATE="$root.state" \
                                OUT="$HULL_OUT" HULL_VERSION="$HULL_VERSION" bash "$t"
                else
                        selected "image/$(basename "$t" .sh)" && result "image/$(basename "$t" .sh): not run (the image did not mount)" 1
                fi
        done
        umount "$root.usr" 2>/dev/null || true
        umount "$root.state" 2>/dev/null || true
}

build_tests() {
        local t
        for t in tests/build/[0-9]*.sh; do
                if [ ! -f "$t" ]; then continue; fi
                check "build/$(basename "$t" .sh)" env HULL_TOP="$TOP" HULL_BUILD="$HULL_BUILD" HULL_SERVICES_OUT="$SERVICES_OUT" \
                        HULL_OUT="$HULL_OUT" HULL_CACHE="$HULL_CACHE" bash "$t"
        done
}

# The container image the QEMU tests use (nothing is pulled from a registry): Debian's static
# busybox with its applet links, and the static probes of tests/probes. Attached to every test
# boot as a read-only disk with serial "hull-test-image"; tests/qemu/security/05-test-image.sh
# loads it with docker import.
test_image_tar() {
        local root=$HULL_BUILD/test-image a
        TEST_IMAGE_TAR=$HULL_BUILD/test-image.tar
        [ -s "$TEST_IMAGE_TAR" ] && return 0
        make -s -C tests/probes O="$HULL_BUILD/probes" >"$LOGS/make-probes.log" 2>&1 ||
                { cat "$LOGS/make-probes.log"; die "tests/probes: build failed"; }
        rm -rf "$root"
        mkdir -p "$root/bin" "$root/usr/local/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev"
        cp /bin/busybox "$root/bin/busybox"
        for a in $("$root/bin/busybox" --list); do
                [ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
        done
        cp "$HULL_BUILD/probes/hull-syscall-probe" "$HULL_BUILD/probes/hull-seccomp-strict" "$root/usr/local/bin/"
        chmod 1777 "$root/tmp"
        tar --numeric-owner --owner=0 --group=0 --mtime="@$SOURCE_DATE_EPOCH" -C "$root" -cf "$TEST_IMAGE_TAR.tmp" .
        mv "$TEST_IMAGE_TAR.tmp" "$TEST_IMAGE_TAR"
}

# update_payload SUITE: the 0.1.1 update payload the update suites hand their guest, a second
# build of the same tree with a newer version and build number, signed with the same key:
# UPDATE_PAYLOAD, the payload folder of the stage next-payload. The stages from tree to payload
# again as variants (stage_variant, image/lib.sh) with HULL_VERSION and SOURCE_DATE_EPOCH of
# their own; services, rootfs, the policy and the initrd are the image's. Built once, whichever
# suite asks first (about 8 s with warm caches: its /usr compresses almost nothing anew, see
# make_usr_image), and kept like any stage: a rerun with the same inputs builds nothing.
# A subshell, so that a stage that fails (die) fails this suite, not the whole run; it prints
# the payload's folder on fd 3. A suite asks for it with `needs next-payload` (suite.conf).
UPDATE_PAYLOAD="" UPDATE_PAYLOAD_FAILED=""
update_payload() {
        local log=$LOGS/update-payload-build.log
        [ -n "$UPDATE_PAYLOAD" ] && return 0
        [ -z "$UPDATE_PAYLOAD_FAILED" ] || { echo "tests/qemu/$1: building the 0.1.1 payload failed (log: $log)"; return 1; }
        UPDATE_PAYLOAD=$( (
                prepare
                stage_variant next "HULL_VERSION=0.1.1 SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH + 1))" tree selinux usr uki payload
                stage_run next-payload
                echo "$(stage_out next-payload)/payload" >&3
        ) 3>&1 >"$log" 2>&1) || { tail -5 "$log"; echo "tests/qemu/$1: building the 0.1.1 payload failed (log: $log)"; return 1; }
}

# One boot per folder of tests/qemu: its tests run in order on that boot, then the checks every
# boot must pass. Logs (serial, journal) of a boot with a failure are kept. The suite's settings
# are data (suite.conf, expected-errors) and the files it needs are made by its setup.sh: see
# suite_conf in tests/qemu/qemu.sh. HULL_TEST_SECURE_BOOT sets the default firmware: on runs
# every suite on Secure Boot firmware, as a production machine would; each boot then costs more
# firmware time under TCG, which CI cannot spare for every suite. A suite that failed after its
# guest kernel reported a lost timer (TCG_TIMER_LOST, tests/qemu/qemu.sh: after init the guest
# hangs until the watchdog resets it, and the tests fail on an unreachable machine) runs once
# more, and only the second run counts. Once per suite: a second stall, or an image whose kernel
# really loses timers, fails as it is.
qemu_suite() {
        local suite pass=$T_PASS fail=$T_FAIL skip=$T_SKIP nfailed=${#T_FAILED[@]} stall
        suite=$(basename "$1")
        qemu_suite_run "$1"
        [ "$T_FAIL" != "$fail" ] || return 0
        stall=$(grep -a -m 1 -E "$TCG_TIMER_LOST" "$LOGS/qemu-$suite/serial.log" 2>/dev/null) || return 0
        echo "    qemu/$suite: a guest kernel lost its timer under the emulator ($(echo "$stall" | tr -d '\r' | cut -c1-100));"
        echo "    qemu/$suite: the results above do not count, the suite runs again on a fresh disk (first try's logs: $LOGS/qemu-$suite.try1/)"
        T_PASS=$pass T_FAIL=$fail T_SKIP=$skip
        T_FAILED=("${T_FAILED[@]:0:$nfailed}")
        rm -rf "$LOGS/qemu-$suite.try1"
        mv "$LOGS/qemu-$suite" "$LOGS/qemu-$suite.try1"
        qemu_suite_run "$1"
}

# qemu_suite_run DIR: one run of the suite in DIR (see qemu_suite).
qemu_suite_run() {
        local dir=$1 suite t st log why secs
        suite=$(basename "$dir")
        suite_selected "$dir" || return 0
        local vm=$HULL_BUILD/vm/$suite failed_before=$T_FAIL suite_t0 VM_ADMIN=$VM_ADMIN VM_NET="" VM_CACHE
        local VM_FIRMWARE=uefi VM_TPM="" VM_VARS=""
        suite_t0=$(date +%s)
        rm -rf "$vm"
        mkdir -p "$vm" "$LOGS/qemu-$suite"
        log=$LOGS/qemu-$suite/setup.log
        if ! suite_conf "$dir" >"$log" 2>&1; then
                suite_not_run "$dir" "its settings" "$log"; return
        fi
        VM_ADMIN=$SUITE_ADMIN VM_CACHE=$SUITE_CACHE VM_TPM=$SUITE_TPM
        if [ "$SUITE_NEEDS" = next-payload ] && ! update_payload "$suite" >>"$log" 2>&1; then
                suite_not_run "$dir" "the 0.1.1 payload" "$log"; return
        fi
        if ! suite_setup "$dir" "$vm" "$log" || ! suite_qemu_args "$dir" "$vm" >>"$log" 2>&1; then
                suite_not_run "$dir" "$dir/setup.sh" "$log"; return
        fi
        vm_config "$vm/admin.ign"
        if [ -n "$SUITE_CONFIG_RAW" ]; then
                cp "$(suite_path "$dir" "$vm" "$SUITE_CONFIG_RAW")" "$vm/fw_cfg.ign"
        elif [ "$SUITE_CONFIG" != none ]; then
                vm_config "$vm/fw_cfg.ign" "${SUITE_CONFIG:+$(suite_path "$dir" "$vm" "$SUITE_CONFIG")}"
        fi
        vm_disk "$vm/disk.qcow2"
        case $SUITE_SECURE_BOOT in
        enroll) VM_FIRMWARE=secureboot; vm_esp_enroll_force "$vm/disk.qcow2" ;;
        on) VM_FIRMWARE=secureboot; vm_enrolled_vars ;;
        esac
        test_image_tar
        if ! vm_start "$vm" "$vm/disk.qcow2" \
                -drive file="$TEST_IMAGE_TAR",if=none,id=testimage,format=raw,readonly=on \
                -device virtio-blk-pci,drive=testimage,serial=hull-test-image \
                "${SUITE_QEMU[@]}" >"$LOGS/qemu-$suite/qemu-start.log" 2>&1; then
                suite_not_run "$dir" "QEMU, which did not start" "$LOGS/qemu-$suite/qemu-start.log"; return
        fi
        export HULL_ADMIN_CONFIG=$vm/admin.ign
        log=$LOGS/qemu-$suite/boot.log
        st=0
        if [ -n "$SUITE_BOOT_SERIAL" ]; then
                why="first boot shows /$SUITE_BOOT_SERIAL/ on the console"
                vm_wait_serial "$SUITE_BOOT_SERIAL" 1 400 >"$log" 2>&1 || st=$?
        else
                why="boots to multi-user, the test administrator logs in over SSH"
                vm_wait_up 400 >"$log" 2>&1 || st=$?
        fi
        echo "boot: $(echo "$(date +%s.%N) - $VM_T0" | bc) s" >>"$log"
        result "qemu/$suite: $why" "$st" "$VM_DIR/serial.log"
        if [ "$st" = 0 ]; then
                for t in "$dir"/[0-9]*.sh; do
                        name="qemu/$suite/$(basename "$t" .sh)"
                        selected "$name" || selected "qemu/$suite" || continue
                        log=$LOGS/qemu-$suite/$(basename "$t" .sh).log
                        st=0
                        if [[ $t == *.host.sh ]]; then
                                HULL_OUT=$HULL_OUT HULL_BUILD=$HULL_BUILD HULL_CACHE=$HULL_CACHE PATH="$TOP/tests/qemu:$PATH" bash "$t" >"$log" 2>&1 || st=$?
                        else
                                guest -t 900 <"$t" >"$log" 2>&1 || st=$?
                        fi
                        result "$name" "$st" "$log"
                done
                boot_checks "$suite" "$SUITE_EXPECTED_AVC" "$dir/expected-errors"
                if [ "$T_FAIL" != "$failed_before" ]; then
                        guest -t 60 'journalctl -b --no-pager -o short-monotonic' >"$LOGS/qemu-$suite/journal.txt" 2>&1 || true
                fi
        else
                suite_tests_not_run "$dir" "the boot of qemu/$suite failed"
        fi
        vm_stop
        cp "$VM_DIR/serial.log" "$LOGS/qemu-$suite/serial.log" 2>/dev/null || true
        cp "$VM_DIR/resets" "$VM_DIR/exits" "$LOGS/qemu-$suite/" 2>/dev/null || true
        if [ "$T_FAIL" != "$failed_before" ]; then echo "    logs: $LOGS/qemu-$suite/"; fi
        secs=$(($(date +%s) - suite_t0))
        echo "$secs" >"$LOGS/qemu-$suite/seconds"
        echo "    qemu/$suite: $secs s"
        rm -f "$vm/disk.qcow2"
}

# suite_selected DIR: the suite in DIR, or one of its tests, is selected by FILTER.
suite_selected() {
        local t suite
        suite=$(basename "$1")
        selected "qemu/$suite" && return 0
        for t in "$1"/[0-9]*.sh; do
                selected "qemu/$suite/$(basename "$t")" && return 0
        done
        return 1
}

# The QEMU suites run HULL_TEST_JOBS at a time, by default one per two cores (on a 2-core
# machine, one after the other). A TCG guest with 2 vCPUs keeps about 1.5 cores busy, and two
# of them on two cores contend: measured on this kind of machine, suites that wait (the six
# cloud suites) took 544 s two at a time against 776 s one after the other, but those that
# compute took 1.5-1.9 times as long beside another (security 1356 s against 785 s,
# seccomp-corpus 412 s against 263 s), and a whole run gained about 4 %. With more cores, two
# or more at a time pay. Each suite's output is kept and printed whole once it has ended, then
# its results are counted as if it had run alone. The longest suites start first (their
# durations of the last run are kept in $HULL_CACHE/qemu-suite-seconds), so that no long suite
# is left running alone at the end. What suites share is made before any starts: the container
# image, the 0.1.1 payload and the Secure Boot variable store.
QEMU_TIMES=$HULL_CACHE/qemu-suite-seconds
qemu_suites() {
        local jobs=${HULL_TEST_JOBS:-} d dirs=() order=() running=() out
        [ -n "$jobs" ] || { jobs=$(($(nproc) / 2)); [ "$jobs" -ge 1 ] || jobs=1; }
        [[ $jobs =~ ^[1-9][0-9]*$ ]] || die "HULL_TEST_JOBS=$jobs: want a number of suites at a time (1 or more)"
        for d in tests/qemu/*/; do
                d=${d%/}
                [ -d "$d" ] && suite_selected "$d" && dirs+=("$d")
        done
        [ ${#dirs[@]} -gt 0 ] || return 0
        qemu_select
        echo "    QEMU: $("${QEMU_CMD[@]}" --version | head -1)"
        test_image_tar
        if grep -qsx 'needs next-payload' "${dirs[@]/%//suite.conf}"; then
                update_payload "the suites that need it" || UPDATE_PAYLOAD_FAILED=1
        fi
        if [ "${HULL_TEST_SECURE_BOOT:-off}" = on ] || grep -qsx 'secure-boot on' "${dirs[@]/%//suite.conf}"; then
                (vm_enrolled_vars) >"$LOGS/enrolled-vars.log" 2>&1 || { cat "$LOGS/enrolled-vars.log"; }
        fi
        if [ "$jobs" = 1 ] || [ ${#dirs[@]} = 1 ]; then
                for d in "${dirs[@]}"; do qemu_suite "$d" || true; qemu_suite_time "$d"; done
                return 0
        fi
        # Longest first: the last run's seconds, a suite never timed before counting as long.
        mapfile -t order < <(for d in "${dirs[@]}"; do
                echo "$(awk -v s="$(basename "$d")" '$1 == s { t = $2 } END { print t == "" ? 99999 : t }' \
                        "$QEMU_TIMES" 2>/dev/null || echo 99999) $d"
        done | sort -k1,1nr -k2 | cut -d' ' -f2)
        echo "    QEMU suites: ${#order[@]}, $jobs at a time"
        for d in "${order[@]}"; do
                while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
                out=$LOGS/suite-$(basename "$d")
                (
                        T_PASS=0 T_FAIL=0 T_SKIP=0 T_FAILED=()
                        qemu_suite "$d" >"$out.out" 2>&1 || true
                        { echo "$T_PASS $T_FAIL $T_SKIP"; if [ ${#T_FAILED[@]} -gt 0 ]; then printf '%s\n' "${T_FAILED[@]}"; fi; } >"$out.result"
                ) </dev/null &
                running+=("$d")
                qemu_suites_flush
        done
        wait
        qemu_suites_flush
        for d in "${running[@]}"; do
                result "qemu/$(basename "$d"): the suite ended without recording its results" 1 "$LOGS/suite-$(basename "$d").out"
        done
}

# qemu_suites_flush: print and count, in start order, the suites of `running` that have ended.
qemu_suites_flush() {
        local d out p f s failed
        while [ ${#running[@]} -gt 0 ]; do
                d=${running[0]} out=$LOGS/suite-$(basename "${running[0]}")
                [ -f "$out.result" ] || return 0
                cat "$out.out"
                { read -r p f s; mapfile -t failed; } <"$out.result"
                T_PASS=$((T_PASS + p)) T_FAIL=$((T_FAIL + f)) T_SKIP=$((T_SKIP + s))
                T_FAILED+=("${failed[@]}")
                qemu_suite_time "$d"
                rm -f "$out.out" "$out.result"
                running=("${running[@]:1}")
        done
}

# qemu_suite_time DIR: keeps the seconds the suite in DIR took in $QEMU_TIMES, for the next
# run's order.
qemu_suite_time() {
        local s n
        s=$(basename "$1")
        n=$(cat "$LOGS/qemu-$s/seconds" 2>/dev/null) || return 0
        [[ $n =~ ^[0-9]+$ ]] || return 0
        mkdir -p "$(dirname "$QEMU_TIMES")"
        { grep -v "^$s " "$QEMU_TIMES" 2>/dev/null; echo "$s $n"; } >"$QEMU_TIMES.tmp" && mv "$QEMU_TIMES.tmp" "$QEMU_TIMES"
}

# suite_not_run DIR WHAT LOG: the suite in DIR could not boot because of WHAT (its log in LOG):
# one failure for that, and each of its selected tests a failure with its name.
suite_not_run() {
        local suite
        suite=$(basename "$1")
        result "qemu/$suite: $2" 1 "$3"
        suite_tests_not_run "$1" "qemu/$suite did not boot: $2 failed"
        echo "    logs: $LOGS/qemu-$suite/"
}

# suite_tests_not_run DIR WHY: each selected test of the suite in DIR fails, with WHY in its log.
suite_tests_not_run() {
        local t name suite
        suite=$(basename "$1")
        for t in "$1"/[0-9]*.sh; do
                name="qemu/$suite/$(basename "$t" .sh)"
                selected "$name" || selected "qemu/$suite" || continue
                echo "not run: $2" >"$LOGS/qemu-$suite/$(basename "$t" .sh).log"
                result "$name" 1
        done
}

# guest_check NAME SCRIPT: a guest-side check that is not a file of its own.
guest_check() {
        local log st=0
        log=$LOGS/$(echo "$1" | tr '/: ' '___').log
        guest -t 120 "$2" >"$log" 2>&1 || st=$?
        result "$1" "$st" "$log"
}

# What every boot must show, whatever its tests did: no failed unit, no dm-verity error, no SELinux
# denial but the one the suite provokes on purpose (expected-avc in suite.conf, an extended
# regex over the AVC line), no error-priority journal line but those of tests/qemu/expected-errors
# and of the suite's own expected-errors (extended regexes, one a line, over
# "identifier[pid]: message"), and no panic or emergency shell on the console.
boot_checks() {
        local s=$1 expected=${2:-} errors=$3 st=0
        guest_check "qemu/$s: no failed unit" \
                'systemctl --failed --no-legend --plain | grep . && exit 1; exit 0'
        guest_check "qemu/$s: no dm-verity error" \
                'journalctl -b -k --no-pager | grep -iE "device-mapper: verity.*(corrupt|error)" && exit 1; exit 0'
        # Every boot of this VM's disk, not only the last: a suite that reboots (updates, power
        # cuts, fallbacks) must not hide a denial in an earlier boot.
        guest_check "qemu/$s: no SELinux AVC denial${expected:+ (but the expected one)}" \
                "journalctl --no-pager | grep -E 'avc: +denied' | { if [ -n '$expected' ]; then grep -vE '$expected'; else cat; fi; } | grep . && exit 1; exit 0"
        # Error-priority journal lines of every boot of the disk: each must match a line of
        # tests/qemu/expected-errors (every image) or the suite's own.
        local allowed=$HULL_BUILD/vm/$s/expected-errors
        { cat tests/qemu/expected-errors; if [ -f "$errors" ]; then cat "$errors"; fi; } | grep -v -e '^#' -e '^$' >"$allowed"
        guest -t 120 "journalctl --no-pager -q -p err -o short-monotonic | sed -E 's/^\\[ *[0-9.]+\\] [^ ]+ //'" \
                >"$HULL_BUILD/vm/$s/journal-errors" 2>"$LOGS/qemu-$s/journal-errors.log" || st=1
        grep -vE -f "$allowed" "$HULL_BUILD/vm/$s/journal-errors" >>"$LOGS/qemu-$s/journal-errors.log" && st=1
        result "qemu/$s: no unexpected error in the journal" "$st" "$LOGS/qemu-$s/journal-errors.log"
        st=0
        grep -qiE "Kernel panic|emergency mode|You are in emergency|Entering emergency" "$VM_DIR/serial.log" && st=1
        result "qemu/$s: no kernel panic or emergency shell" "$st" "$VM_DIR/serial.log"
}

run_tests() {
        local t0 d
        t0=$(date +%s)
        FILTER=${1:-}
        mkdir -p "$HULL_BUILD"
        if [ -z "${HULL_NO_BUILD:-}" ]; then build_image; fi
        rm -rf "$LOGS"
        mkdir -p "$LOGS"
        echo "==> tests${FILTER:+ matching '$FILTER'}"
        unit_tests
        checksec_tests
        fuzz_tests
        image_tests
        build_tests
        qemu_suites
        if [ $((T_PASS + T_FAIL + T_SKIP)) = 0 ]; then
                result "tests matching '$FILTER': none found" 1
        fi
        echo "==> tests done in $(($(date +%s) - t0)) s"
        if [ ${#T_FAILED[@]} -gt 0 ]; then printf '    failed: %s\n' "${T_FAILED[@]}"; fi
        echo "$T_PASS passed, $T_FAIL failed, $T_SKIP skipped"
        [ "$T_FAIL" = 0 ]
}
