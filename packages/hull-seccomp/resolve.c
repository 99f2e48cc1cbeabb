/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "hull/capability.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "resolve.h"

Resolved *resolved_free(Resolved *r) {
        if (!r)
                return NULL;
        free(r->rules);
        free(r);
        return NULL;
}

CapSet capset_docker_default(void) {
        return CAPSET_DOCKER_DEFAULT;
}

CapSet capset_all(void) {
        return (UINT64_C(1) << capability_count()) - 1;
}

int capset_from_string(const char *s, CapSet *ret) {
        _cleanup_free_ char *copy = strdup(s);
        CapSet c = 0;
        char *save = NULL, *w;
        bool first = true;

        if (!copy)
                return -ENOMEM;
        for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save), first = false) {
                char name[CAPABILITY_NAME_MAX];
                int k;
                if (first && strcmp(w, "none") == 0)
                        continue;
                if (first && strcmp(w, "all") == 0) {
                        c = capset_all();
                        continue;
                }
                if (first && strcmp(w, "default") == 0) {
                        c = capset_docker_default();
                        continue;
                }
                if (first && strcmp(w, "hull") == 0) {
                        c = CAPSET_DOCKER_DEFAULT & ~CAPSET_HULL_DROPPED;
                        continue;
                }
                if (capability_name_normalize(w, name) < 0)
                        return -EINVAL;
                k = capability_from_name(name);
                if (k < 0)
                        return -EINVAL;
                c |= UINT64_C(1) << k;
        }
        *ret = c;
        return 0;
}

static const struct {
        const char *docker, *scmp;
        uint32_t token;
} arch_names[] = {
        { "amd64", "x86_64", SCMP_ARCH_X86_64 },
        { "x86", "x86", SCMP_ARCH_X86 },
        { "arm64", "aarch64", SCMP_ARCH_AARCH64 },
        { "arm", "arm", SCMP_ARCH_ARM },
        { "s390x", "s390x", SCMP_ARCH_S390X },
        { "s390", "s390", SCMP_ARCH_S390 },
        { "ppc64le", "ppc64le", SCMP_ARCH_PPC64LE },
        { "ppc64", "ppc64", SCMP_ARCH_PPC64 },
        { "ppc", "ppc", SCMP_ARCH_PPC },
        { "mips64", "mips64", SCMP_ARCH_MIPS64 },
        { "mips64n32", "mips64n32", SCMP_ARCH_MIPS64N32 },
        { "mipsel64", "mipsel64", SCMP_ARCH_MIPSEL64 },
        { "mips3l64n32", "mipsel64n32", SCMP_ARCH_MIPSEL64N32 },
        { "mipsle", "mipsel", SCMP_ARCH_MIPSEL },
        { "riscv64", "riscv64", SCMP_ARCH_RISCV64 },
};

static int parse_kernel_release(const char *s, unsigned *ret_major, unsigned *ret_minor) {
        unsigned v[2] = {};
        for (int i = 0; i < 2; i++) {
                if (!isdigit((unsigned char) *s))
                        return -EINVAL;
                while (isdigit((unsigned char) *s)) {
                        v[i] = v[i] * 10 + (unsigned) (*s - '0');
                        if (v[i] > 255)
                                return -ERANGE;
                        s++;
                }
                if (i == 0 && *s++ != '.')
                        return -EINVAL;
        }
        *ret_major = v[0];
        *ret_minor = v[1];
        return 0;
}

int target_from_string(const char *arch, const char *kernel, Target *ret) {
        Target t = {};
        struct utsname u;
        size_t i;

        for (i = 0; i < ELEMENTSOF(arch_names); i++)
                if (strcmp(arch, arch_names[i].docker) == 0 || strcmp(arch, arch_names[i].scmp) == 0)
                        break;
        if (i >= ELEMENTSOF(arch_names))
                return -EINVAL;
        t.docker_arch = arch_names[i].docker;
        t.arch = arch_names[i].token;
        if (!kernel) {
                if (uname(&u) < 0)
                        return negative_errno();
                kernel = u.release;
        }
        if (parse_kernel_release(kernel, &t.kernel_major, &t.kernel_minor) < 0)
                return -EINVAL;
        *ret = t;
        return 0;
}

int target_native(Target *ret) {
        uint32_t native = seccomp_arch_native();
        for (size_t i = 0; i < ELEMENTSOF(arch_names); i++)
                if (arch_names[i].token == native)
                        return target_from_string(arch_names[i].docker, NULL, ret);
        return -EOPNOTSUPP;
}

