/* SPDX-License-Identifier: MIT */
/* Malformed profiles: each file in tests/malformed/ must give exactly one error, containing
 * the text of its .err file, and never crash. Docker's own profiles must parse cleanly. */
#include <glob.h>
#include <string.h>

#include "hull/tests.h"
#include "profile.h"
#include "resolve.h"
#include "testutil.h"

static void check_malformed(const char *path) {
        _cleanup_free_ char *text = NULL, *expect = NULL, *errpath = NULL;
        _cleanup_profile_ Profile *p = NULL;
        size_t n = 0;
        Diag d = {};
        int r;

        text = test_read(path, &n);
        CHECK(text != NULL);
        CHECK(asprintf(&errpath, "%.*s.err", (int) (strlen(path) - 5), path) > 0);
        expect = test_read(errpath, NULL);
        CHECK(expect != NULL);
        if (!text || !expect)
                return;
        expect[strcspn(expect, "\n")] = 0;

        r = profile_parse(text, n, &d, &p);
        if (r >= 0)
                r = profile_check(p, SCMP_ARCH_X86_64, &d);
        CHECK(r == -EINVAL);
        if (d.n_errors != 1 || !strstr(d.msgs[0], expect)) {
                fprintf(stderr, "%s: expected one error containing \"%s\", got %zu:\n", path, expect, d.n_errors);
                diag_print(&d, path);
                hull_test_failures++;
        }
        diag_clear(&d);
}

static void check_clean(const char *path) {
        _cleanup_free_ char *text = NULL;
        _cleanup_profile_ Profile *p = NULL;
        size_t n = 0;
        Diag d = {};

        text = test_read(path, &n);
        CHECK(text != NULL);
        if (!text)
                return;
        CHECK_EQ_INT(profile_parse(text, n, &d, &p), 0);
        if (p)
                CHECK_EQ_INT(profile_check(p, SCMP_ARCH_X86_64, &d), 0);
        if (d.n_errors != 0) {
                diag_print(&d, path);
                hull_test_failures++;
        }
        diag_clear(&d);
}

static void check_values(void) {
        _cleanup_profile_ Profile *p = test_profile("docker");
        CapSet c;

        CHECK(p != NULL);
        if (!p)
                return;
        CHECK_EQ_INT(p->default_action, SCMP_ACT_ERRNO(EPERM));
        CHECK_EQ_INT(p->n_arch_map, 7);
        CHECK_EQ_INT(p->arch_map[0].arch, SCMP_ARCH_X86_64);
        CHECK_EQ_INT(p->arch_map[0].n_sub_arches, 2);
        /* the clone3 ENOSYS rule and the personality values */
        for (size_t i = 0; i < p->n_syscalls; i++) {
                if (strcmp(p->syscalls[i].names[0], "clone3") == 0 && p->syscalls[i].has_errno_ret &&
                    p->syscalls[i].excludes.n_arches > 0)
                        CHECK_EQ_INT(p->syscalls[i].action, SCMP_ACT_ERRNO(38));
                if (strcmp(p->syscalls[i].names[0], "personality") == 0)
                        CHECK_EQ_INT(p->syscalls[i].args[0].op, SCMP_CMP_EQ);
        }
        CHECK_EQ_INT(capset_from_string("default", &c), 0);
        CHECK_EQ_INT(__builtin_popcountll(c), 14);
        CHECK_EQ_INT(capset_from_string("hull", &c), 0);
        CHECK_EQ_INT(__builtin_popcountll(c), 10);
        CHECK_EQ_INT(capset_from_string("default,sys_admin", &c), 0);
        CHECK(c & (UINT64_C(1) << 21));
        CHECK_EQ_INT(capset_from_string("CAP_NOPE", &c), -EINVAL);
        CHECK_EQ_INT(capset_from_string("none", &c), 0);
        CHECK_EQ_INT(c, 0);
}

int main(void) {
        glob_t g = {};
        size_t n_cases = 0;

        if (glob("tests/malformed/*.json", 0, NULL, &g) == 0)
                for (size_t i = 0; i < g.gl_pathc; i++, n_cases++)
                        check_malformed(g.gl_pathv[i]);
        globfree(&g);
        CHECK(n_cases >= 30);
        check_clean(DOCKER_DEFAULT_JSON);
        check_clean("/usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/fixtures/example.json");
        check_clean("tests/profiles/args.json");
        check_values();
        fprintf(stderr, "test-profile: %zu malformed profiles checked\n", n_cases);
        return TEST_RETURN();
}
