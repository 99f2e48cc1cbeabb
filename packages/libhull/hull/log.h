/* SPDX-License-Identifier: MIT */
#pragma once

#include <errno.h>

#include "macro.h"

enum { LOG_LEVEL_ERR = 3, LOG_LEVEL_WARNING = 4, LOG_LEVEL_NOTICE = 5, LOG_LEVEL_INFO = 6, LOG_LEVEL_DEBUG = 7 };

void log_set_max_level(int level);
int log_get_max_level(void);

/* Writes "<program>: message" to stderr (with a "<N>" priority prefix when stderr is the
 * journal). Returns -abs(error) so callers can "return log_error_errno(r, ...)".
 * %m in the format expands to strerror(abs(error)). */
int log_internal(int level, int error, const char *format, ...) _printf_(3, 4);

#define log_full_errno(level, error, ...) log_internal((level), (error), __VA_ARGS__)
#define log_error_errno(error, ...) log_internal(LOG_LEVEL_ERR, (error), __VA_ARGS__)
#define log_warning_errno(error, ...) log_internal(LOG_LEVEL_WARNING, (error), __VA_ARGS__)
#define log_debug_errno(error, ...) log_internal(LOG_LEVEL_DEBUG, (error), __VA_ARGS__)
#define log_error(...) log_internal(LOG_LEVEL_ERR, 0, __VA_ARGS__)
#define log_warning(...) log_internal(LOG_LEVEL_WARNING, 0, __VA_ARGS__)
#define log_notice(...) log_internal(LOG_LEVEL_NOTICE, 0, __VA_ARGS__)
#define log_info(...) log_internal(LOG_LEVEL_INFO, 0, __VA_ARGS__)
#define log_debug(...) log_internal(LOG_LEVEL_DEBUG, 0, __VA_ARGS__)

/* For library code that found a problem in its input: the error is returned, not logged. */
#define log_oom() log_error_errno(-ENOMEM, "Out of memory.")
