/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "bundle.h"
#include "caps.h"
#include "hull/fileio.h"
#include "hull/json.h"
#include "hull/macro.h"
#include "setkey.h"
#include "spec.h"

static int fail(Diag *d, int r, const char *path, const char *problem) {
        diag_error(d, path, "%s", problem);
        return r;
}

static const char *read_problem(int r) {
        return r == -EFBIG ? "is too large" : r == -ENOENT ? "does not exist" : "cannot be read";
}

/* Opens name below dirfd (AT_FDCWD: a path) for reading: never through a symlink at the last
 * component, a regular file only. Returns the fd or a negative errno (-EINVAL: not a regular
 * file). */
static int open_regular(int dirfd, const char *name) {
        _cleanup_close_ int fd = -1;
        struct stat st;

        fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (fd < 0)
                return errno == ELOOP ? -EINVAL : negative_errno();
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return -EINVAL;
        return TAKE_FD(fd);
}

static int read_regular(int dirfd, const char *name, size_t max, char **ret, size_t *ret_size, mode_t *ret_mode) {
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        fd = open_regular(dirfd, name);
        if (fd < 0)
                return fd;
        r = read_full_fd(fd, max, ret, ret_size);
        if (r < 0)
                return r;
        if (ret_mode) {
                if (fstat(fd, &st) < 0)
                        return negative_errno();
                *ret_mode = st.st_mode & 07777;
        }
        return 0;
}

static int fail_read(Diag *d, int r, const char *path) {
        if (r == -EINVAL)
                return fail(d, r, path, "is not a regular file");
        return fail(d, r, path, read_problem(r));
}

/* runc's own rule for ids (a single path component), so <root>/<id> stays below root. */
static bool runc_id_valid(const char *id) {
        if (id[0] == 0 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return false;
        for (const char *p = id; *p; p++)
                if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                      *p == '_' || *p == '+' || *p == '-' || *p == '.'))
                        return false;
        return true;
}

int runc_state_bundle(const char *state_root, const char *id, char **ret_bundle, Diag *d) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        _cleanup_json_ json_object *root = NULL;
        json_object *config, *labels;
        size_t size, n;
        int r;

        if (!runc_id_valid(id))
                return fail(d, -EINVAL, id, "is not a container id runc accepts");
        if (asprintf(&path, "%s/%s/state.json", state_root, id) < 0)
                return -ENOMEM;
        r = read_regular(AT_FDCWD, path, OCI_CONFIG_SIZE_MAX, &text, &size, NULL);
        if (r == -ENOENT || r == -ENOTDIR)
                return -ENOENT;
        if (r < 0)
                return fail_read(d, r, path);
        r = parse_json_object(text, size, OCI_CONFIG_SIZE_MAX, &root);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return fail(d, -EINVAL, path, "is not valid JSON");
        if (!json_object_object_get_ex(root, "config", &config) || !json_object_is_type(config, json_type_object) ||
            !json_object_object_get_ex(config, "labels", &labels) || !json_object_is_type(labels, json_type_array))
                return fail(d, -EINVAL, path, "has no config.labels list");
        n = json_object_array_length(labels);
        for (size_t i = 0; i < n; i++) {
                json_object *l = json_object_array_get_idx(labels, i);
                const char *s;

                if (!json_object_is_type(l, json_type_string))
                        continue;
                s = json_object_get_string(l);
                if (strncmp(s, "bundle=", 7) != 0 || s[7] != '/')
                        continue;
                *ret_bundle = strdup(s + 7);
                return *ret_bundle ? 0 : -ENOMEM;
        }
        return fail(d, -EINVAL, path, "has no \"bundle=/...\" label");
}

/* hostconfig.json of Docker container id below the containers directory dir: the directory
 * <id> and the file are opened without following a symlink there. */
static int docker_drop_set(const char *dir, const char *id, Diag *d, uint32_t *ret_drop) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        _cleanup_close_ int dfd = -1;
        size_t size;
        int r;

        if (asprintf(&path, "%s/%s/hostconfig.json", dir, id) < 0)
                return -ENOMEM;
        {
                _cleanup_free_ char *cdir = strndup(path, strlen(path) - STRLEN("/hostconfig.json"));
                if (!cdir)
                        return -ENOMEM;
                dfd = open(cdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                if (dfd < 0)
                        return fail_read(d, errno == ELOOP || errno == ENOTDIR ? -EINVAL : negative_errno(), path);
        }
        r = read_regular(dfd, "hostconfig.json", HOSTCONFIG_SIZE_MAX, &text, &size, NULL);
        if (r < 0)
                return fail_read(d, r, path);
        r = hostconfig_drop_set(text, size, ret_drop);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return fail(d, -EINVAL, path, "is not a valid Docker HostConfig (JSON object with boolean Privileged and string list CapAdd)");
        return 0;
}

