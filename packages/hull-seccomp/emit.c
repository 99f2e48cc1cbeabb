/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emit.h"
#include "hull/fileio.h"
#include "hull/json.h"
#include "hull/macro.h"

int emit_filter(const Resolved *r, scmp_filter_ctx *ret) {
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        uint32_t native = seccomp_arch_native();
        bool keep_native = false;
        int k;

        ctx = seccomp_init(r->default_action);
        if (!ctx)
                return -EINVAL;
        /* runc leaves no_new_privs to the runtime; "run" sets it itself before loading. */
        k = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        if (k < 0)
                return k;
        for (size_t i = 0; i < r->n_arches; i++) {
                if (r->arches[i] == native) {
                        keep_native = true;
                        continue;
                }
                k = seccomp_arch_add(ctx, r->arches[i]);
                if (k < 0 && k != -EEXIST)
                        return k;
        }
        if (!keep_native) {
                k = seccomp_arch_remove(ctx, native);
                if (k < 0)
                        return k;
        }
        for (size_t i = 0; i < r->n_rules; i++) {
                const Rule *rule = &r->rules[i];
                k = seccomp_rule_add_array(ctx, rule->action, rule->nr, (unsigned) rule->n_conds,
                                           rule->n_conds ? rule->conds : NULL);
                if (k < 0)
                        return k;
        }
        *ret = TAKE_PTR(ctx);
        return 0;
}

static int export_to_memory(scmp_filter_ctx ctx, bool pfc, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = -1;
        int k;

        fd = memfd_create(pfc ? "hull-seccomp-pfc" : "hull-seccomp-bpf", MFD_CLOEXEC);
        if (fd < 0)
                return negative_errno();
        k = pfc ? seccomp_export_pfc(ctx, fd) : seccomp_export_bpf(ctx, fd);
        if (k < 0)
                return k;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return negative_errno();
        return read_full_fd(fd, 64U * 1024U * 1024U, ret, ret_size);
}

int emit_bpf(const Resolved *r, struct sock_filter **ret, size_t *ret_size) {
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        char *buf = NULL;
        size_t n = 0;
        int k;

        k = emit_filter(r, &ctx);
        if (k < 0)
                return k;
        k = export_to_memory(ctx, false, &buf, &n);
        if (k < 0)
                return k;
        if (n == 0 || n % sizeof(struct sock_filter) != 0) {
                free(buf);
                return -EBADMSG;
        }
        *ret = (struct sock_filter *) (void *) buf;
        *ret_size = n;
        return 0;
}

int emit_pfc(const Resolved *r, char **ret) {
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        int k;

        k = emit_filter(r, &ctx);
        if (k < 0)
                return k;
        return export_to_memory(ctx, true, ret, NULL);
}

/* An action as the OCI runtime spec writes it, its errno (ERRNO, TRACE) apart. */
static const char *oci_action(uint32_t action, bool *ret_has_errno, uint32_t *ret_errno) {
        *ret_has_errno = false;
        switch (action & 0xffff0000U) {
        case SCMP_ACT_KILL_PROCESS:
                return "SCMP_ACT_KILL_PROCESS";
        case SCMP_ACT_KILL_THREAD:
                return "SCMP_ACT_KILL_THREAD";
        case SCMP_ACT_TRAP:
                return "SCMP_ACT_TRAP";
        case SCMP_ACT_ERRNO(0):
                *ret_has_errno = true;
                *ret_errno = action & 0xffffU;
                return "SCMP_ACT_ERRNO";
        case SCMP_ACT_TRACE(0):
                *ret_has_errno = true;
                *ret_errno = action & 0xffffU;
                return "SCMP_ACT_TRACE";
        case SCMP_ACT_LOG:
                return "SCMP_ACT_LOG";
        case SCMP_ACT_ALLOW:
                return "SCMP_ACT_ALLOW";
        case SCMP_ACT_NOTIFY:
                return "SCMP_ACT_NOTIFY";
        default:
                return NULL;
        }
}

static int add_string(json_object *array, const char *s) {
        json_object *v = json_object_new_string(s);
        if (!v || json_object_array_add(array, v) < 0) {
                json_object_put(v);
                return -ENOMEM;
        }
        return 0;
}

static int add_field(json_object *obj, const char *key, json_object *v) {
        if (!v || json_object_object_add(obj, key, v) < 0) {
                json_object_put(v);
                return -ENOMEM;
        }
        return 0;
}

static int oci_rule(const Rule *rule, json_object **ret) {
        _cleanup_json_ json_object *o = json_object_new_object();
        json_object *names = json_object_new_array(), *args;
        const char *action;
        uint32_t e = 0;
        bool has_errno;
        int r;

        if (!o || add_field(o, "names", names) < 0 || add_string(names, rule->name) < 0)
                return -ENOMEM;
        action = oci_action(rule->action, &has_errno, &e);
        if (!action)
                return -EINVAL;
        if (add_field(o, "action", json_object_new_string(action)) < 0)
                return -ENOMEM;
        if (has_errno && add_field(o, "errnoRet", json_object_new_int64(e)) < 0)
                return -ENOMEM;
        if (rule->n_conds > 0) {
                args = json_object_new_array();
                r = add_field(o, "args", args);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < rule->n_conds; i++) {
                        const struct scmp_arg_cmp *c = &rule->conds[i];
                        json_object *a = json_object_new_object();
                        if (!a || json_object_array_add(args, a) < 0) {
                                json_object_put(a);
                                return -ENOMEM;
                        }
                        if (add_field(a, "index", json_object_new_int64(c->arg)) < 0 ||
                            add_field(a, "value", json_object_new_uint64(c->datum_a)) < 0 ||
                            add_field(a, "valueTwo", json_object_new_uint64(c->datum_b)) < 0 ||
                            add_field(a, "op", json_object_new_string(op_to_string(c->op))) < 0)
                                return -ENOMEM;
                }
        }
        *ret = TAKE_PTR(o);
        return 0;
}

int emit_oci(const Resolved *r, char **ret) {
        _cleanup_json_ json_object *o = json_object_new_object();
        json_object *arches = json_object_new_array(), *syscalls;
        const char *action, *text;
        uint32_t e = 0;
        bool has_errno;
        int k;

        if (!o)
                return -ENOMEM;
        action = oci_action(r->default_action, &has_errno, &e);
        if (!action)
                return -EINVAL;
        if (add_field(o, "defaultAction", json_object_new_string(action)) < 0)
                return -ENOMEM;
        if (has_errno && add_field(o, "defaultErrnoRet", json_object_new_int64(e)) < 0)
                return -ENOMEM;
        if (add_field(o, "architectures", arches) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_arches; i++) {
                const char *name = scmp_arch_to_string(r->arches[i]);
                if (!name)
                        return -EINVAL;
                if (add_string(arches, name) < 0)
                        return -ENOMEM;
        }
        syscalls = json_object_new_array();
        if (add_field(o, "syscalls", syscalls) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < r->n_rules; i++) {
                json_object *rule = NULL;
                k = oci_rule(&r->rules[i], &rule);
                if (k < 0)
                        return k;
                if (json_object_array_add(syscalls, rule) < 0) {
                        json_object_put(rule);
                        return -ENOMEM;
                }
        }
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!text)
                return -ENOMEM;
        *ret = strdup(text);
        return *ret ? 0 : -ENOMEM;
}
