/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *why = NULL;
        char *text = NULL;
        size_t n;
        Manifest m;

        if (manifest_parse(data, size, &m, &why) < 0) {
                if (!why)
                        __builtin_trap();
                return 0;
        }
        /* Whatever parses is canonical: it formats back to the same bytes. */
        if (manifest_validate(&m, &why) < 0 || manifest_format(&m, &text, &n) < 0 || n != size ||
            memcmp(text, data, size) != 0)
                __builtin_trap();
        free(text);
        return 0;
}