static bool in_strv(char **v, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

static bool has_cap(CapSet caps, const char *name) {
        int c = capability_from_name(name);
        return c >= 0 && (caps & (UINT64_C(1) << c));
}

static bool kernel_ge(const Target *t, unsigned major, unsigned minor) {
        return t->kernel_major > major || (t->kernel_major == major && t->kernel_minor >= minor);
}

/* Docker 20.10 setupSeccomp(): excludes first (any match drops the rule), then includes (all
 * must match). */
static bool rule_applies(const ProfileSyscall *s, CapSet caps, const Target *t) {
        const ProfileFilter *ex = &s->excludes, *in = &s->includes;

        if (ex->n_arches > 0 && in_strv(ex->arches, ex->n_arches, t->docker_arch))
                return false;
        for (size_t i = 0; i < ex->n_caps; i++)
                if (has_cap(caps, ex->caps[i]))
                        return false;
        if (ex->has_min_kernel && kernel_ge(t, ex->min_kernel_major, ex->min_kernel_minor))
                return false;
        if (in->n_arches > 0 && !in_strv(in->arches, in->n_arches, t->docker_arch))
                return false;
        for (size_t i = 0; i < in->n_caps; i++)
                if (!has_cap(caps, in->caps[i]))
                        return false;
        if (in->has_min_kernel && !kernel_ge(t, in->min_kernel_major, in->min_kernel_minor))
                return false;
        return true;
}

static void add_arch(Resolved *r, uint32_t a) {
        for (size_t i = 0; i < r->n_arches; i++)
                if (r->arches[i] == a)
                        return;
        if (r->n_arches < ELEMENTSOF(r->arches))
                r->arches[r->n_arches++] = a;
}

int resolve_profile(const Profile *p, CapSet caps, const Target *t, Resolved **ret) {
        _cleanup_resolved_ Resolved *r = NULL;
        size_t max = 0;

        r = calloc(1, sizeof(Resolved));
        if (!r)
                return -ENOMEM;
        r->default_action = p->has_default_action ? p->default_action : SCMP_ACT_ALLOW;

        /* The filter always has the target architecture (libseccomp's native one for runc);
         * "architectures" adds to it, an archMap entry for the target adds its sub-arches. */
        add_arch(r, t->arch);
        for (size_t i = 0; i < p->n_architectures; i++)
                add_arch(r, p->architectures[i]);
        for (size_t i = 0; i < p->n_arch_map; i++)
                if (p->arch_map[i].arch == t->arch) {
                        for (size_t j = 0; j < p->arch_map[i].n_sub_arches; j++)
                                add_arch(r, p->arch_map[i].sub_arches[j]);
                        break;
                }

        for (size_t i = 0; i < p->n_syscalls; i++)
                max += p->syscalls[i].n_names * (p->syscalls[i].n_args ? p->syscalls[i].n_args : 1);
        r->rules = calloc(max ? max : 1, sizeof(Rule));
        if (!r->rules)
                return -ENOMEM;

        for (size_t i = 0; i < p->n_syscalls; i++) {
                const ProfileSyscall *s = &p->syscalls[i];
                unsigned per_index[PROFILE_ARG_INDEX_MAX + 1] = {};
                bool split = false;

                if (!rule_applies(s, caps, t))
                        continue;
                /* runc: a rule whose action is the default action is redundant. */
                if (s->action == r->default_action)
                        continue;
                for (size_t a = 0; a < s->n_args; a++)
                        if (++per_index[s->args[a].index] > 1)
                                split = true;

                for (size_t n = 0; n < s->n_names; n++) {
                        int nr;
                        if (strlen(s->names[n]) >= sizeof(r->rules[0].name))
                                continue;
                        nr = seccomp_syscall_resolve_name(s->names[n]);
                        if (nr == __NR_SCMP_ERROR)
                                continue; /* runc ignores names libseccomp does not know */
                        /* runc: two conditions on one argument cannot be ANDed by libseccomp, so
                         * each becomes a rule of its own (an OR). */
                        for (size_t k = 0; k < (split ? s->n_args : 1); k++) {
                                Rule *rule = &r->rules[r->n_rules++];
                                strcpy(rule->name, s->names[n]);
                                rule->nr = nr;
                                rule->action = s->action;
                                rule->src = i;
                                for (size_t a = 0; a < s->n_args; a++) {
                                        if (split && a != k)
                                                continue;
                                        rule->conds[rule->n_conds++] = (struct scmp_arg_cmp) {
                                                .arg = s->args[a].index,
                                                .op = s->args[a].op,
                                                .datum_a = s->args[a].value,
                                                .datum_b = s->args[a].value_two,
                                        };
                                }
                        }
                }
        }
        *ret = TAKE_PTR(r);
        return 0;
}

size_t resolved_replace_notify(Resolved *r, uint32_t action) {
        size_t found = 0, k = 0;

        for (size_t i = 0; i < r->n_rules; i++) {
                Rule *rule = &r->rules[i];
                if (rule->action == SCMP_ACT_NOTIFY) {
                        found++;
                        rule->action = action;
                        if (action == r->default_action)
                                continue;
                }
                r->rules[k++] = *rule;
        }
        r->n_rules = k;
        return found;
}
