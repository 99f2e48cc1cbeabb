/* SPDX-License-Identifier: MIT */
/* generate: Hull's profile from Docker's and the policy. Checks that the result is within
 * Docker's for every capability set (structurally, and by simulating both filters over every
 * x86_64 syscall number with argument values taken from both profiles), that its PFC dump
 * matches the golden file reviewers read, and that widening or unreasoned policies fail. */
#include <glob.h>
#include <inttypes.h>

#include "bpfsim.h"
#include "diff.h"
#include "emit.h"
#include "hull/capability.h"
#include "hull/tests.h"
#include "policy.h"
#include "resolve.h"
#include "testutil.h"

#define GOLDEN "golden/hull-default.amd64.pfc"

static void check_golden(const Profile *hull) {
        _cleanup_resolved_ Resolved *r = NULL;
        _cleanup_free_ char *pfc = NULL, *golden = NULL;
        Target t;

        CHECK_EQ_INT(target_from_string("amd64", "6.1", &t), 0);
        CHECK_EQ_INT(resolve_profile(hull, capset_docker_default(), &t, &r), 0);
        CHECK_EQ_INT(emit_pfc(r, &pfc), 0);
        golden = test_read(GOLDEN, NULL);
        CHECK(golden != NULL);
        if (pfc && golden && strcmp(pfc, golden) != 0) {
                fprintf(stderr, "%s differs from the generated profile's PFC; if the change is intended, run\n"
                                "  hull-seccomp-gen ... -o OUT && hull-seccomp compile OUT --caps default --arch amd64 "
                                "--kernel 6.1 --pfc -o %s\n", GOLDEN, GOLDEN);
                hull_test_failures++;
        }
}

/* Argument values worth trying: every constant in either filter, and its neighbours. */
static size_t sample_values(const Resolved *a, const Resolved *b, uint64_t *v, size_t max) {
        size_t n = 0;
        const Resolved *rs[] = { a, b };
        v[n++] = 0;
        v[n++] = UINT64_MAX;
        v[n++] = 0x11; /* SIGCHLD */
        for (size_t k = 0; k < 2; k++)
                for (size_t i = 0; i < rs[k]->n_rules; i++)
                        for (size_t c = 0; c < rs[k]->rules[i].n_conds && n + 4 < max; c++) {
                                uint64_t x = rs[k]->rules[i].conds[c].datum_a, y = rs[k]->rules[i].conds[c].datum_b;
                                v[n++] = x;
                                v[n++] = x + 1;
                                v[n++] = x - 1;
                                v[n++] = y;
                        }
        return n;
}

static size_t n_sim;

static void check_simulated_subset(const Profile *docker, const Profile *hull, CapSet caps) {
        _cleanup_resolved_ Resolved *rd = NULL, *rh = NULL;
        _cleanup_free_ struct sock_filter *bd = NULL, *bh = NULL;
        size_t nd = 0, nh = 0, nv;
        uint64_t vals[256];
        uint32_t abis[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86 };
        Target t;

        CHECK_EQ_INT(target_from_string("amd64", "6.1", &t), 0);
        CHECK_EQ_INT(resolve_profile(docker, caps, &t, &rd), 0);
        CHECK_EQ_INT(resolve_profile(hull, caps, &t, &rh), 0);
        if (!rd || !rh)
                return;
        CHECK_EQ_INT(emit_bpf(rd, &bd, &nd), 0);
        CHECK_EQ_INT(emit_bpf(rh, &bh, &nh), 0);
        if (!bd || !bh)
                return;
        nv = sample_values(rd, rh, vals, ELEMENTSOF(vals));
        for (size_t ai = 0; ai < ELEMENTSOF(abis); ai++)
                for (int nr = 0; nr < 512; nr++)
                        for (size_t vi = 0; vi < nv; vi++)
                                for (unsigned arg = 0; arg < 2; arg++) {
                                        struct seccomp_data d = { .nr = nr, .arch = abis[ai] };
                                        uint32_t rdv = 0, rhv = 0;
                                        d.args[arg] = vals[vi];
                                        CHECK_EQ_INT(bpf_run(bd, nd / sizeof(*bd), &d, &rdv), 0);
                                        CHECK_EQ_INT(bpf_run(bh, nh / sizeof(*bh), &d, &rhv), 0);
                                        n_sim++;
                                        if (action_allows(rhv) && !action_allows(rdv)) {
                                                fprintf(stderr, "caps 0x%" PRIx64 ": hull allows arch 0x%x nr %d arg%u=0x%" PRIx64 ", docker does not\n",
                                                        caps, abis[ai], nr, arg, vals[vi]);
                                                hull_test_failures++;
                                                return;
                                        }
                                }
}

/* Does the table have a row for profile hull whose syscall column is name, or name it on a
 * "# no row:" line (a call the table cannot express: not a call of x86_64 or x86)? */
