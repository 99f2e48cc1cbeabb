# Helpers for build tests: run ./build.sh against altered inputs in a scratch build and out
# directory, so the real build/ and out/ are never touched.
# shellcheck shell=bash
set -u
scratch=$(mktemp -d /tmp/hull-buildtest.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
# A scratch build (HULL_BUILD=$scratch/build) keeps its unpacked trees in the scratch folder
# too (HULL_TMP, image/lib.sh): on disk, gone with the folder, and showing that the stages'
# output does not depend on where they ran. Tests that run ./build.sh on the main build
# folder keep the main build's HULL_TMP.
SCRATCH_TMP=(HULL_TMP="$scratch/tmp" HULL_TMP_BUILD="$scratch/build")
cd "$HULL_TOP" || exit 1

# expect_failure PATTERN [ENV=VALUE...]: the build must exit 1 with exactly one error line
# matching PATTERN and publish nothing.
expect_failure() {
        local pattern=$1 st=0 err
        shift
        env HULL_BUILD="$scratch/build" HULL_OUT="$scratch/out" "${SCRATCH_TMP[@]}" "$@" ./build.sh image \
                >"$scratch/stdout" 2>"$scratch/stderr" || st=$?
        err=$(grep -c '^build.sh: error:' "$scratch/stderr")
        echo "exit status $st; stderr:"
        cat "$scratch/stderr"
        [ "$st" = 1 ] || { echo "expected exit status 1"; return 1; }
        [ "$err" = 1 ] || { echo "expected exactly one error line, got $err"; return 1; }
        grep '^build.sh: error:' "$scratch/stderr" | grep -qE "$pattern" ||
                { echo "the error does not match /$pattern/"; return 1; }
        if [ -e "$scratch/out/hull.raw" ] || [ -e "$scratch/out/hull.qcow2" ]; then
                echo "a disk image was published"; return 1
        fi
        return 0
}
