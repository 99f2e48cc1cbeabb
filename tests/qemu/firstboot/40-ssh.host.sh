# From the host: core logs in with the provisioned key; password login and root login are
# refused (root has the same key authorised by the config, so only sshd's policy stops it).
set -u
key=$(dirname "$(readlink -f "$0")")/test-key-THROWAWAY
# sshd may still be (re)starting right after the boot: give it a minute.
[ "$(guest-ssh-as --key "$key" --wait 60 core -- id -un)" = core ] ||
        { echo "core cannot log in with the provisioned key"; exit 1; }
if guest-ssh-as --key "$key" root -- true; then echo "root logged in over SSH"; exit 1; fi
# Password authentication must not even be offered (core has a password hash in the config).
out=$(guest-ssh-as core -v -o PubkeyAuthentication=no -o PreferredAuthentications=password,keyboard-interactive \
        -- true 2>&1) && { echo "core logged in without a key"; exit 1; }
methods=$(echo "$out" | grep 'Authentications that can continue')
echo "$methods"
[ -n "$methods" ] || { echo "sshd did not list its authentication methods"; exit 1; }
if echo "$methods" | grep -qE 'continue: .*(password|keyboard-interactive|hostbased)'; then
        echo "sshd offers more than publickey"; exit 1
fi
exit 0
