/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "refusal.h"

#define CREDIT_MAX (REFUSAL_BURST * REFUSAL_INTERVAL_USEC)

bool refusal_limit_take(RefusalLimit *l, uint64_t now_usec, uint64_t *ret_suppressed) {
        if (!l->started) {
                l->tokens_usec = CREDIT_MAX;
                l->last_usec = now_usec;
                l->started = true;
        }
        /* A clock that went back (it should not: CLOCK_MONOTONIC) earns nothing. */
        if (now_usec > l->last_usec) {
                uint64_t earned = now_usec - l->last_usec;

                l->tokens_usec = earned >= CREDIT_MAX - l->tokens_usec ? CREDIT_MAX : l->tokens_usec + earned;
                l->last_usec = now_usec;
        }
        if (l->tokens_usec < REFUSAL_INTERVAL_USEC) {
                l->suppressed++;
                return false;
        }
        l->tokens_usec -= REFUSAL_INTERVAL_USEC;
        *ret_suppressed = l->suppressed;
        l->suppressed = 0;
        return true;
}

int refusal_format(char *buf, size_t size, const char *container_field, uint32_t pid, const char *arch,
                   const char *syscall, int32_t nr, uint64_t suppressed) {
        int n;

        n = snprintf(buf, size, "op=seccomp-refuse %s pid=%" PRIu32 " arch=%s syscall=%s nr=%" PRId32 " errno=%d",
                     container_field, pid, arch ?: "unknown", syscall ?: "unknown", nr, EPERM);
        if (n >= 0 && (size_t) n < size && suppressed > 0)
                n += snprintf(buf + n, size - (size_t) n, " suppressed=%" PRIu64, suppressed);
        return n < 0 || (size_t) n >= size ? -ENOBUFS : 0;
}
