/* SPDX-License-Identifier: MIT */
#pragma once

/* The intermediate form: a profile resolved for one capability set, one architecture and one
 * kernel version the way Docker 20.10 and runc 1.1 do it, as a flat list of rules that maps
 * one to one onto libseccomp calls. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <seccomp.h>

#include "profile.h"

typedef uint64_t CapSet; /* bit n = capability n */

typedef struct Target {
        const char *docker_arch; /* "amd64": matched against includes/excludes.arches */
        uint32_t arch;           /* SCMP_ARCH_X86_64: looked up in archMap */
        unsigned kernel_major, kernel_minor; /* for minKernel */
} Target;

typedef struct Rule {
        char name[48]; /* no syscall name is longer; longer ones are unknown and skipped */
        int nr;           /* native syscall number, negative for libseccomp's pseudo numbers */
        uint32_t action;
        struct scmp_arg_cmp conds[PROFILE_MAX_ARGS];
        size_t n_conds;
        size_t src; /* index into Profile.syscalls */
} Rule;

typedef struct Resolved {
        uint32_t default_action;
        uint32_t arches[PROFILE_MAX_LIST + 1]; /* the filter's architectures; first the target */
        size_t n_arches;
        Rule *rules;
        size_t n_rules;
} Resolved;

Resolved *resolved_free(Resolved *r);
static inline void resolved_freep(Resolved **r) {
        resolved_free(*r);
}
#define _cleanup_resolved_ __attribute__((cleanup(resolved_freep)))

int resolve_profile(const Profile *p, CapSet caps, const Target *t, Resolved **ret);

/* For a filter no supervisor listens to: every SCMP_ACT_NOTIFY rule gets action instead, and
 * is dropped if that is the default action (as resolve_profile() drops such rules, like runc;
 * libseccomp refuses them). The number of NOTIFY rules found. */
size_t resolved_replace_notify(Resolved *r, uint32_t action);

/* "default" (Docker's 14), "hull" (Docker's minus NET_RAW MKNOD AUDIT_WRITE SETPCAP), "none",
 * "all", or a comma-separated list of names with or without CAP_, optionally starting with
 * "default," or "hull," to add to those. */
int capset_from_string(const char *s, CapSet *ret);
CapSet capset_docker_default(void);
CapSet capset_all(void);

/* "amd64" or "x86_64", "arm64" or "aarch64", ...; the kernel version from uname when kernel
 * is NULL, else "<major>.<minor>". */
int target_from_string(const char *arch, const char *kernel, Target *ret);
/* The running system's architecture and kernel. */
int target_native(Target *ret);
