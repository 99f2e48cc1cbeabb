# From the host: core logs in with the provisioned key; password login and root login are
# refused (root has the same key authorised by the config, so only sshd's policy stops it).
set -eu
here=$(dirname "$(readlink -f "$0")")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
install -m 0600 "$here/test-key-THROWAWAY" "$tmp/key"
opts=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=60
      -o IdentitiesOnly=yes -o IdentityAgent=none -p "$HULL_SSH_PORT")
# sshd may still be (re)starting right after the boot: give it a minute.
for i in $(seq 12); do
        ssh "${opts[@]}" -i "$tmp/key" core@127.0.0.1 true && break
        [ "$i" = 12 ] && { echo "core cannot log in with the provisioned key"; exit 1; }
        sleep 5
done
[ "$(ssh "${opts[@]}" -i "$tmp/key" core@127.0.0.1 id -un)" = core ]
if ssh "${opts[@]}" -i "$tmp/key" root@127.0.0.1 true; then echo "root logged in over SSH"; exit 1; fi
# Password authentication must not even be offered (core has a password hash in the config).
out=$(ssh "${opts[@]}" -v -o PubkeyAuthentication=no -o PreferredAuthentications=password,keyboard-interactive \
        core@127.0.0.1 true 2>&1) && { echo "core logged in without a key"; exit 1; }
echo "$out" | grep 'Authentications that can continue' | tee "$tmp/methods"
[ -s "$tmp/methods" ] || { echo "sshd did not list its authentication methods"; exit 1; }
if grep -qE 'continue: .*(password|keyboard-interactive|hostbased)' "$tmp/methods"; then
        echo "sshd offers more than publickey"; exit 1
fi
exit 0
