/* SPDX-License-Identifier: MIT */
#pragma once

/* A small classic-BPF interpreter over struct seccomp_data, for checking compiled filters
 * without loading them: the same instruction set the kernel's seccomp checker accepts. */

#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* Checks the program the way the kernel does before running it: length, jump targets inside
 * the program, loads inside seccomp_data and 32-bit aligned, scratch memory indexes, a return
 * at the end. -EINVAL with *ret_pc set to the offending instruction. */
int bpf_check(const struct sock_filter *prog, size_t n, size_t *ret_pc);

/* Runs a checked program; returns 0 and the filter's return value (SECCOMP_RET_*). */
int bpf_run(const struct sock_filter *prog, size_t n, const struct seccomp_data *d, uint32_t *ret);

/* AUDIT_ARCH value for a libseccomp architecture token (they are the same numbers). */
static inline uint32_t bpf_audit_arch(uint32_t scmp_arch) {
        return scmp_arch;
}
