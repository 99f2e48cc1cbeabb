/* SPDX-License-Identifier: MIT */
/* hull-test-agent: the two ends of ./build.sh test's channel into a booted image.
 *
 *   hull-test-agent serve PORT           in the guest: run each script received on PORT
 *   hull-test-agent call SOCKET [-t S]   on the host: send stdin as a script, print its
 *                                        output, exit with its status
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hull/fileio.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "proto.h"

static uint32_t arg_timeout = 600;

static uint64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* Reads exactly n bytes, or until the deadline (0: none). -ETIMEDOUT, -EPIPE at EOF. */
static int read_exact(int fd, void *buf, size_t n, uint64_t deadline) {
        char *p = buf;
        while (n > 0) {
                ssize_t k;
                if (deadline) {
                        struct pollfd pfd = { .fd = fd, .events = POLLIN };
                        uint64_t t = now_ms();
                        int r;
                        if (t >= deadline)
                                return -ETIMEDOUT;
                        r = poll(&pfd, 1, (int) (deadline - t));
                        if (r < 0 && errno != EINTR)
                                return negative_errno();
                        if (r <= 0)
                                continue;
                }
                k = read(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR || errno == EAGAIN)
                                continue;
                        return negative_errno();
                }
                if (k == 0)
                        return -EPIPE;
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

/* Reads one header line; bytes of an over-long line are dropped up to its newline. */
static int read_line(int fd, char *buf, size_t size, uint64_t deadline) {
        size_t n = 0;
        bool overflow = false;
        for (;;) {
                char c;
                int r = read_exact(fd, &c, 1, deadline);
                if (r < 0)
                        return r;
                if (c == '\n')
                        break;
                if (n + 1 < size)
                        buf[n++] = c;
                else
                        overflow = true;
        }
        buf[n] = 0;
        return overflow ? -EINVAL : 0;
}

static int send_frame(int fd, const char *type, uint64_t id, uint64_t value, const void *data, size_t n) {
        char hdr[PROTO_MAX_LINE];
        int k = snprintf(hdr, sizeof(hdr), "%s %llu %llu\n", type, (unsigned long long) id,
                         (unsigned long long) value);
        int r = loop_write(fd, hdr, (size_t) k);
        if (r < 0 || n == 0)
                return r;
        return loop_write(fd, data, n);
}

/* Runs one script with stdout and stderr streamed back as OUT frames. */
static int run_script(int port, const Frame *f, const char *script) {
        _cleanup_close_ int mfd = -1;
        int pipefd[2], status = 0, r;
        uint64_t deadline = f->timeout ? now_ms() + (uint64_t) f->timeout * 1000 : 0;
        bool timed_out = false;
        pid_t pid;

        mfd = memfd_create("hull-test-script", 0);
        if (mfd < 0)
                return negative_errno();
        r = loop_write(mfd, script, f->size);
        if (r < 0)
                return r;
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return negative_errno();

        pid = fork();
        if (pid < 0)
                return negative_errno();
        if (pid == 0) {
                char path[64];
                int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
                (void) setsid();
                if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(pipefd[1], 1) < 0 || dup2(pipefd[1], 2) < 0)
                        _exit(127);
                snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
                execl("/bin/sh", "sh", path, (char *) NULL);
                _exit(127);
        }
        close(pipefd[1]);

        for (;;) {
                char buf[PROTO_MAX_CHUNK];
                struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
                int timeout = -1;
                ssize_t k;

                if (deadline) {
                        uint64_t t = now_ms();
                        timeout = t >= deadline ? 0 : (int) (deadline - t);
                }
                r = poll(&pfd, 1, timeout);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r == 0) {
                        timed_out = true;
                        (void) kill(-pid, SIGKILL);
                        break;
                }
                k = read(pipefd[0], buf, sizeof(buf));
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        break;
                (void) send_frame(port, "OUT", f->id, (uint64_t) k, buf, (size_t) k);
        }
        close(pipefd[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (timed_out)
                status = 124;
        else if (WIFEXITED(status))
                status = WEXITSTATUS(status);
        else
                status = 128 + WTERMSIG(status);
        return send_frame(port, "RC", f->id, (uint64_t) status, NULL, 0);
}

static int serve(const char *path) {
        _cleanup_close_ int fd = -1;

        fd = open(path, O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open '%s': %m", path);
        log_info("Serving test requests on %s.", path);

        for (;;) {
                _cleanup_free_ char *script = NULL;
                char line[PROTO_MAX_LINE + 1];
                Frame f;
                int r;

                r = read_line(fd, line, sizeof(line), 0);
                if (r == -EPIPE) {
                        /* The host end is not connected: wait for it. */
                        usleep(200 * 1000);
                        continue;
                }
                if (r < 0 || frame_parse(line, &f) < 0 || f.type != FRAME_RUN) {
                        log_debug("Skipping a line that is not a request.");
                        continue;
                }
                script = malloc(f.size + 1);
                if (!script)
                        return log_oom();
                r = read_exact(fd, script, f.size, now_ms() + 30000);
                if (r < 0) {
                        log_warning_errno(r, "Request %llu truncated: %m", (unsigned long long) f.id);
                        continue;
                }
                script[f.size] = 0;
                r = run_script(fd, &f, script);
                if (r < 0)
                        log_warning_errno(r, "Request %llu: %m", (unsigned long long) f.id);
        }
}

static int call(const char *path) {
        _cleanup_free_ char *script = NULL;
        _cleanup_close_ int fd = -1;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        uint64_t id, deadline;
        size_t size = 0;
        int r;

        if (strlen(path) >= sizeof(sa.sun_path))
                return log_error_errno(-ENAMETOOLONG, "Socket path '%s' too long.", path);
        strcpy(sa.sun_path, path);
        r = read_full_fd(STDIN_FILENO, PROTO_MAX_SCRIPT, &script, &size);
        if (r < 0)
                return log_error_errno(r, "Failed to read the script from stdin: %m");

        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return log_error_errno(errno, "Failed to create a socket: %m");
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return log_error_errno(errno, "Failed to connect to '%s': %m", path);

        id = ((uint64_t) getpid() << 32) ^ now_ms();
        deadline = now_ms() + (uint64_t) arg_timeout * 1000 + 5000;
        {
                char hdr[PROTO_MAX_LINE];
                int k = snprintf(hdr, sizeof(hdr), "\nRUN %llu %u %zu\n", (unsigned long long) id,
                                 arg_timeout, size);
                r = loop_write(fd, hdr, (size_t) k);
                if (r >= 0)
                        r = loop_write(fd, script, size);
                if (r < 0)
                        return log_error_errno(r, "Failed to send the script: %m");
        }

        for (;;) {
                char line[PROTO_MAX_LINE + 1], buf[PROTO_MAX_CHUNK];
                Frame f;

                r = read_line(fd, line, sizeof(line), deadline);
                if (r == -ETIMEDOUT) {
                        log_error("No answer from the guest within %u s.", arg_timeout);
                        return 124;
                }
                if (r == -EPIPE)
                        return log_error_errno(r, "The guest closed the connection.");
                if (r < 0 || frame_parse(line, &f) < 0)
                        continue;
                if (f.type == FRAME_OUT) {
                        r = read_exact(fd, buf, f.size, deadline);
                        if (r < 0)
                                return log_error_errno(r, "Truncated output from the guest: %m");
                        if (f.id == id)
                                (void) loop_write(STDOUT_FILENO, buf, f.size);
                } else if (f.type == FRAME_RC && f.id == id)
                        return f.status;
        }
}

static void help(void) {
        printf("Usage:\n"
               "  %1$s serve PORT                 run scripts received on a virtio-serial PORT\n"
               "  %1$s call SOCKET [-t SECONDS]   send stdin to the agent behind SOCKET, print its\n"
               "                                   output and exit with its exit status\n"
               "\nOptions:\n"
               "  -t, --timeout=SECONDS  give up (and kill the script) after SECONDS (default 600)\n"
               "  -h, --help             show this help\n"
               "      --version          show the version\n",
               program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100 };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "timeout", required_argument, NULL, 't' },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "ht:", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        puts(HULL_VERSION);
                        return 0;
                case 't':
                        if (safe_atou32(optarg, &arg_timeout) < 0 || arg_timeout == 0 || arg_timeout > 86400) {
                                log_error("Invalid timeout: %s", optarg);
                                return -EINVAL;
                        }
                        break;
                default:
                        return -EINVAL;
                }
        if (argc - optind != 2 || (strcmp(argv[optind], "serve") != 0 && strcmp(argv[optind], "call") != 0)) {
                log_error("Expected 'serve PORT' or 'call SOCKET'; see --help.");
                return -EINVAL;
        }
        return 1;
}

int main(int argc, char *argv[]) {
        int r;

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        (void) signal(SIGPIPE, SIG_IGN);
        if (strcmp(argv[optind], "serve") == 0)
                return serve(argv[optind + 1]) < 0 ? 1 : 0;
        r = call(argv[optind + 1]);
        return r < 0 ? 125 : r;
}
