# The next boot tries again (the failed one wrote no marker): the same config, the same
# refusal on the console. The power is cut 35 s after the first refusal, once the guest
# kernel's writeback (30 s) has put on the disk whatever that boot wrote.
set -u
log=$HULL_VM_DIR/serial.log
sleep 35
guest-powercycle --no-wait 120 || exit 1
end=$(($(date +%s) + 400))
while [ "$(date +%s)" -lt "$end" ]; do
        n=$(grep -ac 'Invalid config from QEMU fw_cfg opt/org.hull/config' "$log")
        [ "$n" -ge 2 ] && { echo "second boot refused the config again"; exit 0; }
        sleep 3
done
echo "FAIL: no second 'Invalid config' on the console within 400 s of the power cycle"
exit 1
