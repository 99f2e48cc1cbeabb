/* SPDX-License-Identifier: MIT */
/* hull-runtime, installed as runc: for `create` and `run` (and `exec --process`)
 * of a Docker container or a BuildKit build step it removes CAP_NET_RAW, CAP_MKNOD,
 * CAP_AUDIT_WRITE and CAP_SETPCAP from the capabilities the user did not ask for, gives a
 * Docker container's SCMP_ACT_NOTIFY rules the seccomp agent's socket as listenerPath, and
 * points dockerd's setkey prestart hook at itself, then executes runc with the same command
 * line. Everything else goes to runc untouched. Run under the hook's name (argv[0]
 * "libnetwork-setkey"), it is that hook. See README.md. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "args.h"
#include "bundle.h"
#include "hull/fileio.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "setkey.h"

/* Debian's runc, moved here by the image build (image/stages.sh, divert_runc): /usr/sbin/runc,
 * which every caller that runs "runc" from PATH finds, is hull-runtime. */
#define RUNC_PATH "/usr/libexec/hull/runc"

static void help(void) {
        printf("Usage: %s [RUNC-GLOBAL-OPTIONS] COMMAND [OPTIONS] [CONTAINER-ID]\n"
               "       %s --hull-help | --hull-version\n\n"
               "Run runc (%s) with this command line. For `create` and `run` (the bundle's\n"
               "config.json) and `exec --process FILE` of a Docker container or a BuildKit build\n"
               "step, first remove CAP_NET_RAW, CAP_MKNOD, CAP_AUDIT_WRITE and CAP_SETPCAP from all\n"
               "capability sets unless the container's hostconfig.json names them in CapAdd, holds\n"
               "\"ALL\" there, or is Privileged (a build step: unless it holds CAP_SYS_ADMIN).\n"
               "A Docker container whose seccomp profile has SCMP_ACT_NOTIFY actions and no\n"
               "listenerPath gets %s, and dockerd's libnetwork-setkey prestart\n"
               "hook is pointed at this program, which does that hook's work when run as\n"
               "%s -exec-root=DIR CONTAINER-ID CONTROLLER-ID.\n"
               "-h, --help and --version are runc's.\n\n"
               "     --hull-help        show this help\n"
               "     --hull-version     show hull-runtime's version\n",
               program_invocation_short_name, program_invocation_short_name, RUNC_PATH, HULL_SECCOMP_AGENT_SOCKET,
               SETKEY_HOOK_NAME);
}

static int parse_argv(int argc, char *argv[], RuncCall *ret_call) {
        const char *bad = NULL;
        int r;

        if (argc == 2 && strcmp(argv[1], "--hull-help") == 0) {
                help();
                return 0;
        }
        if (argc == 2 && strcmp(argv[1], "--hull-version") == 0) {
                printf("hull-runtime %s\n", HULL_VERSION);
                return 0;
        }
        r = runc_call_parse(argc, argv, ret_call, &bad);
        if (r < 0) {
                if (bad)
                        return log_error_errno(r, "Refusing to run: cannot parse the runc command line at '%s'.", bad);
                return log_error_errno(r, "Refusing to run: the runc command line names no single container id.");
        }
        return 1;
}

/* containerd's shim reports the last "error" line of runc's --log file: put ours there too,
 * in runc's format, so `docker run` shows why. Best effort. */
