/* SPDX-License-Identifier: MIT */
/* hull-seccomp-agent: the listener of containers whose seccomp profile hands refused calls to
 * it (SCMP_ACT_NOTIFY). runc connects to the socket systemd holds for it
 * (units/hull-seccomp-agent.socket), sends the container's state and the filter's notify fd
 * (state.h); every call that fd reports is answered with EPERM, and written to the audit log
 * (refusal.h). See README.md. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libaudit.h>
#include <seccomp.h>
#include <systemd/sd-daemon.h>

#include "hull/diag.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "refusal.h"
#include "state.h"

/* With no container listening, the agent exits after this long; systemd keeps the socket and
 * starts it again for the next container. */
#define IDLE_EXIT_MSEC (5 * 60 * 1000)
#define LISTENERS_MAX 4096U
#define RECV_TIMEOUT_SEC 2
#define AUDIT_TEXT_MAX 2560U

typedef struct Listener {
        int fd;                 /* the filter's notify fd; -1 for the listening socket */
        char *id;               /* the container's id, for the journal */
        char *container_field;  /* "container=<id>", audit-encoded */
        uint32_t pid;
        RefusalLimit limit;
} Listener;

static int audit_fd = -1;
static size_t n_listeners;
static struct seccomp_notif *req;
static struct seccomp_notif_resp *resp;

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000U;
}

static void listener_free(int epfd, Listener *l) {
        (void) epoll_ctl(epfd, EPOLL_CTL_DEL, l->fd, NULL);
        close(l->fd);
        free(l->id);
        free(l->container_field);
        free(l);
        n_listeners--;
}

/* The notify fd of a seccomp filter, and not another file runc (or whoever) sent. */
static bool is_notify_fd(int fd) {
        char path[64], target[64];
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        n = readlink(path, target, sizeof(target) - 1);
        if (n < 0)
                return false;
        target[n] = 0;
        return strcmp(target, "anon_inode:seccomp notify") == 0;
}

static void close_all(int *fds, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
}

/* One connection: one message from runc, then a listener for its fd. A bad message is logged
 * and dropped with its descriptors; the container's notified calls then fail with ENOSYS (no
 * listener), refused all the same. */
static void accept_one(int epfd, int sock) {
        static char buf[STATE_SIZE_MAX + 1];
        union {
                struct cmsghdr h;
                char b[CMSG_SPACE(sizeof(int) * STATE_FDS_MAX)];
        } control;
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
        struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof(control) };
        struct timeval tv = { .tv_sec = RECV_TIMEOUT_SEC };
        _cleanup_diag_ Diag d = {};
        _cleanup_close_ int c = -1;
        ListenerState st = {};
        struct ucred cred;
        socklen_t len = sizeof(cred);
        int fds[STATE_FDS_MAX];
        size_t n_fds = 0;
        Listener *l;
        ssize_t n;
        int r;

        c = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
                if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
                        log_warning_errno(-errno, "accept on the agent's socket: %m");
                return;
        }
        if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
                log_warning_errno(-errno, "cannot read the peer of a connection: %m");
                return;
        }
        /* The socket is root's, 0600; runc runs as root. Anyone else came through a leak. */
        if (cred.uid != 0) {
                log_warning("connection from pid %d, uid %u refused: only root's runc hands over a listener", (int) cred.pid,
                            (unsigned) cred.uid);
                return;
        }
        (void) setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        n = recvmsg(c, &m, MSG_CMSG_CLOEXEC);
        for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
                if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
                        continue;
                size_t k = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (size_t i = 0; i < k; i++) {
                        int fd;

                        memcpy(&fd, CMSG_DATA(h) + i * sizeof(int), sizeof(int));
                        if (n_fds < STATE_FDS_MAX)
                                fds[n_fds++] = fd;
                        else
                                close(fd);
                }
        }
        if (n < 0) {
                log_warning_errno(-errno, "pid %d sent no message: %m", (int) cred.pid);
                goto fail;
        }
        if ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || (size_t) n > STATE_SIZE_MAX) {
                log_warning("pid %d: message refused: more than %u bytes or %u descriptors", (int) cred.pid, STATE_SIZE_MAX,
                            STATE_FDS_MAX);
                goto fail;
        }
        r = listener_state_parse(buf, (size_t) n, n_fds, &st, &d);
        if (r < 0) {
                char what[64];

                snprintf(what, sizeof(what), "message from pid %d", (int) cred.pid);
                if (r == -ENOMEM)
                        log_oom();
                else
                        diag_print(&d, what);
                goto fail;
        }
        if (!is_notify_fd(fds[st.seccomp_fd])) {
                log_warning("container %s: \"seccompFd\" is not a seccomp notify fd: refused", st.id);
                goto fail;
        }
        if (n_listeners >= LISTENERS_MAX) {
                log_warning("container %s: %u containers are listened to already: its refused calls go unrecorded",
                            st.id, LISTENERS_MAX);
                goto fail;
        }
        l = calloc(1, sizeof(*l));
        if (!l) {
                log_oom();
                goto fail;
        }
        l->fd = fds[st.seccomp_fd];
        l->pid = (uint32_t) st.pid;
        l->id = TAKE_PTR(st.id);
        l->container_field = audit_encode_nv_string("container", l->id, 0);
        if (!l->container_field) {
                free(l->id);
                free(l);
                log_oom();
                goto fail;
        }
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, l->fd, &(struct epoll_event) { .events = EPOLLIN, .data.ptr = l }) < 0) {
                log_warning_errno(-errno, "container %s: cannot watch its notify fd: %m", l->id);
                free(l->id);
                free(l->container_field);
                free(l);
                goto fail;
        }
        n_listeners++;
        fds[st.seccomp_fd] = -1;
        close_all(fds, n_fds);
        log_info("container %s (pid %u): listening", l->id, (unsigned) l->pid);
        return;
