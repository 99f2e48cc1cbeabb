/* SPDX-License-Identifier: MIT */
#pragma once

/* The unit tests' HTTP server: a forked process on a free port of 127.0.0.1 that forks again
 * for each connection and hands it to serve(fd). It dies with the test (PR_SET_PDEATHSIG). */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* The value of request header name in headers (the request's lines after the first, each
 * starting with CRLF), copied into out; NULL if absent. */
static inline const char *test_http_header(const char *headers, const char *name, char *out, size_t n) {
        size_t l = strlen(name);
        for (const char *p = headers; p && p[2] != '\r'; p = strstr(p + 2, "\r\n")) {
                const char *h = p + 2, *e = strstr(h, "\r\n");
                if (!e || strncasecmp(h, name, l) != 0 || h[l] != ':')
                        continue;
                h += l + 1;
                while (*h == ' ')
                        h++;
                snprintf(out, n, "%.*s", (int) (e - h), h);
                return out;
        }
        return NULL;
}

static inline pid_t test_http_server_start(void (*serve)(int fd), unsigned *ret_port) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t al = sizeof a;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        pid_t pid;

        if (fd < 0 || bind(fd, (struct sockaddr *) &a, sizeof a) < 0 || listen(fd, 64) < 0 ||
            getsockname(fd, (struct sockaddr *) &a, &al) < 0)
                abort();
        *ret_port = ntohs(a.sin_port);
        pid = fork();
        if (pid < 0)
                abort();
        if (pid > 0) {
                close(fd);
                return pid;
        }
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL);
        (void) signal(SIGPIPE, SIG_IGN);
        (void) signal(SIGCHLD, SIG_IGN); /* no zombies */
        for (;;) {
                int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
                if (c < 0)
                        continue;
                if (fork() == 0) {
                        serve(c);
                        shutdown(c, SHUT_WR);
                        _exit(0);
                }
                close(c);
        }
}
