/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "caps.h"
#include "hull/capability.h"
#include "hull/json.h"
#include "hull/macro.h"
#include "spec.h"

bool hex_digits(const char *s, size_t n) {
        if (strlen(s) != n)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
                        return false;
        return true;
}

bool docker_id_valid(const char *id) {
        return hex_digits(id, 64);
}

void spec_facts_done(SpecFacts *f) {
        if (!f)
                return;
        free(f->containers_dir);
        *f = (SpecFacts) {};
}

/* The last component of path[0, *end) and, with *end moved to the '/' before it, its length.
 * 0 when path[0, *end) holds no "/component" with a non-empty component. */
static size_t last_component(const char *path, size_t *end, const char **ret) {
        size_t e = *end, b = e;

        while (b > 0 && path[b - 1] != '/')
                b--;
        if (b == 0 || b == e)
                return 0;
        *ret = path + b;
        *end = b - 1;
        return e - b;
}

static bool component_is(const char *c, size_t n, const char *s) {
        return strlen(s) == n && strncmp(c, s, n) == 0;
}

bool path_plain(const char *path) {
        const char *p = path;

        if (path[0] != '/')
                return false;
        while (*p == '/') {
                const char *c = ++p;
                size_t n = strcspn(c, "/");
                if (n == 0 || component_is(c, n, ".") || component_is(c, n, ".."))
                        return false;
                p = c + n;
        }
        return *p == 0;
}

size_t docker_mount_containers_dir(const char *destination, const char *source) {
        static const char *const names[] = { "hostname", "hosts", "resolv.conf" };
        const char *name = NULL, *c;
        char id[65];
        size_t end, n;

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strncmp(destination, "/etc/", 5) == 0 && strcmp(destination + 5, names[i]) == 0)
                        name = names[i];
        if (!name || !path_plain(source))
                return 0;
        end = strlen(source);
        n = last_component(source, &end, &c);
        if (!component_is(c, n, name))
                return 0;
        n = last_component(source, &end, &c);
        if (n != 64)
                return 0;
        memcpy(id, c, 64);
        id[64] = 0;
        if (!docker_id_valid(id))
                return 0;
        n = last_component(source, &end, &c);
        if (!component_is(c, n, "containers"))
                return 0;
        return (size_t) (c - source) + n;
}

bool buildkit_bundle(const char *bundle, const char *id) {
        const char *c = NULL;
        size_t end, n;

        if (!path_plain(bundle))
                return false;
        end = strlen(bundle);
        n = last_component(bundle, &end, &c);
        if (n == 0 || !component_is(c, n, id))
                return false;
        n = last_component(bundle, &end, &c);
        if (!component_is(c, n, "executor"))
                return false;
        n = last_component(bundle, &end, &c);
        return component_is(c, n, "buildkit");
}

static bool ends_with(const char *s, const char *a, const char *b) {
        size_t ns = strlen(s), na = strlen(a), nb = strlen(b);

        return ns >= na + nb && strncmp(s + ns - na - nb, a, na) == 0 && strcmp(s + ns - nb, b) == 0;
}

/* The containers directory of every Docker mount in mounts; -ENOTUNIQ if they disagree. */
static int find_containers_dir(json_object *mounts, char **ret) {
        _cleanup_free_ char *found = NULL;
        size_t n = json_object_array_length(mounts);

        for (size_t i = 0; i < n; i++) {
                json_object *m = json_object_array_get_idx(mounts, i), *dst, *src;
                const char *s;
                size_t len;

                if (!json_object_is_type(m, json_type_object))
                        return -EINVAL;
                if (!json_object_object_get_ex(m, "destination", &dst) || !json_object_object_get_ex(m, "source", &src) ||
                    !dst || !src)
                        continue;
                if (!json_object_is_type(dst, json_type_string) || !json_object_is_type(src, json_type_string))
                        return -EINVAL;
                s = json_object_get_string(src);
                len = docker_mount_containers_dir(json_object_get_string(dst), s);
                if (len == 0)
                        continue;
                if (found) {
                        if (strlen(found) != len || strncmp(found, s, len) != 0)
                                return -ENOTUNIQ;
                        continue;
                }
                found = strndup(s, len);
                if (!found)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(found);
        return 0;
}

static int bounding_has_sys_admin(json_object *root, bool *ret) {
        json_object *process, *caps, *set;
        size_t n;

        *ret = false;
        if (!json_object_object_get_ex(root, "process", &process) || !process)
                return 0;
        if (!json_object_is_type(process, json_type_object))
                return -EINVAL;
        if (!json_object_object_get_ex(process, "capabilities", &caps) || !caps)
                return 0;
        if (!json_object_is_type(caps, json_type_object))
                return -EINVAL;
        if (!json_object_object_get_ex(caps, "bounding", &set) || !set)
                return 0;
        if (!json_object_is_type(set, json_type_array))
                return -EINVAL;
        n = json_object_array_length(set);
        for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(set, i);
                char name[CAPABILITY_NAME_MAX];

                if (!json_object_is_type(e, json_type_string))
                        return -EINVAL;
                if (capability_name_normalize(json_object_get_string(e), name) < 0)
                        continue;
                if (strcmp(name, "CAP_SYS_ADMIN") == 0)
                        *ret = true;
        }
        return 0;
}

int spec_facts(const char *text, size_t size, const char *id, SpecFacts *ret) {
        _cleanup_json_ json_object *root = NULL;
        _cleanup_free_ char *dir = NULL;
        json_object *v, *linux_;
        bool cgroup = false, sys_admin;
        int r;

        r = parse_json_object(text, size, OCI_CONFIG_SIZE_MAX, &root);
        if (r < 0)
                return r;
        if (json_object_object_get_ex(root, "mounts", &v) && v) {
                if (!json_object_is_type(v, json_type_array))
                        return -EINVAL;
                r = find_containers_dir(v, &dir);
                if (r < 0)
                        return r;
        }
        if (json_object_object_get_ex(root, "linux", &linux_) && linux_) {
                if (!json_object_is_type(linux_, json_type_object))
                        return -EINVAL;
                if (json_object_object_get_ex(linux_, "cgroupsPath", &v) && v) {
                        if (!json_object_is_type(v, json_type_string))
                                return -EINVAL;
                        cgroup = ends_with(json_object_get_string(v), ":docker:", id) ||
                                 ends_with(json_object_get_string(v), "/docker/", id);
                }
        }
        r = bounding_has_sys_admin(root, &sys_admin);
        if (r < 0)
                return r;
        *ret = (SpecFacts) { .containers_dir = TAKE_PTR(dir), .docker_cgroup = cgroup, .sys_admin = sys_admin };
        return 0;
}
