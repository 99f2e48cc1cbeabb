# An administrator's audit rule file in /etc/audit/rules.d takes effect at the next boot: the
# boot sees a rules.d newer than the image's pre-built audit.rules, runs augenrules, and loads
# the new rule with Hull's, still locked (-e 2 stays the last line). The boot before it loaded
# the pre-built rules with one auditctl and no augenrules.
set -u
# augenrules always speaks when it runs ("No change", or auditctl's status after loading).
guest -t 30 'if journalctl -b _SYSTEMD_UNIT=auditd.service _COMM=augenrules -o cat --no-pager | grep .; then echo "FAIL: augenrules ran on a boot with unchanged rules"; exit 1; fi
printf "%s\n" "-w /etc/hosts -p wa -k hull-admin-rule" >/etc/audit/rules.d/50-admin.rules
sync' || { echo "FAIL: could not add /etc/audit/rules.d/50-admin.rules"; exit 1; }
guest-reboot 600 || { echo "FAIL: reboot"; exit 1; }
guest -t 60 'set -u
rules=$(auditctl -l)
printf "%s\n" "$rules" | grep -qF -- "-w /etc/hosts -p wa -k hull-admin-rule" || { echo "FAIL: the administrator rule is not loaded:"; printf "%s\n" "$rules"; exit 1; }
n=$(printf "%s\n" "$rules" | grep -cE "^-(w|a) ")
[ "$n" -ge 41 ] || { echo "FAIL: $n rules loaded, want Hull'"'"'s 40 and the administrator'"'"'s"; exit 1; }
auditctl -s | grep -qx "enabled 2" || { echo "FAIL: the rules are not locked after augenrules"; exit 1; }
tail -1 /etc/audit/audit.rules | grep -qx -- "-e 2" || { echo "FAIL: -e 2 is not the last line of the regenerated audit.rules"; exit 1; }
booted=$(($(date +%s) - $(cut -d. -f1 /proc/uptime)))
[ "$(stat -c %Y /etc/audit/audit.rules)" -ge "$booted" ] || { echo "FAIL: audit.rules was not regenerated during this boot"; exit 1; }
echo "$n rules, locked; audit.rules regenerated at $(stat -c %y /etc/audit/audit.rules)"'
