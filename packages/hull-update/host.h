/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "apply.h"

/* What the verbs of hull-update (the device) and hull-payload (the build) share: the running
 * system's facts, and checking and applying a payload. Program code: the functions that say
 * so log their errors once and return a negative errno. */

#define KEY_PATH "/usr/lib/hull/update-key.pem"
#define OS_RELEASE "/usr/lib/os-release"
#define ESP_DIR "/efi"

/* The exit status of a verb for r: 0 done, 1 failed or refused, 3 nothing to do (-EALREADY).
 * A usage error is 2, returned by the verb's option parser. */
#define EXIT_USAGE 2
#define EXIT_NOTHING_TO_DO 3
int verb_exit_status(int r);

/* A verb of a program: its name and its function, which parses its own options. */
typedef struct Verb {
        const char *name;
        int (*fn)(int argc, char *argv[]);
} Verb;

/* Runs the verb named by the first argument that names one (before any "--"); without one,
 * handles --help (help()) and --version (prints "program version") or logs a usage error.
 * Returns the exit status. */
int verb_dispatch(int argc, char *argv[], const Verb *verbs, size_t n_verbs, const char *program, void (*help)(void));

/* Checks that the operands left after a verb's options are the verb and n_operands more;
 * logs and returns -EINVAL if not. */
int verb_operands(int argc, char *argv[], const char *verb, int n_operands);

/* IMAGE_VERSION= and HULL_BUILD= of an os-release file. -EBADMSG without a valid version. */
int read_os_release(const char *path, char **ret_version, uint64_t *ret_build, bool *ret_has_build);
/* The whole disk that holds /, as /dev/NAME. */
int root_disk(char **ret);
/* usrhash= of /proc/cmdline. */
int booted_usrhash(uint8_t ret[32]);
/* The ESP partition of a disk image file, by the layout's name for it. */
int esp_in_image(const char *layout, const char *image, Esp *ret);

/* Where a payload comes from and how it is judged. */
typedef struct PayloadArgs {
        const char *key;            /* trusted public key; NULL: KEY_PATH */
        const char *os_release;     /* the running version; NULL: none (no downgrade check) */
        bool allow_downgrade;
} PayloadArgs;

/* Loads the key and the running version and opens the payload (a directory, or a URL the
 * reader fetches). Logs. The caller closes s with payload_close() and frees *ret_key and
 * *ret_running. */
int payload_prepare(const char *what, const PayloadArgs *a, SourceOptions *s, EVP_PKEY **ret_key, char **ret_running);
void payload_close(SourceOptions *s);

/* Applies what with o (target, slot, ESP, layout, state set by the caller): logs "Applied ..."
 * or why not. -EALREADY: nothing to do (logged as information). */
int payload_apply(const char *what, const PayloadArgs *a, ApplyOptions *o);
