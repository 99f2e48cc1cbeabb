/* SPDX-License-Identifier: MIT */
#pragma once

/* Collected problems with an input file: each one a JSON path (or line) and a reason. Library
 * code adds to it; the program prints it once, prefixed with the file name. */

#include <stdbool.h>
#include <stddef.h>

#include "hull/macro.h"

#define DIAG_MAX 200U

typedef struct Diag {
        char **msgs;
        bool *is_error;
        size_t n;
        size_t n_errors;
        size_t n_dropped;
} Diag;

void diag_add(Diag *d, bool error, const char *path, const char *format, ...) _printf_(4, 5);
void diag_clear(Diag *d);
/* Prints "file: path: reason" lines (warnings as "file: path: warning: reason") to stderr. */
void diag_print(const Diag *d, const char *file);
