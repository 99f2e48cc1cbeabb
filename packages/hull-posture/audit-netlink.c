/* SPDX-License-Identifier: MIT */
/* The kernel's audit status and loaded rules, asked over the audit netlink socket with libaudit
 * (AUDIT_GET, AUDIT_LIST_RULES): read-only requests, which need CAP_AUDIT_CONTROL. The one part
 * of hull-posture that is not a file read; the judging is in checks-audit.c, unit-tested with
 * fixtures in place of this. */
#include <errno.h>
#include <libaudit.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "posture.h"

#define REPLY_TIMEOUT_MS 2000
#define REPLIES_MAX 100000U

static void audit_closep(int *fd) {
        if (*fd >= 0)
                audit_close(*fd);
}

static int audit_connect(void) {
        int fd;

        set_aumessage_mode(MSG_QUIET, DBG_NO); /* libaudit prints nothing of its own */
        fd = audit_open();
        return fd < 0 ? negative_errno() : fd;
}

/* The next reply: 1 and *rep, 0 when none came in time, negative errno. */
static int next_reply(int fd, struct audit_reply *rep) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r;

        for (;;) {
                r = poll(&p, 1, REPLY_TIMEOUT_MS);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0)
                        return negative_errno();
                if (r == 0)
                        return 0;
                r = audit_get_reply(fd, rep, GET_REPLY_NONBLOCKING, 0);
                if (r > 0)
                        return 1;
                if (r < 0 && r != -EAGAIN)
                        return r;
        }
}

static int netlink_status(AuditStatus *ret) {
        _cleanup_(audit_closep) int fd = audit_connect();
        struct audit_reply rep;
        int r;

        if (fd < 0)
                return fd;
        r = audit_request_status(fd);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < REPLIES_MAX; i++) {
                r = next_reply(fd, &rep);
                if (r <= 0)
                        return r < 0 ? r : -ETIMEDOUT;
                if (rep.type == NLMSG_ERROR && rep.error->error != 0)
                        return rep.error->error < 0 ? rep.error->error : -EIO;
                if (rep.type == AUDIT_GET) {
                        *ret = (AuditStatus) { .enabled = rep.status->enabled, .pid = rep.status->pid };
                        return 0;
                }
        }
        return -EIO;
}

static int netlink_keys(char ***ret) {
        _cleanup_(audit_closep) int fd = audit_connect();
        _cleanup_strv_free_ char **keys = NULL;
        struct audit_reply rep;
        size_t n = 0;
        int r;

        if (fd < 0)
                return fd;
        r = audit_request_rules_list_data(fd);
        if (r < 0)
                return r;
        for (unsigned i = 0; i < REPLIES_MAX; i++) {
                r = next_reply(fd, &rep);
                if (r <= 0)
                        return r < 0 ? r : -ETIMEDOUT;
                if (rep.type == NLMSG_DONE)
                        break;
                if (rep.type == NLMSG_ERROR && rep.error->error != 0)
                        return rep.error->error < 0 ? rep.error->error : -EIO;
                if (rep.type != AUDIT_LIST_RULES || rep.len < (int) NLMSG_HDRLEN ||
                    (size_t) rep.len > sizeof(rep.msg))
                        continue;
                /* len is the whole netlink message, its header included. */
                r = audit_rule_data_keys(rep.ruledata, (size_t) rep.len - NLMSG_HDRLEN, &keys, &n);
                if (r < 0)
                        return r;
        }
        if (!keys && !(keys = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(keys);
        return 0;
}

const AuditSource audit_netlink = {
        .status = netlink_status,
        .keys = netlink_keys,
};