static bool table_has_hull_row(const char *table, const char *name) {
        size_t n = strlen(name);
        for (const char *l = table; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                char prof[16], caps[128], abi[16], sys[64];
                if (strncmp(l, "# no row:", 9) == 0) {
                        const char *end = strchr(l, '\n') ?: l + strlen(l);
                        for (const char *p = l + 9; (p = strstr(p, name)) && p < end; p += n)
                                if (p[-1] == ' ' && (p[n] == ' ' || p + n == end))
                                        return true;
                        continue;
                }
                if (*l == '#' || sscanf(l, "%15s %127s %15s %63s", prof, caps, abi, sys) != 4)
                        continue;
                if (strcmp(prof, "hull") == 0 && strcmp(sys, name) == 0)
                        return true;
        }
        return false;
}

/* Every call the policy denies, moves behind a capability or limits by argument has a row of its
 * own in tests/hull-default.tests, its expected result written by hand there: the golden PFC
 * above is made by the code under test, the table is not. Read as text, not with policy.c. */
static void check_denials_tabled(void) {
        _cleanup_free_ char *policy = test_read("policy/hull-default.policy", NULL);
        _cleanup_free_ char *table = test_read("tests/hull-default.tests", NULL);
        size_t names = 0;

        CHECK(policy && table);
        if (!policy || !table)
                return;
        for (char *l = policy, *next; l && *l; l = next) {
                char *save = NULL, *w;
                int skip;
                bool first_only;
                next = strchr(l, '\n');
                if (next)
                        *next++ = '\0';
                w = strtok_r(l, " \t", &save);
                if (!w)
                        continue;
                /* allow-only NAME INDEX VALUE...: only its first word is a call */
                first_only = strcmp(w, "allow-only") == 0;
                if (strcmp(w, "deny") == 0 || strcmp(w, "deny-enosys") == 0 || first_only)
                        skip = 0;
                else if (strcmp(w, "deny-unless") == 0 || strcmp(w, "assert-denied") == 0)
                        skip = 1; /* the capability or capability set */
                else
                        continue;
                for (int i = 0; (w = strtok_r(NULL, " \t", &save)); i++) {
                        if (i < skip)
                                continue;
                        names++;
                        if (!table_has_hull_row(table, w)) {
                                fprintf(stderr, "policy/hull-default.policy denies \"%s\" but tests/hull-default.tests has no hull row for it\n", w);
                                hull_test_failures++;
                        }
                        if (first_only)
                                break;
                }
        }
        CHECK(names >= 80);
}

static bool diag_has(const Diag *d, const char *text) {
        for (size_t i = 0; i < d->n; i++)
                if (strstr(d->msgs[i], text))
                        return true;
        return false;
}

/* The policy is refused with one error, which contains msg ("line N: reason"). */
static void check_refused(const char *policy_path, int expect, const char *msg) {
        _cleanup_free_ char *base = NULL, *pol = NULL, *out = NULL;
        size_t nb = 0, np = 0;
        Diag db = {}, dp = {};
        int r;

        base = test_read(DOCKER_DEFAULT_JSON, &nb);
        pol = test_read(policy_path, &np);
        CHECK(base && pol);
        if (!base || !pol)
                return;
        r = policy_generate(base, nb, pol, np, &db, &dp, &out);
        if (r != expect || out || dp.n_errors != 1 || !diag_has(&dp, msg)) {
                fprintf(stderr, "%s: expected refusal %d with one error \"%s\", got %d and %zu error(s):\n", policy_path, expect,
                        msg, r, dp.n_errors);
                diag_print(&dp, policy_path);
                hull_test_failures++;
        }
        diag_clear(&db);
        diag_clear(&dp);
}

/* deny-enosys: its calls leave every allowing rule and one rule, the last, refuses them with
 * ENOSYS under any capabilities; the result is within Docker's, diff counts the calls as
 * refused, the filter returns ENOSYS for them, and the same input gives the same bytes. */
