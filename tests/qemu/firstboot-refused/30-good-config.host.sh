# The operator fixes the config: power cycle with a good one on fw_cfg (the harness's: its
# administrator only). That boot provisions, so the refused boots left no marker; and nothing
# of the refused configs is on the machine: no user core, no file, unit, link or SSH key of it.
# The power is cut 35 s after the last refusal, once the guest's writeback has put on the disk
# whatever that boot wrote.
set -u
sleep 35
guest-powercycle --config "$HULL_ADMIN_CONFIG" 900 || exit 1
guest <<'G'
set -u
bad=0
no() { echo "FAIL: $*"; bad=1; }
journalctl -b -u hull-firstboot.service --no-pager -o cat | tee /tmp/fb.log
grep -q 'Using the config from QEMU fw_cfg opt/org.hull/config' /tmp/fb.log || no "this boot did not provision from fw_cfg"
[ -f /var/lib/hull/firstboot.done ] || no "no marker after the good config"
if getent passwd core >/dev/null; then no "user core of the refused config exists"; fi
for p in /etc/hull-test /var/lib/hull-test /etc/systemd/system/hull-firstboot-test.service \
         /root/.ssh/authorized_keys /home/core; do
        if [ -e "$p" ]; then no "$p exists"; fi
done
echo "boots of this disk: $(journalctl --list-boots --no-pager | wc -l)"
[ "$bad" = 0 ] && echo "the refused config left nothing; the good one provisioned"
exit "$bad"
G
