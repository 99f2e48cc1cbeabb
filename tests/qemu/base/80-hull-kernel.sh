# shellcheck shell=bash
# Hull's own kernel (HULL_KERNEL=hull, image/kernel/hull.config): no module can ever be loaded,
# lockdown is integrity, SELinux is the major LSM of the stack, and Docker's bridge networking
# with a port published on 127.0.0.1 works on the built-in netfilter set. Skipped on Debian's
# kernel (HULL_KERNEL=debian), which is modular by design.
set -u
bad=0
no() { echo "FAIL: $*"; bad=1; }

rel=$(uname -r)
echo "kernel: $(cat /proc/version)"
case $rel in
*-hull) ;;
*) echo "not Hull's kernel ($rel): skipped"; exit 77 ;;
esac

# Modules: none loaded, none on the disk, the kernel never asks for one, and root cannot load
# one (the signing key was thrown away after the build and unsigned modules are refused).
if [ -e /proc/modules ] && [ -s /proc/modules ]; then no "/proc/modules lists modules: $(cut -d' ' -f1 /proc/modules | paste -sd' ')"; fi
[ ! -e /usr/lib/modules ] || no "/usr/lib/modules exists"
[ -z "$(cat /proc/sys/kernel/modprobe 2>/dev/null)" ] || no "the kernel would run '$(cat /proc/sys/kernel/modprobe)' to load modules"
fake=$(mktemp --suffix=.ko)
cp /usr/bin/true "$fake"
# The refusal must be the kernel's signature check (EKEYREJECTED), not SELinux or a missing
# file: insmod runs in kmod_t (SELinux allows it module loading), which reads modules_object_t
# files, the label a module has where modules live.
chcon -t modules_object_t "$fake" || no "cannot label $fake as a module"
if out=$(insmod "$fake" 2>&1); then
        no "insmod of an unsigned module succeeded"
else
        echo "insmod refused: $out"
        case $out in *"Key was rejected by service"*) ;; *) no "insmod was not refused for its missing signature" ;; esac
fi
rm -f "$fake"
journalctl -k -b --no-pager | grep -i 'module.*rejected' | tail -1
if [ -e /proc/modules ] && [ -s /proc/modules ]; then no "/proc/modules grew"; fi

# Lockdown: integrity, forced by the configuration.
lock=$(cat /sys/kernel/security/lockdown)
echo "lockdown: $lock"
case $lock in *"[integrity]"*) ;; *) no "lockdown is not [integrity]: '$lock'" ;; esac

# The LSM stack: lockdown (early) and capability first, then CONFIG_LSM's order with SELinux as
# the only major LSM: lockdown,capability,landlock,yama,selinux.
lsm=$(cat /sys/kernel/security/lsm)
echo "lsm: $lsm"
[ "$lsm" = lockdown,capability,landlock,yama,selinux ] ||
        no "the LSM stack is '$lsm', not lockdown,capability,landlock,yama,selinux"
[ "$(getenforce)" = Enforcing ] || no "SELinux is not enforcing"
auditctl -s | grep -q '^enabled 2' || no "audit is not enabled and locked: $(auditctl -s | head -1)"

# Docker: the test image, a container on the default bridge with a port published on
# 127.0.0.1 (no userland proxy: DNAT in OUTPUT, route_localnet, MASQUERADE of local sources).
if ! docker image inspect hull-test:latest >/dev/null 2>&1; then
        dev=/dev/disk/by-id/virtio-hull-test-image
        [ -b "$dev" ] || { echo "FAIL: the test image disk $dev is missing"; exit 1; }
        docker import - hull-test:latest <"$dev" >/dev/null || { echo "FAIL: docker import of $dev failed"; exit 1; }
fi
# (Hull's daemon.json names its own seccomp profile on purpose; Docker warns about any profile
# but its built-in one.)
warn=$(docker info 2>&1 >/dev/null | grep -i warning | grep -v "not using the default seccomp profile")
[ -z "$warn" ] || no "docker info warns: $warn"
docker rm -f hull-kernel-web >/dev/null 2>&1
docker run -d --name hull-kernel-web -p 127.0.0.1:18080:8080 hull-test \
        sh -c 'echo hull-kernel-web-ok >/tmp/index.html && exec httpd -f -p 8080 -h /tmp' >/dev/null ||
        { echo "FAIL: docker run with -p 127.0.0.1:18080:8080 failed"; exit 1; }
ip=$(docker inspect -f '{{.NetworkSettings.IPAddress}}' hull-kernel-web)
echo "container address on the bridge: $ip"
case $ip in 172.*) ;; *) no "the container has no bridge address" ;; esac
got=""
for _ in $(seq 20); do
        got=$(timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/18080 && printf "GET / HTTP/1.0\r\n\r\n" >&3 && cat <&3' 2>/dev/null | tail -1)
        [ "$got" = hull-kernel-web-ok ] && break
        sleep 1
done
echo "GET http://127.0.0.1:18080/ -> ${got:-nothing}"
[ "$got" = hull-kernel-web-ok ] || { no "the published port does not answer"; iptables-save; nft list ruleset | head -80; }
docker rm -f hull-kernel-web >/dev/null
[ "$bad" = 0 ] && echo "Hull kernel: no modules, lockdown integrity, SELinux stack, Docker networking OK"
exit "$bad"
