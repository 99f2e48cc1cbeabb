/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Messages from the unprivileged reader to the privileged writer over a socketpair: a fixed
 * header {type, length} and a body. The receiver checks every length against the type's limit
 * before reading the body. */

typedef enum MsgType {
        MSG_MANIFEST = 1, /* the manifest's exact bytes (<= MANIFEST_SIZE_MAX) */
        MSG_SIGNATURE,    /* the 64-byte Ed25519 signature */
        MSG_FIELDS,       /* struct Manifest as parsed */
        MSG_USR,          /* a chunk of the decompressed /usr image */
        MSG_USR_END,      /* empty: the image ended and its size and SHA-256 matched */
        MSG_VERITY,       /* a chunk of the verity tree */
        MSG_VERITY_END,
        MSG_UKI,          /* a chunk of the UKI */
        MSG_UKI_END,
        MSG_ERROR,        /* text: why the payload was refused (<= MSG_ERROR_MAX) */
        _MSG_MAX,
} MsgType;

#define MSG_CHUNK_MAX (1U << 20)
#define MSG_ERROR_MAX 1024U

typedef struct MsgHeader {
        uint32_t type;
        uint32_t size;
} MsgHeader;

int msg_send(int fd, MsgType type, const void *data, size_t size);
/* Receives one message into buf (of buf_size). -EBADMSG for an unknown type or a body larger
 * than the type allows or than buf; -EPIPE at end of stream. */
int msg_recv(int fd, MsgType *ret_type, void *buf, size_t buf_size, size_t *ret_size);
/* The most a message of this type may carry. */
size_t msg_size_max(MsgType type);