static void log_to_runc_log(const RuncCall *call, const char *message) {
        _cleanup_close_ int fd = -1;
        _cleanup_free_ char *line = NULL;
        char when[64];
        struct timespec ts;
        struct tm tm;
        int n;

        if (!call->log)
                return;
        fd = open(call->log, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (fd < 0)
                return;
        (void) clock_gettime(CLOCK_REALTIME, &ts);
        if (!gmtime_r(&ts.tv_sec, &tm) || strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                when[0] = 0;
        if (call->log_format && strcmp(call->log_format, "json") == 0) {
                json_object *o = json_object_new_object();
                if (!o)
                        return;
                if (json_object_object_add(o, "level", json_object_new_string("error")) < 0 ||
                    json_object_object_add(o, "msg", json_object_new_string(message)) < 0 ||
                    json_object_object_add(o, "time", json_object_new_string(when)) < 0) {
                        json_object_put(o);
                        return;
                }
                n = asprintf(&line, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
                json_object_put(o);
        } else
                n = asprintf(&line, "time=\"%s\" level=error msg=\"%s\"\n", when, message);
        if (n > 0)
                (void) loop_write(fd, line, (size_t) n);
}

static int run(char *argv[], const RuncCall *call) {
        _cleanup_diag_ Diag d = {};
        int r;

        r = runtime_prepare(call, STEP_SECCOMP_PATH, &d);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0) {
                _cleanup_free_ char *message = NULL;
                errno = -r;
                if (asprintf(&message, "hull-runtime: container %s: %s (%m); not started.", call->id ?: "?",
                             d.n > 0 ? d.msgs[0] : "the configuration is wrong") >= 0) {
                        log_error("%s", message + STRLEN("hull-runtime: "));
                        log_to_runc_log(call, message);
                }
                return r;
        }
        if (r > 0)
                log_debug("Confined the configuration of %s.", call->id);

        argv[0] = (char *) RUNC_PATH;
        execv(RUNC_PATH, argv);
        r = negative_errno();
        log_error_errno(r, "Failed to execute runc '%s': %m", RUNC_PATH);
        return r;
}

/* Run as dockerd's setkey prestart hook (setkey.h): hand the container's network namespace
 * to dockerd. runc shows what goes to stderr when the hook fails. */
static int setkey_main(int argc, char *argv[]) {
        _cleanup_free_ char *state = NULL, *request = NULL, *answer = NULL;
        _cleanup_close_ int fd = -1;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        SetkeyArgs a;
        size_t size;
        pid_t pid;
        int r;

        r = setkey_parse_args(argc, argv, &a);
        if (r < 0)
                return log_error_errno(r, "Refusing to run: expected %s -exec-root=DIR CONTAINER-ID CONTROLLER-ID, as dockerd writes its hook.",
                                       SETKEY_HOOK_NAME);
        r = read_full_fd(STDIN_FILENO, SETKEY_STATE_SIZE_MAX, &state, &size);
        if (r < 0)
                return log_error_errno(r, "container %s: cannot read runc's state from standard input: %m", a.container_id);
        r = setkey_state_pid(state, size, &pid);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "container %s: runc's state on standard input is not a JSON object with a pid: %m",
                                       a.container_id);
        r = setkey_socket_path(&a, sa.sun_path, sizeof(sa.sun_path));
        if (r < 0)
                return log_error_errno(r, "container %s: the socket path below '%s' is too long for a unix socket.",
                                       a.container_id, a.exec_root);
        r = setkey_request(a.container_id, pid, &request);
        if (r < 0)
                return log_oom();
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return log_error_errno(negative_errno(), "Failed to create a unix socket: %m");
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return log_error_errno(negative_errno(), "container %s: cannot connect to dockerd's '%s': %m", a.container_id,
                                       sa.sun_path);
        r = setkey_exchange(fd, request, &answer);
        if (r == -EPROTO)
                return log_error_errno(r, "container %s: dockerd did not take the network namespace of pid %d: %s", a.container_id,
                                       (int) pid, answer);
        if (r < 0)
                return log_error_errno(r, "container %s: no answer from dockerd on '%s': %m", a.container_id, sa.sun_path);
        return 0;
}

int main(int argc, char *argv[]) {
        RuncCall call;
        int r;

        if (argc > 0 && strcmp(argv[0], SETKEY_HOOK_NAME) == 0)
                return setkey_main(argc, argv) < 0 ? 1 : 0;

        r = parse_argv(argc, argv, &call);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        r = run(argv, &call);
        return r < 0 ? 1 : 0;
}
