/* SPDX-License-Identifier: MIT */
/* Which platform Hull boots on, from the kernel command line or the DMI (SMBIOS) strings the
 * hypervisor sets. Library code: errors are returned, the caller logs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hull/fileio.h"
#include "hull/macro.h"
#include "platform.h"
#include "sources.h"

static const char *const platform_names[_PLATFORM_MAX] = {
        [PLATFORM_METAL] = "metal",
        [PLATFORM_QEMU] = "qemu",
        [PLATFORM_AWS] = "aws",
        [PLATFORM_GCP] = "gcp",
        [PLATFORM_AZURE] = "azure",
        [PLATFORM_OPENSTACK] = "openstack",
        [PLATFORM_DIGITALOCEAN] = "digitalocean",
        [PLATFORM_HETZNER] = "hetzner",
};

const char *platform_to_string(Platform p) {
        return (unsigned) p < _PLATFORM_MAX ? platform_names[p] : NULL;
}

int platform_from_string(const char *s, Platform *ret) {
        if (!s)
                return -EINVAL;
        for (Platform p = 0; p < _PLATFORM_MAX; p++)
                if (strcmp(s, platform_names[p]) == 0) {
                        *ret = p;
                        return 0;
                }
        return -EINVAL;
}

void dmi_info_clear(DmiInfo *d) {
        free(d->sys_vendor);
        free(d->product_name);
        free(d->chassis_asset_tag);
        free(d->board_vendor);
        free(d->bios_vendor);
        *d = (DmiInfo) {};
}

/* SMBIOS strings are at most 255 bytes on real firmware; sysfs adds a newline. */
#define DMI_VALUE_MAX 255

int dmi_value_parse(const char *data, size_t size, char **ret) {
        char *v;

        while (size > 0 && strchr(" \t\n", data[size - 1]) && data[size - 1] != 0)
                size--;
        /* An embedded NUL, a control character or an overlong value is not a DMI string we
         * know: it matches nothing, and it never reaches a log line. */
        if (size > DMI_VALUE_MAX) {
                *ret = NULL;
                return 0;
        }
        for (size_t i = 0; i < size; i++)
                if ((unsigned char) data[i] < ' ' || data[i] == 127) {
                        *ret = NULL;
                        return 0;
                }
        v = strndup(data, size);
        if (!v)
                return -ENOMEM;
        *ret = v;
        return 0;
}

static int read_dmi_value(const char *root, const char *name, char **ret) {
        _cleanup_free_ char *path = NULL, *v = NULL;
        size_t n = 0;
        int r;

        if (asprintf(&path, "%s/sys/class/dmi/id/%s", strcmp(root, "/") == 0 ? "" : root, name) < 0)
                return -ENOMEM;
        r = read_full_file(path, 4096, &v, &n);
        if (r == -ENOENT || r == -ENOTDIR || r == -EISDIR || r == -EFBIG) {
                *ret = NULL;
                return 0;
        }
        if (r < 0)
                return r;
        return dmi_value_parse(v, n, ret);
}

int dmi_info_read(const char *root, DmiInfo *ret) {
        _cleanup_dmi_info_ DmiInfo d = {};
        int r;

        if ((r = read_dmi_value(root, "sys_vendor", &d.sys_vendor)) < 0 ||
            (r = read_dmi_value(root, "product_name", &d.product_name)) < 0 ||
            (r = read_dmi_value(root, "chassis_asset_tag", &d.chassis_asset_tag)) < 0 ||
            (r = read_dmi_value(root, "board_vendor", &d.board_vendor)) < 0 ||
            (r = read_dmi_value(root, "bios_vendor", &d.bios_vendor)) < 0)
                return r;
        *ret = d;
        d = (DmiInfo) {};
        return 0;
}

static int eq(const char *a, const char *b) {
        return a && strcmp(a, b) == 0;
}

/* The values each platform documents (or sets in every instance) for its VMs. The clouds that
 * run on KVM set their own vendor, so they are matched before plain QEMU. */
Platform platform_from_dmi(const DmiInfo *d, const char **ret_reason) {
        /* Azure: every Azure VM carries this chassis asset tag; Hyper-V elsewhere has the same
         * vendor without it, and has no Azure wireserver. */
        if (eq(d->sys_vendor, "Microsoft Corporation") && eq(d->chassis_asset_tag, "7783-7084-3265-9085-8269-3286-77")) {
                *ret_reason = "DMI chassis_asset_tag \"7783-7084-3265-9085-8269-3286-77\" (Azure)";
                return PLATFORM_AZURE;
        }
        /* EC2 (Nitro; UEFI boot exists only there): vendor, board and BIOS say "Amazon EC2". */
        if (eq(d->sys_vendor, "Amazon EC2") || eq(d->board_vendor, "Amazon EC2") || eq(d->bios_vendor, "Amazon EC2")) {
                *ret_reason = "DMI vendor \"Amazon EC2\"";
                return PLATFORM_AWS;
        }
        if (eq(d->product_name, "Google Compute Engine") || eq(d->sys_vendor, "Google") || eq(d->bios_vendor, "Google")) {
                *ret_reason = "DMI \"Google Compute Engine\"";
                return PLATFORM_GCP;
        }
        /* Nova's defaults: manufacturer "OpenStack Foundation", product "OpenStack Nova"
         * (older releases and some distributions: "OpenStack Compute"). */
        if (eq(d->product_name, "OpenStack Nova") || eq(d->product_name, "OpenStack Compute") ||
            eq(d->sys_vendor, "OpenStack Foundation")) {
                *ret_reason = "DMI \"OpenStack Nova\"";
                return PLATFORM_OPENSTACK;
        }
        if (eq(d->sys_vendor, "DigitalOcean")) {
                *ret_reason = "DMI sys_vendor \"DigitalOcean\" (Droplet)";
                return PLATFORM_DIGITALOCEAN;
        }
        if (eq(d->sys_vendor, "Hetzner")) {
                *ret_reason = "DMI sys_vendor \"Hetzner\" (vServer)";
                return PLATFORM_HETZNER;
        }
        if (eq(d->sys_vendor, "QEMU")) {
                *ret_reason = "DMI sys_vendor \"QEMU\"";
                return PLATFORM_QEMU;
        }
        *ret_reason = "no cloud's DMI strings";
        return PLATFORM_METAL;
}

int platform_detect(const char *root, const char *cmdline, Platform *ret, char **ret_how) {
        _cleanup_dmi_info_ DmiInfo d = {};
        _cleanup_free_ char *name = NULL;
        const char *reason;
        Platform p;
        int r;

        r = cmdline_get_value(cmdline, "hull.platform", &name);
        if (r < 0)
                return r;
        if (r > 0) {
                r = platform_from_string(name, &p);
                if (asprintf(ret_how, "kernel command line hull.platform=%s%s", name,
                             r < 0 ? " (expected one of " PLATFORM_NAMES ")" : "") < 0)
                        return -ENOMEM;
                if (r < 0)
                        return r;
                *ret = p;
                return 0;
        }
        r = dmi_info_read(root, &d);
        if (r < 0)
                return r;
        p = platform_from_dmi(&d, &reason);
        *ret_how = strdup(reason);
        if (!*ret_how)
                return -ENOMEM;
        *ret = p;
        return 0;
}