static void check_enosys(const char *docker_text) {
        static const char *const names[] = { "pwritev2", "openat2", "kcmp" }; /* the policy's order */
        static const char *const capsets[] = { "none", "default", "default,CAP_SYS_PTRACE", "all" };
        _cleanup_free_ char *base = NULL, *pol = NULL, *out = NULL, *again = NULL;
        _cleanup_profile_ Profile *docker = NULL, *p = NULL;
        size_t nb = 0, np = 0, n_rules = 0;
        Diag db = {}, dp = {};

        base = test_read(DOCKER_DEFAULT_JSON, &nb);
        pol = test_read("tests/policy/enosys.policy", &np);
        CHECK(base && pol);
        if (!base || !pol)
                return;
        CHECK_EQ_INT(policy_generate(base, nb, pol, np, &db, &dp, &out), 0);
        CHECK_EQ_INT(policy_generate(base, nb, pol, np, &db, &dp, &again), 0);
        CHECK_EQ_INT(dp.n, 0);
        CHECK(out && again && strcmp(out, again) == 0);
        if (out)
                CHECK_EQ_INT(profile_parse(out, strlen(out), &dp, &p), 0);
        CHECK_EQ_INT(profile_parse(base, nb, &db, &docker), 0);
        if (p)
                CHECK_EQ_INT(profile_check(p, SCMP_ARCH_X86_64, &dp), 0);
        CHECK_EQ_INT(dp.n_errors, 0);
        if (dp.n_errors > 0)
                diag_print(&dp, "tests/policy/enosys.policy");
        diag_clear(&db);
        diag_clear(&dp);
        if (!out || !p || !docker)
                return;
        CHECK_EQ_INT(profile_within(docker_text, strlen(docker_text), out, strlen(out), stderr), 1);

        for (size_t i = 0; i < p->n_syscalls; i++) {
                const ProfileSyscall *s = &p->syscalls[i];
                bool named = false;

                for (size_t n = 0; n < s->n_names; n++)
                        for (size_t k = 0; k < ELEMENTSOF(names); k++)
                                named = named || strcmp(s->names[n], names[k]) == 0;
                if (!named)
                        continue;
                n_rules++;
                CHECK_EQ_INT(i, p->n_syscalls - 1);
                CHECK_EQ_INT(s->action, SCMP_ACT_ERRNO(38)); /* ENOSYS, as Docker's clone3 rule */
                CHECK(s->has_errno_ret);
                CHECK_EQ_INT(s->n_args, 0);
                CHECK(s->includes.n_caps == 0 && s->includes.n_arches == 0 && !s->includes.has_min_kernel);
                CHECK(s->excludes.n_caps == 0 && s->excludes.n_arches == 0 && !s->excludes.has_min_kernel);
                CHECK_EQ_INT(s->n_names, ELEMENTSOF(names));
                for (size_t k = 0; k < s->n_names && k < ELEMENTSOF(names); k++)
                        CHECK_STREQ(s->names[k], names[k]);
        }
        CHECK_EQ_INT(n_rules, 1);

        for (size_t c = 0; c < ELEMENTSOF(capsets); c++) {
                _cleanup_resolved_ Resolved *rd = NULL, *rp = NULL;
                _cleanup_free_ struct sock_filter *bpf = NULL;
                _cleanup_free_ char *report = NULL;
                size_t n_bytes = 0, report_size = 0;
                DiffStats st = {};
                CapSet caps;
                Target t;
                FILE *f;

                CHECK_EQ_INT(capset_from_string(capsets[c], &caps), 0);
                CHECK_EQ_INT(target_from_string("amd64", "6.1", &t), 0);
                CHECK_EQ_INT(resolve_profile(docker, caps, &t, &rd), 0);
                CHECK_EQ_INT(resolve_profile(p, caps, &t, &rp), 0);
                if (!rd || !rp)
                        continue;

                /* diff (and diff --subset) count the ERRNO rule as a refusal */
                f = open_memstream(&report, &report_size);
                CHECK(f != NULL);
                if (!f)
                        continue;
                CHECK_EQ_INT(diff_resolved(rd, rp, f, &st), 0);
                fclose(f);
                CHECK_EQ_INT(st.only_b, 0);
                CHECK(report && strstr(report, "- X86_64 openat2\n") && strstr(report, "- X86_64 pwritev2\n"));
                CHECK(report && !strstr(report, "+ "));
                /* kcmp: Docker allows it only with CAP_SYS_PTRACE */
                CHECK(report && (strstr(report, "- X86_64 kcmp\n") != NULL) == ((caps & CAPABILITY_BIT(CAP_SYS_PTRACE)) != 0));

                /* the filter: ENOSYS for the names, unconditionally; getpid still allowed */
                CHECK_EQ_INT(emit_bpf(rp, &bpf, &n_bytes), 0);
                if (!bpf)
                        continue;
                for (size_t k = 0; k < ELEMENTSOF(names); k++) {
                        struct seccomp_data d = { .nr = seccomp_syscall_resolve_name(names[k]), .arch = SCMP_ARCH_X86_64 };
                        uint32_t ret = 0;

                        d.args[0] = UINT64_MAX;
                        CHECK_EQ_INT(bpf_run(bpf, n_bytes / sizeof(*bpf), &d, &ret), 0);
                        CHECK_EQ_INT(ret, SECCOMP_RET_ERRNO | 38);
                }
                {
                        struct seccomp_data d = { .nr = seccomp_syscall_resolve_name("getpid"), .arch = SCMP_ARCH_X86_64 };
                        uint32_t ret = 0;

                        CHECK_EQ_INT(bpf_run(bpf, n_bytes / sizeof(*bpf), &d, &ret), 0);
                        CHECK_EQ_INT(ret, SECCOMP_RET_ALLOW);
                }
        }
}

