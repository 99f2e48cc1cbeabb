# Hull's services run in their own domains, never init_t or unconfined_t; an administrator's
# root shell (SSH login, then sudo: how this test runs) is unconfined_t, as the README says.
# hull-firstboot and hull-sshd-keygen are one-shot and gone by now: they run again here and are
# caught in ps.
# hull-health and hull-update run only on a new slot's boot and from the timer: init's
# transition is checked here, their work under enforcing in the update suites.
set -eu
fail=0
want_domain() {
        local what=$1 ctx=$2 type=$3
        if [ "$(echo "$ctx" | cut -d: -f3)" = "$type" ]; then echo "ok   $what: $ctx"; else echo "FAIL $what: '$ctx', want $type"; fail=1; fi
}
# catch COMM COMMAND...: run COMMAND (which starts a unit), return the label of the process
# COMM while it runs. ps prints '-' for a process that exits between its listing and the read of
# its label: that is a miss, not a label. It looks for 20 s at most: a ps takes 0.3-0.5 s under
# TCG, so a process that has come and gone cost the test 200 of them (over a minute).
catch() {
        local ctx="" comm=$1 end=$((SECONDS + 20))
        shift
        "$@" >/dev/null
        while [ "$SECONDS" -lt "$end" ]; do
                ctx=$(ps -e -o label=,comm= | awk -v c="$comm" '$2 == c && $1 != "-" { print $1; exit }')
                [ -n "$ctx" ] && break
                sleep 0.1
        done
        echo "$ctx"
}
want_domain "this test (sudo in an SSH login)" "$(tr -d '\0' </proc/self/attr/current)" unconfined_t
want_domain "sshd (ps)" "$(ps -o label= -p "$(systemctl show -P MainPID ssh.service)")" sshd_t
want_domain "what init runs /usr/bin/hull-firstboot as" \
        "$(selinuxexeccon /usr/bin/hull-firstboot system_u:system_r:init_t:s0)" hull_firstboot_t
want_domain "what init runs /usr/bin/ssh-keygen as" \
        "$(selinuxexeccon /usr/bin/ssh-keygen system_u:system_r:init_t:s0)" ssh_keygen_t
want_domain "what init runs /usr/bin/systemd-tmpfiles as (hull-journal-initrd)" \
        "$(selinuxexeccon /usr/bin/systemd-tmpfiles system_u:system_r:init_t:s0)" systemd_tmpfiles_t
want_domain "what init runs /usr/bin/hull-health as" \
        "$(selinuxexeccon /usr/bin/hull-health system_u:system_r:init_t:s0)" hull_health_t
want_domain "what init runs /usr/bin/hull-update as" \
        "$(selinuxexeccon /usr/bin/hull-update system_u:system_r:init_t:s0)" hull_update_t
want_domain "what init runs /usr/bin/hull-seccomp-agent as" \
        "$(selinuxexeccon /usr/bin/hull-seccomp-agent system_u:system_r:init_t:s0)" hull_seccomp_agent_t
want_domain "the agent's socket" "$(stat -c %C /run/hull-seccomp-agent.sock)" hull_seccomp_agent_runtime_t
# hull-firstboot again, as a transient unit (restarting hull-firstboot.service would restart
# sysinit.target, which requires it); no config on this VM: it only writes its marker again.
rm -f /var/lib/hull/firstboot.done
want_domain "hull-firstboot (ps)" "$(catch hull-firstboot systemd-run --no-block -p Type=oneshot /usr/bin/hull-firstboot)" hull_firstboot_t
for i in $(seq 100); do [ -e /var/lib/hull/firstboot.done ] && break; sleep 0.2; done
want_domain "first-boot marker" "$(stat -c %C /var/lib/hull/firstboot.done)" hull_var_lib_t
# hull-sshd-keygen again (its condition: no ed25519 host key).
mkdir -p /run/selinux-test-keys
mv /etc/ssh/ssh_host_* /run/selinux-test-keys/
# Ed25519 and ECDSA keys take a moment only: when ps misses it, the keys' label (which only
# ssh_keygen_t's type transition in /etc/ssh gives) is the evidence.
ctx=$(catch ssh-keygen systemctl start --no-block hull-sshd-keygen.service)
if [ -n "$ctx" ]; then want_domain "hull-sshd-keygen (ps)" "$ctx" ssh_keygen_t; else echo "hull-sshd-keygen ran too briefly for ps"; fi
for i in $(seq 600); do
        [ "$(systemctl show -P ActiveState hull-sshd-keygen.service)" != activating ] &&
                [ -e /etc/ssh/ssh_host_ed25519_key.pub ] && break
        sleep 0.2
done
want_domain "SSH host key" "$(stat -c %C /etc/ssh/ssh_host_ed25519_key)" sshd_key_t
rm -f /etc/ssh/ssh_host_*
mv /run/selinux-test-keys/* /etc/ssh/
# No daemon runs unconfined or is left in init_t. Daemons have no login uid; the processes of
# an administrator's login (this test's among them) have one and are theirs to confine.
bad=$(ps -e -o label=,pid=,comm= | awk '$1 ~ /:(unconfined_t|initrc_t|init_t):/ && $3 != "systemd"' |
        while read -r l p c; do if [ "$(cat "/proc/$p/loginuid" 2>/dev/null)" = 4294967295 ]; then echo "$l $p $c"; fi; done)
[ -z "$bad" ] || { echo "$bad"; echo "FAIL: processes in init_t or unconfined_t"; fail=1; }
ps -e -o label=,comm= | grep -E 'sshd|dockerd|containerd|journal|auditd|udevd|networkd|resolved' || true
exit $fail
