/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the profile parser: parse, check against x86_64, resolve for Docker's
 * default capabilities. Seed corpus: fuzz/fuzz-profile/. */
#include <stddef.h>
#include <stdint.h>

#include "profile.h"
#include "resolve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_profile_ Profile *p = NULL;
        _cleanup_resolved_ Resolved *r = NULL;
        Diag d = {};
        Target t;

        if (size > 256 * 1024)
                return 0;
        if (profile_parse((const char *) data, size, &d, &p) >= 0) {
                (void) profile_check(p, SCMP_ARCH_X86_64, &d);
                if (target_from_string("amd64", "6.1", &t) >= 0)
                        (void) resolve_profile(p, capset_docker_default(), &t, &r);
        }
        diag_clear(&d);
        return 0;
}
