# A bad config stops the first boot: hull-firstboot failed, the journal says why, and nothing
# of the config was written: no user, no file, no unit, no marker; sshd held back.
set -u
bad=0
no() { echo "FAIL: $*"; bad=1; }
r=$(systemctl show -p Result --value hull-firstboot.service)
[ "$r" = exit-code ] || no "hull-firstboot.service result is '$r', want exit-code"
journalctl -b -u hull-firstboot.service --no-pager | tee /tmp/fb.log
grep -q 'Invalid config from QEMU fw_cfg opt/org.hull/config' /tmp/fb.log || no "the journal does not say the config is invalid"
if getent passwd core >/dev/null; then no "user core was created"; fi
for p in /etc/hull-test /var/lib/hull-test /etc/systemd/system/hull-firstboot-test.service \
         /root/.ssh/authorized_keys /var/lib/hull/firstboot.done; do
        if [ -e "$p" ]; then no "$p exists"; fi
done
# The boot is held before sysinit.target: nothing that serves the network started.
if systemctl is-active -q ssh.service; then no "sshd started although provisioning failed"; fi
if systemctl is-active -q docker.socket; then no "docker.socket started although provisioning failed"; fi
[ "$bad" = 0 ] && echo "nothing written, boot held"
exit "$bad"
