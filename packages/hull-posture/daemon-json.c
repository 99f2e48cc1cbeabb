/* SPDX-License-Identifier: MIT */
/* The parser of /etc/docker/daemon.json: outside input, fuzzed by fuzz-daemon-json. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "daemon-json.h"
#include "hull/macro.h"

_printf_(2, 3) static int fail(char **ret_error, const char *fmt, ...) {
        va_list ap;

        if (!ret_error)
                return -EINVAL;
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return -EINVAL;
}

static const char *type_name(json_object *v) {
        switch (json_object_get_type(v)) {
        case json_type_null:
                return "null";
        case json_type_boolean:
                return "a boolean";
        case json_type_double:
        case json_type_int:
                return "a number";
        case json_type_object:
                return "an object";
        case json_type_array:
                return "an array";
        case json_type_string:
                return "a string";
        }
        return "something else";
}

static int parse_document(const char *text, size_t size, json_object **ret, char **ret_error) {
        json_tokener *tok;
        json_object *root;
        enum json_tokener_error e;
        size_t end;

        if (size > DAEMON_JSON_MAX) {
                if (ret_error && asprintf(ret_error, "larger than %u bytes", DAEMON_JSON_MAX) < 0)
                        *ret_error = NULL;
                return -EFBIG;
        }
        if (memchr(text, 0, size))
                return fail(ret_error, "not JSON: a NUL byte at offset %zu", (size_t) ((const char *) memchr(text, 0, size) - text));
        tok = json_tokener_new_ex(DAEMON_JSON_DEPTH);
        if (!tok)
                return -ENOMEM;
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        root = json_tokener_parse_ex(tok, text, (int) size);
        e = json_tokener_get_error(tok);
        end = json_tokener_get_parse_end(tok);
        if (e == json_tokener_continue) {
                /* A bare literal or number ("null", "1") waits for its end: give it one. */
                root = json_tokener_parse_ex(tok, "", 1);
                e = json_tokener_get_error(tok);
                end = size;
        }
        json_tokener_free(tok);
        if (!root && e == json_tokener_success) /* "null" */
                return fail(ret_error, "$: want an object, got null");
        if (!root || e != json_tokener_success) {
                json_object_put(root);
                if (e == json_tokener_continue || end == size)
                        return fail(ret_error, "not JSON: it ends in the middle of a value");
                return fail(ret_error, "not JSON: %s at offset %zu", json_tokener_error_desc(e), end);
        }
        for (; end < size; end++)
                if (!strchr(" \t\r\n", text[end])) {
                        json_object_put(root);
                        return fail(ret_error, "not JSON: more after the document at offset %zu", end);
                }
        if (!json_object_is_type(root, json_type_object)) {
                int r = fail(ret_error, "$: want an object, got %s", type_name(root));
                json_object_put(root);
                return r;
        }
        *ret = root;
        return 0;
}

/* -1 when absent, 0 or 1, or -EINVAL (wrong type) with *ret_error. */
static int get_bool(json_object *root, const char *key, int *ret, char **ret_error) {
        json_object *v;

        if (!json_object_object_get_ex(root, key, &v))
                return 0;
        if (!json_object_is_type(v, json_type_boolean))
                return fail(ret_error, "$.%s: want a boolean, got %s", key, type_name(v));
        *ret = json_object_get_boolean(v) ? 1 : 0;
        return 0;
}

/* An array of strings (or absent): its length, and a copy of the first entry that match()
 * accepts (any entry if match is NULL). */
static int get_strings(json_object *root, const char *key, int (*match)(const char *), size_t *ret_n,
                       char **ret_first, char **ret_error) {
        json_object *v;
        size_t n;

        if (!json_object_object_get_ex(root, key, &v))
                return 0;
        if (!json_object_is_type(v, json_type_array))
                return fail(ret_error, "$.%s: want an array of strings, got %s", key, type_name(v));
        n = json_object_array_length(v);
        for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(v, i);

                if (!json_object_is_type(e, json_type_string))
                        return fail(ret_error, "$.%s[%zu]: want a string, got %s", key, i, type_name(e));
                if (!*ret_first && (!match || match(json_object_get_string(e)) > 0)) {
                        *ret_first = strdup(json_object_get_string(e));
                        if (!*ret_first)
                                return -ENOMEM;
                }
        }
        if (ret_n)
                *ret_n = n;
        return 0;
}

static int parse_fields(json_object *root, DaemonConfig *c, char **ret_error) {
        json_object *v;
        int r;

        if (json_object_object_get_ex(root, "seccomp-profile", &v)) {
                if (!json_object_is_type(v, json_type_string))
                        return fail(ret_error, "$.seccomp-profile: want a string, got %s", type_name(v));
                c->seccomp_profile = strdup(json_object_get_string(v));
                if (!c->seccomp_profile)
                        return -ENOMEM;
        }
        if ((r = get_bool(root, "no-new-privileges", &c->no_new_privileges, ret_error)) < 0 ||
            (r = get_bool(root, "icc", &c->icc, ret_error)) < 0 ||
            (r = get_bool(root, "userland-proxy", &c->userland_proxy, ret_error)) < 0 ||
            (r = get_bool(root, "live-restore", &c->live_restore, ret_error)) < 0)
                return r;
        r = get_strings(root, "insecure-registries", NULL, &c->n_insecure_registries, &c->insecure_registry, ret_error);
        if (r < 0)
                return r;
        return get_strings(root, "hosts", docker_host_is_tcp, NULL, &c->tcp_host, ret_error);
}

int daemon_config_parse(const char *text, size_t size, DaemonConfig *ret, char **ret_error) {
        DaemonConfig c = DAEMON_CONFIG_INIT;
        json_object *root = NULL;
        int r;

        if (ret_error)
                *ret_error = NULL;
        r = parse_document(text, size, &root, ret_error);
        if (r < 0)
                return r;
        r = parse_fields(root, &c, ret_error);
        json_object_put(root);
        if (r < 0) {
                daemon_config_done(&c);
                return r;
        }
        *ret = c;
        return 0;
}

void daemon_config_done(DaemonConfig *c) {
        free(c->seccomp_profile);
        free(c->insecure_registry);
        free(c->tcp_host);
        *c = (DaemonConfig) DAEMON_CONFIG_INIT;
}

int docker_host_is_tcp(const char *host) {
        const char *scheme;
        size_t n;

        host += strspn(host, " \t\r\n");
        n = strlen(host);
        while (n > 0 && strchr(" \t\r\n", host[n - 1]))
                n--;
        if (n == 0)
                return 0; /* dockerd's default: the UNIX socket */
        scheme = strstr(host, "://");
        if (!scheme || scheme >= host + n)
                return 1;
        return scheme - host == 3 && strncmp(host, "tcp", 3) == 0;
}
