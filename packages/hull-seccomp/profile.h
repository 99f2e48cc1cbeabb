/* SPDX-License-Identifier: MIT */
#pragma once

/* The Docker/OCI seccomp profile as parsed from JSON, before capabilities, architectures and
 * kernel versions are resolved. Parsing checks types and values; profile_check() adds the
 * checks that need a target architecture (syscall names, duplicate and contradicting rules). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <seccomp.h>

#include "hull/diag.h"

/* Limits on untrusted input: a profile larger than these is refused, not truncated. */
#define PROFILE_MAX_SIZE (4U * 1024U * 1024U)
#define PROFILE_MAX_DEPTH 16
#define PROFILE_MAX_SYSCALLS 4096U
#define PROFILE_MAX_NAMES 4096U
#define PROFILE_MAX_ARGS 6U
#define PROFILE_MAX_LIST 256U
#define PROFILE_ARG_INDEX_MAX 5U

typedef struct ProfileArg {
        unsigned index;
        uint64_t value, value_two;
        enum scmp_compare op;
} ProfileArg;

typedef struct ProfileFilter {
        char **caps;
        size_t n_caps;
        char **arches;
        size_t n_arches;
        bool has_min_kernel;
        unsigned min_kernel_major, min_kernel_minor;
} ProfileFilter;

typedef struct ProfileSyscall {
        char **names;
        size_t n_names;
        uint32_t action; /* libseccomp action, errno folded in */
        bool has_errno_ret;
        ProfileArg *args;
        size_t n_args;
        ProfileFilter includes, excludes;
        char *comment;
} ProfileSyscall;

typedef struct ProfileArchMap {
        uint32_t arch; /* libseccomp token */
        uint32_t *sub_arches;
        size_t n_sub_arches;
} ProfileArchMap;

typedef struct Profile {
        bool has_default_action;
        uint32_t default_action;
        uint32_t *architectures; /* the old "architectures" list */
        size_t n_architectures;
        ProfileArchMap *arch_map;
        size_t n_arch_map;
        ProfileSyscall *syscalls;
        size_t n_syscalls;
} Profile;

Profile *profile_free(Profile *p);
static inline void profile_freep(Profile **p) {
        profile_free(*p);
}
#define _cleanup_profile_ __attribute__((cleanup(profile_freep)))

/* Parses text (len bytes, need not be NUL-terminated). On any problem returns -EINVAL and
 * adds one message per problem to diag (JSON path and reason); ret is set only on success. */
int profile_parse(const char *text, size_t len, Diag *diag, Profile **ret);

/* Checks that need a target: syscall names unknown to libseccomp on every architecture (an
 * error), names unknown on arch (a warning: Docker's profile is multi-architecture), duplicate
 * and contradicting rules. Returns -EINVAL if it added an error. */
int profile_check(const Profile *p, uint32_t arch, Diag *diag);

/* Names and tokens. */
int action_from_string(const char *s, bool has_errno, uint32_t errno_ret, uint32_t *ret);
int action_to_string(uint32_t action, char *buf, size_t size); /* "SCMP_ACT_ERRNO(1)" */
bool action_allows(uint32_t action);
int op_from_string(const char *s, enum scmp_compare *ret);
const char *op_to_string(enum scmp_compare op);
int scmp_arch_from_string(const char *s, uint32_t *ret); /* "SCMP_ARCH_X86_64" */
const char *scmp_arch_to_string(uint32_t arch);
bool docker_arch_known(const char *s); /* "amd64", "arm64", ... as used by includes.arches */
