#!/usr/bin/env bash
# Hull: build the disk image, test it, boot it.
#
#   ./build.sh [image]      build out/ (disk images, /usr image, verity tree, UKI, manifest)
#   ./build.sh test [NAME]  build, then run every test (or the tests whose name contains NAME)
#   ./build.sh run          boot out/hull.qcow2 in QEMU with the serial console attached
#   ./build.sh services     compile Hull's C services and their unit tests only
#   ./build.sh usr          build only the /usr image and its verity tree (in build/out.new)
#   ./build.sh payload      build only the signed update payload (out/payload)
#   ./build.sh kernel-config  merge and check Hull's kernel configuration (image/kernel/)
#   ./build.sh kernel       compile Hull's kernel (bzImage, cached)
#   ./build.sh clean        remove build/ and out/ (the download cache stays)
#
# Environment: HULL_CACHE (stage cache, default /var/cache/hull), HULL_OUT (default out),
# SOURCE_DATE_EPOCH (default: the last commit's time), HULL_VERSION (default: VERSION file),
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

usage() {
        sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
}

main() {
        local cmd=${1:-image}
        [ $# -gt 0 ] && shift
        case $cmd in
        image) build_image ;;
        services) host_tools; stage services stage_services ;;
        usr) build_usr ;;
        payload) build_payload ;;
        kernel-config) mkdir -p "$HULL_BUILD"; host_tools; build_kernel_config ;;
        kernel) mkdir -p "$HULL_BUILD"; host_tools; stage kernel stage_kernel ;;
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
        clean) rm -rf build "$HULL_OUT" ;;
        -h | --help | help) usage ;;
        *)
                usage >&2
                exit 2
                ;;
        esac
}

main "$@"
