/* SPDX-License-Identifier: MIT */
#pragma once

/* The whole program behind main(), so tests can run commands in-process (in a fork). Returns
 * the exit status: 0 success, 1 failure, 2 usage. */
int hull_update_main(int argc, char *argv[]);
