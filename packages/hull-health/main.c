/* SPDX-License-Identifier: MIT */
/* hull-health: the checks that decide whether a newly installed slot is good. It runs on
 * boots that systemd-boot counts (units/hull-health.service); see README.md for the contract. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <selinux/selinux.h>
#include <systemd/sd-bus.h>

#include "exec.h"
#include "health.h"
#include "hull/log.h"
#include "hull/macro.h"

#define EROFS_SUPER_MAGIC_V1 0xE0F5E1E2
#define BUS_TIMEOUT_USEC (10 * USEC_PER_SEC)
#define AUDITCTL_TIMEOUT_USEC (10 * USEC_PER_SEC)
#define DOCKER_TIMEOUT_USEC (90 * USEC_PER_SEC)
#define DROPIN_TIMEOUT_USEC (120 * USEC_PER_SEC)
#define OUTPUT_MAX 4096U

static const char *const dropin_dirs[] = { "/etc/hull/health.d", "/usr/lib/hull/health.d" };
static bool arg_json = false;
static bool arg_list = false;

/* A check returns 1 (passed) or 0 (failed), with *ret_msg saying what it found, or a negative
 * errno if it could not look (*ret_msg then says what it tried). */
typedef int (*check_fn)(char **ret_msg);

_printf_(3, 4) static int say(char **ret_msg, int result, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(ret_msg, fmt, ap) < 0)
                *ret_msg = NULL;
        va_end(ap);
        return result;
}

static int check_selinux(char **ret_msg) {
        int r = security_getenforce();

        if (r < 0)
                return say(ret_msg, -errno ?: -ENOENT, "cannot read the SELinux mode (no selinuxfs?)");
        return r == 1 ? say(ret_msg, 1, "enforcing") : say(ret_msg, 0, "permissive, not enforcing");
}

static int check_usr_verity(char **ret_msg) {
        _cleanup_free_ char *name = NULL, *uuid = NULL;
        struct statfs sfs;
        struct statvfs svfs;
        struct stat st;
        int r;

        if (stat("/usr", &st) < 0 || statfs("/usr", &sfs) < 0 || statvfs("/usr", &svfs) < 0)
                return say(ret_msg, negative_errno(), "cannot stat /usr");
        r = dm_read_identity("/sys", st.st_dev, &name, &uuid);
        if (r == -ENOENT || r == -ENOTBLK)
                return say(ret_msg, 0, "/usr is not on a device-mapper device (st_dev %u:%u)", major(st.st_dev), minor(st.st_dev));
        if (r < 0)
                return say(ret_msg, r, "cannot read the dm name and uuid of /usr's device");
        r = dm_verity_usr_check(name, uuid);
        if (r == -EXDEV)
                return say(ret_msg, 0, "/usr is on dm device '%s', not 'usr'", name);
        if (r < 0)
                return say(ret_msg, 0, "/usr's dm device has uuid '%s', not a verity one", uuid);
        if ((uint32_t) sfs.f_type != EROFS_SUPER_MAGIC_V1)
                return say(ret_msg, 0, "/usr is file system 0x%08x, not erofs", (unsigned) sfs.f_type);
        if (!(svfs.f_flag & ST_RDONLY))
                return say(ret_msg, 0, "/usr is mounted read-write");
        return say(ret_msg, 1, "erofs on dm-verity device 'usr', read-only");
}

static int open_bus(sd_bus **ret) {
        int r = sd_bus_open_system(ret);

        if (r >= 0)
                (void) sd_bus_set_method_call_timeout(*ret, BUS_TIMEOUT_USEC);
        return r;
}

static int check_audit(char **ret_msg) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *path = NULL, *state = NULL, *out = NULL;
        char *argv[] = { (char *) "/usr/sbin/auditctl", (char *) "-s", NULL };
        uint32_t enabled;
        int r, status;

        r = open_bus(&bus);
        if (r < 0)
                return say(ret_msg, r, "cannot connect to the system bus");
        r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", "auditd.service", &path);
        if (r < 0)
                return say(ret_msg, r, "out of memory");
        r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", path, "org.freedesktop.systemd1.Unit",
                                       "ActiveState", NULL, &state);
        if (r < 0)
                return say(ret_msg, r, "cannot get the state of auditd.service");
        if (strcmp(state, "active") != 0)
                return say(ret_msg, 0, "auditd.service is %s, not active", state);

        r = exec_capture(argv, AUDITCTL_TIMEOUT_USEC, OUTPUT_MAX, &out, &status);
        if (r == -ETIME)
                return say(ret_msg, r, "auditctl -s did not finish in %llu s", AUDITCTL_TIMEOUT_USEC / USEC_PER_SEC);
        if (r < 0)
                return say(ret_msg, r, "cannot run auditctl -s");
        if (status != 0)
                return say(ret_msg, -EIO, "auditctl -s exited with status %d", status);
        r = audit_status_enabled(out, &enabled);
        if (r < 0)
                return say(ret_msg, r, "no 'enabled N' line in the output of auditctl -s");
        if (enabled != 2)
                return say(ret_msg, 0, "kernel audit is 'enabled %u', not 2 (rules locked)", enabled);
        return say(ret_msg, 1, "auditd active, audit enabled, rules locked");
}

