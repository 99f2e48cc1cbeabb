/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "caps.h"
#include "hull/capability.h"
#include "hull/json.h"
#include "hull/macro.h"

#define JSON_DEPTH_MAX 64

/* Each DROP_* bit and its capability: CAPSET_HULL_DROPPED of libhull, in hull-runtime's bits. */
static const struct {
        uint32_t bit;
        unsigned cap;
} drop_table[] = {
        { DROP_NET_RAW, CAP_NET_RAW },
        { DROP_MKNOD, CAP_MKNOD },
        { DROP_AUDIT_WRITE, CAP_AUDIT_WRITE },
        { DROP_SETPCAP, CAP_SETPCAP },
};

static const char *const cap_sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };

const char *drop_cap_name(uint32_t bit) {
        for (size_t i = 0; i < ELEMENTSOF(drop_table); i++)
                if (drop_table[i].bit == bit)
                        return capability_to_name(drop_table[i].cap);
        return NULL;
}

static uint32_t drop_bit_of(const char *normalized) {
        for (size_t i = 0; i < ELEMENTSOF(drop_table); i++)
                if (strcmp(capability_to_name(drop_table[i].cap), normalized) == 0)
                        return drop_table[i].bit;
        return 0;
}

int parse_json_object(const char *text, size_t size, size_t max, json_object **ret) {
        _cleanup_json_ json_object *root = NULL;
        enum json_tokener_error e;
        size_t offset;
        int r;

        if (size > max)
                return -EFBIG;
        if (memchr(text, 0, size))
                return -EINVAL;
        r = json_parse_document(text, size, JSON_DEPTH_MAX, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8, &root, &e,
                                &offset);
        if (r < 0)
                return r == -EFBIG ? -EINVAL : r;
        if (!json_object_is_type(root, json_type_object))
                return -EINVAL;
        *ret = TAKE_PTR(root);
        return 0;
}

/* Removes from drop every capability a CapAdd entry names; -EINVAL for a bad entry. */
static int apply_cap_add(json_object *v, uint32_t *drop) {
        char name[CAPABILITY_NAME_MAX];
        int r;

        if (json_object_is_type(v, json_type_string)) {
                r = capability_name_normalize(json_object_get_string(v), name);
                if (r < 0)
                        return r;
                if (strcmp(name, "ALL") == 0)
                        *drop = 0;
                else
                        *drop &= ~drop_bit_of(name);
                return 0;
        }
        return -EINVAL;
}

int hostconfig_drop_set(const char *text, size_t size, uint32_t *ret_drop) {
        json_object *root = NULL, *v;
        uint32_t drop = DROP_ALL;
        int r;

        r = parse_json_object(text, size, HOSTCONFIG_SIZE_MAX, &root);
        if (r < 0)
                return r;

        if (json_object_object_get_ex(root, "Privileged", &v) && v) {
                if (!json_object_is_type(v, json_type_boolean)) {
                        r = -EINVAL;
                        goto finish;
                }
                if (json_object_get_boolean(v))
                        drop = 0;
        }
        /* Docker's strslice accepts a list or a single string; null means none. */
        if (json_object_object_get_ex(root, "CapAdd", &v) && v) {
                if (json_object_is_type(v, json_type_array)) {
                        size_t n = json_object_array_length(v);
                        for (size_t i = 0; i < n; i++) {
                                r = apply_cap_add(json_object_array_get_idx(v, i), &drop);
                                if (r < 0)
                                        goto finish;
                        }
                } else {
                        r = apply_cap_add(v, &drop);
                        if (r < 0)
                                goto finish;
                }
        }
        *ret_drop = drop;
        r = 0;
finish:
        json_object_put(root);
        return r;
}

/* Removes the dropped names from one capability list. Returns the number removed. */
static int filter_set(json_object *set, uint32_t drop) {
        size_t n = json_object_array_length(set);
        int removed = 0;

        for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(set, i);
                char name[CAPABILITY_NAME_MAX];

                if (!json_object_is_type(e, json_type_string))
                        return -EINVAL;
                /* runc rejects unknown names itself; an odd one is just not ours to drop. */
                if (capability_name_normalize(json_object_get_string(e), name) < 0)
                        continue;
                if (!(drop_bit_of(name) & drop))
                        continue;
                if (json_object_array_del_idx(set, i, 1) < 0)
                        return -ENOMEM;
                i--;
                n--;
                removed++;
        }
        return removed;
}

