/* SPDX-License-Identifier: MIT */
#pragma once

/* Shared by the unit tests: Docker's stock profile and Hull's generated one, in memory. Tests
 * run with packages/hull-seccomp/ as the working directory. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hull/fileio.h"
#include "policy.h"
#include "profile.h"

#define DOCKER_DEFAULT_JSON "/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json"
#define HULL_POLICY "policy/hull-default.policy"

static inline char *test_read(const char *path, size_t *ret_n) {
        char *t = NULL;
        size_t n = 0;
        int r = read_full_file(path, PROFILE_MAX_SIZE, &t, &n);
        if (r < 0) {
                fprintf(stderr, "%s: cannot read: %s\n", path, strerror(-r));
                return NULL;
        }
        if (ret_n)
                *ret_n = n;
        return t;
}

/* "docker", "hull" or a path: the profile's JSON text. */
static inline char *test_profile_text(const char *which) {
        char *base, *pol, *out = NULL;
        size_t nb = 0, np = 0;
        Diag db = {}, dp = {};
        int r;

        if (strcmp(which, "docker") == 0)
                return test_read(DOCKER_DEFAULT_JSON, NULL);
        if (strcmp(which, "hull") != 0)
                return test_read(which, NULL);
        base = test_read(DOCKER_DEFAULT_JSON, &nb);
        pol = test_read(HULL_POLICY, &np);
        if (!base || !pol) {
                free(base);
                free(pol);
                return NULL;
        }
        r = policy_generate(base, nb, pol, np, &db, &dp, &out);
        diag_print(&db, DOCKER_DEFAULT_JSON);
        diag_print(&dp, HULL_POLICY);
        diag_clear(&db);
        diag_clear(&dp);
        free(base);
        free(pol);
        return r < 0 ? NULL : out;
}

static inline Profile *test_profile(const char *which) {
        char *t = test_profile_text(which);
        Profile *p = NULL;
        Diag d = {};
        if (!t)
                return NULL;
        if (profile_parse(t, strlen(t), &d, &p) < 0)
                diag_print(&d, which);
        diag_clear(&d);
        free(t);
        return p;
}
