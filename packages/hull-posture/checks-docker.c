/* SPDX-License-Identifier: MIT */
/* Docker's daemon configuration (/etc/docker/daemon.json) and its socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon-json.h"
#include "hull/parse.h"
#include "posture.h"

#define DAEMON_JSON "/etc/docker/daemon.json"
#define DOCKER_SOCK "/run/docker.sock"
#define GROUP_MAX (4U * 1024U * 1024U)

/* Loads daemon.json: 1 with *c filled (all unset if there is no file: Docker's defaults), or a
 * check's return with *ret already said: 0 for a file dockerd would refuse, an errno. */
static int load(const CheckContext *ctx, DaemonConfig *c, char **ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_diag_ Diag d = { .max = 1 };
        size_t n;
        int r;

        r = root_read(ctx, DAEMON_JSON, DAEMON_JSON_MAX, &text, &n);
        if (r == -ENOENT)
                return 1;
        if (r == -EFBIG)
                return say(ret, 0, DAEMON_JSON ": larger than %u bytes", DAEMON_JSON_MAX);
        if (r < 0)
                return say(ret, r, "cannot read " DAEMON_JSON);
        r = daemon_config_parse(text, n, &d, c);
        if (r == -ENOMEM)
                return say(ret, r, "out of memory");
        if (r < 0)
                return say(ret, 0, DAEMON_JSON ": %s", d.n > 0 ? d.msgs[0] : "malformed");
        return 1;
}

static int check_bool(const CheckContext *ctx, const char *key, size_t offset, bool want, bool docker_default,
                      char **ret) {
        _cleanup_(daemon_config_done) DaemonConfig c = DAEMON_CONFIG_INIT;
        int r = load(ctx, &c, ret), v;

        if (r <= 0)
                return r;
        v = *(const int *) ((const char *) &c + offset);
        if (v < 0)
                return say(ret, docker_default == want, "%s not set (Docker's default: %s)%s%s", key,
                           docker_default ? "true" : "false", docker_default == want ? "" : ", want ",
                           docker_default == want ? "" : want ? "true" : "false");
        if ((v == 1) == want)
                return say(ret, 1, "%s=%s", key, want ? "true" : "false");
        return say(ret, 0, "%s=%s, want %s", key, v ? "true" : "false", want ? "true" : "false");
}

int check_docker_no_new_privileges(const CheckContext *ctx, char **ret) {
        return check_bool(ctx, "no-new-privileges", offsetof(DaemonConfig, no_new_privileges), true, false, ret);
}

int check_docker_icc(const CheckContext *ctx, char **ret) {
        return check_bool(ctx, "icc", offsetof(DaemonConfig, icc), false, true, ret);
}

int check_docker_userland_proxy(const CheckContext *ctx, char **ret) {
        return check_bool(ctx, "userland-proxy", offsetof(DaemonConfig, userland_proxy), false, true, ret);
}

int check_docker_live_restore(const CheckContext *ctx, char **ret) {
        return check_bool(ctx, "live-restore", offsetof(DaemonConfig, live_restore), true, false, ret);
}

int check_docker_seccomp(const CheckContext *ctx, char **ret) {
        _cleanup_(daemon_config_done) DaemonConfig c = DAEMON_CONFIG_INIT;
        _cleanup_free_ char *path = NULL;
        struct stat st;
        int r = load(ctx, &c, ret);

        if (r <= 0)
                return r;
        if (!c.seccomp_profile)
                return say(ret, 0, "seccomp-profile not set (Docker's built-in profile, not Hull's)");
        sanitize_line(c.seccomp_profile);
        if (!*c.seccomp_profile || strcmp(c.seccomp_profile, "unconfined") == 0)
                return say(ret, 0, "seccomp-profile='%s': seccomp off", c.seccomp_profile);
        if (c.seccomp_profile[0] != '/')
                return say(ret, 0, "seccomp-profile=%s, want an absolute path", c.seccomp_profile);
        r = root_path(ctx, c.seccomp_profile, &path);
        if (r < 0)
                return say(ret, r, "out of memory");
        if (stat(path, &st) < 0)
                return say(ret, errno == ENOENT ? 0 : negative_errno(), "seccomp-profile=%s, which %s",
                           c.seccomp_profile, errno == ENOENT ? "does not exist" : "cannot be looked at");
        if (!S_ISREG(st.st_mode))
                return say(ret, 0, "seccomp-profile=%s is not a regular file", c.seccomp_profile);
        return say(ret, 1, "seccomp-profile=%s", c.seccomp_profile);
}

