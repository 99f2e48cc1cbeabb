# From the host: "app", made by the EC2 user data, logs in with its key.
set -u
key=$(dirname "$(readlink -f "$0")")/../firstboot/test-key-THROWAWAY
[ "$(guest-ssh-as --key "$key" app -- id -un)" = app ] || { echo "app cannot log in with its key"; exit 1; }
