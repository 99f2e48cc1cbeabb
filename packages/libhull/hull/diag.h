/* SPDX-License-Identifier: MIT */
#pragma once

/* Collected problems with an input file: each one a location (a JSON path such as
 * "passwd.users[2].name", or a line) and a reason. A parser adds to it and goes on, so one run
 * reports every problem; the program prints them once. Library code never prints them. */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

#define DIAG_MAX 200U

typedef struct Diag {
        char **msgs;       /* "path: reason", or "path: warning: reason" */
        bool *is_error;
        size_t n;          /* messages kept */
        size_t n_errors;   /* errors added, kept or not */
        size_t n_dropped;  /* messages not kept: past max, or no memory for them */
        size_t max;        /* messages kept at most; 0: DIAG_MAX */
        bool oom;          /* a message was dropped for lack of memory */
} Diag;

/* Adds an error (or a warning) at path (NULL: none). d may be NULL: the problem is only
 * counted by the caller's return value then. Never fails: what cannot be kept is counted. */
void diag_add(Diag *d, bool error, const char *path, const char *format, ...) _printf_(4, 5);
#define diag_error(d, path, ...) diag_add((d), true, (path), __VA_ARGS__)
#define diag_warning(d, path, ...) diag_add((d), false, (path), __VA_ARGS__)

/* Frees the messages; the Diag is empty (max kept) and can be reused. Usable as a cleanup:
 * _cleanup_diag_ Diag d = {}; */
void diag_clear(Diag *d);
#define _cleanup_diag_ _cleanup_(diag_clear)

/* Prints "file: path: reason" lines (warnings as "file: path: warning: reason") to stderr, and
 * "file: N more problem(s) not shown" for the dropped ones. The report of a compiler-like
 * command: no program-name prefix. */
void diag_print(const Diag *d, const char *file);
