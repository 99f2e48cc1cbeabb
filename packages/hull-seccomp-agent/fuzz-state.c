/* SPDX-License-Identifier: MIT */
#include <stddef.h>
#include <stdint.h>

#include "state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        ListenerState st = {};
        Diag d = {};

        /* the first byte: how many descriptors came with the message */
        if (size < 1)
                return 0;
        if (listener_state_parse((const char *) data + 1, size - 1, data[0] % (STATE_FDS_MAX + 1), &st, &d) == 0)
                listener_state_done(&st);
        diag_clear(&d);
        return 0;
}
