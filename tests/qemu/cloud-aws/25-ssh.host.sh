# From the host: "app", made by the EC2 user data, logs in with its key.
set -eu
here=$(dirname "$(readlink -f "$0")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
install -m 0600 "$here/../firstboot/test-key-THROWAWAY" "$tmp/key"
opts=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=60
      -o IdentitiesOnly=yes -o IdentityAgent=none -p "$HULL_SSH_PORT")
[ "$(ssh "${opts[@]}" -i "$tmp/key" app@127.0.0.1 id -un)" = app ]
