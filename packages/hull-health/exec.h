/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define USEC_PER_SEC 1000000ULL

/* Monotonic time in microseconds. */
uint64_t now_usec(void);

/* Runs argv[0] (an absolute path) with stdin from /dev/null and stdout and stderr into a pipe,
 * in its own process group. Keeps the first max_output bytes of the output (NUL-terminated;
 * the rest is read and dropped). When the program exits, whatever it left behind in its
 * process group is killed. Returns 0 and its exit status (128+N for signal N), or -ETIME after
 * timeout_usec (the group is killed), or a negative errno if it could not be started
 * (-ENOEXEC when exec failed). */
int exec_capture(char *const argv[], uint64_t timeout_usec, size_t max_output, char **ret_output, int *ret_status);
