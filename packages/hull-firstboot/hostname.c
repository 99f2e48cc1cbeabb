/* SPDX-License-Identifier: MIT */
/* The instance's host name from a cloud's metadata service, as Afterburn takes it for Fedora
 * CoreOS: the value the service gives, checked as a DNS name. Library code: errors are
 * returned with what is wrong, never logged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostname.h"
#include "hull/json.h"
#include "hull/macro.h"

#define LABEL_MAX 63
#define NAME_MAX_DNS 253
#define OPENSTACK_META_DATA_PATH "/openstack/latest/meta_data.json"
#define JSON_DEPTH 64

/* Below each service's base URL. */
static const char *const hostname_paths[_PLATFORM_MAX] = {
        [PLATFORM_AWS] = "/latest/meta-data/hostname",
        [PLATFORM_GCP] = "/computeMetadata/v1/instance/hostname",
        [PLATFORM_OPENSTACK] = OPENSTACK_META_DATA_PATH,
        [PLATFORM_DIGITALOCEAN] = "/metadata/v1/hostname",
        [PLATFORM_HETZNER] = "/hetzner/v1/metadata/hostname",
};

static int bad(const char **ret_why, const char *why) {
        if (ret_why)
                *ret_why = why;
        return -EBADMSG;
}

static int bad_document(const char **ret_why, const char *why) {
        if (ret_why)
                *ret_why = why;
        return -EINVAL;
}

static bool is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int hostname_check(const char *s, size_t len, const char **ret_why) {
        size_t label = 0;

        if (len == 0)
                return bad(ret_why, "empty");
        /* Control characters first: they are the worst thing a name can carry into a file. */
        for (size_t i = 0; i < len; i++)
                if ((unsigned char) s[i] < ' ' || s[i] == 127)
                        return bad(ret_why, "a control character");
        for (size_t i = 0; i < len; i++)
                if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '.')
                        return bad(ret_why, "a character other than letters, digits, \"-\" and \".\"");
        if (len > NAME_MAX_DNS)
                return bad(ret_why, "longer than 253 characters");
        for (size_t i = 0; i <= len; i++) {
                if (i == len || s[i] == '.') {
                        if (label == 0)
                                return bad(ret_why, "an empty label (\"..\", or a \".\" at either end)");
                        if (s[i - 1] == '-')
                                return bad(ret_why, "a label that ends with \"-\"");
                        label = 0;
                        continue;
                }
                if (label == 0 && s[i] == '-')
                        return bad(ret_why, "a label that starts with \"-\"");
                if (++label > LABEL_MAX)
                        return bad(ret_why, "a label longer than 63 characters");
        }
        return 0;
}

int hostname_from_metadata(const char *text, size_t size, char **ret, const char **ret_why) {
        char *name;
        int r;

        if (size > 0 && text[size - 1] == '\n')
                size--;
        if (size == 0)
                return 0;
        r = hostname_check(text, size, ret_why);
        if (r < 0)
                return r;
        /* A name the kernel cannot hold whole (a long FQDN): the host's own label only. */
        if (size > HOSTNAME_MAX)
                size = (size_t) ((const char *) memchr(text, '.', size) - text);
        name = strndup(text, size);
        if (!name)
                return -ENOMEM;
        for (char *p = name; *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p = (char) (*p - 'A' + 'a');
        *ret = name;
        return 1;
}

int openstack_meta_data_hostname(const char *json, size_t size, char **ret, const char **ret_why) {
        _cleanup_json_ json_object *root = NULL;
        json_object *v = NULL;
        enum json_tokener_error e;
        size_t offset;
        int r;

        if (memchr(json, 0, size))
                return bad_document(ret_why, "meta_data.json contains a NUL byte");
        r = json_parse_document(json, size, JSON_DEPTH, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8, &root, &e,
                                &offset);
        if (r == -EINVAL)
                return bad_document(ret_why, "meta_data.json is not valid JSON");
        if (r < 0)
                return r;
        if (!json_object_is_type(root, json_type_object))
                return bad_document(ret_why, "meta_data.json is not a JSON object");
        if (!json_object_object_get_ex(root, "hostname", &v) || !v)
                return 0;
        if (!json_object_is_type(v, json_type_string))
                return bad_document(ret_why, "\"hostname\" in meta_data.json is not a string");
        return hostname_from_metadata(json_object_get_string(v), (size_t) json_object_get_string_len(v), ret, ret_why);
}

int metadata_fetch_hostname(Platform p, const char *base_url, const FetchPolicy *policy, FetchLog log,
                            void *userdata, char **ret_hostname, char **ret_source) {
        _cleanup_free_ char *body = NULL, *name = NULL;
        const char *why = NULL;
        size_t size = 0;
        int r;

        *ret_source = NULL;
        if (!platform_has_metadata_service(p) || !hostname_paths[p])
                return -EOPNOTSUPP;
        r = metadata_fetch(p, base_url, hostname_paths[p], HOSTNAME_ANSWER_MAX, "no host name", policy, log, userdata,
                           &body, &size, ret_source);
        if (r <= 0)
                return r;
        if (p == PLATFORM_OPENSTACK)
                r = openstack_meta_data_hostname(body, size, &name, &why);
        else
                r = hostname_from_metadata(body, size, &name, &why);
        if (r == -EBADMSG || r == -EINVAL) {
                free(*ret_source);
                if (asprintf(ret_source, "%s (%s%s: %s%s)", metadata_service_name(p), base_url, hostname_paths[p],
                             r == -EINVAL                ? ""
                             : p == PLATFORM_OPENSTACK ? "\"hostname\" is not a host name: "
                                                         : "not a host name: ",
                             why) < 0)
                        *ret_source = NULL;
                r = -EBADMSG;
        }
        if (r <= 0)
                return r;
        *ret_hostname = TAKE_PTR(name);
        return 1;
}
