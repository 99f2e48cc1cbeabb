/* SPDX-License-Identifier: MIT */
/* The parser of /etc/docker/daemon.json: outside input, fuzzed by fuzz-daemon-json. Problems go
 * into a Diag with their JSON path ("$.icc: expected a boolean, got a string"). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon-json.h"
#include "hull/json.h"
#include "hull/macro.h"

static int parse_document(const char *text, size_t size, json_object **ret, Diag *d) {
        _cleanup_json_ json_object *root = NULL;
        enum json_tokener_error e;
        const char *nul;
        size_t end;
        int r;

        if (size > DAEMON_JSON_MAX) {
                diag_error(d, NULL, "larger than %u bytes", DAEMON_JSON_MAX);
                return -EFBIG;
        }
        nul = memchr(text, 0, size);
        if (nul) {
                diag_error(d, NULL, "not JSON: a NUL byte at offset %zu", (size_t) (nul - text));
                return -EINVAL;
        }
        r = json_parse_document(text, size, DAEMON_JSON_DEPTH, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8,
                                &root, &e, &end);
        if (r == -EINVAL && e == json_tokener_continue && size > 0) {
                /* A bare literal or number at the very end ("null", "1") waits for what ends it:
                 * give it a space. */
                _cleanup_free_ char *copy = malloc(size + 1);

                if (!copy)
                        return -ENOMEM;
                memcpy(copy, text, size);
                copy[size] = ' ';
                r = json_parse_document(copy, size + 1, DAEMON_JSON_DEPTH,
                                        JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8, &root, &e, &end);
        }
        if (r == -EINVAL) {
                if (e == json_tokener_continue)
                        diag_error(d, NULL, "not JSON: it ends in the middle of a value");
                else if (e == json_tokener_success)
                        diag_error(d, NULL, "not JSON: more after the document at offset %zu", end);
                else
                        diag_error(d, NULL, "not JSON: %s at offset %zu", json_tokener_error_desc(e), end);
        }
        if (r < 0)
                return r;
        r = json_expect(root, json_type_object, NULL, "$", d);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(root);
        return 0;
}

/* -1 when absent or null (Docker's default then applies), 0 or 1, or -EINVAL for another type. */
static int get_bool(json_object *root, const char *key, int *ret, Diag *d) {
        _cleanup_free_ char *path = NULL;
        json_object *v;
        bool b;
        int r;

        if (json_member(root, key, &v) <= 0)
                return 0;
        path = json_path_key("$", key);
        if (!path)
                return -ENOMEM;
        r = json_get_bool(v, path, d, &b);
        if (r < 0)
                return r;
        *ret = b;
        return 0;
}

/* An array of strings (or absent): its length, and a copy of the first entry that match()
 * accepts (any entry if match is NULL). */
static int get_strings(json_object *root, const char *key, int (*match)(const char *), size_t *ret_n,
                       char **ret_first, Diag *d) {
        _cleanup_free_ char *path = NULL;
        json_object *v;
        size_t n;
        int r;

        if (json_member(root, key, &v) <= 0)
                return 0;
        path = json_path_key("$", key);
        if (!path)
                return -ENOMEM;
        r = json_expect(v, json_type_array, "an array of strings", path, d);
        if (r < 0)
                return r;
        n = json_object_array_length(v);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *p = json_path_index(path, i);
                const char *s;

                if (!p)
                        return -ENOMEM;
                r = json_get_string(json_object_array_get_idx(v, i), p, 0, d, &s);
                if (r < 0)
                        return r;
                if (!*ret_first && (!match || match(s) > 0)) {
                        *ret_first = strdup(s);
                        if (!*ret_first)
                                return -ENOMEM;
                }
        }
        if (ret_n)
                *ret_n = n;
        return 0;
}

static int parse_fields(json_object *root, DaemonConfig *c, Diag *d) {
        json_object *v;
        int r;

        if (json_member(root, "seccomp-profile", &v) > 0) {
                r = json_dup_string(v, "$.seccomp-profile", 0, d, &c->seccomp_profile);
                if (r < 0)
                        return r;
        }
        if ((r = get_bool(root, "no-new-privileges", &c->no_new_privileges, d)) < 0 ||
            (r = get_bool(root, "icc", &c->icc, d)) < 0 ||
            (r = get_bool(root, "userland-proxy", &c->userland_proxy, d)) < 0 ||
            (r = get_bool(root, "live-restore", &c->live_restore, d)) < 0)
                return r;
        r = get_strings(root, "insecure-registries", NULL, &c->n_insecure_registries, &c->insecure_registry, d);
        if (r < 0)
                return r;
        return get_strings(root, "hosts", docker_host_is_tcp, NULL, &c->tcp_host, d);
}

int daemon_config_parse(const char *text, size_t size, Diag *d, DaemonConfig *ret) {
        _cleanup_(daemon_config_done) DaemonConfig c = DAEMON_CONFIG_INIT;
        _cleanup_json_ json_object *root = NULL;
        int r;

        r = parse_document(text, size, &root, d);
        if (r < 0)
                return r;
        r = parse_fields(root, &c, d);
        if (r < 0)
                return r;
        *ret = c;
        c = (DaemonConfig) DAEMON_CONFIG_INIT;
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
