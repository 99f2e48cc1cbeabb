/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hull/parse.h"
#include "proto.h"

/* Splits a header line into at most 4 space-separated words. */
static int split(char *s, char *words[], size_t max, size_t *ret_n) {
        size_t n = 0;
        char *save = NULL, *w;

        for (w = strtok_r(s, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
                if (n >= max)
                        return -EINVAL;
                words[n++] = w;
        }
        *ret_n = n;
        return 0;
}

int frame_parse(const char *line, Frame *ret) {
        char buf[PROTO_MAX_LINE + 1], *w[4];
        size_t n = 0;
        Frame f = {};
        int r;

        if (!line || strlen(line) > PROTO_MAX_LINE)
                return -EINVAL;
        strcpy(buf, line);
        r = split(buf, w, 4, &n);
        if (r < 0 || n < 3)
                return -EINVAL;
        if (safe_atou64(w[1], &f.id) < 0)
                return -EINVAL;

        if (strcmp(w[0], "RUN") == 0 && n == 4) {
                f.type = FRAME_RUN;
                if (safe_atou32(w[2], &f.timeout) < 0 || safe_atou32(w[3], &f.size) < 0)
                        return -EINVAL;
                if (f.size > PROTO_MAX_SCRIPT)
                        return -E2BIG;
        } else if (strcmp(w[0], "OUT") == 0 && n == 3) {
                f.type = FRAME_OUT;
                if (safe_atou32(w[2], &f.size) < 0)
                        return -EINVAL;
                if (f.size > PROTO_MAX_CHUNK)
                        return -E2BIG;
        } else if (strcmp(w[0], "RC") == 0 && n == 3) {
                uint32_t s;
                f.type = FRAME_RC;
                if (safe_atou32(w[2], &s) < 0 || s > 255)
                        return -EINVAL;
                f.status = (int) s;
        } else
                return -EINVAL;

        *ret = f;
        return 0;
}
