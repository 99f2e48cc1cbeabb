/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>

#include "manifest.h"
#include "sign.h"

/* The unprivileged half: reads the payload (files opened by the caller, or a URL fetched with
 * libcurl), verifies the signature, parses the manifest, applies the policy, decompresses the
 * /usr image and sends it all as messages (proto.h) to out_fd. On refusal it sends one
 * MSG_ERROR and returns -EBADMSG. */

enum { SRC_MANIFEST, SRC_SIGNATURE, SRC_USR, SRC_VERITY, SRC_UKI, _SRC_MAX };

typedef struct SourceOptions {
        const char *url;          /* base URL, or NULL for the fds below */
        int fds[_SRC_MAX];        /* payload files opened by the parent; -1 if missing */
        bool usr_compressed;      /* fds[SRC_USR] is usr.erofs.zst (else usr.erofs) */
        EVP_PKEY *key;
        const char *key_path;
        Policy policy;
        bool manifest_only;
} SourceOptions;

int source_run(const SourceOptions *o, int out_fd);

/* Drops to nobody (when root) with no_new_privs; the caller has closed what it must not keep. */
int drop_privileges(void);
