/* SPDX-License-Identifier: MIT */
/* compile --oci: a profile resolved for a capability set and written as an OCI config's
 * linux.seccomp object must give the same filter when read back as a profile, resolved again
 * and compiled: the same BPF, byte for byte, and diff finding nothing either way. Checked on
 * Docker's profile, Hull's and the argument fixtures, for several capability sets. */
#include <string.h>
#include <json-c/json.h>

#include "diff.h"
#include "emit.h"
#include "hull/json.h"
#include "hull/tests.h"
#include "resolve.h"
#include "testutil.h"

static Resolved *resolve_text(const char *text, CapSet caps, const Target *t) {
        _cleanup_profile_ Profile *p = NULL;
        Resolved *r = NULL;
        Diag d = {};

        if (profile_parse(text, strlen(text), &d, &p) < 0) {
                diag_print(&d, "(oci)");
                diag_clear(&d);
                return NULL;
        }
        diag_clear(&d);
        if (resolve_profile(p, caps, t, &r) < 0)
                return NULL;
        return r;
}

static void check_round_trip(const char *which, const char *capstr) {
        _cleanup_free_ char *text = test_profile_text(which), *oci = NULL;
        _cleanup_free_ struct sock_filter *bpf_a = NULL, *bpf_b = NULL;
        _cleanup_resolved_ Resolved *a = NULL, *b = NULL;
        _cleanup_json_ json_object *o = NULL;
        json_object *v;
        size_t na = 0, nb = 0;
        DiffStats st = {};
        CapSet caps;
        Target t;

        CHECK(text != NULL);
        CHECK_EQ_INT(capset_from_string(capstr, &caps), 0);
        CHECK_EQ_INT(target_from_string("amd64", "6.1", &t), 0);
        if (!text)
                return;
        a = resolve_text(text, caps, &t);
        CHECK(a != NULL);
        if (!a)
                return;
        CHECK_EQ_INT(emit_oci(a, &oci), 0);
        if (!oci)
                return;
        /* What runc reads: no Docker-only fields left, every entry one name. */
        o = json_tokener_parse(oci);
        CHECK(o != NULL);
        CHECK(json_object_object_get_ex(o, "defaultAction", &v));
        CHECK(!strstr(oci, "\"includes\"") && !strstr(oci, "\"excludes\"") && !strstr(oci, "\"archMap\""));
        CHECK(json_object_object_get_ex(o, "syscalls", &v) && json_object_array_length(v) == a->n_rules);

        b = resolve_text(oci, caps, &t);
        CHECK(b != NULL);
        if (!b)
                return;
        CHECK_EQ_INT(diff_resolved(a, b, NULL, &st), 0);
        CHECK_EQ_INT(st.only_a, 0);
        CHECK_EQ_INT(st.only_b, 0);
        CHECK_EQ_INT(emit_bpf(a, &bpf_a, &na), 0);
        CHECK_EQ_INT(emit_bpf(b, &bpf_b, &nb), 0);
        CHECK(na == nb && bpf_a && bpf_b && memcmp(bpf_a, bpf_b, na) == 0);
        fprintf(stderr, "test-oci: %s with caps %s: %zu rules, %zu BPF bytes\n", which, capstr, a->n_rules, na);
}

/* Docker's clone3 rule (ERRNO 38 unless CAP_SYS_ADMIN) and, in Hull's profile, the rule of its
 * deny-enosys line keep their errno in errnoRet. */
static void check_errno_ret(const char *which, const char *name) {
        _cleanup_free_ char *text = test_profile_text(which), *oci = NULL, *want = NULL;
        _cleanup_resolved_ Resolved *a = NULL;
        CapSet caps;
        Target t;

        CHECK_EQ_INT(capset_from_string("default", &caps), 0);
        CHECK_EQ_INT(target_from_string("amd64", "6.1", &t), 0);
        a = text ? resolve_text(text, caps, &t) : NULL;
        CHECK(a != NULL);
        if (!a)
                return;
        CHECK_EQ_INT(emit_oci(a, &oci), 0);
        CHECK(asprintf(&want, "{\"names\":[\"%s\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}", name) > 0);
        CHECK(oci && want && strstr(oci, want));
        CHECK(oci && strstr(oci, "\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"));
}

int main(void) {
        static const char *const profiles[] = { "docker", "hull", "tests/profiles/args.json" };
        static const char *const capsets[] = { "default", "hull", "none", "all" };

        for (size_t i = 0; i < ELEMENTSOF(profiles); i++)
                for (size_t j = 0; j < ELEMENTSOF(capsets); j++)
                        check_round_trip(profiles[i], capsets[j]);
        check_errno_ret("docker", "clone3");
        check_errno_ret("hull", "clone3");
        check_errno_ret("hull", "openat2");
        return TEST_RETURN();
}
