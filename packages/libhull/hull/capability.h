/* SPDX-License-Identifier: MIT */
#pragma once

/* Linux capabilities by name and number: one table for every service. Numbers are the
 * kernel's (CAP_* of <linux/capability.h>); names are as Docker and OCI configs spell them. */

#include <linux/capability.h>
#include <stdint.h>

/* "CAP_SYS_ADMIN" → 21; exact, upper case, prefixed. -EINVAL for a name not in the table. */
int capability_from_name(const char *name);
/* 21 → "CAP_SYS_ADMIN"; NULL past the table. */
const char *capability_to_name(unsigned cap);
/* The capabilities the table knows: 0 .. capability_count() - 1. */
unsigned capability_count(void);

/* Normalizes a capability name as Docker does: upper case, "CAP_" prefixed ("net_raw" →
 * "CAP_NET_RAW"); "ALL" (any case) stays "ALL". The result need not be a known capability.
 * -EINVAL for an empty, overlong or non [A-Za-z0-9_] name. ret holds CAPABILITY_NAME_MAX bytes. */
#define CAPABILITY_NAME_MAX 64
int capability_name_normalize(const char *name, char ret[static CAPABILITY_NAME_MAX]);

/* Sets of capabilities, bit N for capability N. */
#define CAPABILITY_BIT(c) (UINT64_C(1) << (c))
/* What Docker grants a container by default (moby's oci/caps/defaults.go). */
#define CAPSET_DOCKER_DEFAULT                                                                      \
        (CAPABILITY_BIT(CAP_CHOWN) | CAPABILITY_BIT(CAP_DAC_OVERRIDE) | CAPABILITY_BIT(CAP_FSETID) |   \
         CAPABILITY_BIT(CAP_FOWNER) | CAPABILITY_BIT(CAP_MKNOD) | CAPABILITY_BIT(CAP_NET_RAW) |        \
         CAPABILITY_BIT(CAP_SETGID) | CAPABILITY_BIT(CAP_SETUID) | CAPABILITY_BIT(CAP_SETFCAP) |       \
         CAPABILITY_BIT(CAP_SETPCAP) | CAPABILITY_BIT(CAP_NET_BIND_SERVICE) |                          \
         CAPABILITY_BIT(CAP_SYS_CHROOT) | CAPABILITY_BIT(CAP_KILL) | CAPABILITY_BIT(CAP_AUDIT_WRITE))
/* The four of them Hull removes unless a container asks for them (hull-runtime), and which
 * Hull's seccomp profile is checked without (hull-seccomp). */
#define CAPSET_HULL_DROPPED                                                                        \
        (CAPABILITY_BIT(CAP_NET_RAW) | CAPABILITY_BIT(CAP_MKNOD) | CAPABILITY_BIT(CAP_AUDIT_WRITE) |   \
         CAPABILITY_BIT(CAP_SETPCAP))
