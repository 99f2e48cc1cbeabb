/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Whose container a bundle is, as far as its config.json and its path tell. Nothing here reads
 * files: the caller hands over the text and the paths. */

/* True if s is exactly n lowercase hex digits. */
bool hex_digits(const char *s, size_t n);

/* True for a Docker container id: 64 lowercase hex digits. */
bool docker_id_valid(const char *id);

/* Absolute, and every component non-empty, neither "." nor "..": the path names what it
 * shows, without a lexical detour. */
bool path_plain(const char *path);

/* What a container's OCI configuration says about where it came from. */
typedef struct SpecFacts {
        /* Docker's <data-root>/containers directory, whatever the data-root (a moved one, or
         * <data-root>/<uid>.<gid> with userns-remap): dockerd bind-mounts /etc/hostname,
         * /etc/hosts and /etc/resolv.conf from <data-root>/containers/<id>/ (<id> is another
         * container's with --network container:<id>). NULL if no such mount. */
        char *containers_dir;
        /* linux.cgroupsPath is the one dockerd gives container id: "<parent>:docker:<id>"
         * (systemd driver) or "<parent>/docker/<id>" (cgroupfs). */
        bool docker_cgroup;
        /* CAP_SYS_ADMIN is in process.capabilities.bounding: a privileged container (BuildKit's
         * RUN --security=insecure, or --privileged), which could regain anything removed. */
        bool sys_admin;
} SpecFacts;

void spec_facts_done(SpecFacts *f);

/* Reads the facts from a bundle's config.json for container id. Returns 0 with *ret filled
 * (release with spec_facts_done()); -EINVAL for malformed JSON, a non-object, or mounts,
 * cgroupsPath or capabilities of the wrong type; -ENOTUNIQ if mounts name two different
 * containers directories; -EFBIG above OCI_CONFIG_SIZE_MAX; -ENOMEM. */
int spec_facts(const char *text, size_t size, const char *id, SpecFacts *ret);

/* The containers directory a mount of destination at source shows, or NULL: destination is
 * /etc/hostname, /etc/hosts or /etc/resolv.conf and source is
 * "<dir>/containers/<64 hex digits>/<the destination's name>", absolute, with no empty, "."
 * or ".." component. Returns the length of "<dir>/containers" in source, 0 for no match. */
size_t docker_mount_containers_dir(const char *destination, const char *source);

/* True if bundle is a BuildKit executor bundle of container id: ".../buildkit/executor/<id>"
 * (dockerd's builder runs runc on <data-root>/buildkit/executor/<id>). */
bool buildkit_bundle(const char *bundle, const char *id);