int check_docker_insecure_registries(const CheckContext *ctx, char **ret) {
        _cleanup_(daemon_config_done) DaemonConfig c = DAEMON_CONFIG_INIT;
        int r = load(ctx, &c, ret);

        if (r <= 0)
                return r;
        if (c.n_insecure_registries == 0)
                return say(ret, 1, "no insecure-registries");
        sanitize_line(c.insecure_registry);
        return say(ret, 0, "insecure-registries has %zu entr%s: %s%s", c.n_insecure_registries,
                   c.n_insecure_registries == 1 ? "y" : "ies", c.insecure_registry,
                   c.n_insecure_registries > 1 ? ", ..." : "");
}

int check_docker_tcp_socket(const CheckContext *ctx, char **ret) {
        _cleanup_(daemon_config_done) DaemonConfig c = DAEMON_CONFIG_INIT;
        int r = load(ctx, &c, ret);

        if (r <= 0)
                return r;
        if (!c.tcp_host)
                return say(ret, 1, "no TCP entry in hosts");
        sanitize_line(c.tcp_host);
        return say(ret, 0, "hosts has '%s': the Docker API on TCP", c.tcp_host);
}

/* The gid of group name in /etc/group below root. -ENOENT if there is none. */
static int group_gid(const CheckContext *ctx, const char *name, gid_t *ret) {
        _cleanup_free_ char *text = NULL;
        size_t n = strlen(name);
        int r;

        r = root_read(ctx, "/etc/group", GROUP_MAX, &text, NULL);
        if (r < 0)
                return r;
        for (char *line = text; line && *line;) {
                char *next = strchr(line, '\n'), *gid, *end;
                uint32_t v;

                if (next)
                        *next++ = 0;
                /* name:password:GID:members */
                if (strncmp(line, name, n) == 0 && line[n] == ':' && (gid = strchr(line + n + 1, ':'))) {
                        gid++;
                        end = strchr(gid, ':');
                        if (end)
                                *end = 0;
                        if (safe_atou32(gid, &v) < 0)
                                return -EBADMSG;
                        *ret = (gid_t) v;
                        return 0;
                }
                line = next;
        }
        return -ENOENT;
}

int check_docker_socket(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *path = NULL;
        struct stat st;
        gid_t docker;
        int r;

        r = root_path(ctx, DOCKER_SOCK, &path);
        if (r < 0)
                return say(ret, r, "out of memory");
        if (lstat(path, &st) < 0)
                return say(ret, errno == ENOENT ? 0 : negative_errno(), "%s " DOCKER_SOCK,
                           errno == ENOENT ? "no" : "cannot stat");
        r = group_gid(ctx, "docker", &docker);
        if (r < 0)
                return say(ret, r == -ENOENT ? 0 : r, r == -ENOENT ? "no group docker in /etc/group" :
                           "cannot read the group docker from /etc/group");
        if (!S_ISSOCK(st.st_mode))
                return say(ret, 0, DOCKER_SOCK " is not a socket (mode %06o)", (unsigned) st.st_mode);
        if (st.st_uid != 0 || st.st_gid != docker || (st.st_mode & 07777 & ~0660) != 0)
                return say(ret, 0, DOCKER_SOCK " is %04o %u:%u, want 0660 (or less) 0:%u (root:docker)",
                           (unsigned) (st.st_mode & 07777), (unsigned) st.st_uid, (unsigned) st.st_gid,
                           (unsigned) docker);
        return say(ret, 1, DOCKER_SOCK " is a socket, %04o root:docker", (unsigned) (st.st_mode & 07777));
}
