/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "hull/diag.h"

/* Ignition's ignition.config.merge[] and ignition.config.replace, done on the JSON document
 * before the typed parse: the references are fetched, checked and merged into one document,
 * which config.c then parses and validates like any config. */

#define CONFIG_REFS_DEPTH_MAX 8U       /* configs referencing configs, this deep at most */
#define CONFIG_REFS_PER_CONFIG_MAX 16U /* merge[] entries of one config */
#define CONFIG_REFS_MAX 64U            /* references of a config and all it references */

/* One reference, as the fetcher sees it: where it is in the config (for messages), the URL
 * and what the config says about it (NULL when not given). */
typedef struct ConfigSource {
        const char *path;        /* "ignition.config.merge[1]" (with the chain of references before it) */
        const char *url;         /* http:// or https:// */
        const char *compression; /* "gzip" or NULL */
        const char *hash;        /* "sha512-..." or NULL */
} ConfigSource;

/* Fetches a remote reference: 0 and the body exactly as received (not decompressed: the
 * resolver decompresses and checks the hash), at most CONFIG_SIZE_MAX bytes; 1 when the
 * fetcher only takes note of it (the reference is then treated as an empty config); or a
 * negative errno and *ret_why (allocated, may be NULL), the reason in words. */
typedef int (*ConfigFetchFn)(const ConfigSource *s, void *userdata, char **ret_body, size_t *ret_size, char **ret_why);

typedef struct ConfigResolver {
        ConfigFetchFn fetch; /* NULL: only data: references can be resolved */
        void *userdata;
} ConfigResolver;

/* Resolves the references of root (a config's JSON object; not changed): 0 and *ret, a new
 * document without ignition.config, or -EINVAL after adding each problem to errors as
 * "<json path>: <problem>", -ENOMEM. res may be NULL. */
int config_resolve(json_object *root, const ConfigResolver *res, json_object **ret, Diag *errors);

/* Resolves one reference (an object like ignition.config.merge[i]) found at path, with
 * everything it references in turn, and discards the result: what the fetch step does for
 * each reference the seed lists. 0, -EINVAL (errors added), -ENOMEM. */
int config_resolve_reference(json_object *ref, const char *path, const ConfigResolver *res, Diag *errors);

/* The remote references of root that can be found without the network (through its data:
 * references too), each {"path": "<json path>", "ref": <the reference object>}: 0 and *ret
 * (an array, possibly empty), -EINVAL (errors added: the config is bad, its own parse will say
 * so again), -ENOMEM. */
int config_remote_references(json_object *root, json_object **ret, Diag *errors);

/* Fetched bodies by URL: the fetch step fills it and writes it to a folder, the provisioning
 * reads that folder back and resolves from it. Entries are named by the SHA-256 of their URL
 * (64 hex digits), so a name is a safe file name whatever the URL. */
typedef struct ConfigRefs {
        char **names;
        char **bodies;
        size_t *sizes;
        size_t n;
        size_t total; /* bytes of all bodies */
} ConfigRefs;

/* 0 and the name of url in ret (65 bytes), or -ENOMEM. */
int config_ref_name(const char *url, char ret[static 65]);
bool config_ref_name_is_valid(const char *name);
/* Adds a copy of body under name; -EEXIST if name is there, -E2BIG past CONFIG_REFS_MAX
 * entries, -EFBIG past CONFIG_SIZE_MAX bytes in all, -EINVAL for a bad name. */
int config_refs_add(ConfigRefs *r, const char *name, const char *body, size_t size);
/* The body for url: 1 and a pointer into r, or 0 if it is not there. */
int config_refs_find(const ConfigRefs *r, const char *url, const char **ret_body, size_t *ret_size);
void config_refs_clear(ConfigRefs *r);
#define _cleanup_config_refs_ _cleanup_(config_refs_clear)

/* A ConfigFetchFn that answers from a ConfigRefs (userdata): a URL not in it is -ENOENT. */
int config_refs_fetch(const ConfigSource *s, void *userdata, char **ret_body, size_t *ret_size, char **ret_why);
