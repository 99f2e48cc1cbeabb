/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the audit-log reader: each line of the input through
 * recording_add_line() (audit_parse_line() and the bookkeeping of record), as hull-seccomp
 * record feeds it, then recording_finish(); the first line also as a --since time. Seed
 * corpus: fuzz/fuzz-auditlog/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char *labels[] = { (char *) "system_u:system_r:container_t:s0:c1,c2" };
        const RecordFilter f = { .since_ms = 1000, .labels = labels, .n_labels = 1 };
        const char *p = (const char *) data, *end = p + size;
        Recording rec = {};
        unsigned lineno = 0;
        Diag d = { .max = 4 };
        const char *nl0 = memchr(p, '\n', size);
        size_t n0 = nl0 ? (size_t) (nl0 - p) : size;
        char first[64];
        uint64_t t;

        if (size > 4 * AUDIT_LINE_MAX)
                return 0;
        if (n0 >= sizeof(first))
                n0 = sizeof(first) - 1;
        memcpy(first, p, n0);
        first[n0] = 0;
        (void) parse_audit_time(first, &t);
        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t len = nl ? (size_t) (nl - p) : (size_t) (end - p);

                if (recording_add_line(&rec, &f, p, len, ++lineno, &d) < 0)
                        break;
                p += len + (nl ? 1 : 0);
        }
        (void) recording_finish(&rec);
        recording_done(&rec);
        diag_clear(&d);
        return 0;
}
