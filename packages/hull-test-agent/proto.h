/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* The protocol, line-framed and binary-safe:
 *   host  -> guest   "RUN <id> <timeout-s> <n>\n" followed by n bytes of shell script
 *   guest -> host    "OUT <id> <n>\n" followed by n bytes of output (any number of these)
 *   guest -> host    "RC <id> <status>\n"  (exit status, or 128+signal, 124 on timeout)
 * id is chosen by the host for each request; replies with another id are stale output of an
 * abandoned request and are skipped. A line the guest cannot parse is skipped up to the next
 * newline, so a truncated request never wedges the agent. */

#define PROTO_MAX_SCRIPT (1024u * 1024u)
#define PROTO_MAX_CHUNK (64u * 1024u)
#define PROTO_MAX_LINE 128u

typedef enum {
        FRAME_RUN,
        FRAME_OUT,
        FRAME_RC,
} FrameType;

typedef struct {
        FrameType type;
        uint64_t id;
        uint32_t timeout; /* RUN */
        uint32_t size;    /* RUN, OUT: payload bytes that follow */
        int status;       /* RC */
} Frame;

/* Parses one header line (without the newline). 0, or -EINVAL / -E2BIG (payload too large). */
int frame_parse(const char *line, Frame *ret);


