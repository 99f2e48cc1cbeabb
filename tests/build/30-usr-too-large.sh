# shellcheck shell=bash
# A /usr larger than its partition stops the /usr stage, naming the layout file.
. "$(dirname "$0")/lib.sh"
sed -E 's/^(usr-a +[0-9a-f-]+ +)[0-9]+/\132/' image/partitions.conf >"$scratch/partitions.conf"
grep -q '^usr-a .* 32 ' "$scratch/partitions.conf" || { echo "could not shrink usr-a"; exit 1; }
expect_failure "partitions.conf: the /usr image is [0-9]+ MiB, larger than usr-a \\(32 MiB\\)" \
        HULL_PARTITIONS="$scratch/partitions.conf"
