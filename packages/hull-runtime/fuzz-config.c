/* SPDX-License-Identifier: MIT */
/* The JSON edit and what a config.json shows (spec_facts). The input is a hostconfig.json and
 * a config.json separated by the first NUL byte; without a NUL the input is the config and the
 * hostconfig is "{}". Both targets (a bundle's config.json and exec's process.json) are tried,
 * a build step's confinement with the hostconfig part as its seccomp filter, and the seccomp
 * listener path a Docker container's SCMP_ACT_NOTIFY rules need. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bundle.h"
#include "caps.h"
#include "spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *text = (const char *) data, *config = text, *hostconfig = "{}";
        size_t config_size = size, hostconfig_size = 2;
        const char *nul = memchr(text, 0, size);

        if (nul) {
                hostconfig = text;
                hostconfig_size = (size_t) (nul - text);
                config = nul + 1;
                config_size = size - hostconfig_size - 1;
        }
        {
                SpecFacts f = {};
                int r = spec_facts(config, config_size, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &f);
                if (r == 0 && f.containers_dir && strlen(f.containers_dir) == 0)
                        __builtin_trap();
                spec_facts_done(&f);
        }
        for (int t = 0; t < 2; t++) {
                char *out = NULL, *again = NULL;
                int r = edit_config(config, config_size, hostconfig, hostconfig_size,
                                    t ? OCI_TARGET_PROCESS : OCI_TARGET_BUNDLE, &out);
                if (r == 1) {
                        /* The output is valid and a fixed point: editing it again changes nothing. */
                        if (!out || edit_config(out, strlen(out), hostconfig, hostconfig_size,
                                                t ? OCI_TARGET_PROCESS : OCI_TARGET_BUNDLE, &again) != 0 || again)
                                __builtin_trap();
                } else if (r == 0 && out)
                        __builtin_trap();
                free(out);
        }
        for (int t = 0; t < 2; t++) {
                char *out = NULL, *again = NULL;
                OciTarget target = t ? OCI_TARGET_PROCESS : OCI_TARGET_BUNDLE;
                int r = oci_confine_step(config, config_size, target, hostconfig, hostconfig_size, &out);
                if (r == 1) {
                        /* Confining a confined step gives the same document. */
                        if (!out || oci_confine_step(out, strlen(out), target, hostconfig, hostconfig_size, &again) != 1 ||
                            !again || strcmp(out, again) != 0)
                                __builtin_trap();
                } else if (out)
                        __builtin_trap();
                free(out);
                free(again);
        }
        {
                static const char listener[] = HULL_SECCOMP_AGENT_SOCKET;
                char *out = NULL, *again = NULL;
                int r = oci_seccomp_listener(config, config_size, listener, &out);
                if (r == 1) {
                        /* The output names the listener and needs nothing more. */
                        if (!out || !strstr(out, listener) || oci_seccomp_listener(out, strlen(out), listener, &again) != 0 ||
                            again)
                                __builtin_trap();
                } else if (out)
                        __builtin_trap();
                free(out);
        }
        return 0;
}
