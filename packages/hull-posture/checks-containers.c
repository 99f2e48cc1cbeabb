/* SPDX-License-Identifier: MIT */
/* Running containers: every process whose SELinux label is container_t, judged from /proc/PID.
 * spc_t processes are containers Docker runs without SELinux separation (--privileged,
 * label=disable, and --pid=host or --ipc=host, for which Docker turns labelling off): the
 * privileged check reports them as a whole, and the namespace and docker.sock checks look at
 * them too, so a --pid=host container is named by both. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <selinux/context.h>

#include "hull/parse.h"
#include "posture.h"

#define STATUS_MAX (64U * 1024U)
#define MOUNTINFO_MAX (4U * 1024U * 1024U)
#define PROC_MAX 1000000U

/* Looks at one container process: 0 if fine, 1 if it offends (added to bad), negative errno
 * (-ENOENT and -ESRCH: the process went away meanwhile). */
typedef int (*process_fn)(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad);

static void context_freep(context_t *c) {
        if (*c)
                context_free(*c);
}

int status_field(const char *text, const char *key, char **ret) {
        size_t n = strlen(key);

        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, key, n) == 0 && l[n] == ':') {
                        const char *v = l + n + 1;

                        v += strspn(v, " \t");
                        *ret = strndup(v, strcspn(v, "\n"));
                        return *ret ? 0 : -ENOMEM;
                }
        return -ENOENT;
}

int level_has_two_categories(const char *level) {
        const char *c = level ? strchr(level, ':') : NULL;
        unsigned a, b;
        int n = -1;

        /* "s0:cA,cB" with A != B, each below 1024, and nothing else (no range, no "cA.cB"). */
        if (!c || strchr(level, '-') || sscanf(c, ":c%u,c%u%n", &a, &b, &n) != 2 || n < 0 || c[n] != 0)
                return 0;
        return a != b && a < 1024 && b < 1024 && isdigit((unsigned char) c[2]);
}

/* The SELinux context of /proc/PID (NULL with 0 if it has none, or it went away). */
static int process_context(const CheckContext *ctx, const char *pid, context_t *ret) {
        _cleanup_free_ char *path = NULL, *label = NULL;
        size_t n;
        int r;

        if (asprintf(&path, "/proc/%s/attr/current", pid) < 0)
                return -ENOMEM;
        r = root_read(ctx, path, 4096, &label, &n);
        if (r == -ENOENT || r == -ESRCH || r == -EINVAL || r == -EFBIG) {
                *ret = NULL;
                return 0;
        }
        if (r < 0)
                return r;
        label[strcspn(label, "\n")] = 0;
        *ret = context_new(label);
        return 0;
}

/* Whether type is one of the space-separated types. */
static bool type_in(const char *type, const char *types) {
        size_t n = strlen(type);

        for (const char *t = types; *t; t += strcspn(t, " "), t += strspn(t, " "))
                if (strncmp(t, type, n) == 0 && (t[n] == ' ' || t[n] == 0))
                        return n > 0;
        return false;
}

/* Runs fn on every process in /proc labelled one of types (space-separated). Returns how many
 * there were, or an errno. */
static int scan(const CheckContext *ctx, const char *types, process_fn fn, Offenders *bad) {
        _cleanup_free_ char *path = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r = 0, n = 0;

        if (root_path(ctx, "/proc", &path) < 0)
                return -ENOMEM;
        d = opendir(path);
        if (!d)
                return negative_errno();
        while (r >= 0 && (de = readdir(d))) {
                _cleanup_(context_freep) context_t con = NULL;
                int k;

                if (!isdigit((unsigned char) de->d_name[0]) || strspn(de->d_name, "0123456789") != strlen(de->d_name))
                        continue;
                r = process_context(ctx, de->d_name, &con);
                if (r < 0 || !con || !type_in(context_type_get(con) ?: "", types))
                        continue;
                k = fn(ctx, de->d_name, con, bad);
                if (k == -ENOENT || k == -ESRCH)
                        continue;
                if (k < 0)
                        r = k;
                else if (n < INT_MAX)
                        n++;
        }
        return r < 0 ? r : n;
}

