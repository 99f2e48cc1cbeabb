# shellcheck shell=bash
# What tests/qemu/metadata-server serves as EC2 (md/). The user data is an Ignition config,
# gzip-compressed as EC2 users send it to stay under its 16 KiB: the test administrator, a
# user "app" with the throwaway key of tests/qemu/firstboot and a file. The service also has a
# launch key pair, which must not be used, because the config names its users, and a host
# name. Its first answer is a 500, so the fetch has to retry. The user data merges a second
# config (ignition.config.merge[], plain http pinned by its sha512) from md/hull/extra.ign, which
# the server hands out like any web server: a user "merged", a file and an enabled unit.
. "$HULL_TOP/tests/qemu/setup-lib.sh"
mkdir -p md/latest/meta-data/public-keys/0 md/hull
jq -n '{
        ignition: {version: "3.4.0"},
        passwd: {users: [{name: "merged"}]},
        storage: {files: [{path: "/etc/hull-test/from-merge", mode: 420,
                contents: {source: "data:,merged%20from%20http%0A"}}]},
        systemd: {units: [{name: "hull-merge-test.service", enabled: true,
                contents: "[Unit]\nDescription=Hull test: a unit from a merged config\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n"}]}
}' >md/hull/extra.ign || die "jq failed"
extra_hash=sha512-$(sha512sum <md/hull/extra.ign | cut -d' ' -f1)
jq -n --arg k "$(cat "$SUITE_DIR/../firstboot/test-key-THROWAWAY.pub")" --arg h "$extra_hash" '{
        ignition: {version: "3.4.0", config: {merge: [{source: "http://169.254.169.254/hull/extra.ign",
                verification: {hash: $h}}]}},
        passwd: {users: [{name: "app", sshAuthorizedKeys: [$k]}]},
        storage: {files: [{path: "/etc/hull-test/from-user-data", mode: 420,
                contents: {source: "data:,provisioned%20from%20EC2%20user%20data%0A"}}]}
}' >user-data.base || die "jq failed"
vm_config user-data.ign user-data.base
gzip -n -9 <user-data.ign >md/latest/user-data
# A key pair no test holds the private half of: only its presence is checked.
ssh-keygen -q -t ed25519 -N '' -C ec2-launch-key -f launch-key <<<y >/dev/null 2>&1 || die "ssh-keygen failed"
cp launch-key.pub md/latest/meta-data/public-keys/0/openssh-key
echo "1 busy" >md/faults
# The instance's host name, as EC2 gives it for a VPC address.
echo ip-169-254-0-16.ec2.internal >md/latest/meta-data/hostname
