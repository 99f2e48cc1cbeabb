/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the audit-log reader: each line of the input through audit_parse_line(),
 * as hull-seccomp record feeds it. Seed corpus: fuzz/fuzz-auditlog/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "auditlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *p = (const char *) data, *end = p + size;
        unsigned lineno = 0;
        Diag d = { .max = 4 };

        if (size > 4 * AUDIT_LINE_MAX)
                return 0;
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);
                AuditSeccomp a = {};

                if (audit_parse_line(p, len, ++lineno, &d, &a) > 0)
                        audit_seccomp_done(&a);
                p += len + (nl ? 1 : 0);
        }
        diag_clear(&d);
        return 0;
}
