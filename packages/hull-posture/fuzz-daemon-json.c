/* SPDX-License-Identifier: MIT */
/* The daemon.json parser, on anything: it must return, and on success hand back a config that
 * daemon_config_done frees, with the values it claims. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "daemon-json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        DaemonConfig c = DAEMON_CONFIG_INIT;
        _cleanup_diag_ Diag d = {};
        int r;

        if (size > DAEMON_JSON_MAX + 1)
                return 0;
        r = daemon_config_parse((const char *) data, size, &d, &c);
        if (r == 0) {
                if (d.n > 0 || c.icc < -1 || c.icc > 1 || (c.n_insecure_registries > 0) != (c.insecure_registry != NULL) ||
                    (c.tcp_host && docker_host_is_tcp(c.tcp_host) != 1))
                        __builtin_trap();
                daemon_config_done(&c);
        } else if ((r == -EINVAL || r == -EFBIG) && d.n != 1)
                __builtin_trap(); /* every refusal says why, once */
        return 0;
}
