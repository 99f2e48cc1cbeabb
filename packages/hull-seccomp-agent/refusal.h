/* SPDX-License-Identifier: MIT */
#pragma once

/* What the agent writes for a refused call, and how often. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Records per container: a burst of REFUSAL_BURST, then one per REFUSAL_INTERVAL_USEC. A
 * container that makes a refused call in a loop costs one record a second, and the next record
 * says how many were left out (suppressed=N); the calls are refused all the same. */
#define REFUSAL_BURST 10U
#define REFUSAL_INTERVAL_USEC 1000000ULL

typedef struct RefusalLimit {
        uint64_t tokens_usec;  /* credit, in microseconds of REFUSAL_INTERVAL_USEC per record */
        uint64_t last_usec;    /* when the credit was last brought up to date */
        uint64_t suppressed;   /* refusals not written since the last record */
        bool started;
} RefusalLimit;

/* Whether the refusal at now_usec (a monotonic clock) gets a record. true: *ret_suppressed is
 * the number left out before it, and the count starts again; false: it is counted. */
bool refusal_limit_take(RefusalLimit *l, uint64_t now_usec, uint64_t *ret_suppressed);

/* The text of the audit record (the body of a TRUSTED_APP user message; libaudit adds exe,
 * hostname, addr, terminal and res): "op=seccomp-refuse <container field> pid=P arch=A
 * syscall=S nr=N errno=1" and " suppressed=K" when K > 0. container_field is "container=..."
 * as audit_encode_nv_string made it; arch and syscall are names (libaudit's: "x86_64",
 * "mkdir"; NULL: "unknown"), nr the call's number. The names are written out because ausearch
 * -i does not interpret a user message's arch and syscall fields as it does the kernel's. 0, or
 * -ENOBUFS when size is too small. */
int refusal_format(char *buf, size_t size, const char *container_field, uint32_t pid, const char *arch,
                   const char *syscall, int32_t nr, uint64_t suppressed);
