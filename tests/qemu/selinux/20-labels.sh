# Files carry the labels of the policy, on /usr (erofs), /etc (overlay) and /var (ext4): the
# image was labelled when it was built, and the labels travelled into the file systems.
set -eu
fail=0
want() {
        path=$1 type=$2
        got=$(stat -L -c %C "$path" | cut -d: -f3)
        if [ "$got" = "$type" ]; then echo "ok   $path $got"; else echo "FAIL $path: $got, want $type"; fail=1; fi
}
want /usr/sbin/dockerd dockerd_exec_t
want /usr/bin/containerd dockerd_exec_t
# runc by name is hull-runtime (stat -L follows /usr/bin/runc -> ../sbin/runc -> ../bin/hull-runtime);
# Debian's runc behind it is labelled like runc.
want /usr/bin/runc container_engine_exec_t
want /usr/sbin/runc container_engine_exec_t
want /usr/bin/hull-runtime container_engine_exec_t
want /usr/libexec/hull/runc container_engine_exec_t
want /usr/bin/hull-firstboot hull_firstboot_exec_t
want /usr/bin/sudo sudo_exec_t
want /usr/bin/ssh-keygen ssh_keygen_exec_t
want /usr/lib/systemd/systemd init_exec_t
want /usr/share/factory/etc/shadow shadow_t
want /usr/share/factory/etc/docker container_config_t
want /etc etc_t
want /etc/shadow shadow_t
want /etc/docker/daemon.json container_config_t
want /etc/selinux/config selinux_config_t
want /etc/selinux/default/policy policy_config_t
want / root_t
want /tmp tmp_t
want /home home_root_t
want /lost+found lost_found_t
want /var var_t
want /var/lib/selinux semanage_store_t
want /var/lib/hull hull_var_lib_t
want /var/lib/hull/etc/upper etc_t
want /var/lib/hull/firstboot.done hull_var_lib_t
# Every file the image brought has the label file_contexts gives its path (restorecon would
# change nothing) on /, /usr and /etc, not crossing into other file systems. Not compared: what
# Docker made at run time (its own type transitions), and the overlay's work/work, which
# overlayfs recreates at each mount, in the initrd, before the policy is loaded (so it is
# unlabelled; only the kernel uses it).
ex=""
for d in /var/lib/docker /var/lib/containerd /var/lib/hull/etc/work; do [ -e "$d" ] && ex="$ex -e $d"; done
# shellcheck disable=SC2086 # $ex is a list of options
out=$(restorecon -R -x -n -v $ex / /usr /etc 2>&1 || true)
if [ -n "$out" ]; then echo "$out" | head -40; echo "FAIL: labels differ from file_contexts"; fail=1; fi
n=$(find / /usr /etc -xdev \( -path /proc -o -path /sys -o -path /var/lib/hull/etc/work \) -prune -o -context '*:unlabeled_t:*' -print 2>/dev/null | head -20 | wc -l)
[ "$n" = 0 ] || { find / /usr /etc -xdev \( -path /proc -o -path /sys -o -path /var/lib/hull/etc/work \) -prune -o -context '*:unlabeled_t:*' -print | head; echo "FAIL: unlabelled files"; fail=1; }
exit $fail