static int read_config(const char *bundle, char **ret_path, char **ret_text, size_t *ret_size, mode_t *ret_mode,
                       Diag *d) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (asprintf(&path, "%s/config.json", bundle) < 0)
                return -ENOMEM;
        r = read_regular(AT_FDCWD, path, OCI_CONFIG_SIZE_MAX, ret_text, ret_size, ret_mode);
        if (r < 0)
                return fail_read(d, r, path);
        if (ret_path)
                *ret_path = TAKE_PTR(path);
        return 0;
}

/* container_drop_set() on config.json's text; *ret_docker tells whether the bundle is a Docker
 * container's (its mounts name Docker's containers directory, id is a Docker id). */
static int drop_set_of(const char *bundle, const char *config_path, const char *text, size_t size, const char *id,
                       Diag *d, uint32_t *ret_drop, bool *ret_step, bool *ret_docker) {
        _cleanup_(spec_facts_done) SpecFacts f = {};
        int r;

        r = spec_facts(text, size, id, &f);
        if (r == -ENOMEM)
                return r;
        if (r == -EFBIG)
                return fail(d, r, config_path, "is too large");
        if (r == -ENOTUNIQ)
                return fail(d, -EINVAL, config_path, "mounts files from two different Docker containers directories");
        if (r < 0)
                return fail(d, r, config_path, "is not a valid OCI configuration (JSON object with a mounts list, string cgroupsPath, string lists as capability sets)");

        *ret_step = false;
        *ret_docker = f.containers_dir && docker_id_valid(id);
        if (*ret_docker)
                return docker_drop_set(f.containers_dir, id, d, ret_drop);
        if (buildkit_bundle(bundle, id)) {
                /* RUN --security=insecure (CAP_SYS_ADMIN, an entitlement the daemon grants
                 * explicitly) is left as BuildKit made it, like --privileged. */
                *ret_drop = f.sys_admin ? 0 : DROP_ALL;
                *ret_step = !f.sys_admin;
                return 0;
        }
        if (f.docker_cgroup && docker_id_valid(id))
                return fail(d, -ENOENT, config_path,
                            "has Docker's cgroup for this container, but no /etc/hostname, /etc/hosts or /etc/resolv.conf mount from a Docker container directory");
        *ret_drop = 0;
        return 0;
}

int container_drop_set(const char *bundle, const char *id, Diag *d, uint32_t *ret_drop, bool *ret_step) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        size_t size;
        bool docker;
        int r;

        r = read_config(bundle, &path, &text, &size, NULL, d);
        if (r < 0)
                return r;
        return drop_set_of(bundle, path, text, size, id, d, ret_drop, ret_step, &docker);
}

/* A build step's confinement on top of the capabilities: text is the document as it stands
 * (edited or not), replaced by the confined one. */
static int confine_step(const char *step_seccomp, const char *config_path, OciTarget kind, char **text, Diag *d) {
        _cleanup_free_ char *filter = NULL, *confined = NULL;
        size_t filter_size;
        int r;

        r = read_regular(AT_FDCWD, step_seccomp, OCI_CONFIG_SIZE_MAX, &filter, &filter_size, NULL);
        if (r < 0)
                return fail_read(d, r, step_seccomp);
        r = oci_confine_step(*text, strlen(*text), kind, filter, filter_size, &confined);
        if (r == -ENOMEM)
                return r;
        if (r == -EPROTO)
                return fail(d, -EINVAL, step_seccomp, "is not a JSON object (an OCI linux.seccomp filter)");
        if (r == -EFBIG)
                return fail(d, r, config_path, "is too large");
        if (r < 0)
                return fail(d, r, config_path, "is not a valid OCI configuration (\"process\" and \"linux\" objects)");
        free(*text);
        *text = TAKE_PTR(confined);
        return 0;
}

