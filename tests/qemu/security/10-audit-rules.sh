# auditd runs with Hull's rules loaded and locked (-e 2): the talk's docker rule, CIS Docker
# watches, identity, SELinux, modules, and the human root-exec rule.
set -u
fail() { echo "FAIL: $*"; exit 1; }

systemctl is-active --quiet auditd || fail "auditd is not running: $(systemctl status auditd --no-pager 2>&1 | head -20)"
rules=$(auditctl -l) || fail "auditctl -l failed"
echo "$rules"
for want in \
        '-w /usr/bin/docker -p x -k docker' \
        '-w /usr/sbin/dockerd -p wa -k docker' \
        '-w /usr/sbin/runc -p wa -k docker' \
        '-w /usr/libexec/hull/runc -p wa -k docker' \
        '-w /etc/docker/daemon.json -p wa -k docker' \
        '-w /var/lib/docker -p wa -k docker' \
        '-w /usr/lib/systemd/system/docker.service -p wa -k docker' \
        '-w /etc/passwd -p wa -k identity' \
        '-w /etc/shadow -p wa -k identity' \
        '-w /etc/selinux -p wa -k MAC-policy' \
        '-w /etc/audit -p wa -k auditconfig' \
        'key=modules' \
        'key=rootcmd' \
        'exe=/usr/sbin/dockerd' \
        '-a never,exit -S all -F dir=/var/lib/docker -F exe=/usr/sbin/dockerd'; do
        printf '%s\n' "$rules" | grep -qF -e "$want" || fail "rule missing from auditctl -l: $want"
done
# All of Hull's rules (42 in overlays/etc/audit/rules.d): auditctl -R stops at the first rule
# it cannot load, silently for the unit (its ExecStartPost is allowed to fail).
n=$(printf '%s\n' "$rules" | grep -cE '^-(w|a) ')
[ "$n" -ge 42 ] || fail "only $n rules loaded, want 42: a rule failed to load and the ones after it are missing"

status=$(auditctl -s) || fail "auditctl -s failed"
echo "$status"
printf '%s\n' "$status" | grep -qx 'enabled 2' || fail "audit rules are not immutable (want 'enabled 2')"
if auditctl -e 1 2>&1; then
        fail "auditctl -e 1 succeeded: the configuration is not locked"
fi
# auditctl exits 0 even when the kernel refuses the rule: look at the loaded rules instead.
auditctl -w /tmp -p wa -k hull-test-immutable 2>&1 || true
if auditctl -l | grep -q hull-test-immutable; then
        fail "a rule could be added after -e 2"
fi
exit 0
