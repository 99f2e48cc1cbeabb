# Unattended updates are off on a fresh image: the timer is disabled and inactive, and the
# service does nothing without /etc/hull/update.conf.
set -u
bad=0
e=$(systemctl is-enabled hull-update.timer 2>&1); echo "hull-update.timer: $e"
[ "$e" = disabled ] || { echo "FAIL: hull-update.timer is '$e', want disabled"; bad=1; }
a=$(systemctl is-active hull-update.timer 2>&1); echo "hull-update.timer: $a"
[ "$a" = inactive ] || { echo "FAIL: hull-update.timer is '$a', want inactive"; bad=1; }
[ ! -e /etc/hull/update.conf ] || { echo "FAIL: /etc/hull/update.conf exists on a fresh image"; bad=1; }
systemctl list-timers --all --no-pager | grep hull-update && { echo "FAIL: hull-update.timer is scheduled"; bad=1; }
# Started by hand without a configuration: skipped by its condition, not failed, nothing done.
state() { cat /var/lib/hull/update.json 2>/dev/null || echo none; }
before=$(state)
systemctl start hull-update.service
r=$(systemctl show -P ConditionResult hull-update.service); echo "ConditionResult=$r"
[ "$r" = no ] || { echo "FAIL: hull-update.service ran without a configuration"; bad=1; }
[ "$(state)" = "$before" ] || { echo "FAIL: an update was attempted"; state; bad=1; }
exit "$bad"
