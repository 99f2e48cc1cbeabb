/* SPDX-License-Identifier: MIT */
/* hull-payload: the build side of hull-update (keys, payloads, slot A of a disk image file).
 * Runs on the build host; never installed into an image. See README.md. */
#include "payload.h"

int main(int argc, char *argv[]) {
        return hull_payload_main(argc, argv);
}
