/* SPDX-License-Identifier: MIT */
#pragma once

/* Emits a resolved profile through libseccomp, the way runc 1.1 builds its filter: the
 * classic BPF program the kernel loads, and libseccomp's readable pseudo filter code (PFC). */

#include <stddef.h>
#include <seccomp.h>
#include <linux/filter.h>

#include "resolve.h"

static inline void seccomp_releasep(scmp_filter_ctx *c) {
        if (*c)
                seccomp_release(*c);
}
#define _cleanup_seccomp_ __attribute__((cleanup(seccomp_releasep)))

int emit_filter(const Resolved *r, scmp_filter_ctx *ret);
/* The BPF program: ret_size is in bytes, a multiple of sizeof(struct sock_filter). */
int emit_bpf(const Resolved *r, struct sock_filter **ret, size_t *ret_size);
int emit_pfc(const Resolved *r, char **ret);
/* The resolved profile as an OCI runtime spec linux.seccomp object (JSON text, caller frees):
 * one syscalls entry per rule, so runc builds the same filter from it. */
int emit_oci(const Resolved *r, char **ret);