/* An edit of a Docker container's config.json that may leave it as it is: oci_seccomp_listener()
 * (the listener for SCMP_ACT_NOTIFY) or oci_setkey_hook() (dockerd's setkey hook, run by
 * hull-runtime instead of a second dockerd). text (size bytes) is the config.json as it
 * stands, *edited (NULL while nothing was edited) is replaced by the edited document when the
 * edit changed something, and kept as it is otherwise; malformed is what a -EINVAL says is
 * wrong. */
typedef int (*OciEdit)(const char *text, size_t size, const char *arg, char **ret_text);

static int apply_edit(OciEdit edit, const char *arg, const char *malformed, const char *config_path, const char *text,
                      size_t size, char **edited, Diag *d) {
        _cleanup_free_ char *with = NULL;
        int r;

        r = edit(text, size, arg, &with);
        if (r == -ENOMEM)
                return r;
        if (r == -EFBIG)
                return fail(d, r, config_path, "is too large");
        if (r < 0)
                return fail(d, r, config_path, malformed);
        if (r > 0) {
                free(*edited);
                *edited = TAKE_PTR(with);
        }
        return 0;
}

int runtime_prepare(const RuncCall *call, const char *step_seccomp, Diag *d) {
        _cleanup_free_ char *bundle = NULL, *config_path = NULL, *config = NULL, *target = NULL, *edited = NULL;
        size_t config_size, target_size;
        OciTarget kind;
        uint32_t drop;
        bool step, docker = false;
        mode_t mode;
        int r;

        switch (call->command) {
        case RUNC_CREATE:
        case RUNC_RUN:
                if (!call->id || !call->bundle)
                        return 0;
                r = read_config(call->bundle, &config_path, &config, &config_size, &mode, d);
                if (r < 0)
                        return r;
                r = drop_set_of(call->bundle, config_path, config, config_size, call->id, d, &drop, &step, &docker);
                if (r < 0)
                        return r;
                kind = OCI_TARGET_BUNDLE;
                target = TAKE_PTR(config);
                target_size = config_size;
                break;
        case RUNC_EXEC:
                if (!call->process || !call->id)
                        return 0; /* the process comes from the (edited) config.json */
                r = runc_state_bundle(call->root ?: RUNC_STATE_ROOT_DEFAULT, call->id, &bundle, d);
                if (r == -ENOENT)
                        return 0; /* runc has no such container: its exec fails by itself */
                if (r < 0)
                        return r;
                /* docker stays false: a process.json has no seccomp filter; runc loads the
                 * container's, its listenerPath included, from the config it saved at create. */
                r = container_drop_set(bundle, call->id, d, &drop, &step);
                if (r < 0)
                        return r;
                kind = OCI_TARGET_PROCESS;
                config_path = strdup(call->process);
                if (!config_path)
                        return -ENOMEM;
                r = read_regular(AT_FDCWD, config_path, OCI_CONFIG_SIZE_MAX, &target, &target_size, &mode);
                if (r < 0)
                        return fail_read(d, r, config_path);
                break;
        default:
                return 0;
        }
        if (drop == 0 && !step && !docker)
                return 0;

        if (drop != 0) {
                r = oci_drop_caps(target, target_size, kind, drop, &edited);
                if (r == -EFBIG)
                        return fail(d, r, config_path, "is too large");
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return fail(d, r, config_path,
                                    "is not a valid OCI configuration (JSON object with string lists as capability sets)");
        }
        if (step) {
                if (!edited) {
                        edited = TAKE_PTR(target);
                }
                r = confine_step(step_seccomp, config_path, kind, &edited, d);
                if (r < 0)
                        return r;
        }
        if (docker) {
                r = apply_edit(oci_seccomp_listener, HULL_SECCOMP_AGENT_SOCKET,
                               "is not a valid OCI configuration (linux.seccomp an object, its syscalls a list of objects, actions and listenerPath strings)",
                               config_path, edited ?: target, edited ? strlen(edited) : target_size, &edited, d);
                if (r < 0)
                        return r;
                r = apply_edit(oci_setkey_hook, call->id,
                               "is not a valid OCI configuration (hooks an object, prestart a list of objects with a string path and string args)",
                               config_path, edited ?: target, edited ? strlen(edited) : target_size, &edited, d);
                if (r < 0)
                        return r;
        }
        if (!edited)
                return 0;

        r = write_file_atomic(config_path, edited, strlen(edited), mode);
        if (r < 0)
                return fail(d, r, config_path, "cannot be replaced");
        return 1;
}
