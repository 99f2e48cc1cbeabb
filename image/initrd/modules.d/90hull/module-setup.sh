#!/bin/bash
# dracut module: Hull's /etc. The image's /etc defaults live in /usr/share/factory/etc (part
# of the verified /usr); the administrator's changes live on the state partition. This module
# lays one over the other at /sysroot/etc before the system proper reads any of it. With Hull's
# kernel (dracut --no-kernel: every driver built in) it also narrows the initrd's udev coldplug
# to block devices (udev-trigger-block.conf); Debian's kernel needs the full coldplug to load
# its storage drivers by modalias. And it gives the dm-verity device of /usr a readahead window of
# 1 MiB (60-hull-usr-readahead.rules).

check() {
        return 0
}

depends() {
        echo systemd
}

installkernel() {
        instmods overlay
}

install() {
        inst_multiple mkdir mount
        inst_script "$moddir/hull-etc-overlay.sh" /usr/lib/hull/hull-etc-overlay
        inst_simple "$moddir/hull-etc-overlay.service" "$systemdsystemunitdir/hull-etc-overlay.service"
        inst_simple "$moddir/60-hull-usr-readahead.rules" "$udevrulesdir/60-hull-usr-readahead.rules"
        mkdir -p "$initdir$systemdsystemunitdir/initrd-fs.target.wants"
        ln -sf ../hull-etc-overlay.service "$initdir$systemdsystemunitdir/initrd-fs.target.wants/hull-etc-overlay.service"
        if [[ $no_kernel == yes ]]; then
                inst_simple "$moddir/udev-trigger-block.conf" \
                        "$systemdsystemunitdir/systemd-udev-trigger.service.d/50-hull-block.conf"
        fi
}
