# Back on 0.1.0 in slot A, with the administrator's state intact.
set -eu
. /etc/os-release
echo "running $IMAGE_VERSION"
[ "$IMAGE_VERSION" = 0.1.0 ] || { echo "expected 0.1.0 after the rollback"; exit 1; }
[ "$(cat /etc/hull-update-test)" = "kept across updates" ] || { echo "the /etc edit was lost"; exit 1; }
[ "$(docker run --rm -v hull-vol:/data hull-test cat /data/f)" = volume-data ] || { echo "the volume was lost"; exit 1; }
hull-update status
