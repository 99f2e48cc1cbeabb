/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The signed description of an update payload. The manifest must be in the canonical form
 * manifest_format() writes, byte for byte: the privileged side then checks the fields the
 * unprivileged parser sends it by formatting them again and comparing, without parsing JSON. */

#define MANIFEST_SIZE_MAX 4096
#define MANIFEST_VERSION_MAX 64
#define MANIFEST_FORMAT 1
/* No single payload file may claim more than this (far above any slot). */
#define MANIFEST_FILE_SIZE_MAX (UINT64_C(1) << 40)

typedef enum Compression {
        COMPRESSION_NONE = 0,
        COMPRESSION_ZSTD = 1,
} Compression;

typedef struct ManifestFile {
        uint64_t size;
        uint8_t sha256[32];
} ManifestFile;

/* Plain data, no pointers: it travels between processes as it is. */
typedef struct Manifest {
        uint32_t format;
        char version[MANIFEST_VERSION_MAX + 1];
        uint8_t key_id[16];        /* first 128 bits of SHA-256 over the signing key (DER) */
        uint64_t build;            /* monotonic build number */
        int64_t released;          /* seconds since the epoch */
        int64_t expires;
        uint8_t usrhash[32];       /* dm-verity root hash of the /usr image */
        bool has_pcr11;            /* "pcr11" present (optional) */
        uint8_t pcr11[32];         /* SHA-256 PCR 11 systemd-stub leaves after measuring the UKI */
        uint32_t compression;      /* Compression of the /usr image file */
        ManifestFile usr, verity, uki;
} Manifest;

/* Parses and checks one manifest. On failure returns -EBADMSG (or -ENOMEM) and points
 * *ret_error (may be NULL) at a static description of the first problem. */
int manifest_parse(const void *data, size_t size, Manifest *ret, const char **ret_error);

/* Checks the fields of a manifest that did not come from manifest_parse() (a message from the
 * unprivileged side): NUL-terminated version of the allowed characters, sizes in range. */
int manifest_validate(const Manifest *m, const char **ret_error);

/* The canonical text of a manifest; *ret is malloc'd and NUL-terminated. */
int manifest_format(const Manifest *m, char **ret, size_t *ret_size);

/* The file name of the /usr image for the manifest's compression. */
const char *manifest_usr_file(const Manifest *m);

bool version_is_valid(const char *v);

/* What the running system allows: newer than the running version (or same version and a
 * higher build), not expired. */
typedef struct Policy {
        const char *running_version;   /* NULL: no downgrade check (fresh install) */
        uint64_t running_build;
        bool has_running_build;
        bool allow_downgrade;
        int64_t now;
} Policy;

/* 0 if allowed; else, with a message in err, -EKEYEXPIRED (expired), -EALREADY (the running
 * version and build: nothing to do) or -ESTALE (older: a downgrade). */
int manifest_check_policy(const Manifest *m, const Policy *p, char *err, size_t err_size);
