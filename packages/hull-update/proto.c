/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "hull/fileio.h"
#include "manifest.h"
#include "proto.h"
#include "sign.h"

size_t msg_size_max(MsgType type) {
        switch (type) {
        case MSG_MANIFEST:
                return MANIFEST_SIZE_MAX;
        case MSG_SIGNATURE:
                return SIGNATURE_SIZE;
        case MSG_FIELDS:
                return sizeof(Manifest);
        case MSG_USR:
        case MSG_VERITY:
        case MSG_UKI:
                return MSG_CHUNK_MAX;
        case MSG_ERROR:
                return MSG_ERROR_MAX;
        default:
                return 0;
        }
}

int msg_send(int fd, MsgType type, const void *data, size_t size) {
        MsgHeader h = { .type = type, .size = (uint32_t) size };
        int r;

        if (size > msg_size_max(type))
                return -EMSGSIZE;
        r = loop_write(fd, &h, sizeof(h));
        if (r < 0 || size == 0)
                return r;
        return loop_write(fd, data, size);
}

static int read_exact(int fd, void *buf, size_t n) {
        uint8_t *p = buf;

        while (n > 0) {
                ssize_t k = read(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        return -EPIPE;
                p += k, n -= (size_t) k;
        }
        return 0;
}

int msg_recv(int fd, MsgType *ret_type, void *buf, size_t buf_size, size_t *ret_size) {
        MsgHeader h;
        int r;

        r = read_exact(fd, &h, sizeof(h));
        if (r < 0)
                return r;
        if (h.type == 0 || h.type >= _MSG_MAX || h.size > msg_size_max(h.type) || h.size > buf_size)
                return -EBADMSG;
        if (h.size > 0) {
                r = read_exact(fd, buf, h.size);
                if (r < 0)
                        return r == -EPIPE ? -EBADMSG : r;
        }
        *ret_type = h.type;
        *ret_size = h.size;
        return 0;
}
