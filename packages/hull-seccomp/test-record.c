/* SPDX-License-Identifier: MIT */
/* Seccomp from evidence: the logging profile allows exactly what Hull's default allows, every
 * call logged; a recorded profile written from tests/record/container.log holds the calls of
 * one container in the time window (its label's records, and those its processes made under
 * runc's label before their execve), parses and checks cleanly with the profile parser, is
 * within Hull's default for every capability set, and its filter refuses the rest with EPERM;
 * the container's label is found in Docker's config.v2.json. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpfsim.h"
#include "diff.h"
#include "emit.h"
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

        CHECK_EQ_INT(record_profile(hull, strlen(hull), &rec, "from the fixture", &db, &d, &out), 0);
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
        CHECK_EQ_INT(profile_parse(out, strlen(out), &d, &p), 0);
        if (p)
                CHECK_EQ_INT(profile_check(p, SCMP_ARCH_X86_64, &d), 0);
        CHECK_EQ_INT(d.n_errors, 0);
        diag_clear(&d);
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
        test_filters();
        test_read_lines();
        test_container_label();
        return TEST_RETURN();
}
