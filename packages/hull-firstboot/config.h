/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hull/diag.h"

/* The Ignition subset Hull understands, parsed and fully validated: contents are decoded,
 * decompressed and their hashes checked, so applying a Config needs no further input checks. */

#define CONFIG_SIZE_MAX (8U * 1024U * 1024U)         /* the JSON text */
#define CONFIG_DECODED_MAX (64U * 1024U * 1024U)     /* all file contents together */
#define CONFIG_ENTRIES_MAX 4096U                     /* entries per list */
#define CONFIG_ERRORS_MAX 64U

typedef struct ConfigUser {
        char *name;
        char **ssh_keys;
        size_t n_ssh_keys;
        char **groups;
        size_t n_groups;
        char *password_hash;
        char *shell;                /* NULL: the login shell is /bin/bash */
} ConfigUser;

typedef struct ConfigFile {
        char *path;
        unsigned mode;
        bool overwrite;
        bool has_contents;
        uint8_t *data;
        size_t size;
} ConfigFile;

typedef struct ConfigDirectory {
        char *path;
        unsigned mode;
} ConfigDirectory;

typedef struct ConfigLink {
        char *path;
        char *target;
        bool hard;
        bool overwrite;
} ConfigLink;

typedef struct ConfigDropin {
        char *name;
        char *contents;
} ConfigDropin;

typedef struct ConfigUnit {
        char *name;
        int enabled; /* -1: not given, 0, 1 */
        bool mask;
        char *contents;
        ConfigDropin *dropins;
        size_t n_dropins;
} ConfigUnit;

typedef struct Config {
        unsigned version_minor; /* 3.<minor>.0 */
        ConfigUser *users;
        size_t n_users;
        ConfigFile *files;
        size_t n_files;
        ConfigDirectory *directories;
        size_t n_directories;
        ConfigLink *links;
        size_t n_links;
        ConfigUnit *units;
        size_t n_units;
} Config;

/* Parses and validates text (size bytes, need not be NUL-terminated). On success returns 0
 * and *ret. On invalid input returns -EINVAL (or -EFBIG for oversized input) and adds every
 * problem found to errors (may be NULL), each "<json path>: <problem>" (up to errors->max,
 * CONFIG_ERRORS_MAX when it is 0). -ENOMEM on allocation failure. */
int config_parse(const char *text, size_t size, Config **ret, Diag *errors);

/* The same, with ignition.config.merge[] and .replace resolved first (README: "Merge and
 * replace"): data: references are decoded here, http(s) ones asked of res (NULL: an error).
 * config_parse() is this with res NULL. */
struct ConfigResolver;
int config_parse_with(const char *text, size_t size, const struct ConfigResolver *res, Config **ret, Diag *errors);

/* Adds user name, in group, with keys (copied): the default user a cloud's SSH keys go to
 * when the config names no user (a Config from config_parse(), or a zeroed one from calloc()
 * when there is no config at all). */
int config_add_default_user(Config *c, const char *name, const char *group, char *const *keys, size_t n_keys);

/* Adds /etc/hostname (overwritten, 0644) with hostname, a name the caller checked, unless the
 * config itself places something at that path: then 0 and the config decides; else 1. */
#define HOSTNAME_FILE "/etc/hostname"
int config_add_hostname(Config *c, const char *hostname);

Config *config_free(Config *c);

static inline void config_freep(Config **c) {
        config_free(*c);
}
#define _cleanup_config_ __attribute__((cleanup(config_freep)))

/* Path policy shared with the applier: absolute, normalised (no "", "." or ".." components,
 * no trailing slash), no control characters, and strictly below one of the writable trees
 * /etc, /var, /home, /root, /opt, /srv. Returns 0, or -EINVAL with a static reason. */
int config_check_path(const char *path, const char **ret_reason);

/* Unit names: [A-Za-z0-9:_.\@-], a known unit type suffix, at most 255 characters. */
bool unit_name_is_valid(const char *name);
bool user_name_is_valid(const char *name);
