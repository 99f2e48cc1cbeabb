/* SPDX-License-Identifier: MIT */
#pragma once

/* Hull's hardened profile is Docker's stock profile plus a short list of changes, each with
 * its reason, in a line-based policy file:
 *
 *   # comment
 *   deny NAME...                 remove NAME from every rule that allows it
 *   deny-enosys NAME...          the same, and one rule refuses NAME with ENOSYS, not EPERM
 *   deny-unless CAP NAME...      allow NAME only to containers that hold CAP
 *   allow-only NAME I V...       allow NAME only when its argument I is one of the values V
 *   keep NAME...                 no change: the reason NAME stays allowed
 *   drop-arch SCMP_ARCH_X        remove a sub-architecture (an ABI) from every archMap entry
 *   assert-denied CAPS NAME...   fail unless NAME is denied for any arguments under CAPS
 *       because: the reason, on one or more indented lines (required for every directive)
 *
 * Generation refuses a result that allows anything the base does not, for every capability
 * set the profiles distinguish, on amd64, arm64 and s390x, below and above every minKernel. */

#include <stddef.h>
#include <stdio.h>

#include "hull/diag.h"

#define POLICY_MAX_SIZE (64U * 1024U)
#define POLICY_MAX_DIRECTIVES 256U
#define POLICY_MAX_WORDS 512U

/* base_diag gets problems with the base profile, policy_diag those with the policy file
 * ("line N: ..."), both problems with the result. On success returns the new profile's JSON. */
int policy_generate(const char *base, size_t base_len, const char *policy, size_t policy_len, Diag *base_diag,
                    Diag *policy_diag, char **ret);

/* Is b within a for every capability set, architecture and kernel the check covers? Writes
 * the first widening found to report (may be NULL). 1 yes, 0 no, negative errno. */
int profile_within(const char *a, size_t a_len, const char *b, size_t b_len, FILE *report);
