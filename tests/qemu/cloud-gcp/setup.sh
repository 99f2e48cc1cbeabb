# shellcheck shell=bash
# The instance has user data that writes a file and names no user, and the ssh-keys attribute,
# as an instance made with `gcloud compute instances create --metadata-from-file
# user-data=... --metadata ssh-keys=...` has: so the keys go to the default user core, with
# the key the harness logs in with. Another permanent key goes there too; a key the console
# added for a while (google-ssh expireOn) must not. The server is down at first: the first
# connection is closed unanswered, the second hangs past the fetch's timeout.
. "$HULL_TOP/tests/qemu/setup-lib.sh"
a=md/computeMetadata/v1/instance/attributes
mkdir -p "$a"
vm_ssh_key
ssh-keygen -q -t ed25519 -N '' -C expiring -f expiring-key <<<y >/dev/null 2>&1 || die "ssh-keygen failed"
{
        echo "core:$(cat "$VM_SSH_KEY.pub")"
        echo "alice:$(cat "$SUITE_DIR/../firstboot/test-key-THROWAWAY.pub")"
        echo "bob:$(cut -d' ' -f1,2 expiring-key.pub) google-ssh {\"userName\":\"bob@example.com\",\"expireOn\":\"2099-01-01T00:00:00+0000\"}"
} >"$a/ssh-keys"
jq -n '{ignition: {version: "3.4.0"}, storage: {files: [{path: "/etc/hull-test/from-gce-user-data", mode: 420,
        contents: {source: "data:,from%20the%20GCE%20user-data%20attribute%0A"}}]}}' >"$a/user-data" ||
        die "jq failed"
printf '1 close\n2 hang\n' >md/faults
echo hull-gcp-vm.us-central1-a.c.hull-test.internal >md/computeMetadata/v1/instance/hostname