fail:
        listener_state_done(&st);
        close_all(fds, n_fds);
}

static void record(Listener *l, uint32_t arch, int32_t nr, uint32_t pid) {
        char text[AUDIT_TEXT_MAX];
        uint64_t suppressed = 0;
        int machine;

        if (!refusal_limit_take(&l->limit, now_usec(), &suppressed))
                return;
        machine = audit_elf_to_machine(arch);
        if (refusal_format(text, sizeof(text), l->container_field, pid, machine < 0 ? NULL : audit_machine_to_name(machine),
                           machine < 0 ? NULL : audit_syscall_to_name(nr, machine), nr, suppressed) < 0) {
                log_warning("container %s: the audit record does not fit in %u bytes", l->id, AUDIT_TEXT_MAX);
                return;
        }
        /* res=failed: the call did not happen. */
        if (audit_fd >= 0 && audit_log_user_message(audit_fd, AUDIT_TRUSTED_APP, text, NULL, NULL, NULL, 0) > 0)
                return;
        log_notice("%s", text);
}

/* Every pending notification of l: EPERM, and a record. */
static void answer(Listener *l) {
        int r;

        memset(req, 0, sizeof(*req));
        r = seccomp_notify_receive(l->fd, req);
        if (r < 0) {
                /* -ENOENT: the caller went away (killed) between the notification and now. */
                if (r != -ENOENT && r != -EINTR)
                        log_warning_errno(r, "container %s: cannot receive a notification: %m", l->id);
                return;
        }
        record(l, req->data.arch, req->data.nr, req->pid);
        *resp = (struct seccomp_notif_resp) { .id = req->id, .error = -EPERM };
        r = seccomp_notify_respond(l->fd, resp);
        if (r < 0 && r != -ENOENT)
                log_warning_errno(r, "container %s: cannot answer pid %u's call %d: %m", l->id, (unsigned) req->pid,
                                  req->data.nr);
}

static int help(void) {
        printf("%s\n\n"
               "Answers the seccomp notifications of containers whose profile refuses calls with\n"
               "SCMP_ACT_NOTIFY: EPERM to the caller, and a TRUSTED_APP record \"op=seccomp-refuse\"\n"
               "in the audit log. Started by hull-seccomp-agent.socket, which runc connects to.\n\n"
               "  -h --help     show this help\n"
               "     --version  show the version\n",
               program_invocation_short_name);
        return 0;
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        _cleanup_close_ int epfd = -1;
        Listener socket_source = { .fd = -1 };
        int c, n, sock, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        return help();
                case 'V':
                        puts(HULL_VERSION);
                        return 0;
                default:
                        return 2;
                }
        if (optind < argc) {
                log_error("unexpected argument '%s' (see --help)", argv[optind]);
                return 2;
        }

        n = sd_listen_fds(1);
        if (n < 0)
                return log_error_errno(n, "cannot read the sockets systemd passed: %m"), 1;
        if (n != 1) {
                log_error("expected one socket from systemd, got %d: start hull-seccomp-agent.socket instead", n);
                return 1;
        }
        sock = SD_LISTEN_FDS_START;
        if (sd_is_socket_unix(sock, SOCK_STREAM, 1, NULL, 0) <= 0) {
                log_error("the socket systemd passed is not a listening unix stream socket");
                return 1;
        }
        if (fcntl(sock, F_SETFL, fcntl(sock, F_GETFL) | O_NONBLOCK) < 0)
                return log_error_errno(-errno, "cannot make the socket non-blocking: %m"), 1;

        r = seccomp_notify_alloc(&req, &resp);
        if (r < 0)
                return log_error_errno(r, "seccomp notifications are not available: %m"), 1;
        audit_fd = audit_open();
        if (audit_fd < 0)
                log_warning_errno(-errno, "no audit (%m): refused calls are written to the journal instead");

        epfd = epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0 ||
            epoll_ctl(epfd, EPOLL_CTL_ADD, sock, &(struct epoll_event) { .events = EPOLLIN, .data.ptr = &socket_source }) < 0)
                return log_error_errno(-errno, "epoll: %m"), 1;

        for (;;) {
                struct epoll_event ev[16];

                n = epoll_wait(epfd, ev, ELEMENTSOF(ev), n_listeners == 0 ? IDLE_EXIT_MSEC : -1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return log_error_errno(-errno, "epoll_wait: %m"), 1;
                }
                if (n == 0 && n_listeners == 0)
                        break;
                for (int i = 0; i < n; i++) {
                        Listener *l = ev[i].data.ptr;

                        if (l == &socket_source) {
                                accept_one(epfd, sock);
                                continue;
                        }
                        if (ev[i].events & EPOLLIN)
                                answer(l);
                        /* Every task of the filter is gone (the container stopped). */
                        else if (ev[i].events & (EPOLLHUP | EPOLLERR)) {
                                log_info("container %s: stopped", l->id);
                                listener_free(epfd, l);
                        }
                }
        }
        log_info("no container to listen to for %d s: exiting", IDLE_EXIT_MSEC / 1000);
        seccomp_notify_free(req, resp);
        if (audit_fd >= 0)
                audit_close(audit_fd);
        return 0;
}
