#!/usr/bin/env bash
# The reference Hull is measured against: plain Debian 12 with Debian's docker.io, as a user
# would set up a container host instead of Hull. A UEFI disk of Debian's own parts only:
# systemd-boot (systemd-boot-efi) with one Type #1 entry for Debian's kernel and its
# initramfs-tools initrd, an ext4 root, systemd-networkd and systemd-resolved for DHCP and DNS
# (as Hull), OpenSSH, sudo, docker.io enabled as Debian enables it (dockerd at boot), AppArmor
# (Debian's default, recommended by docker.io). The same console options as Hull's command line
# (console=ttyS0, no_timer_check), nothing else tuned.
#
#   bench/debian-docker.sh OUT.qcow2 PUBKEY
#
# The administrator hull-admin (group sudo, no password for sudo) gets PUBKEY, so the benches
# reach it as they reach Hull (tests/qemu/guest). The disk is cached in $HULL_CACHE (default
# /var/cache/hull) as bench-debian-<digest>.qcow2, the digest over this script and PUBKEY;
# OUT is a copy-on-write overlay of it, so each boot starts from the cached state.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OUT.qcow2 PUBKEY" >&2; exit 2; }
out=$1 pub=$2
[ -r "$pub" ] || { echo "bench/debian-docker.sh: $pub: cannot read the public key" >&2; exit 1; }
cache=${HULL_CACHE:-/var/cache/hull}
mirror=${HULL_MIRROR:-http://deb.debian.org/debian}
security=${HULL_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
die() { echo "bench/debian-docker.sh: $*" >&2; exit 1; }
key=$(cat "$0" "$pub" | sha256sum | cut -c1-16)
disk=$cache/bench-debian-$key.qcow2
if [ ! -f "$disk" ]; then
        mkdir -p "$cache"
        work=$(mktemp -d /var/tmp/hull-bench-debian.XXXXXX)
        trap 'rm -rf "$work"' EXIT
        root=$work/root
        pkgs=linux-image-amd64,systemd-sysv,systemd-boot-efi,systemd-resolved,dbus,openssh-server,sudo,docker.io,apparmor,ca-certificates
        echo "bench/debian-docker.sh: mmdebstrap bookworm (important + $pkgs); log $work/mmdebstrap.log" >&2
        # shellcheck disable=SC2016 # $1 is the tree, expanded by mmdebstrap's hook shell
        mmdebstrap --mode=root --format=directory --variant=important --include="$pkgs" \
                --customize-hook='echo debian-docker >"$1/etc/hostname"' \
                bookworm "$root" "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
                "deb $security bookworm-security main" >"$work/mmdebstrap.log" 2>&1 ||
                die "mmdebstrap failed: $(grep -E '^E:' "$work/mmdebstrap.log" | head -1)"
        # Root by label; DHCP on every ethernet link; the administrator.
        echo 'LABEL=debroot / ext4 defaults 0 1' >"$root/etc/fstab"
        printf '[Match]\nType=ether\n\n[Network]\nDHCP=yes\n' >"$root/etc/systemd/network/80-dhcp.network"
        chroot "$root" systemctl enable systemd-networkd.service systemd-resolved.service >/dev/null 2>&1 ||
                die "systemctl enable failed"
        chroot "$root" useradd -m -s /bin/bash -G sudo hull-admin || die "useradd failed"
        install -d -m 0700 -o 1000 -g 1000 "$root/home/hull-admin/.ssh"
        install -m 0600 -o 1000 -g 1000 "$pub" "$root/home/hull-admin/.ssh/authorized_keys"
        echo 'hull-admin ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/hull-admin"
        : >"$root/etc/machine-id"
        # The ESP: systemd-boot and one entry for the kernel and initrd the packages installed.
        kver=
        for d in "$root"/lib/modules/*; do kver=${d##*/}; done
        [ -f "$root/boot/initrd.img-$kver" ] || die "no initrd for $kver"
        esp=$work/esp.img
        esp_mib=256 root_mib=$((7 * 1024))
        mkfs.vfat -C -F 32 -n DEB-ESP "$esp" $((esp_mib * 1024)) >/dev/null
        mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries ::/debian
        mcopy -i "$esp" "$root/usr/lib/systemd/boot/efi/systemd-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI
        mcopy -i "$esp" "$root/boot/vmlinuz-$kver" ::/debian/vmlinuz
        mcopy -i "$esp" "$root/boot/initrd.img-$kver" ::/debian/initrd.img
        printf 'timeout 0\ndefault debian.conf\n' >"$work/loader.conf"
        printf 'title Debian 12\nlinux /debian/vmlinuz\ninitrd /debian/initrd.img\noptions root=LABEL=debroot ro console=tty0 console=ttyS0,115200 no_timer_check\n' \
                >"$work/debian.conf"
        mcopy -i "$esp" "$work/loader.conf" ::/loader/loader.conf
        mcopy -i "$esp" "$work/debian.conf" ::/loader/entries/debian.conf
        # Root file system and the GPT disk: ESP at 1 MiB, root after it.
        # One MiB is 2048 sectors; the last MiB of the disk holds the backup GPT.
        mkfs.ext4 -q -L debroot -d "$root" "$work/root.img" "${root_mib}M" || die "mkfs.ext4 failed"
        raw=$work/disk.raw
        truncate -s $((1 + esp_mib + root_mib + 1))M "$raw"
        printf 'label: gpt\nstart=%s, size=%s, type=U\nstart=%s, size=%s, type=L\n' \
                2048 $((esp_mib * 2048)) $(((1 + esp_mib) * 2048)) $((root_mib * 2048)) |
                sfdisk --quiet "$raw" >/dev/null || die "sfdisk failed"
        dd if="$esp" of="$raw" bs=1M seek=1 conv=notrunc,sparse status=none
        dd if="$work/root.img" of="$raw" bs=1M seek=$((1 + esp_mib)) conv=notrunc,sparse status=none
        qemu-img convert -f raw -O qcow2 "$raw" "$disk.tmp" && mv "$disk.tmp" "$disk"
fi
rm -f "$out"
qemu-img create -q -f qcow2 -F qcow2 -b "$disk" "$out"
