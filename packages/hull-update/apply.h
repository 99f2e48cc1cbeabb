/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "disk.h"
#include "esp.h"
#include "source.h"

/* The Secure Boot db certificate the running image trusts, and the tool that checks a UKI
 * against it. */
#define SECUREBOOT_CERT_PATH "/usr/lib/hull/secureboot-db.crt"
#define SBVERIFY_PATH "/usr/bin/sbverify"

typedef struct ApplyOptions {
        const char *target;        /* whole disk or disk image file */
        const char *slot;          /* slot to write; NULL: the one not booted */
        bool has_booted_hash;
        uint8_t booted_hash[32];   /* usrhash= of the running system */
        Esp esp;
        bool no_uki;               /* leave the UKI out (the caller installs it) */
        int tries;                 /* boot tries of the new UKI (hull_V+tries.efi); 0: BOOT_TRIES_DEFAULT */
        const char *layout_path;
        const char *secureboot_cert; /* db certificate the UKI must be signed by; NULL: SECUREBOOT_CERT_PATH */
        const char *state_dir;     /* NULL: keep no record */
        SourceOptions src;         /* for the unprivileged reader */
        bool unattended;           /* hull-update auto: skip an image the other slot holds already */
        bool *ret_pending;         /* set when that image is installed and boots next */
        char *ret_slot;            /* if set, receives the name of the slot written (16 bytes) */
        uint64_t fail_after;       /* test hook, not reachable from the command line: _exit(3)
                                    * after this many bytes of the image were written */
} ApplyOptions;

/* The boot tries the new UKI gets: o->tries, or BOOT_TRIES_DEFAULT when it is 0. */
int apply_tries(const ApplyOptions *o);

/* Applies a payload; on failure err holds one line saying why (the caller prints it).
 * -EALREADY: nothing to do (the running image, or with unattended, installed already). */
int apply(const ApplyOptions *o, char *err, size_t err_size);

/* Only the manifest: fetch, verify, check the policy; fills ret. */
int check_manifest(const SourceOptions *src, Manifest *ret, char *err, size_t err_size);
