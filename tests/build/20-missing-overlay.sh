# shellcheck shell=bash
# An overlay list naming a source folder that does not exist stops the customize stage.
. "$(dirname "$0")/lib.sh"
cp image/overlays.list "$scratch/overlays.list"
echo "overlays-that-do-not-exist /" >>"$scratch/overlays.list"
expect_failure "overlays.list:[0-9]+: overlay source 'overlays-that-do-not-exist' does not exist" \
        HULL_OVERLAYS="$scratch/overlays.list"
