/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s = malloc(size + 1);
        Frame f;

        if (!s)
                return 0;
        memcpy(s, data, size);
        s[size] = 0;
        (void) frame_parse(s, &f);
        free(s);
        return 0;
}
