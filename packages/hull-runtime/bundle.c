/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle.h"
#include "caps.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "spec.h"

static int fail(Diag *d, int r, const char *path, const char *problem) {
        diag_error(d, path, "%s", problem);
        return r;
}

static const char *read_problem(int r) {
        return r == -EFBIG ? "is too large" : "cannot be read";
}

int runtime_prepare(const RuncCall *call, const char *docker_root, Diag *d) {
        _cleanup_free_ char *hostconfig_path = NULL, *config_path = NULL, *hostconfig = NULL,
                            *config = NULL, *edited = NULL;
        _cleanup_close_ int fd = -1;
        size_t hostconfig_size, config_size;
        OciTarget target;
        struct stat st;
        int r;

        switch (call->command) {
        case RUNC_CREATE:
        case RUNC_RUN:
                target = OCI_TARGET_BUNDLE;
                if (asprintf(&config_path, "%s/config.json", call->bundle) < 0)
                        return -ENOMEM;
                break;
        case RUNC_EXEC:
                if (!call->process)
                        return 0; /* the process comes from the (edited) config.json */
                target = OCI_TARGET_PROCESS;
                config_path = strdup(call->process);
                if (!config_path)
                        return -ENOMEM;
                break;
        default:
                return 0;
        }
        if (!call->id || !docker_id_valid(call->id))
                return 0;

        if (asprintf(&hostconfig_path, "%s/containers/%s/hostconfig.json", docker_root, call->id) < 0)
                return -ENOMEM;
        r = read_full_file(hostconfig_path, HOSTCONFIG_SIZE_MAX, &hostconfig, &hostconfig_size);
        if (r == -ENOENT || r == -ENOTDIR)
                return 0; /* not a Docker container */
        if (r < 0)
                return fail(d, r, hostconfig_path, read_problem(r));

        fd = open(config_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return fail(d, negative_errno(), config_path, "cannot be opened");
        if (fstat(fd, &st) < 0)
                return fail(d, negative_errno(), config_path, "cannot be read");
        if (!S_ISREG(st.st_mode))
                return fail(d, -EINVAL, config_path, "is not a regular file");
        r = read_full_fd(fd, OCI_CONFIG_SIZE_MAX, &config, &config_size);
        if (r < 0)
                return fail(d, r, config_path, read_problem(r));

        r = edit_config(config, config_size, hostconfig, hostconfig_size, target, &edited);
        if (r == -EPROTO)
                return fail(d, -EINVAL, hostconfig_path, "is not a valid Docker HostConfig (JSON object with boolean Privileged and string list CapAdd)");
        if (r == -EFBIG)
                return fail(d, r, config_path, "is too large");
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return fail(d, r, config_path, "is not a valid OCI configuration (JSON object with string lists as capability sets)");
        if (r == 0)
                return 0;

        r = write_file_atomic(config_path, edited, strlen(edited), st.st_mode & 07777);
        if (r < 0)
                return fail(d, r, config_path, "cannot be replaced");
        return 1;
}
