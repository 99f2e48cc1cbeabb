# SELinux is enforcing, with Debian's reference policy ("default", MCS) and the container modules.
set -eu
test "$(getenforce)" = Enforcing || { echo "getenforce: $(getenforce), want Enforcing"; exit 1; }
sestatus
sestatus | grep -Eq '^Loaded policy name: +default$' || { echo "policy is not 'default'"; exit 1; }
sestatus | grep -Eq '^Policy MLS status: +enabled$' || { echo "MLS/MCS is not enabled"; exit 1; }
sestatus | grep -Eq '^Mode from config file: +enforcing$' || { echo "/etc/selinux/config is not enforcing"; exit 1; }
grep -qw 'enforcing=1' /proc/cmdline || { echo "enforcing=1 is not on the kernel command line"; exit 1; }
# The modules Hull adds are in the running policy.
for m in container docker hull_local hull; do
        semodule -l | grep -qx "$m" || { echo "module $m is not installed"; exit 1; }
done
echo OK
