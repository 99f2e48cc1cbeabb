/* SPDX-License-Identifier: MIT */
#pragma once

/* hull-payload, the build host's half of hull-update: keygen, make-payload, write-image. The
 * whole program behind main(), so tests run it in-process (in a fork). Returns the exit status:
 * 0 success, 1 failure, 2 usage, 3 nothing to do. */
int hull_payload_main(int argc, char *argv[]);