static int check_failed_units(char **ret_msg) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *names = NULL;
        size_t len = 0, n = 0;
        FILE *f;
        const char *id;
        int r;

        r = open_bus(&bus);
        if (r < 0)
                return say(ret_msg, r, "cannot connect to the system bus");
        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                               "org.freedesktop.systemd1.Manager", "ListUnitsFiltered", &error, &reply,
                               "as", 1, "failed");
        if (r < 0)
                return say(ret_msg, r, "ListUnitsFiltered failed: %s", error.message ?: "no reply");
        r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
        if (r < 0)
                return say(ret_msg, r, "bad reply to ListUnitsFiltered");
        f = open_memstream(&names, &len);
        if (!f)
                return say(ret_msg, -ENOMEM, "out of memory");
        while ((r = sd_bus_message_read(reply, "(ssssssouso)", &id, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                        NULL, NULL)) > 0) {
                if (strcmp(id, "hull-health.service") == 0)
                        continue;
                if (n++ < 8)
                        fprintf(f, "%s%s", n > 1 ? " " : "", id);
        }
        fclose(f);
        if (r < 0)
                return say(ret_msg, r, "bad reply to ListUnitsFiltered");
        if (n > 0)
                return say(ret_msg, 0, "%zu failed unit%s: %s%s", n, n == 1 ? "" : "s", names, n > 8 ? " ..." : "");
        return say(ret_msg, 1, "no failed units");
}

static int check_docker(char **ret_msg) {
        static const char req[] = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n";
        static const struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/run/docker.sock" };
        uint64_t deadline = now_usec() + DOCKER_TIMEOUT_USEC;
        _cleanup_free_ char *buf = malloc(DOCKER_REPLY_MAX);
        _cleanup_close_ int fd = -1;
        size_t n = 0;
        unsigned status = 0;
        int r;

        if (!buf)
                return say(ret_msg, -ENOMEM, "out of memory");
        /* docker.socket holds the socket (the unit is ordered after it); the first connection
         * starts dockerd, which answers once it is up. A refused connection (dockerd restarting
         * behind the socket) is retried. */
        for (;;) {
                fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (fd < 0)
                        return say(ret_msg, negative_errno(), "cannot create a socket");
                if (connect(fd, (const struct sockaddr *) &sa, sizeof(sa)) >= 0)
                        break;
                r = negative_errno();
                closep(&fd);
                fd = -1;
                if (r != -ECONNREFUSED || now_usec() + USEC_PER_SEC > deadline)
                        return say(ret_msg, r, "cannot connect to %s", sa.sun_path);
                (void) usleep(USEC_PER_SEC / 2);
        }
        if (send(fd, req, STRLEN(req), MSG_NOSIGNAL) != (ssize_t) STRLEN(req))
                return say(ret_msg, -EIO, "cannot send the request to %s", sa.sun_path);
        /* HTTP/1.0: the reply ends where dockerd closes the connection. */
        for (;;) {
                struct pollfd pfd = { .fd = fd, .events = POLLIN };
                uint64_t now = now_usec();
                ssize_t k;

                if (now >= deadline)
                        return say(ret_msg, -ETIME, "no reply from dockerd in %llu s", DOCKER_TIMEOUT_USEC / USEC_PER_SEC);
                r = poll(&pfd, 1, (int) ((deadline - now + 999) / 1000));
                if (r <= 0)
                        continue;
                k = read(fd, buf + n, DOCKER_REPLY_MAX - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return say(ret_msg, negative_errno(), "cannot read the reply from dockerd");
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n == DOCKER_REPLY_MAX)
                        return say(ret_msg, -EFBIG, "reply from dockerd larger than %u bytes", DOCKER_REPLY_MAX);
        }
        r = ping_reply_check(buf, n, &status);
        if (r == -EPROTO)
                return say(ret_msg, 0, "dockerd answered /_ping with HTTP status %u", status);
        if (r == -ENODATA)
                return say(ret_msg, 0, "dockerd answered /_ping without the body OK");
        if (r < 0)
                return say(ret_msg, r, "the reply to /_ping is not HTTP");
        return say(ret_msg, 1, "dockerd answers /_ping");
}

