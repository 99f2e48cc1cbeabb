/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hull/json.h"

int json_parse_document(const char *text, size_t size, int depth, int flags, json_object **ret,
                        enum json_tokener_error *ret_error, size_t *ret_offset) {
        _cleanup_json_tokener_ json_tokener *tok = NULL;
        _cleanup_json_ json_object *root = NULL;
        enum json_tokener_error e;
        size_t end;

        if (size > INT_MAX)
                return -EFBIG;
        tok = json_tokener_new_ex(depth);
        if (!tok)
                return -ENOMEM;
        json_tokener_set_flags(tok, flags);
        root = json_tokener_parse_ex(tok, text, (int) size);
        e = json_tokener_get_error(tok);
        end = json_tokener_get_parse_end(tok);
        if (e != json_tokener_success) { /* a NULL root with success is the literal null */
                *ret_error = e;
                *ret_offset = end;
                return -EINVAL;
        }
        for (; end < size; end++)
                if (!strchr(" \t\r\n", text[end]) || text[end] == '\0') {
                        *ret_error = json_tokener_success;
                        *ret_offset = end;
                        return -EINVAL;
                }
        *ret = TAKE_PTR(root);
        return 0;
}

const char *json_type_word(json_object *o) {
        switch (json_object_get_type(o)) {
        case json_type_null:
                return "null";
        case json_type_boolean:
                return "a boolean";
        case json_type_double:
                return "a fractional number";
        case json_type_int:
                return "an integer";
        case json_type_object:
                return "an object";
        case json_type_array:
                return "an array";
        case json_type_string:
                return "a string";
        }
        return "unknown";
}

char *json_path_key(const char *base, const char *key) {
        char *s;

        if (asprintf(&s, "%s%s%s", base, *base ? "." : "", key) < 0)
                return NULL;
        return s;
}

char *json_path_index(const char *base, size_t i) {
        char *s;

        if (asprintf(&s, "%s[%zu]", base, i) < 0)
                return NULL;
        return s;
}

bool json_is_empty(json_object *o) {
        if (!o)
                return true;
        if (json_object_is_type(o, json_type_array))
                return json_object_array_length(o) == 0;
        if (json_object_is_type(o, json_type_object))
                return json_object_object_length(o) == 0;
        return false;
}

int json_member(json_object *obj, const char *key, json_object **ret) {
        json_object *v = NULL;

        if (!json_object_object_get_ex(obj, key, &v) || !v)
                return 0;
        *ret = v;
        return 1;
}

int json_expect(json_object *o, json_type t, const char *what, const char *path, Diag *d) {
        if (o && json_object_is_type(o, t))
                return 0;
        if (!what)
                switch (t) {
                case json_type_boolean: what = "a boolean"; break;
                case json_type_double: what = "a number"; break;
                case json_type_int: what = "an integer"; break;
                case json_type_object: what = "an object"; break;
                case json_type_array: what = "an array"; break;
                case json_type_string: what = "a string"; break;
                case json_type_null: what = "null"; break;
                }
        diag_error(d, path, "expected %s, got %s", what, json_type_word(o));
        return -EINVAL;
}

int json_get_string(json_object *o, const char *path, size_t max, Diag *d, const char **ret) {
        const char *s;
        size_t len;
        int r;

        r = json_expect(o, json_type_string, NULL, path, d);
        if (r < 0)
                return r;
        s = json_object_get_string(o);
        len = (size_t) json_object_get_string_len(o);
        if (strlen(s) != len) {
                diag_error(d, path, "string contains a NUL byte");
                return -EINVAL;
        }
        if (max > 0 && len > max) {
                diag_error(d, path, "is longer than %zu bytes", max);
                return -EINVAL;
        }
        *ret = s;
        return 0;
}

int json_dup_string(json_object *o, const char *path, size_t max, Diag *d, char **ret) {
        const char *s;
        char *copy;
        int r;

        r = json_get_string(o, path, max, d, &s);
        if (r < 0)
                return r;
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        *ret = copy;
        return 0;
}

int json_get_bool(json_object *o, const char *path, Diag *d, bool *ret) {
        int r = json_expect(o, json_type_boolean, NULL, path, d);
        if (r < 0)
                return r;
        *ret = json_object_get_boolean(o);
        return 0;
}

int json_get_int64(json_object *o, const char *path, int64_t min, int64_t max, Diag *d, int64_t *ret) {
        int64_t i;
        int r;

        r = json_expect(o, json_type_int, NULL, path, d);
        if (r < 0)
                return r;
        errno = 0;
        i = json_object_get_int64(o);
        if (errno != 0 || i < min || i > max) {
                diag_error(d, path, "expected an integer between %" PRId64 " and %" PRId64, min, max);
                return -EINVAL;
        }
        *ret = i;
        return 0;
}

int json_get_uint64(json_object *o, const char *path, Diag *d, uint64_t *ret) {
        int r;

        r = json_expect(o, json_type_int, "a non-negative integer", path, d);
        if (r < 0)
                return r;
        if (json_object_get_int64(o) < 0) {
                diag_error(d, path, "expected a non-negative integer, got %" PRId64, json_object_get_int64(o));
                return -EINVAL;
        }
        *ret = json_object_get_uint64(o);
        return 0;
}
