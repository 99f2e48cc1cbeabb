/* SPDX-License-Identifier: MIT */
#pragma once

/* Typed getters for json-c values that say what is wrong with the JSON path:
 *   passwd.users[2].name: expected a string, got an integer
 * Each takes the value (not its parent), the path of the value for messages and a Diag
 * (may be NULL). 0 or a positive count on success, -EINVAL after adding the problem to d,
 * -ENOMEM. Paths are built with json_path_key() / json_path_index(). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "diag.h"
#include "macro.h"

static inline void json_object_putp(json_object **o) {
        if (*o)
                (void) json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

static inline void json_tokener_freep(json_tokener **t) {
        if (*t)
                json_tokener_free(*t);
}
#define _cleanup_json_tokener_ _cleanup_(json_tokener_freep)

/* Parses text (size bytes, need not be NUL-terminated) as exactly one JSON value: json-c's
 * tokener with at most depth levels and JSON_TOKENER_* flags, nothing but JSON white space
 * after the value. 0 and *ret (put it; NULL for the literal null); -EINVAL with where it went wrong: *ret_error is the
 * tokener's error (json_tokener_continue: the text ends early), or json_tokener_success for
 * trailing data, *ret_offset its byte offset; -EFBIG above INT_MAX bytes; -ENOMEM. */
int json_parse_document(const char *text, size_t size, int depth, int flags, json_object **ret,
                        enum json_tokener_error *ret_error, size_t *ret_offset);

/* "a string", "an integer", "a fractional number", "an object", "an array", "a boolean",
 * "null" (also for a NULL pointer). */
const char *json_type_word(json_object *o);

/* "base.key" ("key" when base is empty) and "base[i]"; NULL when out of memory. */
char *json_path_key(const char *base, const char *key);
char *json_path_index(const char *base, size_t i);

/* null (or a NULL pointer), [] and {}: a value that asks for nothing. */
bool json_is_empty(json_object *o);

/* The member key of obj: 1 and *ret when present and not null, 0 when absent or null. */
int json_member(json_object *obj, const char *key, json_object **ret);

/* o is of type t: 0; else -EINVAL and "path: expected <what>, got <its type>". what NULL: the
 * type's own word ("an object"). */
int json_expect(json_object *o, json_type t, const char *what, const char *path, Diag *d);

/* A string without NUL bytes, of at most max bytes (0: any length). *ret points into o. */
int json_get_string(json_object *o, const char *path, size_t max, Diag *d, const char **ret);
/* The same, copied: the caller frees *ret. */
int json_dup_string(json_object *o, const char *path, size_t max, Diag *d, char **ret);
int json_get_bool(json_object *o, const char *path, Diag *d, bool *ret);
/* An integer (not a fractional number) in [min, max]. */
int json_get_int64(json_object *o, const char *path, int64_t min, int64_t max, Diag *d, int64_t *ret);
/* A non-negative integer up to UINT64_MAX. */
int json_get_uint64(json_object *o, const char *path, Diag *d, uint64_t *ret);
