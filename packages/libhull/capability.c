/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "hull/capability.h"
#include "hull/macro.h"

#define NAME(c) [c] = #c
static const char *const capability_names[] = {
        NAME(CAP_CHOWN), NAME(CAP_DAC_OVERRIDE), NAME(CAP_DAC_READ_SEARCH), NAME(CAP_FOWNER),
        NAME(CAP_FSETID), NAME(CAP_KILL), NAME(CAP_SETGID), NAME(CAP_SETUID), NAME(CAP_SETPCAP),
        NAME(CAP_LINUX_IMMUTABLE), NAME(CAP_NET_BIND_SERVICE), NAME(CAP_NET_BROADCAST),
        NAME(CAP_NET_ADMIN), NAME(CAP_NET_RAW), NAME(CAP_IPC_LOCK), NAME(CAP_IPC_OWNER),
        NAME(CAP_SYS_MODULE), NAME(CAP_SYS_RAWIO), NAME(CAP_SYS_CHROOT), NAME(CAP_SYS_PTRACE),
        NAME(CAP_SYS_PACCT), NAME(CAP_SYS_ADMIN), NAME(CAP_SYS_BOOT), NAME(CAP_SYS_NICE),
        NAME(CAP_SYS_RESOURCE), NAME(CAP_SYS_TIME), NAME(CAP_SYS_TTY_CONFIG), NAME(CAP_MKNOD),
        NAME(CAP_LEASE), NAME(CAP_AUDIT_WRITE), NAME(CAP_AUDIT_CONTROL), NAME(CAP_SETFCAP),
        NAME(CAP_MAC_OVERRIDE), NAME(CAP_MAC_ADMIN), NAME(CAP_SYSLOG), NAME(CAP_WAKE_ALARM),
        NAME(CAP_BLOCK_SUSPEND), NAME(CAP_AUDIT_READ), NAME(CAP_PERFMON), NAME(CAP_BPF),
        NAME(CAP_CHECKPOINT_RESTORE),
};
#undef NAME

/* Every number has its name: no gap a designated initializer could leave. */
_Static_assert(ELEMENTSOF(capability_names) == CAP_CHECKPOINT_RESTORE + 1, "capability table");
_Static_assert(ELEMENTSOF(capability_names) <= 64, "capability sets are 64 bits");

int capability_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(capability_names); i++)
                if (strcmp(name, capability_names[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

const char *capability_to_name(unsigned cap) {
        return cap < ELEMENTSOF(capability_names) ? capability_names[cap] : NULL;
}

unsigned capability_count(void) {
        return ELEMENTSOF(capability_names);
}

int capability_name_normalize(const char *name, char ret[static CAPABILITY_NAME_MAX]) {
        size_t n = strlen(name);
        char buf[CAPABILITY_NAME_MAX];

        if (n == 0 || n >= CAPABILITY_NAME_MAX - STRLEN("CAP_"))
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                char c = name[i];
                if (c >= 'a' && c <= 'z')
                        c = (char) (c - 'a' + 'A');
                else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
                        return -EINVAL;
                buf[i] = c;
        }
        buf[n] = 0;
        if (strcmp(buf, "ALL") == 0 || strncmp(buf, "CAP_", 4) == 0) {
                memcpy(ret, buf, n + 1);
                return 0;
        }
        memcpy(ret, "CAP_", 4);
        memcpy(ret + 4, buf, n + 1);
        return 0;
}
