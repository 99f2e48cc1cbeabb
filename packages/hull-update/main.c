/* SPDX-License-Identifier: MIT */
/* hull-update: signed A/B updates of Hull's /usr. See README.md. */
#include "cmd.h"

int main(int argc, char *argv[]) {
        return hull_update_main(argc, argv);
}
