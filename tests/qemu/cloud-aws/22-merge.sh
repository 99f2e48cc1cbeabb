# The config the user data merges (ignition.config.merge[], http pinned by its hash, fetched by
# hull-firstboot-fetch.service): its user, file and enabled unit are there beside the user
# data's own, and the fetch unit's journal names the reference it fetched.
set -eu
getent passwd merged || { echo "user 'merged' from the merged config is missing"; exit 1; }
getent passwd app || { echo "user 'app' from the user data itself is missing"; exit 1; }
[ "$(cat /etc/hull-test/from-merge)" = "merged from http" ] || { echo "/etc/hull-test/from-merge is wrong"; exit 1; }
[ "$(cat /etc/hull-test/from-user-data)" = "provisioned from EC2 user data" ]
[ "$(systemctl is-enabled hull-merge-test.service)" = enabled ] || { echo "hull-merge-test.service is not enabled"; exit 1; }
[ "$(systemctl is-active hull-merge-test.service)" = active ] || { echo "hull-merge-test.service did not run"; exit 1; }
journalctl -b -u hull-firstboot-fetch --no-pager -o cat |
        grep -Fx "Fetching http://169.254.169.254/hull/extra.ign (ignition.config.merge[0])."
journalctl -b -u hull-firstboot-fetch --no-pager -o cat | grep -Fx "Fetched 1 referenced config."
