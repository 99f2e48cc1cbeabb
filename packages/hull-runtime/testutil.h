/* SPDX-License-Identifier: MIT */
#pragma once

/* Fixtures shared by hull-runtime's tests: a bundle config.json as dockerd 20.10 writes it
 * (Docker's 14 default capabilities) and hostconfig.json documents. */
#include <stdbool.h>
#include <string.h>

#include <json-c/json.h>

#define DOCKER_CAPS                                                                                   \
        "[\"CAP_CHOWN\",\"CAP_DAC_OVERRIDE\",\"CAP_FSETID\",\"CAP_FOWNER\",\"CAP_MKNOD\","          \
        "\"CAP_NET_RAW\",\"CAP_SETGID\",\"CAP_SETUID\",\"CAP_SETFCAP\",\"CAP_SETPCAP\","            \
        "\"CAP_NET_BIND_SERVICE\",\"CAP_SYS_CHROOT\",\"CAP_KILL\",\"CAP_AUDIT_WRITE\"]"

#define CONFIG_DEFAULT                                                                                \
        "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"user\":{\"uid\":0,\"gid\":0},"                \
        "\"args\":[\"sh\"],\"env\":[\"PATH=/usr/bin:/bin\"],\"cwd\":\"/\","                          \
        "\"capabilities\":{\"bounding\":" DOCKER_CAPS ",\"effective\":" DOCKER_CAPS                   \
        ",\"permitted\":" DOCKER_CAPS ",\"inheritable\":" DOCKER_CAPS ",\"ambient\":[\"CAP_NET_RAW\"]}," \
        "\"oomScoreAdj\":0,\"selinuxLabel\":\"system_u:system_r:container_t:s0:c1,c2\"},"          \
        "\"root\":{\"path\":\"/var/lib/docker/overlay2/x/merged\"},\"hostname\":\"abc\","            \
        "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\","              \
        "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]}],"                                            \
        "\"linux\":{\"resources\":{\"memory\":{\"limit\":9223372036854775807,\"swap\":18446744073709551615},"     \
        "\"cpu\":{\"shares\":1024,\"quota\":-1}},\"maskedPaths\":[\"/proc/kcore\"],"                 \
        "\"sysctl\":{\"net.ipv4.ping_group_range\":\"0 2147483647\"},\"note\":\"a/b \\u00e9 \\\"q\\\"\"}}"

#define HOSTCONFIG(capadd, privileged)                                                                \
        "{\"Binds\":null,\"NetworkMode\":\"default\",\"CapAdd\":" capadd ",\"CapDrop\":null,"       \
        "\"Privileged\":" privileged ",\"SecurityOpt\":null}"

static inline json_object *test_caps_set(json_object *root, bool process, const char *set) {
        json_object *p = root, *caps, *s;
        if (process && !json_object_object_get_ex(root, "process", &p))
                return NULL;
        if (!json_object_object_get_ex(p, "capabilities", &caps) || !json_object_object_get_ex(caps, set, &s))
                return NULL;
        return s;
}

static inline bool test_set_has(json_object *set, const char *name) {
        for (size_t i = 0; set && i < json_object_array_length(set); i++)
                if (strcmp(json_object_get_string(json_object_array_get_idx(set, i)), name) == 0)
                        return true;
        return false;
}