static int scan_say(const CheckContext *ctx, const char *types, process_fn fn, const char *good, char **ret) {
        _cleanup_offenders_ Offenders bad = {};
        int n = scan(ctx, types, fn, &bad);

        if (n < 0)
                return say(ret, n, "cannot look at the processes in /proc");
        if (n == 0)
                return say(ret, 1, "no container running");
        if (bad.count > 0)
                return say(ret, 0, "%s", offenders_text(&bad));
        return say(ret, 1, "%d container process%s, all %s", n, n == 1 ? "" : "es", good);
}

/* Reads "Key:" of /proc/PID/status into *ret. */
static int process_status(const CheckContext *ctx, const char *pid, const char *key, char **ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        int r;

        if (asprintf(&path, "/proc/%s/status", pid) < 0)
                return -ENOMEM;
        r = root_read(ctx, path, STATUS_MAX, &text, NULL);
        if (r < 0)
                return r;
        r = status_field(text, key, ret);
        if (r == -ENOENT)
                r = -ENOMSG; /* not "the process went away" */
        if (r >= 0)
                sanitize_line(*ret);
        return r;
}

static int want_status(const CheckContext *ctx, const char *pid, const char *key, const char *want, Offenders *bad) {
        _cleanup_free_ char *v = NULL;
        int r = process_status(ctx, pid, key, &v);

        if (r == -ENOMSG)
                return offenders_add(bad, "pid %s: no %s line", pid, key) ?: 1;
        if (r < 0)
                return r;
        if (strcmp(v, want) == 0)
                return 0;
        return offenders_add(bad, "pid %s: %s %.32s, want %s", pid, key, v, want) ?: 1;
}

static int proc_seccomp(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad) {
        return want_status(ctx, pid, "Seccomp", "2", bad);
}

int check_containers_seccomp(const CheckContext *ctx, char **ret) {
        return scan_say(ctx, "container_t", proc_seccomp, "with a seccomp filter (Seccomp: 2)", ret);
}

static int proc_no_new_privs(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad) {
        return want_status(ctx, pid, "NoNewPrivs", "1", bad);
}

int check_containers_no_new_privs(const CheckContext *ctx, char **ret) {
        return scan_say(ctx, "container_t", proc_no_new_privs, "with NoNewPrivs: 1", ret);
}

/* The names of the bits of mask outside Hull's default set, "CAP_NET_RAW,CAP_SYS_ADMIN". */
static int extra_caps(uint64_t mask, char **ret) {
        _cleanup_free_ char *s = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);

        if (!f)
                return -ENOMEM;
        for (unsigned bit = 0; bit < 64; bit++)
                if (mask & ~HULL_CONTAINER_CAPS & CAPABILITY_BIT(bit)) {
                        const char *name = capability_to_name(bit);

                        if (ftell(f) > 0)
                                fputc(',', f);
                        if (name)
                                fputs(name, f);
                        else
                                fprintf(f, "CAP_%u", bit); /* newer than the table */
                }
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(s);
        return 0;
}

static int proc_caps(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad) {
        static const char *const sets[] = { "CapEff", "CapBnd" };

        for (size_t i = 0; i < ELEMENTSOF(sets); i++) {
                _cleanup_free_ char *v = NULL, *hex = NULL, *names = NULL;
                uint64_t mask;
                int r = process_status(ctx, pid, sets[i], &v);

                if (r == -ENOMSG)
                        return offenders_add(bad, "pid %s: no %s line", pid, sets[i]) ?: 1;
                if (r < 0)
                        return r;
                if (strlen(v) != 16 || strspn(v, "0123456789abcdef") != 16 || asprintf(&hex, "0x%s", v) < 0 ||
                    sscanf(hex, "%" SCNx64, &mask) != 1)
                        return offenders_add(bad, "pid %s: %s '%.32s', not 16 hex digits", pid, sets[i], v) ?: 1;
                if ((mask & ~HULL_CONTAINER_CAPS) == 0)
                        continue;
                if (extra_caps(mask, &names) < 0)
                        return -ENOMEM;
                return offenders_add(bad, "pid %s: %s has %s", pid, sets[i], names) ?: 1;
        }
        return 0;
}

int check_containers_capabilities(const CheckContext *ctx, char **ret) {
        return scan_say(ctx, "container_t", proc_caps, "within Hull's 10 default capabilities", ret);
}

