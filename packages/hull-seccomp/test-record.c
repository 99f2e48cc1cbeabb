/* SPDX-License-Identifier: MIT */
/* Seccomp from evidence: the logging profile allows exactly what Hull's default allows, every
 * call logged; a recorded profile written from tests/record/container.log holds the calls of
 * one container in the time window (its label's records, and those its processes made under
 * runc's label before their execve), parses and checks cleanly with the profile parser, is
 * within Hull's default for every capability set, and its filter refuses the rest with EPERM;
 * the NOTIFY rule (record's default) hands the calls the base allows and the recording lacks to
 * Hull's seccomp agent and changes nothing else: the same calls refused, --no-notify's bytes
 * as before it; the container's label is found in Docker's config.v2.json. */
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "bpfsim.h"
#include "diff.h"
#include "emit.h"
#include "hull/json.h"
#include "hull/tests.h"
#include "record.h"
#include "resolve.h"
#include "testutil.h"

/* An audit log (auditd's RAW and ENRICHED lines mixed) of a container labelled c1,c2, pid 4242
 * (busybox) and 4300 (python3, a docker exec): a call before the window (getpid) and one after
 * it (unlink); runc's calls under dockerd_t before the execve (futex, openat, execve) and another
 * runc's (pid 6000, mkdirat); 14 calls of the container; a refused ptrace; logged calls outside
 * the base (bpf), on i386 and unknown (999); another container's mkdir; SYSCALL and DAEMON_START
 * records; a truncated SECCOMP record and a line that is no record. */
#define FIXTURE "tests/record/container.log"
#define LABEL "system_u:system_r:container_t:s0:c1,c2"
/* A small base: an unconditional allow rule (write among its names; _llseek, which x86_64 does
 * not have; nosuchcall, which no architecture has), beside it a conditional allow rule
 * (personality) and a refusing one (kill), a LOG rule with "name", rules with only conditions,
 * refusing rules (one with "name"); and what record wrote from it before the NOTIFY rule, for
 * a recording of read, close, mkdir and personality: --no-notify must still write those bytes
 * (the file was written by that code, record.c of the commit before --no-notify). */
#define SMALL_BASE "tests/record/small-base.json"
#define SMALL_NO_NOTIFY "tests/record/small.no-notify.json"

static bool has_msg(const Diag *d, const char *text) {
        for (size_t i = 0; i < d->n; i++)
                if (strstr(d->msgs[i], text))
                        return true;
        return false;
}

static Resolved *resolve_text(const char *text, CapSet caps, const char *arch) {
        _cleanup_profile_ Profile *p = NULL;
        Resolved *r = NULL;
        Diag d = {};
        Target t;

        if (profile_parse(text, strlen(text), &d, &p) < 0)
                diag_print(&d, "resolve_text");
        diag_clear(&d);
        if (!p || target_from_string(arch, "6.1", &t) < 0 || resolve_profile(p, caps, &t, &r) < 0)
                return NULL;
        return r;
}

/* b allows nothing a does not, for the capability sets and arches that matter. */
static void check_within(const char *a, const char *b, bool expect_same) {
        static const char *const arches[] = { "amd64", "arm64", "s390x" };
        CapSet sets[5] = { 0, capset_docker_default(), 0, capset_all(), capset_docker_default() | (UINT64_C(1) << 21) };

        CHECK_EQ_INT(capset_from_string("hull", &sets[2]), 0);
        for (size_t ai = 0; ai < ELEMENTSOF(arches); ai++)
                for (size_t i = 0; i < ELEMENTSOF(sets); i++) {
                        _cleanup_resolved_ Resolved *ra = resolve_text(a, sets[i], arches[ai]);
                        _cleanup_resolved_ Resolved *rb = resolve_text(b, sets[i], arches[ai]);
                        DiffStats st = {};

                        CHECK(ra && rb);
                        if (!ra || !rb)
                                return;
                        CHECK_EQ_INT(diff_resolved(ra, rb, NULL, &st), 0);
                        if (st.only_b != 0 || (expect_same && st.only_a != 0)) {
                                fprintf(stderr, "%s, caps %zu: only in base %zu, only in the other %zu\n", arches[ai], i, st.only_a, st.only_b);
                                (void) diff_resolved(ra, rb, stderr, NULL);
                                hull_test_failures++;
                        }
                }
}

static void test_logging_profile(const char *hull) {
        _cleanup_free_ char *log = NULL;
        _cleanup_profile_ Profile *p = NULL;
        Diag d = {};
        size_t n_log = 0;

        CHECK_EQ_INT(record_logging_profile(hull, strlen(hull), NULL, 0, &d, &d, &log), 0);
        CHECK_EQ_INT(d.n_errors, 0);
        diag_clear(&d);
        if (!log)
                return;
        CHECK_EQ_INT(profile_parse(log, strlen(log), &d, &p), 0);
        CHECK_EQ_INT(d.n_errors, 0);
        diag_clear(&d);
        if (!p)
                return;
        CHECK_EQ_INT(profile_check(p, SCMP_ARCH_X86_64, &d), 0);
        diag_clear(&d);
        /* refusals stay refusals, the default is not widened; everything allowed is logged */
        CHECK(!action_allows(p->default_action));
        for (size_t i = 0; i < p->n_syscalls; i++) {
                CHECK(p->syscalls[i].action != SCMP_ACT_ALLOW);
                n_log += p->syscalls[i].action == SCMP_ACT_LOG;
        }
        CHECK(n_log > 10);
        check_within(hull, log, true);

        /* a base that is no profile */
        CHECK_EQ_INT(record_logging_profile("{\"defaultAction\": 5}", 20, NULL, 0, &d, &d, &log), -EINVAL);
        CHECK(d.n_errors > 0);
        diag_clear(&d);
}

