# The hardening sysctls of /usr/lib/sysctl.d/90-hull.conf and 99-protect-links.conf have
# their values, and Docker's forwarding still works.
set -u
fail() { echo "FAIL: $*"; exit 1; }

# Hull's kernel (image/kernel/hull.config) leaves out kexec and userfaultfd altogether, and
# their switches with them: nothing to turn off there. Debian's kernel has both.
compiled_out=""
case $(uname -r) in *-hull) compiled_out=" kernel.kexec_load_disabled vm.unprivileged_userfaultfd " ;; esac
bad=0
while read -r key want; do
        f=/proc/sys/$(echo "$key" | tr . /)
        if [ ! -r "$f" ]; then
                case $compiled_out in
                *" $key "*) echo "$key: not in Hull's kernel (the feature is compiled out)" ;;
                *) echo "$key: missing from this kernel"; bad=1 ;;
                esac
                continue
        fi
        got=$(cat "$f")
        if [ "$got" != "$want" ]; then
                echo "$key = $got, want $want"
                bad=1
        else
                echo "$key = $got"
        fi
done <<'LIST'
kernel.kptr_restrict 2
kernel.dmesg_restrict 1
kernel.perf_event_paranoid 3
kernel.unprivileged_bpf_disabled 1
net.core.bpf_jit_harden 2
kernel.yama.ptrace_scope 1
fs.suid_dumpable 0
vm.unprivileged_userfaultfd 0
kernel.unprivileged_userns_clone 0
kernel.randomize_va_space 2
vm.mmap_rnd_bits 32
vm.mmap_rnd_compat_bits 16
kernel.kexec_load_disabled 1
dev.tty.ldisc_autoload 0
fs.protected_symlinks 1
fs.protected_hardlinks 1
fs.protected_fifos 2
fs.protected_regular 2
net.ipv4.conf.all.rp_filter 1
net.ipv4.conf.default.rp_filter 1
net.ipv4.conf.all.accept_redirects 0
net.ipv4.conf.default.accept_redirects 0
net.ipv4.conf.all.secure_redirects 0
net.ipv6.conf.all.accept_redirects 0
net.ipv6.conf.default.accept_redirects 0
net.ipv4.conf.all.send_redirects 0
net.ipv4.conf.default.send_redirects 0
net.ipv4.conf.all.accept_source_route 0
net.ipv6.conf.all.accept_source_route 0
net.ipv4.conf.all.log_martians 1
net.ipv4.tcp_syncookies 1
net.ipv4.tcp_rfc1337 1
LIST
[ $bad = 0 ] || fail "sysctl values differ (systemd-sysctl: $(systemctl is-active systemd-sysctl))"

# Docker turns forwarding on when it starts; nothing of Hull's turns it off.
docker version >/dev/null || fail "docker version failed"
[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ] || fail "net.ipv4.ip_forward is off with dockerd running"
exit 0