static int proc_categories(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad) {
        const char *level = context_range_get(con);

        if (level_has_two_categories(level))
                return 0;
        return offenders_add(bad, "pid %s: level '%.64s', want two categories (s0:cA,cB)", pid, level ?: "") ?: 1;
}

int check_containers_selinux(const CheckContext *ctx, char **ret) {
        return scan_say(ctx, "container_t", proc_categories, "with their own two MCS categories", ret);
}

static int proc_privileged(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad) {
        return offenders_add(bad, "pid %s runs as %s", pid, context_type_get(con)) ?: 1;
}

int check_containers_privileged(const CheckContext *ctx, char **ret) {
        _cleanup_offenders_ Offenders bad = {};
        int n = scan(ctx, "spc_t", proc_privileged, &bad);

        if (n < 0)
                return say(ret, n, "cannot look at the processes in /proc");
        if (n > 0)
                return say(ret, 0, "%s (a --privileged or label=disable container)", offenders_text(&bad));
        return say(ret, 1, "no process runs as spc_t");
}

/* readlink() of /proc/PID/ns/NAME below root: "net:[4026531840]". */
static int ns_read(const CheckContext *ctx, const char *pid, const char *name, char ret[static 128]) {
        _cleanup_free_ char *rel = NULL, *path = NULL;
        ssize_t n;

        if (asprintf(&rel, "/proc/%s/ns/%s", pid, name) < 0 || root_path(ctx, rel, &path) < 0)
                return -ENOMEM;
        n = readlink(path, ret, 127);
        if (n < 0)
                return negative_errno();
        ret[n] = 0;
        return 0;
}

/* Whether /proc/PID/ns/NAME is the namespace of /proc/1, the host's. */
static int proc_namespace(const CheckContext *ctx, const char *pid, const char *name, Offenders *bad) {
        char mine[128], host[128];
        int r;

        r = ns_read(ctx, pid, name, mine);
        if (r < 0)
                return r;
        r = ns_read(ctx, "1", name, host);
        if (r < 0)
                return r == -ENOENT ? -ENXIO : r; /* ENOENT would read as "the process went away" */
        if (strcmp(mine, host) != 0)
                return 0;
        sanitize_line(mine);
        return offenders_add(bad, "pid %s shares the host's %s namespace (%s)", pid, name, mine) ?: 1;
}

static int proc_ns_pid(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad) {
        return proc_namespace(ctx, pid, "pid", bad);
}

static int proc_ns_net(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad) {
        return proc_namespace(ctx, pid, "net", bad);
}

static int proc_ns_ipc(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad) {
        return proc_namespace(ctx, pid, "ipc", bad);
}

static int proc_ns_uts(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad) {
        return proc_namespace(ctx, pid, "uts", bad);
}

int check_containers_host_pid(const CheckContext *ctx, char **ret) {
        return scan_say(ctx, "container_t spc_t", proc_ns_pid, "in their own PID namespace", ret);
}

int check_containers_host_network(const CheckContext *ctx, char **ret) {
        return scan_say(ctx, "container_t spc_t", proc_ns_net, "in their own network namespace", ret);
}

int check_containers_host_ipc(const CheckContext *ctx, char **ret) {
        return scan_say(ctx, "container_t spc_t", proc_ns_ipc, "in their own IPC namespace", ret);
}

int check_containers_host_uts(const CheckContext *ctx, char **ret) {
        return scan_say(ctx, "container_t spc_t", proc_ns_uts, "in their own UTS namespace", ret);
}

static int proc_docker_sock(const CheckContext *ctx, const char *pid, context_t con, Offenders *bad) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        const char *hit;
        char *line;
        int r;

        if (asprintf(&path, "/proc/%s/mountinfo", pid) < 0)
                return -ENOMEM;
        r = root_read(ctx, path, MOUNTINFO_MAX, &text, NULL);
        if (r < 0)
                return r;
        hit = strstr(text, "docker.sock");
        if (!hit)
                return 0;
        for (line = text + (hit - text); line > text && line[-1] != '\n'; line--)
                ;
        line[strcspn(line, "\n")] = 0;
        sanitize_line(line);
        return offenders_add(bad, "pid %s mounts it: %.160s", pid, line) ?: 1;
}

int check_containers_docker_sock(const CheckContext *ctx, char **ret) {
        return scan_say(ctx, "container_t spc_t", proc_docker_sock, "without docker.sock in their mounts", ret);
}
