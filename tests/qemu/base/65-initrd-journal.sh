# The initrd's journal is kept and its memory given back. The initrd runs under a machine ID of
# its own (random: the UKI's initrd is the same on every machine) and writes a runtime journal in
# /run, which is memory. Once the boot's journal is flushed to /var, no runtime journal may be
# left in /run (the initrd's held about 5 MiB), and the boot's journal on disk must hold the
# initrd's entries: under a second machine ID, ending with its switch to the real root.
set -u
fail=0
mid=$(cat /etc/machine-id)
left=$(find /run/log/journal -mindepth 1 -maxdepth 2 -printf '%p %s bytes\n')
if [ -n "$left" ]; then echo "$left"; echo "FAIL: runtime journal files left in /run after the flush"; fail=1; fi
others=$(journalctl -D "/var/log/journal/$mid" -b -F _MACHINE_ID | grep -vx "$mid")
echo "machine ID $mid; this boot's other machine IDs on disk: ${others:-none}"
if [ "$(echo "$others" | grep -c .)" != 1 ]; then
        echo "FAIL: want the initrd's machine ID, once, among this boot's entries in /var/log/journal/$mid"
        fail=1
else
        n=$(journalctl -D "/var/log/journal/$mid" -b "_MACHINE_ID=$others" -q | wc -l)
        last=$(journalctl -D "/var/log/journal/$mid" -b "_MACHINE_ID=$others" -q -o cat _PID=1 | tail -1)
        echo "the initrd's entries on disk: $n; its PID 1's last: $last"
        [ "$n" -ge 50 ] || { echo "FAIL: only $n of the initrd's entries are on disk"; fail=1; }
        [ "$last" = "Switching root." ] || { echo "FAIL: the initrd's PID 1 did not log its switch to the real root on disk"; fail=1; }
fi
exit $fail
