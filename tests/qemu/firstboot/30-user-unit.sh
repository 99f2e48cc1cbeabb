# User core exists with the key, right ownership and modes; the enabled unit ran this boot.
set -eu
id core
[ "$(stat -c '%a %U' /home/core/.ssh)" = "700 core" ] || { echo "/home/core/.ssh: $(stat -c '%a %U' /home/core/.ssh)"; exit 1; }
[ "$(stat -c '%a %U' /home/core/.ssh/authorized_keys)" = "600 core" ] || { echo "authorized_keys: wrong mode or owner"; exit 1; }
grep -q 'THROWAWAY TEST KEY' /home/core/.ssh/authorized_keys || { echo "the test key is not authorised for core"; exit 1; }
# shellcheck disable=SC2016  # a literal $6$ crypt prefix
getent shadow core | cut -d: -f2 | grep -q '^\$6\$hulltestsalt\$' || { echo "core's password hash was not set"; exit 1; }
[ "$(readlink /etc/systemd/system/multi-user.target.wants/hull-firstboot-test.service)" = \
  /etc/systemd/system/hull-firstboot-test.service ] || { echo "hull-firstboot-test.service is not enabled"; exit 1; }
systemctl is-active hull-firstboot-test.service || { echo "the unit from the config did not run"; exit 1; }
[ "$(cat /run/hull-firstboot-test.ran)" = ran ] || { echo "the unit from the config left no trace"; exit 1; }
# A manual start does not provision twice: the marker's condition skips it.
systemctl restart hull-firstboot.service
systemctl show -p ConditionResult --value hull-firstboot.service | grep -qx no ||
        { echo "hull-firstboot ran again although the marker exists"; exit 1; }
exit 0