/* names of p's rules with action a, each once per rule */
static size_t count_rules_with(const Profile *p, uint32_t a, const char *name) {
        size_t n = 0;
        for (size_t i = 0; i < p->n_syscalls; i++)
                for (size_t k = 0; k < p->syscalls[i].n_names; k++)
                        n += p->syscalls[i].action == a && strcmp(p->syscalls[i].names[k], name) == 0;
        return n;
}

static void test_logging_profile_seen(const char *hull) {
        static const char seen[] =
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
                "{\"names\": [\"read\", \"write\", \"personality\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                "{\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_ERRNO\"}]}";
        _cleanup_free_ char *log = NULL, *bad = NULL;
        _cleanup_profile_ Profile *p = NULL;
        Diag d = {}, ds = {};

        CHECK_EQ_INT(record_logging_profile(hull, strlen(hull), seen, strlen(seen), &d, &ds, &log), 0);
        CHECK_EQ_INT(d.n_errors + ds.n_errors, 0);
        diag_clear(&d);
        diag_clear(&ds);
        if (!log)
                return;
        CHECK_EQ_INT(profile_parse(log, strlen(log), &d, &p), 0);
        diag_clear(&d);
        if (!p)
                return;
        /* the seen calls are allowed quietly, with base's conditions (personality's arguments),
         * and logged nowhere; a call seen only as refused (getpid) and the rest stay logged */
        CHECK_EQ_INT(count_rules_with(p, SCMP_ACT_ALLOW, "read"), 1);
        CHECK_EQ_INT(count_rules_with(p, SCMP_ACT_LOG, "read"), 0);
        CHECK_EQ_INT(count_rules_with(p, SCMP_ACT_LOG, "write"), 0);
        CHECK(count_rules_with(p, SCMP_ACT_ALLOW, "personality") >= 2);
        CHECK_EQ_INT(count_rules_with(p, SCMP_ACT_LOG, "personality"), 0);
        CHECK_EQ_INT(count_rules_with(p, SCMP_ACT_ALLOW, "getpid"), 0);
        CHECK_EQ_INT(count_rules_with(p, SCMP_ACT_LOG, "getpid"), 1);
        for (size_t i = 0; i < p->n_syscalls; i++)
                if (p->syscalls[i].action == SCMP_ACT_ALLOW)
                        for (size_t k = 0; k < p->syscalls[i].n_names; k++)
                                CHECK(strcmp(p->syscalls[i].names[k], "read") == 0 || strcmp(p->syscalls[i].names[k], "write") == 0 ||
                                      strcmp(p->syscalls[i].names[k], "personality") == 0);
        /* the same calls as base, no more, none less */
        check_within(hull, log, true);

        /* a seen file that is no profile: -EBADMSG, its problems in its own diagnostics */
        CHECK_EQ_INT(record_logging_profile(hull, strlen(hull), "[1]", 3, &d, &ds, &bad), -EBADMSG);
        CHECK_EQ_INT(d.n_errors, 0);
        CHECK(ds.n_errors > 0);
        CHECK(bad == NULL);
        diag_clear(&d);
        diag_clear(&ds);
}

static int record_fixture(const RecordFilter *f, Recording *rec, Diag *d) {
        _cleanup_fclose_ FILE *in = fopen(FIXTURE, "re");
        CHECK(in != NULL);
        int r = in ? recording_read(rec, f, in, d) : -EIO;
        return r < 0 ? r : recording_finish(rec);
}

static bool allows(const Resolved *r, const char *name) {
        for (size_t i = 0; i < r->n_rules; i++)
                if (strcmp(r->rules[i].name, name) == 0 && action_allows(r->rules[i].action))
                        return true;
        return false;
}

static uint32_t run_filter(const struct sock_filter *bpf, size_t n, int nr) {
        struct seccomp_data sd = { .nr = nr, .arch = bpf_audit_arch(SCMP_ARCH_X86_64) };
        uint32_t ret = 0xdeadbeef;
        CHECK_EQ_INT(bpf_run(bpf, n, &sd, &ret), 0);
        return ret;
}

/* rule's names joined with ",", or NULL */
static char *joined_names(json_object *rule) {
        json_object *names;
        char *s = NULL;
        size_t size = 0;
        FILE *m;

        if (!json_object_object_get_ex(rule, "names", &names) || !json_object_is_type(names, json_type_array))
                return NULL;
        m = open_memstream(&s, &size);
        if (!m)
                return NULL;
        for (size_t i = 0; i < json_object_array_length(names); i++)
                fprintf(m, "%s%s", i ? "," : "", json_object_get_string(json_object_array_get_idx(names, i)));
        if (fclose(m) != 0) {
                free(s);
                return NULL;
        }
        return s;
}

static const char *rule_string(json_object *rule, const char *key) {
        json_object *v;
        return json_object_object_get_ex(rule, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* The shape of the recorded allow rule: names, action, args [], comment, includes {},
 * excludes {}, in that order and nothing else. */
static void check_rule_shape(json_object *rule) {
        static const char *const keys[] = { "names", "action", "args", "comment", "includes", "excludes" };
        json_object *v;
        size_t i = 0;

        json_object_object_foreach(rule, key, val) {
                (void) val;
                CHECK(i < ELEMENTSOF(keys) && strcmp(key, keys[i]) == 0);
                i++;
        }
        CHECK_EQ_INT(i, ELEMENTSOF(keys));
        CHECK(json_object_object_get_ex(rule, "args", &v) && json_object_is_type(v, json_type_array) &&
              json_object_array_length(v) == 0);
        CHECK(json_object_object_get_ex(rule, "includes", &v) && json_object_is_type(v, json_type_object) &&
              json_object_object_length(v) == 0);
        CHECK(json_object_object_get_ex(rule, "excludes", &v) && json_object_is_type(v, json_type_object) &&
              json_object_object_length(v) == 0);
}

/* text, a recorded profile, with its rule i removed, as record writes JSON */
static char *without_rule(const char *text, size_t i) {
        _cleanup_json_ json_object *root = json_tokener_parse(text);
        json_object *syscalls;
        char *out = NULL;

        if (!root || !json_object_object_get_ex(root, "syscalls", &syscalls) || i >= json_object_array_length(syscalls))
                return NULL;
        json_object_array_del_idx(syscalls, i, 1);
        if (asprintf(&out, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
                return NULL;
        return out;
}

/* What validate does with a written profile: it parses, and checks on x86_64 without an error
 * (warnings allowed: names of other ABIs). The parsed profile, NULL if it did not parse. */
static Profile *check_validates(const char *out) {
        Profile *p = NULL;
        Diag d = {};

        CHECK_EQ_INT(profile_parse(out, strlen(out), &d, &p), 0);
        if (p)
                CHECK_EQ_INT(profile_check(p, SCMP_ARCH_X86_64, &d), 0);
        CHECK_EQ_INT(d.n_errors, 0);
        diag_clear(&d);
        return p;
}

static bool profile_names_in(const ProfileSyscall *s, const char *name) {
        for (size_t k = 0; k < s->n_names; k++)
                if (strcmp(s->names[k], name) == 0)
                        return true;
        return false;
}

/* The NOTIFY profile refuses what the --no-notify one refuses: every x86_64 (or arm64 and arm)
 * syscall number with argument values from the profiles' conditions gets the same answer from
 * both filters, except calls the --no-notify filter refuses with EPERM that base allows
 * whatever the arguments, which the NOTIFY filter hands to the agent. And "hull-seccomp run"'s
 * filter (NOTIFY answered with EPERM) is the --no-notify filter. */
static void check_same_refusals(const char *base, const char *nn, const char *notify, CapSet caps, const char *arch,
                                size_t *n_notified) {
        _cleanup_resolved_ Resolved *rb = resolve_text(base, caps, arch), *rn = resolve_text(nn, caps, arch);
        _cleanup_resolved_ Resolved *ry = resolve_text(notify, caps, arch), *rr = resolve_text(notify, caps, arch);
        _cleanup_free_ struct sock_filter *bb = NULL, *bn = NULL, *by = NULL, *br = NULL;
        size_t nb = 0, nn_ = 0, ny = 0, nr_ = 0, nv = 0;
        uint64_t vals[128];

        CHECK(rb && rn && ry && rr);
        if (!rb || !rn || !ry || !rr)
                return;
        CHECK_EQ_INT(resolved_replace_notify(rn, SCMP_ACT_ERRNO(EPERM)), 0);
        CHECK(resolved_replace_notify(rr, SCMP_ACT_ERRNO(EPERM)) > 0);
        CHECK_EQ_INT(emit_bpf(rb, &bb, &nb), 0);
        CHECK_EQ_INT(emit_bpf(rn, &bn, &nn_), 0);
        CHECK_EQ_INT(emit_bpf(ry, &by, &ny), 0);
        CHECK_EQ_INT(emit_bpf(rr, &br, &nr_), 0);
        if (!bb || !bn || !by || !br)
                return;
        vals[nv++] = 0;
        vals[nv++] = UINT64_MAX;
        vals[nv++] = 0x11; /* SIGCHLD */
        for (size_t i = 0; i < ry->n_rules; i++)
                for (size_t c = 0; c < ry->rules[i].n_conds && nv + 4 <= ELEMENTSOF(vals); c++) {
                        vals[nv++] = ry->rules[i].conds[c].datum_a;
                        vals[nv++] = ry->rules[i].conds[c].datum_a + 1;
                        vals[nv++] = ry->rules[i].conds[c].datum_a - 1;
                        vals[nv++] = ry->rules[i].conds[c].datum_b;
                }
        for (size_t ai = 0; ai < ry->n_arches; ai++)
                for (int nr = 0; nr < 512; nr++)
                        for (size_t vi = 0; vi < nv; vi++)
                                for (unsigned arg = 0; arg < 2; arg++) {
                                        struct seccomp_data sd = { .nr = nr, .arch = bpf_audit_arch(ry->arches[ai]) };
                                        uint32_t b = 0, x = 0, y = 0, z = 0;

                                        sd.args[arg] = vals[vi];
                                        CHECK_EQ_INT(bpf_run(bb, nb / sizeof(*bb), &sd, &b), 0);
                                        CHECK_EQ_INT(bpf_run(bn, nn_ / sizeof(*bn), &sd, &x), 0);
                                        CHECK_EQ_INT(bpf_run(by, ny / sizeof(*by), &sd, &y), 0);
                                        CHECK_EQ_INT(bpf_run(br, nr_ / sizeof(*br), &sd, &z), 0);
                                        if (y == SECCOMP_RET_USER_NOTIF && vi == 0 && arg == 0)
                                                (*n_notified)++;
                                        if ((y == x || (y == SECCOMP_RET_USER_NOTIF && x == (SECCOMP_RET_ERRNO | EPERM) &&
                                                        b == SECCOMP_RET_ALLOW)) &&
                                            z == x)
                                                continue;
                                        fprintf(stderr, "%s, caps 0x%" PRIx64 ", arch 0x%x nr %d arg%u=0x%" PRIx64
                                                        ": base 0x%x, --no-notify 0x%x, notify 0x%x, run 0x%x\n",
                                                arch, caps, ry->arches[ai], nr, arg, vals[vi], b, x, y, z);
                                        hull_test_failures++;
                                        return;
                                }
}

/* The recorded profile of the fixture with its NOTIFY rule, beside nn, the same without. */
static void check_recorded_notify(const char *hull, const Recording *rec, const char *nn) {
        static const char *const notified[] = { "getpid", "mkdir", "unlink", "getuid", "mkdirat" };
        static const char *const not_notified[] = { "write", "read", "execve", "personality", "clone", "clone3", "ptrace",
                                                    "openat2", "bpf", "reboot", "socket", "socketpair", "arch_prctl",
                                                    "io_uring_setup" };
        _cleanup_free_ char *out = NULL, *stripped = NULL, *pfc = NULL;
        _cleanup_profile_ Profile *p = NULL;
        _cleanup_resolved_ Resolved *res = NULL, *rnn = NULL;
        const ProfileSyscall *s;
        size_t n_notified = 0, some = 0, all = 0, some_nn = 0, all_nn = 0;
        CapSet caps[3] = { 0, capset_docker_default(), capset_all() };
        Diag db = {}, d = {};

        CHECK_EQ_INT(record_profile(hull, strlen(hull), rec, "from the fixture", true, &db, &d, &out), 0);
        CHECK_EQ_INT(db.n, 0);
        CHECK_EQ_INT(d.n, 3); /* bpf, i386, 999: as without */
        diag_clear(&db);
        diag_clear(&d);
        if (!out)
                return;

        /* validate: parses, and checks without an error (a warning: the names of other ABIs) */
        p = check_validates(out);
        if (!p || p->n_syscalls < 3)
                return;
        CHECK_EQ_INT(p->syscalls[0].action, SCMP_ACT_ALLOW);
        s = &p->syscalls[1];
        CHECK_EQ_INT(s->action, SCMP_ACT_NOTIFY);
        CHECK_STREQ(s->comment, RECORD_NOTIFY_COMMENT);
        CHECK(s->n_names > 200);
        for (size_t k = 0; k < s->n_names; k++) {
                if (k > 0)
                        CHECK(strcmp(s->names[k - 1], s->names[k]) < 0);
                /* in no other rule: not recorded, and in no rule it keeps */
                for (size_t i = 0; i < p->n_syscalls; i++)
                        if (i != 1 && profile_names_in(&p->syscalls[i], s->names[k])) {
                                fprintf(stderr, "notified %s is in $.syscalls[%zu] too\n", s->names[k], i);
                                hull_test_failures++;
                        }
        }
        for (size_t i = 2; i < p->n_syscalls; i++)
                CHECK(p->syscalls[i].action != SCMP_ACT_NOTIFY);
        for (size_t i = 0; i < ELEMENTSOF(notified); i++)
                if (!profile_names_in(s, notified[i])) {
                        fprintf(stderr, "%s is not notified\n", notified[i]);
                        hull_test_failures++;
                }
        for (size_t i = 0; i < ELEMENTSOF(not_notified); i++)
                if (profile_names_in(s, not_notified[i])) {
                        fprintf(stderr, "%s is notified\n", not_notified[i]);
                        hull_test_failures++;
                }

        /* apart from the NOTIFY rule, the --no-notify profile */
        stripped = without_rule(out, 1);
        CHECK_STREQ(stripped, nn);

        /* diff --subset BASE RECORDED still holds (NOTIFY counts as allowing) */
        check_within(hull, out, false);
        /* compile, the PFC dump and stats take it; stats counts the notified calls as reachable */
        res = resolve_text(out, capset_docker_default(), "amd64");
        rnn = resolve_text(nn, capset_docker_default(), "amd64");
        CHECK(res && rnn);
        if (!res || !rnn)
                return;
        CHECK_EQ_INT(emit_pfc(res, &pfc), 0);
        CHECK(pfc && strstr(pfc, "action 0x7fc00000;"));
        CHECK_EQ_INT(count_reachable(res, SCMP_ARCH_X86_64, &some, &all), 0);
        CHECK_EQ_INT(count_reachable(rnn, SCMP_ARCH_X86_64, &some_nn, &all_nn), 0);
        CHECK(some > some_nn + 200);

        /* and refuses the same calls */
        for (size_t i = 0; i < ELEMENTSOF(caps); i++) {
                check_same_refusals(hull, nn, out, caps[i], "amd64", &n_notified);
                check_same_refusals(hull, nn, out, caps[i], "arm64", &n_notified);
        }
        CHECK(n_notified > 6 * 150);
}

static void test_recorded_profile(const char *hull) {
        static char *labels[] = { (char *) LABEL };
        RecordFilter f = { .since_ms = 1733300000000ULL, .until_ms = 1733300010000ULL, .labels = labels, .n_labels = 1 };
        _cleanup_(recording_done) Recording rec = {};
        _cleanup_free_ char *out = NULL;
        _cleanup_profile_ Profile *p = NULL;
        _cleanup_resolved_ Resolved *res = NULL;
        _cleanup_free_ struct sock_filter *bpf = NULL;
        static const char *const want[] = { "read", "write", "openat", "close", "mmap", "brk", "exit", "exit_group",
                                            "set_tid_address", "set_robust_list", "rseq", "poll", "clone", "personality", "arch_prctl",
                                            "futex", "execve" };
        static const char *const unwanted[] = { "getpid", "unlink", "mkdir", "ptrace", "reboot", "bpf", "mkdirat", "clone3", "getuid" };
        Diag db = {}, d = {};
        size_t n = 0;

        CHECK_EQ_INT(record_fixture(&f, &rec, &d), 0);
        CHECK_EQ_INT(rec.n_lines, 43);
        CHECK_EQ_INT(rec.n_seccomp, 26);
        CHECK_EQ_INT(rec.n_malformed, 2);
        CHECK_EQ_INT(rec.n_outside_window, 2);
        CHECK_EQ_INT(rec.n_other_process, 5);
        /* runc's futex, openat and execve under dockerd_t, before the container's label */
        CHECK_EQ_INT(rec.n_linked, 3);
        CHECK_EQ_INT(rec.logged.n, 20);
        CHECK_EQ_INT(rec.pending.n, 0);
        CHECK_EQ_INT(rec.refused.n, 1);
        CHECK_EQ_INT(rec.first_ms, 1733300001101ULL);
        CHECK_EQ_INT(rec.last_ms, 1733300002400ULL);
        CHECK(has_msg(&d, "line 41: warning: SECCOMP record without code="));
        CHECK(has_msg(&d, "line 42: warning: not an audit record"));
        CHECK_EQ_INT(d.n, 2);
        diag_clear(&d);

        /* --no-notify: the profile as record wrote it before the NOTIFY rule */
        CHECK_EQ_INT(record_profile(hull, strlen(hull), &rec, "from the fixture", false, &db, &d, &out), 0);
        CHECK_EQ_INT(db.n, 0);
        CHECK(has_msg(&d, "\"bpf\" was logged but the base profile does not allow it"));
        CHECK(has_msg(&d, "architecture 0x40000003, which the base profile does not name"));
        CHECK(has_msg(&d, "syscall 999 on SCMP_ARCH_X86_64 is unknown to libseccomp"));
        CHECK_EQ_INT(d.n, 3);
        diag_clear(&d);
        diag_clear(&db);
        if (!out)
                return;

        /* the existing parser and checker accept it */
        p = check_validates(out);
        if (!p)
                return;
        CHECK_EQ_INT(p->default_action, SCMP_ACT_ERRNO(EPERM));
        CHECK(p->n_syscalls > 1);
        CHECK_EQ_INT(p->syscalls[0].action, SCMP_ACT_ALLOW);
        CHECK_STREQ(p->syscalls[0].comment, "from the fixture");
        for (size_t i = 1; i < p->syscalls[0].n_names; i++)
                CHECK(strcmp(p->syscalls[0].names[i - 1], p->syscalls[0].names[i]) < 0);
        CHECK_EQ_INT(p->n_arch_map, 7);

        /* what it allows: the recorded calls, within the base */
        check_within(hull, out, false);
        res = resolve_text(out, capset_docker_default(), "amd64");
        CHECK(res != NULL);
        if (!res)
                return;
        for (size_t i = 0; i < ELEMENTSOF(want); i++)
                if (!allows(res, want[i])) {
                        fprintf(stderr, "recorded profile does not allow %s\n", want[i]);
                        hull_test_failures++;
                }
        for (size_t i = 0; i < ELEMENTSOF(unwanted); i++)
                if (allows(res, unwanted[i])) {
                        fprintf(stderr, "recorded profile allows %s\n", unwanted[i]);
                        hull_test_failures++;
                }

        /* what "hull-seccomp diff --subset BASE RECORDED" computes (native target, Docker's
         * capabilities): nothing only in the recorded profile; the other way round, plenty; and
         * a recorded profile edited to allow more is caught */
        {
                _cleanup_resolved_ Resolved *rb = resolve_text(hull, capset_docker_default(), "amd64");
                _cleanup_free_ char *widened = strdup(out);
                DiffStats st = {};
                char *at = widened ? strstr(widened, "\"names\":[") : NULL;

                CHECK(rb && at);
                if (rb && at) {
                        CHECK_EQ_INT(diff_resolved(rb, res, NULL, &st), 0);
                        CHECK_EQ_INT(st.only_b, 0);
                        CHECK(st.only_a > 200);
                        CHECK_EQ_INT(diff_resolved(res, rb, NULL, &st), 0);
                        CHECK(st.only_b > 200);
                        /* "names":[ "exit", ... becomes "names":["ptrace","exit", ... */
                        CHECK(asprintf(&at, "%.*s\"names\":[\"ptrace\",%s", (int) (at - widened), widened, at + 9) > 0);
                        free(widened);
                        widened = at;
                        _cleanup_resolved_ Resolved *rw = resolve_text(widened, capset_docker_default(), "amd64");
                        CHECK(rw != NULL);
                        if (rw) {
                                CHECK_EQ_INT(diff_resolved(rb, rw, NULL, &st), 0);
                                CHECK_EQ_INT(st.only_b, 1);
                        }
                }
        }

        /* and its filter: EPERM for the rest, clone3 still ENOSYS so glibc falls back to clone,
         * and so are the base's deny-enosys calls */
        CHECK_EQ_INT(emit_bpf(res, &bpf, &n), 0);
        n /= sizeof(struct sock_filter);
        CHECK_EQ_INT(run_filter(bpf, n, 0), SECCOMP_RET_ALLOW);           /* read */
        CHECK_EQ_INT(run_filter(bpf, n, 7), SECCOMP_RET_ALLOW);           /* poll */
        CHECK_EQ_INT(run_filter(bpf, n, 39), SECCOMP_RET_ERRNO | EPERM);  /* getpid */
        CHECK_EQ_INT(run_filter(bpf, n, 83), SECCOMP_RET_ERRNO | EPERM);  /* mkdir */
        CHECK_EQ_INT(run_filter(bpf, n, 101), SECCOMP_RET_ERRNO | EPERM); /* ptrace */
        CHECK_EQ_INT(run_filter(bpf, n, 435), SECCOMP_RET_ERRNO | ENOSYS); /* clone3 */
        CHECK_EQ_INT(run_filter(bpf, n, 437), SECCOMP_RET_ERRNO | ENOSYS); /* openat2 */
        CHECK_EQ_INT(run_filter(bpf, n, 434), SECCOMP_RET_ERRNO | ENOSYS); /* pidfd_open */

        check_recorded_notify(hull, &rec, out);
}

/* The NOTIFY rule of a small base, exactly; --no-notify's bytes as before it. */
static void test_notify_rule(void) {
        RecordedCall calls[] = {
                { .arch = SCMP_ARCH_X86_64, .nr = 0, .count = 1 },   /* read */
                { .arch = SCMP_ARCH_X86_64, .nr = 3, .count = 2 },   /* close */
                { .arch = SCMP_ARCH_X86_64, .nr = 83, .count = 1 },  /* mkdir */
                { .arch = SCMP_ARCH_X86_64, .nr = 135, .count = 1 }, /* personality */
        };
        const Recording rec = { .logged = { .calls = calls, .n = ELEMENTSOF(calls) } };
        _cleanup_free_ char *base = test_read(SMALL_BASE, NULL), *want = test_read(SMALL_NO_NOTIFY, NULL);
        _cleanup_free_ char *out = NULL, *nn = NULL, *stripped = NULL, *names = NULL, *allowed = NULL, *runc = NULL,
                            *without_notify = NULL;
        _cleanup_json_ json_object *root = NULL;
        _cleanup_profile_ Profile *p = NULL;
        json_object *syscalls;
        Diag db = {}, d = {};

        CHECK(base && want);
        if (!base || !want)
                return;
        CHECK_EQ_INT(record_profile(base, strlen(base), &rec, "from the small recording", false, &db, &d, &nn), 0);
        CHECK_EQ_INT(db.n + d.n, 0);
        CHECK_STREQ(nn, want);
        CHECK_EQ_INT(record_profile(base, strlen(base), &rec, "from the small recording", true, &db, &d, &out), 0);
        CHECK_EQ_INT(db.n + d.n, 0);
        diag_clear(&db);
        diag_clear(&d);
        if (!out || !nn)
                return;
        root = json_tokener_parse(out);
        CHECK(root && json_object_object_get_ex(root, "syscalls", &syscalls));
        if (!root || !json_object_object_get_ex(root, "syscalls", &syscalls))
                return;
        /* allow, runc's, notify, then base's: personality's argument rule, kill, clone3, sync */
        CHECK_EQ_INT(json_object_array_length(syscalls), 7);
        allowed = joined_names(json_object_array_get_idx(syscalls, 0));
        CHECK_STREQ(allowed, "close,mkdir,personality,read");
        /* runc's calls to hand the notify fd over that were not recorded: write */
        runc = joined_names(json_object_array_get_idx(syscalls, 1));
        CHECK_STREQ(runc, "write");
        CHECK_STREQ(rule_string(json_object_array_get_idx(syscalls, 1), "action"), "SCMP_ACT_ALLOW");
        CHECK_STREQ(rule_string(json_object_array_get_idx(syscalls, 1), "comment"), RECORD_RUNC_COMMENT);
        /* sorted; not write, not the recorded calls, not personality (conditional rule too),
         * kill (refusing rule too) or nosuchcall; getuid (LOG, "name") and _llseek (arm) */
        names = joined_names(json_object_array_get_idx(syscalls, 2));
        CHECK_STREQ(names, "_llseek,exit,getpid,getppid,getuid,unlink");
        CHECK_STREQ(rule_string(json_object_array_get_idx(syscalls, 2), "action"), "SCMP_ACT_NOTIFY");
        CHECK_STREQ(rule_string(json_object_array_get_idx(syscalls, 2), "comment"), RECORD_NOTIFY_COMMENT);
        check_rule_shape(json_object_array_get_idx(syscalls, 0));
        check_rule_shape(json_object_array_get_idx(syscalls, 1));
        check_rule_shape(json_object_array_get_idx(syscalls, 2));
        for (size_t i = 3; i < json_object_array_length(syscalls); i++)
                CHECK(strcmp(rule_string(json_object_array_get_idx(syscalls, i), "action") ?: "", "SCMP_ACT_NOTIFY") != 0);
        /* the rest is the --no-notify profile, "name" of the kept sync rule included */
        without_notify = without_rule(out, 2);
        stripped = without_notify ? without_rule(without_notify, 1) : NULL;
        CHECK_STREQ(stripped, nn);
        CHECK(strstr(out, "\"name\":\"sync\""));
        /* validate: no error (a warning: _llseek is not on x86_64) */
        p = check_validates(out);
        /* within the base (minus nosuchcall, which validate refuses, resolve skips) */
        check_within(base, out, false);
}

/* Nothing to notify: no NOTIFY rule, the same bytes as --no-notify. */
static void test_notify_empty(void) {
        static const char *const bases[] = {
                /* write is never notified; close has a refusing rule with a condition too */
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\"], \"syscalls\": ["
                "{\"names\": [\"read\", \"write\", \"close\"], \"action\": \"SCMP_ACT_ALLOW\"},"
                "{\"names\": [\"close\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 0, \"op\": \"SCMP_CMP_EQ\"}]},"
                "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": [\"CAP_SYS_PTRACE\"]}}]}",
                /* no rules at all */
                "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_X86_64\"]}",
        };
        /* read and write: recorded, so no rule for runc's calls either (close: refused by base) */
        RecordedCall calls[] = { { .arch = SCMP_ARCH_X86_64, .nr = 0, .count = 1 }, { .arch = SCMP_ARCH_X86_64, .nr = 1, .count = 1 } };
        const Recording rec = { .logged = { .calls = calls, .n = ELEMENTSOF(calls) } };

        for (size_t i = 0; i < ELEMENTSOF(bases); i++) {
                _cleanup_free_ char *out = NULL, *nn = NULL;
                Diag db = {}, d = {};

                CHECK_EQ_INT(record_profile(bases[i], strlen(bases[i]), &rec, "c", true, &db, &d, &out), 0);
                CHECK_EQ_INT(record_profile(bases[i], strlen(bases[i]), &rec, "c", false, &db, &d, &nn), 0);
                CHECK_EQ_INT(db.n, 0);
                CHECK_STREQ(out, nn);
                CHECK(out && !strstr(out, "NOTIFY"));
                diag_clear(&db);
                diag_clear(&d);
        }
}

/* hull-seccomp run: NOTIFY rules answer EPERM; those that become the default go. */
static void test_replace_notify(void) {
        Rule rules[3] = {
                { .name = "getpid", .nr = 39, .action = SCMP_ACT_NOTIFY },
                { .name = "openat2", .nr = 437, .action = SCMP_ACT_ERRNO(ENOSYS) },
                { .name = "mkdir", .nr = 83, .action = SCMP_ACT_NOTIFY },
        };
        Rule copy[3];
        Resolved r = { .default_action = SCMP_ACT_ERRNO(EPERM), .rules = copy, .n_rules = 3 };

        memcpy(copy, rules, sizeof(rules));
        CHECK_EQ_INT(resolved_replace_notify(&r, SCMP_ACT_ERRNO(EPERM)), 2);
        CHECK_EQ_INT(r.n_rules, 1);
        CHECK_STREQ(r.rules[0].name, "openat2");
        CHECK_EQ_INT(r.rules[0].action, SCMP_ACT_ERRNO(ENOSYS));
        CHECK_EQ_INT(resolved_replace_notify(&r, SCMP_ACT_ERRNO(EPERM)), 0);

        memcpy(copy, rules, sizeof(rules));
        r = (Resolved) { .default_action = SCMP_ACT_ALLOW, .rules = copy, .n_rules = 3 };
        CHECK_EQ_INT(resolved_replace_notify(&r, SCMP_ACT_ERRNO(EPERM)), 2);
        CHECK_EQ_INT(r.n_rules, 3);
        CHECK_EQ_INT(r.rules[0].action, SCMP_ACT_ERRNO(EPERM));
        CHECK_EQ_INT(r.rules[1].action, SCMP_ACT_ERRNO(ENOSYS));
        CHECK_EQ_INT(r.rules[2].action, SCMP_ACT_ERRNO(EPERM));
        CHECK_STREQ(r.rules[2].name, "mkdir");
}

static void test_filters(void) {
        static char *exes[] = { (char *) "/usr/bin/python3" };
        static pid_t pids[] = { 4300, 1 };
        RecordFilter by_pid = { .since_ms = 1733300000000ULL, .pids = pids, .n_pids = 2 };
        RecordFilter by_exe = { .exes = exes, .n_exes = 1 };
        RecordFilter none = { .since_ms = 1733300000000ULL };
        Recording rec = {};
        Diag d = { .max = 1 };

        CHECK_EQ_INT(record_fixture(&by_pid, &rec, &d), 0);
        CHECK_EQ_INT(rec.logged.n, 1);
        CHECK_EQ_INT(rec.logged.calls[0].nr, 7);
        recording_done(&rec);
        CHECK_EQ_INT(record_fixture(&by_exe, &rec, &d), 0);
        CHECK_EQ_INT(rec.logged.n, 1);
        CHECK_EQ_INT(rec.n_outside_window, 0);
        recording_done(&rec);
        /* no process filter: both containers and their runc, up to the end */
        CHECK_EQ_INT(record_fixture(&none, &rec, &d), 0);
        CHECK_EQ_INT(rec.logged.n, 23);
        CHECK_EQ_INT(rec.n_linked, 0);
        CHECK_EQ_INT(rec.n_outside_window, 1);
        recording_done(&rec);
        diag_clear(&d);
}

static void test_read_lines(void) {
        static char text[3 * AUDIT_LINE_MAX];
        RecordFilter f = {};
        Recording rec = {};
        Diag d = {};
        size_t n;
        FILE *in;

        /* a huge line, then a record without its final newline */
        memset(text, 'x', AUDIT_LINE_MAX + 10);
        text[AUDIT_LINE_MAX + 10] = '\n';
        n = AUDIT_LINE_MAX + 11;
        n += (size_t) snprintf(text + n, sizeof(text) - n, "type=SECCOMP msg=audit(5.000:1): pid=7 arch=c000003e syscall=2 code=0x7ffc0000");
        in = fmemopen(text, n, "r");
        CHECK(in != NULL);
        if (!in)
                return;
        CHECK_EQ_INT(recording_read(&rec, &f, in, &d), 0);
        fclose(in);
        CHECK_EQ_INT(rec.n_lines, 2);
        CHECK_EQ_INT(rec.n_malformed, 1);
        CHECK_EQ_INT(rec.logged.n, 1);
        CHECK(has_msg(&d, "line 1: warning: line is longer than"));
        recording_done(&rec);
        diag_clear(&d);

        /* the number of different calls is bounded */
        for (int i = 0; i < (int) RECORD_MAX_CALLS + 5; i++) {
                char line[200];
                int k = snprintf(line, sizeof(line), "type=SECCOMP msg=audit(5.000:1): pid=7 arch=c000003e syscall=%d code=0x7ffc0000", i);
                CHECK_EQ_INT(recording_add_line(&rec, &f, line, (size_t) k, 1, &d), 0);
        }
        CHECK_EQ_INT(rec.logged.n, RECORD_MAX_CALLS);
        CHECK_EQ_INT(rec.n_dropped, 5);
        CHECK(has_msg(&d, "more than"));
        recording_done(&rec);
        diag_clear(&d);
}

static void write_config(int dirfd, const char *id, const char *json) {
        _cleanup_close_ int fd = -1;
        CHECK_EQ_INT(mkdirat(dirfd, id, 0755), 0);
        fd = openat(dirfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        CHECK(fd >= 0);
        CHECK_EQ_INT(write_file_atomic_at(fd, "config.v2.json", json, strlen(json), 0644, (uid_t) -1, (gid_t) -1), 0);
}

#define ID1 "3f4e1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"
#define ID2 "3f4e1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e20"
#define ID3 "aaaa1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"
#define ID4 "bbbb1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"

static void test_container_label(void) {
        char tmp[] = "/tmp/test-record.XXXXXX";
        _cleanup_close_ int dirfd = -1;
        char *id = NULL, *label = NULL;

        CHECK(mkdtemp(tmp) != NULL);
        dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        CHECK(dirfd >= 0);
        if (dirfd < 0)
                return;
        write_config(dirfd, ID1, "{\"ID\": \"" ID1 "\", \"Name\": \"/web\", \"ProcessLabel\": \"" LABEL "\", \"MountLabel\": \"x\"}");
        write_config(dirfd, ID2, "{\"Name\": \"/db\", \"ProcessLabel\": \"system_u:system_r:container_t:s0:c5,c6\"}");
        write_config(dirfd, ID3, "{\"Name\": \"/priv\", \"ProcessLabel\": \"\"}");
        write_config(dirfd, ID4, "{\"Name\": \"/broken\", \"ProcessLabel\": ");

        CHECK_EQ_INT(docker_container_label(dirfd, ID1, &id, &label), 0);
        CHECK_STREQ(id, ID1);
        CHECK_STREQ(label, LABEL);
        free(id), free(label), id = label = NULL;
        CHECK_EQ_INT(docker_container_label(dirfd, "3f4e1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2", &id, &label), -ENOTUNIQ);
        CHECK_EQ_INT(docker_container_label(dirfd, "3f4e", &id, &label), -ENOTUNIQ);
        CHECK_EQ_INT(docker_container_label(dirfd, ID2, &id, &label), 0);
        CHECK_STREQ(label, "system_u:system_r:container_t:s0:c5,c6");
        free(id), free(label), id = label = NULL;
        CHECK_EQ_INT(docker_container_label(dirfd, "web", &id, &label), 0);
        CHECK_STREQ(id, ID1);
        free(id), free(label), id = label = NULL;
        CHECK_EQ_INT(docker_container_label(dirfd, "aaaa", &id, &label), -ENODATA);
        CHECK_EQ_INT(docker_container_label(dirfd, "priv", &id, &label), -ENODATA);
        CHECK_EQ_INT(docker_container_label(dirfd, "bbbb", &id, &label), -EBADMSG);
        CHECK_EQ_INT(docker_container_label(dirfd, "cccc", &id, &label), -ENOENT);
        CHECK_EQ_INT(docker_container_label(dirfd, "nosuch", &id, &label), -ENOENT);
        CHECK_EQ_INT(docker_container_label(dirfd, "../" ID1, &id, &label), -ENOENT);
        CHECK_EQ_INT(docker_container_label(dirfd, "", &id, &label), -ENOENT);
        CHECK(id == NULL && label == NULL);

        {
                char cmd[128];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
                CHECK_EQ_INT(system(cmd), 0);
        }
}

int main(void) {
        _cleanup_free_ char *hull = test_profile_text("hull");

        CHECK(hull != NULL);
        if (hull) {
                test_logging_profile_seen(hull);
                test_logging_profile(hull);
                test_recorded_profile(hull);
        }
        test_notify_rule();
        test_notify_empty();
        test_replace_notify();
        test_filters();
        test_read_lines();
        test_container_label();
        return TEST_RETURN();
}
