/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Largest config.json / process.json and hostconfig.json hull-runtime reads. Docker writes a
 * few KiB; the limits only stop a runaway file from being loaded whole. */
#define OCI_CONFIG_SIZE_MAX (8U * 1024U * 1024U)
#define HOSTCONFIG_SIZE_MAX (1U * 1024U * 1024U)

typedef struct json_object json_object;

/* Parses one JSON document of at most max bytes: an object, nothing but white space after it,
 * no NUL byte, UTF-8, nested at most 64 deep. -EINVAL, -EFBIG or -ENOMEM. */
int parse_json_object(const char *text, size_t size, size_t max, json_object **ret);

/* The edited document root as compact JSON, into *ret_text (caller frees): 1, or -ENOMEM. */
int edited_text(json_object *root, char **ret_text);

/* The capabilities Docker grants by default that Hull removes unless the container's
 * HostConfig asks for them (CapAdd names them or "ALL", or Privileged is true). One bit each. */
enum {
        DROP_NET_RAW = 1U << 0,
        DROP_MKNOD = 1U << 1,
        DROP_AUDIT_WRITE = 1U << 2,
        DROP_SETPCAP = 1U << 3,
        DROP_ALL = DROP_NET_RAW | DROP_MKNOD | DROP_AUDIT_WRITE | DROP_SETPCAP,
};

/* "CAP_NET_RAW" for DROP_NET_RAW, NULL for anything that is not exactly one bit. */
const char *drop_cap_name(uint32_t bit);

/* Which JSON document is edited: a bundle's config.json keeps the capabilities under
 * "process", the process.json of `runc exec --process` at its top level. */
typedef enum OciTarget {
        OCI_TARGET_BUNDLE,
        OCI_TARGET_PROCESS,
} OciTarget;

/* Parses a Docker hostconfig.json and returns the set of DROP_* capabilities to remove from
 * this container: DROP_ALL minus those named in "CapAdd"; 0 if CapAdd holds "ALL" or
 * "Privileged" is true. -EINVAL for malformed JSON, a non-object, or "CapAdd"/"Privileged"
 * of the wrong type; -EFBIG above HOSTCONFIG_SIZE_MAX; -ENOMEM. */
int hostconfig_drop_set(const char *text, size_t size, uint32_t *ret_drop);

/* Removes the capabilities in drop from all five sets (bounding, effective, inheritable,
 * permitted, ambient) of an OCI config. Returns 0 if nothing had to change (*ret_text is set
 * to NULL), 1 with the new document in *ret_text (caller frees) otherwise. Every other member
 * is kept. A document without process capabilities is unchanged. -EINVAL for malformed JSON,
 * a non-object root, or capability sets of the wrong type; -EFBIG above OCI_CONFIG_SIZE_MAX;
 * -ENOMEM. */
int oci_drop_caps(const char *text, size_t size, OciTarget target, uint32_t drop, char **ret_text);

/* What a BuildKit build step gets that BuildKit (moby 20.10) does not give it: no_new_privs,
 * and for a bundle's config.json the seccomp filter seccomp (an OCI linux.seccomp object,
 * Hull's default profile resolved for a step's capabilities) in place of containerd's default.
 * Returns 1 with the new document in *ret_text (caller frees). -EINVAL for a malformed config
 * (or "process"/"linux" not objects), -EPROTO for a malformed seccomp document, -EFBIG,
 * -ENOMEM. */
int oci_confine_step(const char *text, size_t size, OciTarget target, const char *seccomp, size_t seccomp_size,
                     char **ret_text);

/* The pure edit: config text + hostconfig text → new config text. 0 unchanged (*ret_text
 * NULL), 1 changed. Errors as above; a malformed hostconfig is -EPROTO, so the caller can
 * tell which input was wrong (the config's errors are -EINVAL/-EFBIG). */
int edit_config(const char *config, size_t config_size, const char *hostconfig, size_t hostconfig_size,
                OciTarget target, char **ret_text);

/* runc's name of the seccomp action that hands a call to a supervisor process (an OCI
 * linux.seccomp action string, compared exactly, as runc does). */
#define SECCOMP_ACTION_NOTIFY "SCMP_ACT_NOTIFY"

/* Gives a bundle's config.json the seccomp listener path runc needs for SCMP_ACT_NOTIFY:
 * sets linux.seccomp.listenerPath to listener when linux.seccomp.defaultAction or the action
 * of a linux.seccomp.syscalls entry is SCMP_ACT_NOTIFY and listenerPath is absent, null or "".
 * A listenerPath already set is kept. Returns 0 if nothing had to change (*ret_text is set to
 * NULL; the caller keeps its bytes), 1 with the new document in *ret_text (caller frees)
 * otherwise; every other member is kept. null members count as absent (as runc's decoder
 * reads them). -EINVAL for malformed JSON, a non-object root, or, wherever they are present,
 * "linux" or "seccomp" not objects, "syscalls" not a list of objects, an action, defaultAction
 * or listenerPath not a string: the types runc cannot decode either; -EFBIG above
 * OCI_CONFIG_SIZE_MAX; -ENOMEM. */
int oci_seccomp_listener(const char *text, size_t size, const char *listener, char **ret_text);
