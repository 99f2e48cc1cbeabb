/* SPDX-License-Identifier: MIT */
#include <inttypes.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "hull/capability.h"
#include "hull/json.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "profile.h"

/* JSON paths in messages are cut at the buffer size on purpose: keys come from the input. */
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif

/* Architecture names as Docker's includes/excludes use them (Go's runtime.GOARCH mapped to
 * libseccomp's names), plus the few the stock profile names that Docker never matches. */
static const char *const docker_arches[] = {
        "x86", "amd64", "x32", "arm", "arm64", "mips", "mipsel", "mipsle", "mips64", "mips64n32",
        "mipsel64", "mips3l64n32", "ppc", "ppc64", "ppc64le", "s390", "s390x", "riscv64",
};

bool docker_arch_known(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(docker_arches); i++)
                if (strcmp(s, docker_arches[i]) == 0)
                        return true;
        return false;
}

static const struct {
        const char *name;
        uint32_t token;
} scmp_arches[] = {
        { "SCMP_ARCH_X86", SCMP_ARCH_X86 },
        { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
        { "SCMP_ARCH_X32", SCMP_ARCH_X32 },
        { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
        { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
        { "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
        { "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },
        { "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
        { "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },
        { "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
        { "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 },
        { "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
        { "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },
        { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
        { "SCMP_ARCH_S390", SCMP_ARCH_S390 },
        { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
        { "SCMP_ARCH_PARISC", SCMP_ARCH_PARISC },
        { "SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64 },
        { "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
};

int scmp_arch_from_string(const char *s, uint32_t *ret) {
        for (size_t i = 0; i < ELEMENTSOF(scmp_arches); i++)
                if (strcmp(s, scmp_arches[i].name) == 0) {
                        *ret = scmp_arches[i].token;
                        return 0;
                }
        return -EINVAL;
}

const char *scmp_arch_to_string(uint32_t arch) {
        for (size_t i = 0; i < ELEMENTSOF(scmp_arches); i++)
                if (scmp_arches[i].token == arch)
                        return scmp_arches[i].name;
        return NULL;
}

static const struct {
        const char *name;
        enum scmp_compare op;
} ops[] = {
        { "SCMP_CMP_NE", SCMP_CMP_NE },
        { "SCMP_CMP_LT", SCMP_CMP_LT },
        { "SCMP_CMP_LE", SCMP_CMP_LE },
        { "SCMP_CMP_EQ", SCMP_CMP_EQ },
        { "SCMP_CMP_GE", SCMP_CMP_GE },
        { "SCMP_CMP_GT", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

int op_from_string(const char *s, enum scmp_compare *ret) {
        for (size_t i = 0; i < ELEMENTSOF(ops); i++)
                if (strcmp(s, ops[i].name) == 0) {
                        *ret = ops[i].op;
                        return 0;
                }
        return -EINVAL;
}

const char *op_to_string(enum scmp_compare op) {
        for (size_t i = 0; i < ELEMENTSOF(ops); i++)
                if (ops[i].op == op)
                        return ops[i].name;
        return "?";
}

/* Mirrors runc 1.1: KILL is KILL_THREAD, ERRNO and TRACE default to EPERM. */
int action_from_string(const char *s, bool has_errno, uint32_t errno_ret, uint32_t *ret) {
        uint32_t e = has_errno ? errno_ret : EPERM;

        if (has_errno && errno_ret > 0xffff)
                return -ERANGE;
        if (strcmp(s, "SCMP_ACT_KILL") == 0 || strcmp(s, "SCMP_ACT_KILL_THREAD") == 0)
                *ret = SCMP_ACT_KILL_THREAD;
        else if (strcmp(s, "SCMP_ACT_KILL_PROCESS") == 0)
                *ret = SCMP_ACT_KILL_PROCESS;
        else if (strcmp(s, "SCMP_ACT_TRAP") == 0)
                *ret = SCMP_ACT_TRAP;
        else if (strcmp(s, "SCMP_ACT_ERRNO") == 0)
                *ret = SCMP_ACT_ERRNO(e);
        else if (strcmp(s, "SCMP_ACT_TRACE") == 0)
                *ret = SCMP_ACT_TRACE(e);
        else if (strcmp(s, "SCMP_ACT_ALLOW") == 0)
                *ret = SCMP_ACT_ALLOW;
        else if (strcmp(s, "SCMP_ACT_LOG") == 0)
                *ret = SCMP_ACT_LOG;
        else if (strcmp(s, "SCMP_ACT_NOTIFY") == 0)
                *ret = SCMP_ACT_NOTIFY;
        else
                return -EINVAL;
        return 0;
}

bool action_allows(uint32_t action) {
        /* LOG lets the call through; NOTIFY hands the decision to a supervisor, which may. */
        return action == SCMP_ACT_ALLOW || action == SCMP_ACT_LOG || action == SCMP_ACT_NOTIFY;
}

int action_to_string(uint32_t action, char *buf, size_t size) {
        int n;
        switch (action & 0xffff0000U) {
        case SCMP_ACT_KILL_PROCESS:
                n = snprintf(buf, size, "KILL_PROCESS");
                break;
        case SCMP_ACT_KILL_THREAD:
                n = snprintf(buf, size, "KILL");
                break;
        case SCMP_ACT_TRAP:
                n = snprintf(buf, size, "TRAP");
                break;
        case 0x00050000U: /* SCMP_ACT_ERRNO(0) */
                n = snprintf(buf, size, "ERRNO(%u)", action & 0xffffU);
                break;
        case 0x7ff00000U: /* SCMP_ACT_TRACE(0) */
                n = snprintf(buf, size, "TRACE(%u)", action & 0xffffU);
                break;
        case SCMP_ACT_LOG:
                n = snprintf(buf, size, "LOG");
                break;
        case SCMP_ACT_NOTIFY:
                n = snprintf(buf, size, "NOTIFY");
                break;
        case SCMP_ACT_ALLOW:
                n = snprintf(buf, size, "ALLOW");
                break;
        default:
                n = snprintf(buf, size, "0x%08x", action);
        }
        return n < 0 || (size_t) n >= size ? -ENOBUFS : 0;
}

static void filter_done(ProfileFilter *f) {
        strv_free_n(f->caps, f->n_caps);
        strv_free_n(f->arches, f->n_arches);
}

Profile *profile_free(Profile *p) {
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_syscalls; i++) {
                ProfileSyscall *s = &p->syscalls[i];
                strv_free_n(s->names, s->n_names);
                free(s->args);
                filter_done(&s->includes);
                filter_done(&s->excludes);
                free(s->comment);
        }
        free(p->syscalls);
        for (size_t i = 0; i < p->n_arch_map; i++)
                free(p->arch_map[i].sub_arches);
        free(p->arch_map);
        free(p->architectures);
        free(p);
        return NULL;
}

#define PATHF(buf, ...) (snprintf((buf), sizeof(buf), __VA_ARGS__), (buf))

/* A string array with a limit on its length; each element checked by accept() if given. */
static int get_strv(json_object *o, const char *path, Diag *d, size_t max, bool (*accept)(const char *),
                    const char *what, char ***ret, size_t *ret_n) {
        char pbuf[256];
        char **v;
        size_t n, k = 0;
        int r = 0;

        if (json_expect(o, json_type_array, "an array of strings", path, d) < 0)
                return -EINVAL;
        n = json_object_array_length(o);
        if (n > max) {
                diag_add(d, true, path, "array has %zu elements, at most %zu allowed", n, max);
                return -EINVAL;
        }
        v = calloc(n ? n : 1, sizeof(char *));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *s;
                PATHF(pbuf, "%s[%zu]", path, i);
                if (json_get_string(json_object_array_get_idx(o, i), pbuf, 0, d, &s) < 0) {
                        r = -EINVAL;
                        continue;
                }
                if (accept && !accept(s)) {
                        diag_add(d, true, pbuf, "unknown %s \"%s\"", what, s);
                        r = -EINVAL;
                        continue;
                }
                v[k] = strdup(s);
                if (!v[k]) {
                        strv_free_n(v, k);
                        return -ENOMEM;
                }
                k++;
        }
        if (r < 0) {
                strv_free_n(v, k);
                return r;
        }
        *ret = v;
        *ret_n = k;
        return 0;
}

static bool cap_known(const char *s) {
        return capability_from_name(s) >= 0;
}

static bool unknown_key(const char *key, const char *const *known, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(key, known[i]) == 0)
                        return false;
        return true;
}

static int parse_kernel(const char *s, unsigned *ret_major, unsigned *ret_minor) {
        const char *dot = strchr(s, '.');
        char major[8];
        uint32_t a, b;

        if (!dot || (size_t) (dot - s) >= sizeof(major) || strchr(dot + 1, '.'))
                return -EINVAL;
        memcpy(major, s, (size_t) (dot - s));
        major[dot - s] = 0;
        if (safe_atou32(major, &a) < 0 || safe_atou32(dot + 1, &b) < 0 || a > 255 || b > 255 || (a == 0 && b == 0))
                return -EINVAL;
        *ret_major = a;
        *ret_minor = b;
        return 0;
}

static int parse_filter(json_object *o, const char *path, Diag *d, ProfileFilter *f) {
        static const char *const known[] = { "caps", "arches", "minKernel" };
        char pbuf[256];
        int r = 0, k;

        if (json_expect(o, json_type_object, "an object", path, d) < 0)
                return -EINVAL;
        json_object_object_foreach(o, key, val) {
                PATHF(pbuf, "%s.%s", path, key);
                if (unknown_key(key, known, ELEMENTSOF(known))) {
                        diag_add(d, true, pbuf, "unknown field");
                        r = -EINVAL;
                } else if (strcmp(key, "caps") == 0) {
                        if (f->caps) {
                                strv_free_n(f->caps, f->n_caps);
                                f->caps = NULL;
                        }
                        k = get_strv(val, pbuf, d, PROFILE_MAX_LIST, cap_known, "capability", &f->caps, &f->n_caps);
                        if (k < 0)
                                r = k;
                } else if (strcmp(key, "arches") == 0) {
                        if (f->arches) {
                                strv_free_n(f->arches, f->n_arches);
                                f->arches = NULL;
                        }
                        k = get_strv(val, pbuf, d, PROFILE_MAX_LIST, docker_arch_known, "architecture", &f->arches, &f->n_arches);
                        if (k < 0)
                                r = k;
                } else {
                        const char *s;
                        if (json_get_string(val, pbuf, 0, d, &s) < 0)
                                r = -EINVAL;
                        else if (s[0] == 0)
                                f->has_min_kernel = false; /* Docker treats "" as unset */
                        else if (parse_kernel(s, &f->min_kernel_major, &f->min_kernel_minor) < 0) {
                                diag_add(d, true, pbuf, "invalid kernel version \"%s\", expected \"<kernel>.<major>\"", s);
                                r = -EINVAL;
                        } else
                                f->has_min_kernel = true;
                }
        }
        return r;
}

static int parse_arg(json_object *o, const char *path, Diag *d, ProfileArg *a) {
        static const char *const known[] = { "index", "value", "valueTwo", "op" };
        char pbuf[256];
        bool has_index = false, has_op = false;
        int r = 0;

        if (json_expect(o, json_type_object, "an object", path, d) < 0)
                return -EINVAL;
        json_object_object_foreach(o, key, val) {
                uint64_t u;
                PATHF(pbuf, "%s.%s", path, key);
                if (unknown_key(key, known, ELEMENTSOF(known))) {
                        diag_add(d, true, pbuf, "unknown field");
                        r = -EINVAL;
                } else if (strcmp(key, "op") == 0) {
                        const char *s;
                        if (json_get_string(val, pbuf, 0, d, &s) < 0)
                                r = -EINVAL;
                        else if (op_from_string(s, &a->op) < 0) {
                                diag_add(d, true, pbuf, "unknown operator \"%s\"", s);
                                r = -EINVAL;
                        } else
                                has_op = true;
                } else if (json_get_uint64(val, pbuf, d, &u) < 0)
                        r = -EINVAL;
                else if (strcmp(key, "index") == 0) {
                        if (u > PROFILE_ARG_INDEX_MAX) {
                                diag_add(d, true, pbuf, "argument index %" PRIu64 " out of range, syscalls have arguments 0 to %u",
                                         u, PROFILE_ARG_INDEX_MAX);
                                r = -EINVAL;
                        } else {
                                a->index = (unsigned) u;
                                has_index = true;
                        }
                } else if (strcmp(key, "value") == 0)
                        a->value = u;
                else
                        a->value_two = u;
        }
        if (r >= 0 && !has_index) {
                diag_add(d, true, path, "missing field \"index\"");
                r = -EINVAL;
        }
        if (r >= 0 && !has_op) {
                diag_add(d, true, path, "missing field \"op\"");
                r = -EINVAL;
        }
        return r;
}

/* "errnoRet" / "defaultErrnoRet": an errno, 0..4095. */
static int parse_errno_ret(json_object *val, const char *path, Diag *d, uint64_t *ret) {
        uint64_t e;

        if (json_get_uint64(val, path, d, &e) < 0)
                return -EINVAL;
        if (e > 4095) {
                diag_add(d, true, path, "errno %" PRIu64 " out of range 0..4095", e);
                return -EINVAL;
        }
        *ret = e;
        return 0;
}

/* A rule's "args": at most PROFILE_MAX_ARGS argument rules ("args": null, as Docker writes
 * it, is none). */
static int parse_args(json_object *val, const char *path, Diag *d, ProfileSyscall *s) {
        size_t n;
        int r = 0;

        if (json_object_get_type(val) == json_type_null)
                return 0;
        if (json_expect(val, json_type_array, "an array of objects", path, d) < 0)
                return -EINVAL;
        n = json_object_array_length(val);
        if (n > PROFILE_MAX_ARGS) {
                diag_add(d, true, path, "%zu argument rules, at most %u allowed", n, PROFILE_MAX_ARGS);
                return -EINVAL;
        }
        free(s->args);
        s->args = calloc(n ? n : 1, sizeof(ProfileArg));
        if (!s->args)
                return -ENOMEM;
        s->n_args = n;
        for (size_t i = 0; i < n; i++) {
                char ipath[300];
                PATHF(ipath, "%s[%zu]", path, i);
                if (parse_arg(json_object_array_get_idx(val, i), ipath, d, &s->args[i]) < 0)
                        r = -EINVAL;
        }
        return r;
}

/* What a rule's fields say before they can be checked against each other. */
typedef struct SyscallFields {
        const char *action; /* points into the JSON document */
        char action_path[256];
        uint64_t errno_ret;
        bool has_name, has_names;
} SyscallFields;

/* "name": one syscall, unless "names" came first (which is an error reported later). */
static int parse_name(json_object *val, const char *path, Diag *d, ProfileSyscall *s, SyscallFields *f) {
        const char *n;

        f->has_name = true;
        if (json_get_string(val, path, 0, d, &n) < 0)
                return -EINVAL;
        if (f->has_names)
                return 0;
        s->names = calloc(1, sizeof(char *));
        if (!s->names || !(s->names[0] = strdup(n)))
                return -ENOMEM;
        s->n_names = 1;
        return 0;
}

static int parse_comment(json_object *val, const char *path, Diag *d, ProfileSyscall *s) {
        const char *c;

        if (json_get_string(val, path, 0, d, &c) < 0)
                return -EINVAL;
        free(s->comment);
        s->comment = strdup(c);
        return s->comment ? 0 : -ENOMEM;
}

/* One field of a rule. 0, -EINVAL (reported) or -ENOMEM. */
static int parse_syscall_field(const char *key, json_object *val, const char *path, Diag *d, ProfileSyscall *s,
                               SyscallFields *f) {
        static const char *const known[] = { "name", "names", "action", "errnoRet", "args", "comment", "includes", "excludes" };

        if (unknown_key(key, known, ELEMENTSOF(known))) {
                diag_add(d, true, path, "unknown field");
                return -EINVAL;
        }
        if (strcmp(key, "name") == 0)
                return parse_name(val, path, d, s, f);
        if (strcmp(key, "names") == 0) {
                if (f->has_name) {
                        strv_free_n(s->names, s->n_names);
                        s->names = NULL;
                        s->n_names = 0;
                }
                f->has_names = true;
                return get_strv(val, path, d, PROFILE_MAX_NAMES, NULL, NULL, &s->names, &s->n_names);
        }
        if (strcmp(key, "action") == 0) {
                snprintf(f->action_path, sizeof(f->action_path), "%s", path);
                return json_get_string(val, path, 0, d, &f->action) < 0 ? -EINVAL : 0;
        }
        if (strcmp(key, "errnoRet") == 0) {
                if (parse_errno_ret(val, path, d, &f->errno_ret) < 0)
                        return -EINVAL;
                s->has_errno_ret = true;
                return 0;
        }
        if (strcmp(key, "args") == 0)
                return parse_args(val, path, d, s);
        if (strcmp(key, "comment") == 0)
                return parse_comment(val, path, d, s);
        return parse_filter(val, path, d, strcmp(key, "includes") == 0 ? &s->includes : &s->excludes) < 0 ? -EINVAL : 0;
}

/* The checks across a rule's fields, once all are read; r is the result so far. */
static int check_syscall(const char *path, Diag *d, ProfileSyscall *s, const SyscallFields *f, int r) {
        char pbuf[300];

        if (f->has_name && f->has_names) {
                diag_add(d, true, path, "both \"name\" and \"names\" given, use one");
                r = -EINVAL;
        } else if (!f->has_name && !f->has_names && r >= 0) {
                diag_add(d, true, path, "rule names no syscall (\"names\" missing)");
                r = -EINVAL;
        } else if (f->has_names && s->n_names == 0 && r >= 0) {
                diag_add(d, true, path, "rule names no syscall (\"names\" is empty)");
                r = -EINVAL;
        }
        if (!f->action) {
                if (r >= 0)
                        diag_add(d, true, path, "missing field \"action\"");
                return -EINVAL;
        }
        if (action_from_string(f->action, s->has_errno_ret, (uint32_t) f->errno_ret, &s->action) < 0) {
                diag_add(d, true, f->action_path, "unknown action \"%s\"", f->action);
                return -EINVAL;
        }
        if (s->has_errno_ret && strcmp(f->action, "SCMP_ACT_ERRNO") != 0 && strcmp(f->action, "SCMP_ACT_TRACE") != 0) {
                diag_add(d, true, path, "\"errnoRet\" given with action %s, which returns no errno", f->action);
                return -EINVAL;
        }
        for (size_t i = 0; i < s->n_names; i++)
                if (s->names[i][0] == 0) {
                        PATHF(pbuf, "%s.names[%zu]", path, i);
                        diag_add(d, true, pbuf, "empty syscall name");
                        r = -EINVAL;
                }
        return r;
}

static int parse_syscall(json_object *o, const char *path, Diag *d, ProfileSyscall *s) {
        SyscallFields f = {};
        char pbuf[256];
        int r = 0;

        if (json_expect(o, json_type_object, "an object", path, d) < 0)
                return -EINVAL;
        json_object_object_foreach(o, key, val) {
                int k;
                PATHF(pbuf, "%s.%s", path, key);
                k = parse_syscall_field(key, val, pbuf, d, s, &f);
                if (k == -ENOMEM)
                        return k;
                if (k < 0)
                        r = k;
        }
        return check_syscall(path, d, s, &f, r);
}

static int parse_arch_list(json_object *o, const char *path, Diag *d, uint32_t **ret, size_t *ret_n) {
        char pbuf[256];
        uint32_t *v;
        size_t n;
        int r = 0;

        if (json_expect(o, json_type_array, "an array of architecture names", path, d) < 0)
                return -EINVAL;
        n = json_object_array_length(o);
        if (n > PROFILE_MAX_LIST) {
                diag_add(d, true, path, "array has %zu elements, at most %u allowed", n, PROFILE_MAX_LIST);
                return -EINVAL;
        }
        v = calloc(n ? n : 1, sizeof(uint32_t));
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *s;
                PATHF(pbuf, "%s[%zu]", path, i);
                if (json_get_string(json_object_array_get_idx(o, i), pbuf, 0, d, &s) < 0)
                        r = -EINVAL;
                else if (scmp_arch_from_string(s, &v[i]) < 0) {
                        diag_add(d, true, pbuf, "unknown architecture \"%s\"", s);
                        r = -EINVAL;
                }
        }
        if (r < 0) {
                free(v);
                return r;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

static int parse_arch_map(json_object *o, const char *path, Diag *d, Profile *p) {
        char pbuf[256], epath[300];
        size_t n;
        int r = 0;

        if (json_expect(o, json_type_array, "an array of objects", path, d) < 0)
                return -EINVAL;
        n = json_object_array_length(o);
        if (n > PROFILE_MAX_LIST) {
                diag_add(d, true, path, "array has %zu elements, at most %u allowed", n, PROFILE_MAX_LIST);
                return -EINVAL;
        }
        p->arch_map = calloc(n ? n : 1, sizeof(ProfileArchMap));
        if (!p->arch_map)
                return -ENOMEM;
        p->n_arch_map = n;
        for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(o, i);
                bool has_arch = false;
                PATHF(pbuf, "%s[%zu]", path, i);
                if (json_expect(e, json_type_object, "an object", pbuf, d) < 0) {
                        r = -EINVAL;
                        continue;
                }
                json_object_object_foreach(e, key, val) {
                        PATHF(epath, "%s.%s", pbuf, key);
                        if (strcmp(key, "architecture") == 0) {
                                const char *s;
                                if (json_get_string(val, epath, 0, d, &s) < 0)
                                        r = -EINVAL;
                                else if (scmp_arch_from_string(s, &p->arch_map[i].arch) < 0) {
                                        diag_add(d, true, epath, "unknown architecture \"%s\"", s);
                                        r = -EINVAL;
                                } else
                                        has_arch = true;
                        } else if (strcmp(key, "subArchitectures") == 0) {
                                if (json_object_get_type(val) == json_type_null)
                                        continue;
                                free(p->arch_map[i].sub_arches);
                                p->arch_map[i].sub_arches = NULL;
                                if (parse_arch_list(val, epath, d, &p->arch_map[i].sub_arches, &p->arch_map[i].n_sub_arches) < 0)
                                        r = -EINVAL;
                        } else {
                                diag_add(d, true, epath, "unknown field");
                                r = -EINVAL;
                        }
                }
                if (!has_arch && r >= 0) {
                        diag_add(d, true, pbuf, "missing field \"architecture\"");
                        r = -EINVAL;
                }
                for (size_t j = 0; has_arch && j < i; j++)
                        if (p->arch_map[j].arch == p->arch_map[i].arch) {
                                diag_add(d, true, pbuf, "architecture %s already mapped at %s[%zu]",
                                         scmp_arch_to_string(p->arch_map[i].arch), path, j);
                                r = -EINVAL;
                        }
        }
        return r;
}

static void offset_to_line(const char *text, size_t len, size_t off, unsigned *line, unsigned *col) {
        *line = 1;
        *col = 1;
        for (size_t i = 0; i < off && i < len; i++) {
                if (text[i] == '\n') {
                        (*line)++;
                        *col = 1;
                } else
                        (*col)++;
        }
}

/* The text as one JSON object: size, NUL bytes, syntax, nesting and trailing data checked,
 * each problem reported at its line and column. */
static int parse_document(const char *text, size_t len, Diag *d, json_object **ret) {
        _cleanup_json_ json_object *root = NULL;
        enum json_tokener_error e;
        unsigned line, col;
        size_t offset;
        int r;

        if (len > PROFILE_MAX_SIZE) {
                diag_add(d, true, "$", "file is %zu bytes, at most %u allowed", len, PROFILE_MAX_SIZE);
                return -EINVAL;
        }
        if (memchr(text, 0, len)) {
                offset_to_line(text, len, (size_t) ((const char *) memchr(text, 0, len) - text), &line, &col);
                diag_add(d, true, "$", "line %u column %u: NUL byte in JSON text", line, col);
                return -EINVAL;
        }
        r = json_parse_document(text, len, PROFILE_MAX_DEPTH, JSON_TOKENER_STRICT, &root, &e, &offset);
        if (r == -EINVAL) {
                offset_to_line(text, len, offset, &line, &col);
                if (e == json_tokener_success)
                        diag_add(d, true, "$", "line %u column %u: trailing data after the JSON value", line, col);
                else if (e == json_tokener_continue)
                        diag_add(d, true, "$", "line %u column %u: truncated JSON (unexpected end of file)", line, col);
                else if (e == json_tokener_error_depth)
                        diag_add(d, true, "$", "line %u column %u: JSON nested deeper than %d levels", line, col, PROFILE_MAX_DEPTH);
                else
                        diag_add(d, true, "$", "line %u column %u: invalid JSON: %s", line, col, json_tokener_error_desc(e));
                return -EINVAL;
        }
        if (r < 0)
                return r;
        if (json_expect(root, json_type_object, "an object", "$", d) < 0)
                return -EINVAL;
        *ret = TAKE_PTR(root);
        return 0;
}

/* "syscalls": an array of at most PROFILE_MAX_SYSCALLS rules. 0, -EINVAL (reported) or
 * -ENOMEM. */
static int parse_syscalls(json_object *val, const char *path, Diag *d, Profile *p) {
        size_t n;
        int r = 0;

        if (json_expect(val, json_type_array, "an array of objects", path, d) < 0)
                return -EINVAL;
        n = json_object_array_length(val);
        if (n > PROFILE_MAX_SYSCALLS) {
                diag_add(d, true, path, "array has %zu rules, at most %u allowed", n, PROFILE_MAX_SYSCALLS);
                return -EINVAL;
        }
        p->syscalls = calloc(n ? n : 1, sizeof(ProfileSyscall));
        if (!p->syscalls)
                return -ENOMEM;
        p->n_syscalls = n;
        for (size_t i = 0; i < n; i++) {
                char spath[300];
                int k;
                PATHF(spath, "$.syscalls[%zu]", i);
                k = parse_syscall(json_object_array_get_idx(val, i), spath, d, &p->syscalls[i]);
                if (k == -ENOMEM)
                        return k;
                if (k < 0)
                        r = -EINVAL;
        }
        return r;
}

/* The top-level "defaultAction" and "defaultErrnoRet", read before they can be checked
 * against each other. action points into the JSON document. */
typedef struct ProfileDefaults {
        const char *action;
        uint64_t errno_ret;
        bool has_errno_ret;
} ProfileDefaults;

static int parse_default_errno(json_object *val, const char *path, Diag *d, ProfileDefaults *def) {
        if (parse_errno_ret(val, path, d, &def->errno_ret) < 0)
                return -EINVAL;
        def->has_errno_ret = true;
        return 0;
}

/* One top-level field into p (or def). 0, -EINVAL (reported) or -ENOMEM. */
static int parse_top_field(const char *key, json_object *val, Diag *d, Profile *p, ProfileDefaults *def,
                           bool *has_syscalls) {
        static const char *const known[] = { "defaultAction", "defaultErrnoRet", "architectures", "archMap", "syscalls" };
        char pbuf[256];

        PATHF(pbuf, "$.%s", key);
        if (unknown_key(key, known, ELEMENTSOF(known))) {
                diag_add(d, true, pbuf, "unknown field");
                return -EINVAL;
        }
        if (strcmp(key, "defaultAction") == 0)
                return json_get_string(val, pbuf, 0, d, &def->action) < 0 ? -EINVAL : 0;
        if (strcmp(key, "defaultErrnoRet") == 0)
                return parse_default_errno(val, pbuf, d, def);
        if (json_object_get_type(val) == json_type_null)
                return 0;
        if (strcmp(key, "architectures") == 0) {
                free(p->architectures);
                p->architectures = NULL;
                return parse_arch_list(val, pbuf, d, &p->architectures, &p->n_architectures) < 0 ? -EINVAL : 0;
        }
        if (strcmp(key, "archMap") == 0) {
                if (p->arch_map)
                        return 0;
                return parse_arch_map(val, pbuf, d, p) < 0 ? -EINVAL : 0;
        }
        /* "syscalls" */
        if (*has_syscalls)
                return 0;
        *has_syscalls = true;
        return parse_syscalls(val, pbuf, d, p);
}

/* The checks across fields, once all are read; r is the result so far. */
static int check_profile(Profile *p, const ProfileDefaults *def, Diag *d, int r) {
        if (p->n_architectures > 0 && p->n_arch_map > 0) {
                diag_add(d, true, "$", "both \"architectures\" and \"archMap\" given, use one");
                r = -EINVAL;
        }
        if (!def->action) {
                if (p->n_syscalls > 0 || r >= 0) {
                        diag_add(d, true, "$", "missing field \"defaultAction\"");
                        r = -EINVAL;
                }
        } else if (action_from_string(def->action, def->has_errno_ret, (uint32_t) def->errno_ret, &p->default_action) < 0) {
                diag_add(d, true, "$.defaultAction", "unknown action \"%s\"", def->action);
                r = -EINVAL;
        } else if (p->default_action == SCMP_ACT_NOTIFY) {
                diag_add(d, true, "$.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
                r = -EINVAL;
        } else
                p->has_default_action = true;
        if (def->has_errno_ret && def->action && strcmp(def->action, "SCMP_ACT_ERRNO") != 0 &&
            strcmp(def->action, "SCMP_ACT_TRACE") != 0) {
                diag_add(d, true, "$.defaultErrnoRet", "given with default action %s, which returns no errno", def->action);
                r = -EINVAL;
        }
        return r;
}

int profile_parse(const char *text, size_t len, Diag *d, Profile **ret) {
        _cleanup_profile_ Profile *p = NULL;
        _cleanup_json_ json_object *root = NULL;
        ProfileDefaults def = {};
        bool has_syscalls = false;
        int r;

        r = parse_document(text, len, d, &root);
        if (r < 0)
                return r;
        p = calloc(1, sizeof(Profile));
        if (!p)
                return -ENOMEM;
        json_object_object_foreach(root, key, val) {
                int k = parse_top_field(key, val, d, p, &def, &has_syscalls);
                if (k == -ENOMEM)
                        return k;
                if (k < 0)
                        r = k;
        }
        r = check_profile(p, &def, d, r);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(p);
        return 0;
}

static bool strv_contains(char **v, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

static bool strv_equal_set(char **a, size_t na, char **b, size_t nb) {
        for (size_t i = 0; i < na; i++)
                if (!strv_contains(b, nb, a[i]))
                        return false;
        for (size_t i = 0; i < nb; i++)
                if (!strv_contains(a, na, b[i]))
                        return false;
        return true;
}

static bool filter_equal(const ProfileFilter *a, const ProfileFilter *b) {
        return strv_equal_set(a->caps, a->n_caps, b->caps, b->n_caps) &&
               strv_equal_set(a->arches, a->n_arches, b->arches, b->n_arches) && a->has_min_kernel == b->has_min_kernel &&
               (!a->has_min_kernel ||
                (a->min_kernel_major == b->min_kernel_major && a->min_kernel_minor == b->min_kernel_minor));
}

static bool arg_in(const ProfileArg *x, const ProfileArg *v, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (x->index == v[i].index && x->op == v[i].op && x->value == v[i].value &&
                    (x->op != SCMP_CMP_MASKED_EQ || x->value_two == v[i].value_two))
                        return true;
        return false;
}

static bool same_conditions(const ProfileSyscall *a, const ProfileSyscall *b) {
        if (!filter_equal(&a->includes, &b->includes) || !filter_equal(&a->excludes, &b->excludes))
                return false;
        for (size_t i = 0; i < a->n_args; i++)
                if (!arg_in(&a->args[i], b->args, b->n_args))
                        return false;
        for (size_t i = 0; i < b->n_args; i++)
                if (!arg_in(&b->args[i], a->args, a->n_args))
                        return false;
        return true;
}

int profile_check(const Profile *p, uint32_t arch, Diag *d) {
        char pbuf[256], act_a[32], act_b[32];
        const char *absent[4];
        size_t n_absent = 0;
        int r = 0;

        for (size_t i = 0; i < p->n_syscalls; i++) {
                const ProfileSyscall *s = &p->syscalls[i];

                for (size_t a = 0; a < s->n_args; a++)
                        for (size_t b = 0; b < a; b++)
                                if (arg_in(&s->args[a], &s->args[b], 1)) {
                                        PATHF(pbuf, "$.syscalls[%zu].args[%zu]", i, a);
                                        diag_add(d, true, pbuf, "duplicate argument rule (same as args[%zu])", b);
                                        r = -EINVAL;
                                }
                for (size_t n = 0; n < s->n_names; n++) {
                        const char *name = s->names[n];
                        PATHF(pbuf, "$.syscalls[%zu].names[%zu]", i, n);
                        if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR) {
                                diag_add(d, true, pbuf, "unknown syscall \"%s\" (on every architecture libseccomp knows)", name);
                                r = -EINVAL;
                                continue;
                        }
                        if (seccomp_syscall_resolve_name_arch(arch, name) < 0 && s->includes.n_arches == 0) {
                                if (n_absent < ELEMENTSOF(absent))
                                        absent[n_absent] = name;
                                n_absent++;
                        }
                        for (size_t m = 0; m < n; m++)
                                if (strcmp(s->names[m], name) == 0) {
                                        diag_add(d, true, pbuf, "duplicate syscall \"%s\" (also at names[%zu])", name, m);
                                        r = -EINVAL;
                                        break;
                                }
                        /* Earlier rules for the same name under the very same conditions. */
                        for (size_t j = 0; j < i; j++) {
                                const ProfileSyscall *t = &p->syscalls[j];
                                if (!strv_contains(t->names, t->n_names, name) || !same_conditions(s, t))
                                        continue;
                                (void) action_to_string(s->action, act_a, sizeof(act_a));
                                (void) action_to_string(t->action, act_b, sizeof(act_b));
                                if (s->action == t->action)
                                        diag_add(d, true, pbuf, "duplicate rule for \"%s\" (same as $.syscalls[%zu])", name, j);
                                else
                                        diag_add(d, true, pbuf, "contradicting rule for \"%s\": %s here, %s at $.syscalls[%zu] under the same conditions",
                                                 name, act_a, act_b, j);
                                r = -EINVAL;
                                break;
                        }
                }
        }
        /* Docker's profile is multi-architecture: names of other ABIs are normal, one line. */
        if (n_absent > 0)
                diag_add(d, false, "$.syscalls", "%zu syscall name(s) do not exist on %s and have no effect there (%s%s%s%s%s%s%s%s)",
                         n_absent, scmp_arch_to_string(arch) ?: "this architecture", absent[0],
                         n_absent > 1 ? ", " : "", n_absent > 1 ? absent[1] : "", n_absent > 2 ? ", " : "",
                         n_absent > 2 ? absent[2] : "", n_absent > 3 ? ", " : "", n_absent > 3 ? absent[3] : "",
                         n_absent > 4 ? ", ..." : "");
        return r;
}
