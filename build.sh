#!/usr/bin/env bash
# Hull: build the disk image, test it, boot it.
#
#   ./build.sh [image]      build out/ (disk images, /usr image, verity tree, UKI, manifest)
#   ./build.sh test [NAME]  build, then run every test (or the tests whose name contains NAME)
#   ./build.sh run          boot out/hull.raw in QEMU (changes go to a qcow2 overlay in build/vm),
#                           serial console attached
#   ./build.sh services     compile Hull's C services and their unit tests only
#   ./build.sh usr          build only the /usr image and its verity tree (build/stages/usr)
#   ./build.sh payload      build only the signed update payload (out/payload)
#   ./build.sh gce          build, then out/hull-gce.tar.gz (disk.raw as Google Compute Engine
#                           imports it)
#   ./build.sh azure        build, then out/hull.vhd (fixed VHD: Azure, Hyper-V)
#   ./build.sh vmware       build, then out/hull.vmdk (stream-optimised VMDK: VMware, VirtualBox)
#   ./build.sh stage [NAME] bring one stage (and the stages it reads) up to date and print
#                           where its output is; without NAME, list the stages
#   ./build.sh kernel-config  merge and check Hull's kernel configuration (image/kernel/)
#   ./build.sh kernel       compile Hull's kernel (bzImage, cached)
#   ./build.sh clean        remove build/ and out/ (the stage cache in HULL_CACHE stays)
#
# Environment: HULL_CACHE (stage cache, default /var/cache/hull), HULL_OUT (default out),
# SOURCE_DATE_EPOCH (default: the last commit's time outside tests/, bench/, .ci/), HULL_VERSION (default: VERSION file),
# HULL_KERNEL (hull: Hull's own kernel; debian: Debian's linux-image-amd64; see README).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$TOP"
# shellcheck source=image/lib.sh
. image/lib.sh
# shellcheck source=image/stages.sh
. image/stages.sh
# shellcheck source=image/selinux.sh
. image/selinux.sh
# shellcheck source=image/kernel.sh
. image/kernel.sh
# shellcheck source=image/secureboot.sh
. image/secureboot.sh

usage() {
        sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

main() {
        local cmd=${1:-image}
        [ $# -gt 0 ] && shift
        case $cmd in
        image) build_image ;;
        services) prepare; stage_run services ;;
        stage)
                prepare
                if [ $# -eq 0 ]; then stage_list; else stage_run "$1"; stage_out "$1"; fi
                ;;
        usr) build_usr ;;
        payload) build_payload ;;
        gce) build_platform gce hull-gce.tar.gz disk_gce ;;
        azure) build_platform azure hull.vhd disk_vhd ;;
        vmware) build_platform vmware hull.vmdk disk_vmdk ;;
        kernel-config) mkdir -p "$HULL_BUILD"; host_tools; build_kernel_config ;;
        kernel) prepare; stage_run kernel; stage_out kernel ;;
        test)
                # shellcheck source=tests/run.sh
                . tests/run.sh
                run_tests "$@"
                ;;
        run)
                # shellcheck source=tests/qemu/qemu.sh
                . tests/qemu/qemu.sh
                run_interactive "$@"
                ;;
        clean)
                # Only what the build put in HULL_TMP, which may be a folder of the user's.
                rm -rf "$HULL_BUILD" "$HULL_TMP/stages" "$HULL_TMP"/*.work "$HULL_TMP/owner" "$HULL_OUT" "$HULL_OUT.d"
                rmdir "$HULL_TMP" 2>/dev/null || true
                ;;
        -h | --help | help) usage ;;
        *)
                usage >&2
                exit 2
                ;;
        esac
}

main "$@"
