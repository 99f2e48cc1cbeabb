/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdint.h>

#include "health.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        unsigned status;

        if (size > DOCKER_REPLY_MAX)
                return 0;
        (void) ping_reply_check(data, size, &status);
        return 0;
}
