/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "hull/diag.h"

/* runc's state directory when the command line gives no --root (runc 1.1, as root). */
#define RUNC_STATE_ROOT_DEFAULT "/run/runc"

/* The bundle directory of container id in runc's state directory state_root: the "bundle="
 * label runc keeps in <state_root>/<id>/state.json (what `runc state` reports). Returns 0 with
 * *ret_bundle (caller frees); -ENOENT if runc has no such container; -EINVAL (with the problem
 * in d) for a state file that is malformed or has no bundle, or an id that could name another
 * directory; other negative errnos when it cannot be read. */
int runc_state_bundle(const char *state_root, const char *id, char **ret_bundle, Diag *d);

/* Which of the DROP_* capabilities container id, whose bundle directory is bundle, loses.
 * Reads bundle/config.json and, for a Docker container, the hostconfig.json in the container
 * directory that config.json's mounts name:
 *   - a Docker container (mounts from <containers>/<id'>/, see spec.h): DROP_ALL minus what
 *     <containers>/<id>/hostconfig.json asks for (hostconfig_drop_set());
 *   - a BuildKit executor bundle (.../buildkit/executor/<id>): 0 with CAP_SYS_ADMIN in the
 *     bounding set (RUN --security=insecure), DROP_ALL otherwise, and then *ret_step is true:
 *     a build step, confined further by runtime_prepare();
 *   - anything else (plain containerd, ctr, a bundle of one's own): 0.
 * A negative errno, with the problem in d as "<file>: <what is wrong>", when config.json cannot
 * be read or parsed, or a Docker container's hostconfig.json cannot be read (missing
 * included) or parsed, or the spec has Docker's cgroup for a Docker id but names no container
 * directory. */
int container_drop_set(const char *bundle, const char *id, Diag *d, uint32_t *ret_drop, bool *ret_step);

/* The OCI seccomp filter of a BuildKit build step: Hull's default profile resolved for a
 * step's capabilities at image build time (packages/hull-seccomp/Makefile). */
#define STEP_SECCOMP_PATH "/usr/share/hull/seccomp/build-step.oci.json"

/* The socket of Hull's seccomp notification agent, which answers a container's
 * SCMP_ACT_NOTIFY calls: systemd listens on it for the agent (units/hull-seccomp-agent.socket,
 * ListenStream=). runc connects to it when a spec's linux.seccomp.listenerPath names it. */
#define HULL_SECCOMP_AGENT_SOCKET "/run/hull-seccomp-agent.sock"

/* Edits the file a create/run (BUNDLE/config.json) or exec (--process FILE) call hands to
 * runc, removing the capabilities container_drop_set() gives; for exec the bundle is found
 * in runc's state (call->root, or RUNC_STATE_ROOT_DEFAULT). A build step also gets
 * no_new_privs and, for create/run, the seccomp filter in the file step_seccomp
 * (oci_confine_step()); a step whose filter cannot be read does not start. A Docker
 * container's config.json (create/run) whose seccomp profile has SCMP_ACT_NOTIFY actions and
 * no listenerPath gets HULL_SECCOMP_AGENT_SOCKET (oci_seccomp_listener()); exec needs none,
 * runc loads the filter from the container's saved config. Returns 1 if the
 * file was rewritten (atomically, mode kept), 0 if it was left alone, or a negative errno with
 * the problem added to d (may be NULL) as "<file>: <what is wrong>". */
int runtime_prepare(const RuncCall *call, const char *step_seccomp, Diag *d);
