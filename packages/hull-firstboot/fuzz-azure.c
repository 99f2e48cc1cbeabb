/* SPDX-License-Identifier: MIT */
/* Azure's XML: ovf-env.xml from the provisioning media and the wireserver's goal state. The first
 * byte picks the parser (even: ovf-env.xml, odd: goal state); the rest is its input. What a
 * parse accepts must hold up: keys pass the SSH key check, the ids make a health report. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "azure.h"
#include "fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *in = (const char *) data + 1;
        size_t n = size - 1;
        char *error = NULL;

        if (size < 1)
                return 0;
        if (data[0] % 2 == 0) {
                OvfEnv e;
                if (ovf_env_parse(in, n, &e, &error) == 0) {
                        if (error || (e.custom_data_size > 0 && !e.custom_data) || (e.custom_data && e.custom_data[e.custom_data_size] != 0))
                                __builtin_trap();
                        for (size_t i = 0; i < e.n_ssh_keys; i++)
                                if (ssh_key_check(e.ssh_keys[i], strlen(e.ssh_keys[i])) != 0)
                                        __builtin_trap();
                        if (e.n_ssh_keys > 0 && e.ssh_keys[e.n_ssh_keys])
                                __builtin_trap();
                        ovf_env_clear(&e);
                } else if (!error)
                        __builtin_trap();
        } else {
                GoalState g;
                char *body = NULL;
                if (goal_state_parse(in, n, &g, &error) == 0) {
                        if (error || !g.incarnation || !g.container_id || !g.instance_id)
                                __builtin_trap();
                        if (azure_health_report(&g, &body) == 0 && (strchr(g.container_id, '<') || !strstr(body, g.instance_id)))
                                __builtin_trap();
                        free(body);
                        goal_state_clear(&g);
                } else if (!error)
                        __builtin_trap();
        }
        free(error);
        return 0;
}