/* A profile that allows one call more than Docker's must be caught, and named. */
static void check_widened(const char *docker_text) {
        _cleanup_free_ char *w = test_read("tests/profiles/widened.json", NULL), *report = NULL;
        size_t n = 0;
        FILE *f = open_memstream(&report, &n);

        CHECK(w && f);
        if (!w || !f)
                return;
        CHECK_EQ_INT(profile_within(docker_text, strlen(docker_text), w, strlen(w), f), 0);
        fclose(f);
        CHECK(report && strstr(report, "+ X86_64 kexec_load"));
}

int main(void) {
        _cleanup_profile_ Profile *docker = test_profile("docker"), *hull = test_profile("hull");
        _cleanup_free_ char *dt = test_profile_text("docker"), *ht = test_profile_text("hull");
        const char *capsets[] = { "none", "default", "hull", "all", "default,CAP_SYS_ADMIN", "default,CAP_SYS_PTRACE",
                                  "default,CAP_SYS_TIME", "default,CAP_DAC_READ_SEARCH", "default,CAP_SYS_MODULE",
                                  "default,CAP_SYS_BOOT", "default,CAP_SYSLOG", "CAP_SYS_ADMIN" };

        CHECK(docker && hull && dt && ht);
        if (!docker || !hull || !dt || !ht)
                return TEST_RETURN();

        /* structurally: within for every capability set, arch and kernel, and strictly smaller */
        CHECK_EQ_INT(profile_within(dt, strlen(dt), ht, strlen(ht), stderr), 1);
        CHECK_EQ_INT(profile_within(ht, strlen(ht), dt, strlen(dt), NULL), 0);
        for (size_t i = 0; i < ELEMENTSOF(capsets); i++) {
                _cleanup_resolved_ Resolved *a = NULL, *b = NULL;
                DiffStats st = {};
                CapSet c;
                Target t;
                CHECK_EQ_INT(capset_from_string(capsets[i], &c), 0);
                CHECK_EQ_INT(target_from_string("amd64", "6.1", &t), 0);
                CHECK_EQ_INT(resolve_profile(docker, c, &t, &a), 0);
                CHECK_EQ_INT(resolve_profile(hull, c, &t, &b), 0);
                CHECK_EQ_INT(diff_resolved(a, b, NULL, &st), 0);
                CHECK_EQ_INT(st.only_b, 0);
                CHECK(st.only_a > 0); /* strict */
                if (i < 4) /* none, default, hull, all: enough for the simulator's cross-check */
                        check_simulated_subset(docker, hull, c);
        }

        check_golden(hull);
        check_denials_tabled();
        check_refused("tests/policy/conditional-move.policy", -EINVAL, "line 2: \"mount\" is allowed under conditions in the base");
        check_widened(dt);
        check_refused("tests/policy/no-reason.policy", -EINVAL, "line 1: change has no reason");
        check_refused("tests/policy/assert-fails.policy", -EINVAL, "line 1: the result still allows \"getpid\"");
        check_refused("tests/policy/unknown-directive.policy", -EINVAL, "line 1: unknown directive \"allow\"");
        check_refused("tests/policy/allow-only-conditional.policy", -EINVAL, "line 3: \"personality\" is allowed under conditions");
        check_refused("tests/policy/allow-only-bad-index.policy", -EINVAL, "line 2: argument index \"6\" is not a number from 0 to 5");
        check_refused("tests/policy/allow-only-bad-value.policy", -EINVAL, "line 2: value \"AF_UNIX\" is not a number");
        check_refused("tests/policy/keep-denied.policy", -EINVAL, "line 4: \"mq_open\" is kept but not allowed");
        check_enosys(dt);
        check_refused("tests/policy/enosys-no-names.policy", -EINVAL, "line 2: \"deny-enosys\" needs syscall names");
        check_refused("tests/policy/enosys-unknown.policy", -EINVAL, "line 2: unknown syscall \"openat3\"");
        check_refused("tests/policy/enosys-twice.policy", -EINVAL, "line 2: \"openat2\" is named twice");
        check_refused("tests/policy/enosys-denied.policy", -EINVAL, "line 4: \"pidfd_open\" is also named by deny at line 2");
        check_refused("tests/policy/enosys-kept.policy", -EINVAL, "line 4: \"openat2\" is also named by keep at line 2");
        check_refused("tests/policy/enosys-not-allowed.policy", -EINVAL, "line 3: \"ustat\" is not allowed at this point");
        check_refused("tests/policy/enosys-no-reason.policy", -EINVAL, "line 1: change has no reason");
        fprintf(stderr, "test-policy: %zu simulated calls compared\n", n_sim);
        return TEST_RETURN();
}
