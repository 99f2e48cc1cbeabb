# The hardening options of image/cmdline reached the kernel and took effect.
set -u
bad=0
no() { echo "FAIL: $*"; bad=1; }

cmdline=$(cat /proc/cmdline)
echo "cmdline: $cmdline"
for opt in lockdown=integrity init_on_alloc=1 slab_nomerge page_alloc.shuffle=1 \
        randomize_kstack_offset=on vsyscall=none debugfs=off security=selinux enforcing=1; do
        case " $cmdline " in
        *" $opt "*) ;;
        *) no "$opt missing from /proc/cmdline" ;;
        esac
done

# Lockdown: the active mode is the bracketed one.
lock=$(cat /sys/kernel/security/lockdown 2>/dev/null)
echo "lockdown: $lock"
case $lock in *"[integrity]"*) ;; *) no "lockdown is not [integrity]: '$lock'" ;; esac
# ... and it bites: /dev/mem cannot be opened for writing by root.
if [ -e /dev/mem ] && (: >>/dev/mem) 2>/dev/null; then no "root opened /dev/mem for writing"; fi

# init_on_alloc: the kernel reports its memory auto-initialisation at boot.
mi=$(journalctl -k -b --no-pager | grep -m1 'mem auto-init:')
echo "${mi:-no mem auto-init line}"
case $mi in *"heap alloc:on"*) ;; *) no "heap init on allocation is off" ;; esac

# vsyscall=none: no [vsyscall] mapping in any process.
if grep -q '\[vsyscall\]' /proc/self/maps; then no "a [vsyscall] page is mapped"; fi

# debugfs=off: nothing mounted there and it cannot be mounted.
if grep -q ' debugfs ' /proc/mounts; then no "debugfs is mounted"; fi
d=$(mktemp -d)
if mount -t debugfs none "$d" 2>/dev/null; then umount "$d"; no "debugfs could be mounted"; fi
rmdir "$d"

[ "$bad" = 0 ] && echo "kernel hardening in effect"
exit "$bad"
