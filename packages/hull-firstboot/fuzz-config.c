/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdint.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        Diag e = {};
        Config *c = NULL;

        if (config_parse((const char *) data, size, &c, &e) >= 0 && !c)
                __builtin_trap();
        config_free(c);
        diag_clear(&e);
        return 0;
}
