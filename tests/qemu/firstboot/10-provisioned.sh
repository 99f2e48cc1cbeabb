# hull-firstboot ran once, found the fw_cfg config, applied all of it and wrote its marker.
set -eu
systemctl show -p Result --value hull-firstboot.service | grep -qx success ||
        { echo "hull-firstboot.service did not succeed"; journalctl -b -u hull-firstboot.service --no-pager; exit 1; }
journalctl -b -u hull-firstboot.service --no-pager | tee /tmp/fb.log
grep -q 'Using the config from QEMU fw_cfg opt/org.hull/config' /tmp/fb.log || { echo "the fw_cfg source was not used"; exit 1; }
grep -q 'Provisioning done' /tmp/fb.log || { echo "no 'Provisioning done' in the journal"; exit 1; }
[ -f /var/lib/hull/firstboot.done ] || { echo "no marker /var/lib/hull/firstboot.done"; exit 1; }
# It validates its own config the same way on the running host.
hull-firstboot --validate /sys/firmware/qemu_fw_cfg/by_name/opt/org.hull/config/raw | grep -qx 'configuration OK'
# Ordered before sysinit.target, so before sshd.
t_fb=$(systemctl show -p ExecMainExitTimestampMonotonic --value hull-firstboot.service)
t_ssh=$(systemctl show -p ExecMainStartTimestampMonotonic --value ssh.service)
echo "hull-firstboot exited at $t_fb, sshd started at $t_ssh (monotonic us)"
if [ "$t_fb" -eq 0 ] || [ "$t_ssh" -le "$t_fb" ]; then echo "sshd started before hull-firstboot finished"; exit 1; fi
exit 0
