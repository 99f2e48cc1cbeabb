# shellcheck shell=bash
# The hardware watchdog is armed: the kernel drives the machine's watchdog (QEMU's i6300esb in
# these tests; a chipset TCO timer on servers), and systemd holds it open with the image's
# RuntimeWatchdogSec=2min (/usr/lib/systemd/system.conf.d/10-hull-watchdog.conf). Checked from
# the kernel's side (sysfs: the device is active with a 120 s timeout, which only an open
# /dev/watchdog0 with that timeout set makes it) and from systemd's (its setting and its log).
set -u
bad=0
no() { echo "FAIL: $*"; bad=1; }
w=/sys/class/watchdog/watchdog0
[ -d "$w" ] || { echo "FAIL: no watchdog device (/sys/class/watchdog is: $(ls /sys/class/watchdog 2>&1))"; exit 1; }
for a in identity state timeout; do echo "$a: $(cat "$w/$a" 2>&1)"; done
grep -q i6300ESB "$w/identity" || no "watchdog0 is not the i6300ESB the VM has"
[ "$(cat "$w/state")" = active ] || no "the watchdog is not running"
[ "$(cat "$w/timeout")" = 120 ] || no "the watchdog timeout is not 120 s"
v=$(systemctl show -p RuntimeWatchdogUSec --value)
echo "systemd RuntimeWatchdogUSec=$v"
[ "$v" = 2min ] || no "systemd's runtime watchdog is '$v', not 2min"
# PID 1 holds the device open (an open i6300esb counts down; closing it without the magic
# character would not stop it either).
ls -l /proc/1/fd 2>/dev/null | grep -q ' -> /dev/watchdog0$' || no "PID 1 does not hold /dev/watchdog0 open"
# (systemd logs this before journald runs: it comes in through the kernel log, tagged systemd.)
journalctl -b -o cat -t systemd --no-pager | grep -i watchdog | head -3
journalctl -b -o cat -t systemd --no-pager | grep -q "Using hardware watchdog 'i6300ESB" ||
        no "systemd did not log that it uses the i6300ESB watchdog"
exit "$bad"