int oci_drop_caps(const char *text, size_t size, OciTarget target, uint32_t drop, char **ret_text) {
        json_object *root = NULL, *process, *caps, *set;
        const char *out;
        char *copy;
        int r, changed = 0;

        r = parse_json_object(text, size, OCI_CONFIG_SIZE_MAX, &root);
        if (r < 0)
                return r;

        process = root;
        if (target == OCI_TARGET_BUNDLE) {
                if (!json_object_object_get_ex(root, "process", &process) || !process) {
                        r = 0;
                        goto unchanged;
                }
                if (!json_object_is_type(process, json_type_object)) {
                        r = -EINVAL;
                        goto finish;
                }
        }
        if (!json_object_object_get_ex(process, "capabilities", &caps) || !caps) {
                r = 0;
                goto unchanged;
        }
        if (!json_object_is_type(caps, json_type_object)) {
                r = -EINVAL;
                goto finish;
        }
        for (size_t i = 0; i < ELEMENTSOF(cap_sets); i++) {
                if (!json_object_object_get_ex(caps, cap_sets[i], &set) || !set)
                        continue;
                if (!json_object_is_type(set, json_type_array)) {
                        r = -EINVAL;
                        goto finish;
                }
                r = filter_set(set, drop);
                if (r < 0)
                        goto finish;
                changed += r;
        }
        if (changed == 0) {
                r = 0;
                goto unchanged;
        }

        out = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!out) {
                r = -ENOMEM;
                goto finish;
        }
        copy = strdup(out);
        if (!copy) {
                r = -ENOMEM;
                goto finish;
        }
        *ret_text = copy;
        r = 1;
        goto finish;
unchanged:
        *ret_text = NULL;
finish:
        json_object_put(root);
        return r;
}

int edit_config(const char *config, size_t config_size, const char *hostconfig, size_t hostconfig_size,
                OciTarget target, char **ret_text) {
        uint32_t drop;
        int r;

        r = hostconfig_drop_set(hostconfig, hostconfig_size, &drop);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return -EPROTO;
        return oci_drop_caps(config, config_size, target, drop, ret_text);
}

/* obj[key], created as an empty object when missing; NULL when it is there but not an object
 * (or on ENOMEM, told apart by *ret_r). */
static json_object *member_object(json_object *obj, const char *key, int *ret_r) {
        json_object *v;

        if (json_object_object_get_ex(obj, key, &v) && v) {
                *ret_r = json_object_is_type(v, json_type_object) ? 0 : -EINVAL;
                return *ret_r == 0 ? v : NULL;
        }
        v = json_object_new_object();
        if (!v || json_object_object_add(obj, key, v) < 0) {
                json_object_put(v);
                *ret_r = -ENOMEM;
                return NULL;
        }
        *ret_r = 0;
        return v;
}

int edited_text(json_object *root, char **ret_text) {
        const char *out = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

        if (!out)
                return -ENOMEM;
        *ret_text = strdup(out);
        return *ret_text ? 1 : -ENOMEM;
}

int oci_confine_step(const char *text, size_t size, OciTarget target, const char *seccomp, size_t seccomp_size,
                     char **ret_text) {
        _cleanup_json_ json_object *root = NULL, *filter = NULL;
        json_object *process = NULL, *linux_;
        int r;

        r = parse_json_object(seccomp, seccomp_size, OCI_CONFIG_SIZE_MAX, &filter);
        if (r < 0)
                return r == -ENOMEM ? r : -EPROTO;
        r = parse_json_object(text, size, OCI_CONFIG_SIZE_MAX, &root);
        if (r < 0)
                return r;
        process = target == OCI_TARGET_BUNDLE ? member_object(root, "process", &r) : root;
        if (!process)
                return r;
        if (json_object_object_add(process, "noNewPrivileges", json_object_new_boolean(1)) < 0)
                return -ENOMEM;
        if (target == OCI_TARGET_BUNDLE) {
                linux_ = member_object(root, "linux", &r);
                if (!linux_)
                        return r;
                if (json_object_object_add(linux_, "seccomp", json_object_get(filter)) < 0) {
                        json_object_put(filter);
                        return -ENOMEM;
                }
        }
        return edited_text(root, ret_text);
}

