# The config's file, directory and link exist with their modes, contents and SELinux labels.
set -eu
f=/etc/hull-test/hello.txt
[ "$(cat $f)" = "Provisioned by hull-firstboot." ] || { echo "$f has the wrong contents"; exit 1; }
[ "$(stat -c '%a %U %G' $f)" = "640 root root" ] || { echo "$f: $(stat -c '%a %U %G' $f), want 640 root root"; exit 1; }
[ "$(stat -c %a /var/lib/hull-test)" = 750 ] || { echo "/var/lib/hull-test is not 0750"; exit 1; }
[ "$(stat -c %a /var/lib/hull-test/data)" = 600 ] || { echo "/var/lib/hull-test/data is not 0600"; exit 1; }
[ "$(cat /var/lib/hull-test/data)" = hull ] || { echo "/var/lib/hull-test/data has the wrong contents"; exit 1; }
[ "$(readlink /etc/hull-test/hello-link.txt)" = $f ] || { echo "the link does not point to $f"; exit 1; }
# The config merges a second one from a data: URL (ignition.config.merge[]): its file is there.
[ "$(cat /etc/hull-test/from-data-merge)" = "merged from a data: URL" ] ||
        { echo "/etc/hull-test/from-data-merge (from the merged config) is missing or wrong"; exit 1; }
# Labels: what the policy says for each path, the way setfiles would set it.
ls -Zd $f /etc/hull-test /var/lib/hull-test /var/lib/hull-test/data /etc/hull-test/hello-link.txt \
        /home/core/.ssh /home/core/.ssh/authorized_keys
label() { stat -c %C "$1"; }
case $(label $f) in *:etc_t:*) ;; *)  echo "$f is not labelled etc_t"; exit 1 ;; esac
case $(label /var/lib/hull-test) in *:var_lib_t:*) ;; *) echo "/var/lib/hull-test is not labelled var_lib_t"; exit 1 ;; esac
case $(label /home/core/.ssh/authorized_keys) in *:ssh_home_t:*) ;; *) echo "authorized_keys is not labelled ssh_home_t"; exit 1 ;; esac
if command -v matchpathcon >/dev/null; then
        for p in $f /etc/hull-test /etc/hull-test/hello-link.txt /var/lib/hull-test /var/lib/hull-test/data \
                 /home/core/.ssh /home/core/.ssh/authorized_keys /etc/systemd/system/hull-firstboot-test.service; do
                matchpathcon -V "$p" || { echo "$p does not have the label the policy gives it"; exit 1; }
        done
fi
exit 0
