/* SPDX-License-Identifier: MIT */
#pragma once

/* The platform Hull boots on, which decides where a config may come from besides the local
 * sources (kernel command line, labelled media, fw_cfg). */
typedef enum Platform {
        PLATFORM_METAL,        /* no metadata service: bare metal, Hyper-V, VMware, ... */
        PLATFORM_QEMU,         /* plain QEMU/KVM, libvirt */
        PLATFORM_AWS,          /* Amazon EC2 */
        PLATFORM_GCP,          /* Google Compute Engine */
        PLATFORM_AZURE,        /* Microsoft Azure */
        PLATFORM_OPENSTACK,    /* OpenStack Nova */
        PLATFORM_DIGITALOCEAN, /* DigitalOcean Droplet */
        PLATFORM_HETZNER,      /* Hetzner Cloud vServer */
        _PLATFORM_MAX,
} Platform;

#define PLATFORM_NAMES "aws, gcp, azure, openstack, digitalocean, hetzner, qemu, metal"

/* The name written to /run/hull/platform and accepted by hull.platform=. */
const char *platform_to_string(Platform p);
/* A name as above to its Platform; -EINVAL for anything else (exact, lowercase). */
int platform_from_string(const char *s, Platform *ret);

/* The DMI strings the decision looks at, as read from /sys/class/dmi/id (trailing whitespace
 * removed; NULL when the file is missing). */
typedef struct DmiInfo {
        char *sys_vendor;
        char *product_name;
        char *chassis_asset_tag;
        char *board_vendor;
        char *bios_vendor;
} DmiInfo;

void dmi_info_clear(DmiInfo *d);
#define _cleanup_dmi_info_ _cleanup_(dmi_info_clear)

/* One DMI file's contents to its value: trailing blanks and newlines removed; NULL (and 0)
 * for a value with a control character or longer than 255 bytes. */
int dmi_value_parse(const char *data, size_t size, char **ret);

/* Reads the five files below root (root "/" on a machine; a fixture tree in tests). A missing
 * file or directory is NULL; a value with a control character or longer than 255 bytes is
 * kept out (NULL) and cannot match. A negative errno only for other read errors. */
int dmi_info_read(const char *root, DmiInfo *ret);

/* Decides the platform from DMI strings alone. *ret_reason (static or pointing into d) names
 * the field that decided, for the log; PLATFORM_METAL when nothing matched. */
Platform platform_from_dmi(const DmiInfo *d, const char **ret_reason);

/* The platform of the machine: hull.platform=NAME on the kernel command line (the last one)
 * wins, else DMI below root. 0 and *ret, *ret_how an allocated description of how it was
 * decided ("kernel command line hull.platform=aws", "DMI sys_vendor \"Amazon EC2\"").
 * -EINVAL for an unknown name on the command line, *ret_how then naming it. */
int platform_detect(const char *root, const char *cmdline, Platform *ret, char **ret_how);