/* Whether an OCI action member (NULL or json null: absent) is SCMP_ACT_NOTIFY; -EINVAL if it
 * is not a string. */
static int action_is_notify(json_object *action) {
        if (!action)
                return 0;
        if (!json_object_is_type(action, json_type_string))
                return -EINVAL;
        /* By length too: "SCMP_ACT_NOTIFY\u0000x" is another (unknown) action to runc. */
        return json_object_get_string_len(action) == STRLEN(SECCOMP_ACTION_NOTIFY) &&
               memcmp(json_object_get_string(action), SECCOMP_ACTION_NOTIFY, STRLEN(SECCOMP_ACTION_NOTIFY)) == 0;
}

/* Whether a linux.seccomp object asks for SCMP_ACT_NOTIFY anywhere: 1 or 0, -EINVAL for a
 * member of the wrong type. Every entry is looked at, so a malformed one is refused whether
 * a NOTIFY comes before it or not. */
static int seccomp_has_notify(json_object *seccomp) {
        json_object *v, *syscalls;
        size_t n;
        int r, found = 0;

        r = action_is_notify(json_object_object_get_ex(seccomp, "defaultAction", &v) ? v : NULL);
        if (r < 0)
                return r;
        found |= r;
        if (!json_object_object_get_ex(seccomp, "syscalls", &syscalls) || !syscalls)
                return found;
        if (!json_object_is_type(syscalls, json_type_array))
                return -EINVAL;
        n = json_object_array_length(syscalls);
        for (size_t i = 0; i < n; i++) {
                json_object *rule = json_object_array_get_idx(syscalls, i);

                if (!json_object_is_type(rule, json_type_object))
                        return -EINVAL;
                r = action_is_notify(json_object_object_get_ex(rule, "action", &v) ? v : NULL);
                if (r < 0)
                        return r;
                found |= r;
        }
        return found;
}

/* The linux.seccomp object of an OCI config root that needs a listener path: NOTIFY somewhere
 * and listenerPath absent, null or "". 1 with *ret_seccomp, 0 if none needs one, -EINVAL for a
 * member of the wrong type. */
static int seccomp_needing_listener(json_object *root, json_object **ret_seccomp) {
        json_object *linux_, *seccomp, *path;
        int r;

        if (!json_object_object_get_ex(root, "linux", &linux_) || !linux_)
                return 0;
        if (!json_object_is_type(linux_, json_type_object))
                return -EINVAL;
        if (!json_object_object_get_ex(linux_, "seccomp", &seccomp) || !seccomp)
                return 0;
        if (!json_object_is_type(seccomp, json_type_object))
                return -EINVAL;
        if (!json_object_object_get_ex(seccomp, "listenerPath", &path))
                path = NULL;
        if (path && !json_object_is_type(path, json_type_string))
                return -EINVAL;
        r = seccomp_has_notify(seccomp);
        if (r <= 0)
                return r;
        /* A listener of the spec's own is not ours to replace. */
        if (path && json_object_get_string_len(path) > 0)
                return 0;
        *ret_seccomp = seccomp;
        return 1;
}

int oci_seccomp_listener(const char *text, size_t size, const char *listener, char **ret_text) {
        _cleanup_json_ json_object *root = NULL;
        json_object *seccomp = NULL, *path;
        int r;

        r = parse_json_object(text, size, OCI_CONFIG_SIZE_MAX, &root);
        if (r < 0)
                return r;
        r = seccomp_needing_listener(root, &seccomp);
        if (r < 0)
                return r;
        if (r == 0) {
                *ret_text = NULL;
                return 0;
        }
        path = json_object_new_string(listener);
        if (!path || json_object_object_add(seccomp, "listenerPath", path) < 0) {
                json_object_put(path);
                return -ENOMEM;
        }
        return edited_text(root, ret_text);
}
