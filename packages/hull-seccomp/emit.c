/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "emit.h"
#include "hull/fileio.h"
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
