/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the profile parser: parse, check against x86_64, resolve for Docker's
 * default capabilities (and with NOTIFY answered with EPERM, as run does); the profile as the
 * base of record's profiles, with and without the NOTIFY rule, for a recording of read, close
 * and mkdir. Seed corpus: fuzz/fuzz-profile/. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "profile.h"
#include "record.h"
#include "resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static RecordedCall calls[] = {
                { .arch = SCMP_ARCH_X86_64, .nr = 0, .count = 1 },
                { .arch = SCMP_ARCH_X86_64, .nr = 3, .count = 1 },
                { .arch = SCMP_ARCH_X86_64, .nr = 83, .count = 1 },
        };
        const Recording rec = { .logged = { .calls = calls, .n = 3 } };
        _cleanup_profile_ Profile *p = NULL;
        _cleanup_resolved_ Resolved *r = NULL;
        Diag d = {};
        Target t;

        if (size > 256 * 1024)
                return 0;
        if (profile_parse((const char *) data, size, &d, &p) >= 0) {
                (void) profile_check(p, SCMP_ARCH_X86_64, &d);
                if (target_from_string("amd64", "6.1", &t) >= 0 && resolve_profile(p, capset_docker_default(), &t, &r) >= 0)
                        (void) resolved_replace_notify(r, SCMP_ACT_ERRNO(EPERM));
                for (int notify = 0; notify < 2; notify++) {
                        char *out = NULL;
                        (void) record_profile((const char *) data, size, &rec, "fuzz", notify, &d, &d, &out);
                        free(out);
                }
        }
        diag_clear(&d);
        return 0;
}