static const struct {
        const char *name;
        check_fn fn;
} checks[] = {
        { "selinux", check_selinux },
        { "usr-verity", check_usr_verity },
        { "audit", check_audit },
        { "failed-units", check_failed_units },
        { "docker", check_docker },
};

static int check_dropin(const char *path, char **ret_msg) {
        _cleanup_free_ char *out = NULL, *line = NULL;
        char *argv[] = { (char *) path, NULL };
        int r, status;

        r = exec_capture(argv, DROPIN_TIMEOUT_USEC, OUTPUT_MAX, &out, &status);
        if (r == -ETIME)
                return say(ret_msg, r, "did not finish in %llu s", DROPIN_TIMEOUT_USEC / USEC_PER_SEC);
        if (r < 0)
                return say(ret_msg, r, "cannot run %s", path);
        if (first_line(out, 200, &line) < 0)
                return say(ret_msg, -ENOMEM, "out of memory");
        if (status != 0)
                return say(ret_msg, 0, "exit status %d%s%s", status, *line ? ": " : "", line);
        return say(ret_msg, 1, "%s", *line ? line : "passed");
}

static bool report(const char *name, int r, const char *msg, bool first) {
        _cleanup_free_ char *text = NULL;

        if (r < 0 && asprintf(&text, "%s: %s", msg ?: "cannot run", strerror(-r)) < 0)
                text = NULL;
        if (!text && !msg)
                msg = "out of memory";
        if (arg_json) {
                printf("%s{\"name\":", first ? "" : ",");
                json_write_string(stdout, name);
                printf(",\"ok\":%s,\"message\":", r > 0 ? "true" : "false");
                json_write_string(stdout, text ?: msg);
                printf("}");
        } else
                printf("%-4s %s: %s\n", r > 0 ? "ok" : "FAIL", name, text ?: msg);
        fflush(stdout);
        return r > 0;
}

static void help(void) {
        printf("Usage: %s [OPTIONS]\n\n"
               "Check that this boot of Hull is healthy: SELinux enforcing, /usr on dm-verity, audit\n"
               "locked, no failed units, dockerd answering, and the drop-in checks in\n"
               "/etc/hull/health.d/ and /usr/lib/hull/health.d/.\n\n"
               "  -h --help      show this help\n"
               "     --version   show the version\n"
               "     --list      list the checks, run none\n"
               "     --json      print the results as one JSON object\n\n"
               "Exit status: 0 all checks passed, 1 a check failed, 2 usage error.\n",
               program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_LIST, ARG_JSON };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "list", no_argument, NULL, ARG_LIST },
                { "json", no_argument, NULL, ARG_JSON },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("hull-health %s\n", HULL_VERSION);
                        return 0;
                case ARG_LIST:
                        arg_list = true;
                        break;
                case ARG_JSON:
                        arg_json = true;
                        break;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "Unexpected argument '%s'; see --help.", argv[optind]);
        return 1;
}

static int run(void) {
        _cleanup_strv_free_ char **dropins = NULL;
        bool ok = true, first = true;
        int r;

        r = dropins_collect(dropin_dirs, ELEMENTSOF(dropin_dirs), &dropins);
        if (arg_list) {
                if (r < 0)
                        return log_error_errno(r, "Failed to list the drop-in checks: %m");
                for (size_t i = 0; i < ELEMENTSOF(checks); i++)
                        printf("%s\n", checks[i].name);
                for (char **p = dropins; *p; p++)
                        printf("%s\n", *p);
                return 0;
        }

        if (arg_json)
                printf("{\"checks\":[");
        for (size_t i = 0; i < ELEMENTSOF(checks); i++) {
                _cleanup_free_ char *msg = NULL;
                int k = checks[i].fn(&msg);

                ok = report(checks[i].name, k, msg, first) && ok;
                first = false;
        }
        if (r < 0) /* a drop-in directory we cannot read is a failed check */
                ok = report("health.d", r, "cannot list the drop-in checks", false) && ok;
        for (char **p = dropins; p && *p; p++) {
                _cleanup_free_ char *msg = NULL;
                int k = check_dropin(*p, &msg);

                ok = report(*p, k, msg, false) && ok;
        }
        if (arg_json)
                printf("],\"ok\":%s}\n", ok ? "true" : "false");
        return ok ? 0 : 1;
}

int main(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        return run() == 0 ? 0 : 1;
}
