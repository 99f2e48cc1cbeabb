/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "hull/macro.h"

#define DOCKER_REPLY_MAX 8192U
#define DROPINS_MAX 256U

/* Finds the line "enabled N" in the output of `auditctl -s`. -ENOMSG if there is none,
 * -EBADMSG if N is not a number. */
int audit_status_enabled(const char *text, uint32_t *ret_enabled);

/* Checks a complete HTTP reply to GET /_ping (data need not be NUL-terminated):
 * 0 for "HTTP/1.x 200 ..." with body "OK", -EPROTO for another status (ret_status is set
 * either way when the status line parses; it may be NULL), -ENODATA for another body,
 * -EBADMSG for anything that is not an HTTP reply. */
int ping_reply_check(const void *data, size_t size, unsigned *ret_status);

/* Reads dm/name and dm/uuid of block device dev under sysfs (normally "/sys"), without the
 * trailing newline. -ENOENT if dev is not a block device, -ENOTBLK if it is not a dm device. */
int dm_read_identity(const char *sysfs, dev_t dev, char **ret_name, char **ret_uuid);

/* 0 if name and uuid are those of the /usr verity device: -EXDEV for another dm name,
 * -EMEDIUMTYPE for a uuid that is not a dm-verity one set up by veritysetup. */
int dm_verity_usr_check(const char *name, const char *uuid);

/* Collects drop-in checks from dirs, the first dir winning for a file name. A name that is a
 * symlink to /dev/null (or the null device itself) masks that name in later dirs. Missing
 * dirs are fine; hidden names and anything that is not an executable regular file are
 * skipped. Returns a NULL-terminated, name-sorted array of paths (free with strv_free) and
 * the count, or -E2BIG beyond DROPINS_MAX names. */
int dropins_collect(const char *const *dirs, size_t n_dirs, char ***ret);

/* The first line of text (up to max bytes, without the newline), control characters
 * replaced by '?'. Never NULL on success; "" for empty text. */
int first_line(const char *text, size_t max, char **ret);

/* Appends s as a JSON string, quotes included, to f. */
void json_write_string(FILE *f, const char *s);
