/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "manifest.h"

#define UKI_DIR "EFI/Linux"
#define UKI_PREFIX "hull_"
#define UKI_CMDLINE_MAX 65536
/* Boot tries of a newly installed UKI (hull_<version>+N.efi): the default, and the most
 * /etc/kernel/tries may ask for. */
#define BOOT_TRIES_DEFAULT 3
#define BOOT_TRIES_MAX 99

/* The ESP, either a mounted directory (/efi on a running system) or a FAT file system at an
 * offset inside a disk image file, reached with mtools (no loop device, no mount). */
typedef struct Esp {
        char dir[4096];      /* non-empty: mounted at this directory */
        char image[4096];    /* else: the disk image file ... */
        uint64_t offset;     /* ... and the ESP's byte offset in it */
} Esp;

typedef struct Uki {
        char name[256];
        char version[MANIFEST_VERSION_MAX + 1];
        int tries_left, tries_done; /* -1: no counter in the name */
        bool has_usrhash;
        uint8_t usrhash[32];
} Uki;

/* "hull_<version>[+LEFT[-DONE]].efi". -EINVAL if not a Hull UKI name. */
int uki_name_parse(const char *name, char ret_version[MANIFEST_VERSION_MAX + 1], int *ret_left, int *ret_done);

/* The .cmdline section of a PE image (a UKI), NUL-terminated; -EBADMSG if not a PE image
 * or no .cmdline section. */
int pe_read_cmdline(int fd, char **ret);

/* The Hull UKIs in EFI/Linux, with their usrhash= when readable. */
int esp_list(const Esp *e, Uki **ret, size_t *ret_n);
int esp_remove(const Esp *e, const char *name);
int esp_rename(const Esp *e, const char *from, const char *to);
/* Installs the file open at fd as EFI/Linux/name: a temporary name, fsync, rename, fsync of
 * the directory (on a mounted ESP; mtools writes a file image directly). */
int esp_install(const Esp *e, int fd, const char *name);
