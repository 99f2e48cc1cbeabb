/* SPDX-License-Identifier: MIT */
#pragma once

/* Compares what two resolved profiles allow, architecture by architecture and syscall by
 * syscall, down to argument rules. Conservative: "B within A" is claimed only when every
 * argument rule of B is implied by one of A's (A's conditions a subset of B's). */

#include <stdbool.h>
#include <stdio.h>

#include "resolve.h"

typedef struct DiffStats {
        size_t only_a, only_b; /* syscall or argument rules allowed by one side only */
} DiffStats;

/* Writes "-" lines for what only A allows and "+" lines for what only B allows to out (may be
 * NULL). */
int diff_resolved(const Resolved *a, const Resolved *b, FILE *out, DiffStats *ret);

/* Syscalls of arch reachable under r: for some arguments, and for all arguments. */
int count_reachable(const Resolved *r, uint32_t arch, size_t *ret_some, size_t *ret_all);

void format_conds(const Rule *rule, char *buf, size_t size);
