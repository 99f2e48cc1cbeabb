# shellcheck shell=bash
# One way in: nothing in the image takes commands from a port or a device without
# authentication. Read from the built tree and the manifest, not from the build's own lists:
# - every socket unit listens on a UNIX socket or FIFO in /run (docker.socket: group docker),
#   the kernel's netlink or /dev/rfkill; none on an IP port but sshd's, none on another device;
# - no udev rule starts a unit or a program for a device a hypervisor can attach (virtio
#   ports, serial consoles, vsock);
# - no file of the manifest is a test tool, and no program Hull ships knows a test hook;
# - sshd is the only network listener the image configures, and it takes keys only, never
#   root.
set -u
fail=0
no() { echo "FAIL: $*"; fail=1; }
for f in "$TREE"/usr/lib/systemd/system/*.socket "$TREE"/usr/share/factory/etc/systemd/system/*.socket; do
        [ -f "$f" ] || continue
        while IFS='=' read -r k v; do
                case $k in
                ListenStream | ListenDatagram | ListenSequentialPacket)
                        case $(basename "$f")=$v in
                        *=/run/* | *=@*) echo "ok   $(basename "$f"): $k=$v" ;;
                        # sshd's socket-activated form (off; sshd.service runs): sshd all the same.
                        ssh.socket=22) echo "ok   $(basename "$f"): $k=$v (sshd)" ;;
                        *) no "$(basename "$f") listens on $k=$v (not a UNIX socket in /run)" ;;
                        esac ;;
                ListenNetlink) echo "ok   $(basename "$f"): $k=$v" ;;
                # A FIFO in /run (initctl), a kernel device no hypervisor attaches (rfkill).
                ListenFIFO | ListenSpecial)
                        case $v in
                        /run/* | /dev/rfkill) echo "ok   $(basename "$f"): $k=$v" ;;
                        *) no "$(basename "$f") has $k=$v" ;;
                        esac ;;
                Listen*) no "$(basename "$f") has $k=$v" ;;
                esac
        done < <(grep -E '^Listen[A-Za-z]*=' "$f")
done
grep -HE 'virtio-ports|vport|hvc|vsock|SUBSYSTEM=="tty"' \
        "$TREE"/usr/lib/udev/rules.d/*.rules "$TREE"/usr/share/factory/etc/udev/rules.d/*.rules 2>/dev/null |
        grep -E 'SYSTEMD_WANTS|SYSTEMD_USER_WANTS|RUN\+?=' |
        while read -r r; do no "a udev rule starts something for a hypervisor-attached device: $r"; done
awk -F'\t' '$1 ~ /(^|\/)[^\/]*(test-agent|-test-hook)/ || ($2 ~ /^hull:/ && $1 ~ /test/) { print }' "$OUT/manifest.tsv" |
        while read -r l; do no "test-only file in the manifest: $l"; done
while IFS=$'\t' read -r path origin _; do
        case $origin in hull:*) ;; *) continue ;; esac
        [ -f "$TREE$path" ] && head -c4 "$TREE$path" | grep -q 'ELF' || continue
        if grep -aqE 'HULL_[A-Z_]*TEST|test hook' "$TREE$path"; then no "$path knows a test hook"; fi
done <"$OUT/manifest.tsv"
ssh=$TREE/usr/share/factory/etc/ssh/sshd_config.d/10-hull.conf
grep -qx 'PermitRootLogin no' "$ssh" || no "sshd permits root"
grep -qx 'AuthenticationMethods publickey' "$ssh" || no "sshd takes more than keys"
exit $fail
