/* SPDX-License-Identifier: MIT */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "diff.h"
#include "hull/capability.h"
#include "hull/json.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "policy.h"
#include "profile.h"
#include "resolve.h"

typedef enum {
        P_DENY,
        P_DENY_ENOSYS,
        P_DENY_UNLESS,
        P_ALLOW_ONLY,
        P_KEEP,
        P_DROP_ARCH,
        P_ASSERT_DENIED,
        _P_MAX,
} PolicyVerb;

static const char *const verb_names[_P_MAX] = {
        [P_DENY] = "deny",
        [P_DENY_ENOSYS] = "deny-enosys",
        [P_DENY_UNLESS] = "deny-unless",
        [P_ALLOW_ONLY] = "allow-only",
        [P_KEEP] = "keep",
        [P_DROP_ARCH] = "drop-arch",
        [P_ASSERT_DENIED] = "assert-denied",
};

/* The errnoRet of the rule deny-enosys adds: ENOSYS as Docker's clone3 rule writes it, its value
 * on every architecture of Docker's archMap but MIPS (89). */
#define POLICY_ERRNO_ENOSYS 38

typedef struct Directive {
        PolicyVerb verb;
        unsigned line;
        char *words[POLICY_MAX_WORDS]; /* arguments after the verb */
        size_t n_words;
        char *reason;
} Directive;

typedef struct Policy {
        Directive *d;
        size_t n;
} Policy;

static void policy_done(Policy *p) {
        for (size_t i = 0; i < p->n; i++) {
                for (size_t k = 0; k < p->d[i].n_words; k++)
                        free(p->d[i].words[k]);
                free(p->d[i].reason);
        }
        free(p->d);
        *p = (Policy) {};
}

static int append_reason(Directive *d, const char *text) {
        char *n;
        if (asprintf(&n, "%s%s%s", d->reason ? d->reason : "", d->reason ? " " : "", text) < 0)
                return -ENOMEM;
        free(d->reason);
        d->reason = n;
        return 0;
}

/* An indented line: the reason of the directive above it ("because: ..." first, then more
 * text). 0, -EINVAL (reported) or -ENOMEM. */
static int parse_reason_line(Policy *p, const char *line, const char *where, Diag *diag) {
        const char *t = line + strspn(line, " \t");

        if (p->n == 0) {
                diag_add(diag, true, where, "indented text before the first directive");
                return -EINVAL;
        }
        if (!p->d[p->n - 1].reason) {
                if (strncmp(t, "because:", 8) != 0) {
                        diag_add(diag, true, where, "expected \"because: <reason>\"");
                        return -EINVAL;
                }
                t += 8 + strspn(t + 8, " \t");
                if (*t == 0) {
                        diag_add(diag, true, where, "empty reason");
                        return -EINVAL;
                }
        }
        return append_reason(&p->d[p->n - 1], t);
}

/* A directive line into d: its verb and words. 0, -EINVAL (reported) or -ENOMEM. */
static int parse_directive(char *line, const char *where, Diag *diag, Directive *d) {
        char *save = NULL, *verb, *w;
        bool names_only;
        size_t v;
        int r = 0;

        verb = strtok_r(line, " \t", &save);
        for (v = 0; v < _P_MAX; v++)
                if (strcmp(verb, verb_names[v]) == 0)
                        break;
        if (v >= _P_MAX) {
                diag_add(diag, true, where, "unknown directive \"%s\"", verb);
                return -EINVAL;
        }
        d->verb = (PolicyVerb) v;
        names_only = d->verb == P_DENY || d->verb == P_DENY_ENOSYS || d->verb == P_KEEP;
        while ((w = strtok_r(NULL, " \t", &save))) {
                if (d->n_words >= POLICY_MAX_WORDS) {
                        diag_add(diag, true, where, "more than %u words", POLICY_MAX_WORDS);
                        r = -EINVAL;
                        break;
                }
                if (!(d->words[d->n_words++] = strdup(w)))
                        return -ENOMEM;
        }
        if (d->n_words < (names_only || d->verb == P_DROP_ARCH ? 1U : d->verb == P_ALLOW_ONLY ? 3U : 2U)) {
                diag_add(diag, true, where, "\"%s\" needs %s", verb,
                         d->verb == P_DROP_ARCH     ? "an architecture"
                         : names_only               ? "syscall names"
                         : d->verb == P_ALLOW_ONLY  ? "a syscall name, an argument index and values"
                                                    : "a capability and syscall names");
                r = -EINVAL;
        }
        return r;
}

/* The words of d that are syscall names: words[*ret_first] up to words[*ret_end - 1]. */
static void directive_names(const Directive *d, size_t *ret_first, size_t *ret_end) {
        *ret_first = d->verb == P_DENY_UNLESS || d->verb == P_ASSERT_DENIED ? 1 : 0;
        *ret_end = d->verb == P_DROP_ARCH ? 0 : d->verb == P_ALLOW_ONLY ? 1 : d->n_words;
}

/* A deny-enosys call is named once, and by no other change (assert-denied aside): denied twice,
 * or kept or narrowed as well, its rule would depend on the order of the lines. */
static int check_enosys_names(const Policy *p, Diag *diag) {
        char where[32];
        int r = 0;

        for (size_t i = 0; i < p->n; i++) {
                const Directive *d = &p->d[i];

                if (d->verb != P_DENY_ENOSYS)
                        continue;
                snprintf(where, sizeof(where), "line %u", d->line);
                for (size_t w = 0; w < d->n_words; w++) {
                        const Directive *other = NULL;
                        bool twice = false;

                        for (size_t k = 0; k < w && !twice; k++)
                                twice = strcmp(d->words[k], d->words[w]) == 0;
                        if (twice) {
                                diag_add(diag, true, where, "\"%s\" is named twice", d->words[w]);
                                r = -EINVAL;
                                continue;
                        }
                        /* another deny-enosys reports a shared name once, on the later line */
                        for (size_t j = 0; j < p->n && !other; j++) {
                                size_t first, end;

                                if (j == i || p->d[j].verb == P_ASSERT_DENIED || (p->d[j].verb == P_DENY_ENOSYS && j > i))
                                        continue;
                                directive_names(&p->d[j], &first, &end);
                                for (size_t k = first; k < end && !other; k++)
                                        if (strcmp(p->d[j].words[k], d->words[w]) == 0)
                                                other = &p->d[j];
                        }
                        if (other) {
                                diag_add(diag, true, where, "\"%s\" is also named by %s at line %u; a deny-enosys call takes no other directive",
                                         d->words[w], verb_names[other->verb], other->line);
                                r = -EINVAL;
                        }
                }
        }
        return r;
}

static int policy_parse(const char *text, size_t len, Diag *diag, Policy *ret) {
        _cleanup_free_ char *copy = NULL;
        _cleanup_(policy_done) Policy p = {};
        char *line, where[32];
        unsigned lineno = 0;
        int r = 0, k;

        if (len > POLICY_MAX_SIZE) {
                diag_add(diag, true, NULL, "file is %zu bytes, at most %u allowed", len, POLICY_MAX_SIZE);
                return -EINVAL;
        }
        if (memchr(text, 0, len)) {
                diag_add(diag, true, NULL, "NUL byte in policy text");
                return -EINVAL;
        }
        copy = strndup(text, len);
        if (!copy)
                return -ENOMEM;
        p.d = calloc(POLICY_MAX_DIRECTIVES, sizeof(Directive));
        if (!p.d)
                return -ENOMEM;

        /* strsep keeps empty lines, so line numbers stay right */
        for (char *rest = copy; (line = strsep(&rest, "\n")); ) {
                snprintf(where, sizeof(where), "line %u", ++lineno);
                if (line[0] == '#' || line[strspn(line, " \t")] == 0 || line[strspn(line, " \t")] == '#')
                        continue;
                if (line[0] == ' ' || line[0] == '\t')
                        k = parse_reason_line(&p, line, where, diag);
                else if (p.n >= POLICY_MAX_DIRECTIVES) {
                        diag_add(diag, true, where, "more than %u directives", POLICY_MAX_DIRECTIVES);
                        r = -EINVAL;
                        break;
                } else {
                        p.d[p.n].line = lineno;
                        k = parse_directive(line, where, diag, &p.d[p.n++]);
                }
                if (k == -ENOMEM)
                        return k;
                if (k < 0)
                        r = k;
        }
        for (size_t i = 0; i < p.n; i++)
                if (!p.d[i].reason) {
                        snprintf(where, sizeof(where), "line %u", p.d[i].line);
                        diag_add(diag, true, where, "change has no reason (add an indented \"because:\" line)");
                        r = -EINVAL;
                }
        if (r < 0)
                return r;
        r = check_enosys_names(&p, diag);
        if (r < 0)
                return r;
        *ret = p;
        p = (Policy) {};
        return 0;
}

/* JSON tree helpers on Docker's syscall entries. */

static const char *entry_action(json_object *e) {
        json_object *a;
        return json_object_object_get_ex(e, "action", &a) ? json_object_get_string(a) : "";
}

static bool entry_allows(json_object *e) {
        return strcmp(entry_action(e), "SCMP_ACT_ALLOW") == 0 || strcmp(entry_action(e), "SCMP_ACT_LOG") == 0;
}

static json_object *entry_names(json_object *e) {
        json_object *n;
        if (json_object_object_get_ex(e, "names", &n))
                return n;
        if (json_object_object_get_ex(e, "name", &n)) {
                json_object *arr = json_object_new_array();
                json_object_array_add(arr, json_object_get(n));
                json_object_object_del(e, "name");
                json_object_object_add(e, "names", arr);
                return arr;
        }
        return NULL;
}

static bool array_len_zero(json_object *o, const char *key) {
        json_object *v;
        if (!json_object_object_get_ex(o, key, &v) || json_object_get_type(v) == json_type_null)
                return true;
        return json_object_get_type(v) == json_type_array && json_object_array_length(v) == 0;
}

static bool filter_empty(json_object *e, const char *key) {
        json_object *f, *mk;
        if (!json_object_object_get_ex(e, key, &f))
                return true;
        return array_len_zero(f, "caps") && array_len_zero(f, "arches") &&
               (!json_object_object_get_ex(f, "minKernel", &mk) || json_object_get_string_len(mk) == 0);
}

static bool includes_cap(json_object *e, const char *cap) {
        json_object *f, *caps;
        if (!json_object_object_get_ex(e, "includes", &f) || !json_object_object_get_ex(f, "caps", &caps) ||
            json_object_get_type(caps) != json_type_array)
                return false;
        for (size_t i = 0; i < json_object_array_length(caps); i++)
                if (strcmp(json_object_get_string(json_object_array_get_idx(caps, i)), cap) == 0)
                        return true;
        return false;
}

static bool entry_names_has(json_object *e, const char *name) {
        json_object *names = entry_names(e);
        for (size_t i = 0; names && i < json_object_array_length(names); i++)
                if (strcmp(json_object_get_string(json_object_array_get_idx(names, i)), name) == 0)
                        return true;
        return false;
}

/* Removes name from the entry; returns true if it was there. */
static bool entry_remove_name(json_object *e, const char *name) {
        json_object *names = entry_names(e);
        bool found = false;
        for (size_t i = 0; names && i < json_object_array_length(names);)
                if (strcmp(json_object_get_string(json_object_array_get_idx(names, i)), name) == 0) {
                        json_object_array_del_idx(names, i, 1);
                        found = true;
                } else
                        i++;
        return found;
}

static void drop_empty_entries(json_object *syscalls) {
        for (size_t i = 0; i < json_object_array_length(syscalls);) {
                json_object *names = entry_names(json_object_array_get_idx(syscalls, i));
                if (names && json_object_array_length(names) == 0)
                        json_object_array_del_idx(syscalls, i, 1);
                else
                        i++;
        }
}

/* drop-arch ARCH: the sub-architecture removed from every archMap entry. */
static int apply_drop_arch(json_object *root, const Directive *d, const char *where, Diag *diag) {
        json_object *archmap;
        size_t removed = 0;
        uint32_t tok;

        if (scmp_arch_from_string(d->words[0], &tok) < 0) {
                diag_add(diag, true, where, "unknown architecture \"%s\"", d->words[0]);
                return -EINVAL;
        }
        if (!json_object_object_get_ex(root, "archMap", &archmap) || json_object_get_type(archmap) != json_type_array) {
                diag_add(diag, true, where, "the base profile has no archMap");
                return -EINVAL;
        }
        for (size_t i = 0; i < json_object_array_length(archmap); i++) {
                json_object *subs;
                if (!json_object_object_get_ex(json_object_array_get_idx(archmap, i), "subArchitectures", &subs) ||
                    json_object_get_type(subs) != json_type_array)
                        continue;
                for (size_t k = 0; k < json_object_array_length(subs);)
                        if (strcmp(json_object_get_string(json_object_array_get_idx(subs, k)), d->words[0]) == 0) {
                                json_object_array_del_idx(subs, k, 1);
                                removed++;
                        } else
                                k++;
        }
        if (removed == 0) {
                diag_add(diag, true, where, "%s is no sub-architecture in the base profile", d->words[0]);
                return -EINVAL;
        }
        return 0;
}

/* deny NAME...: each name removed from every rule that allows it. */
static int apply_deny(json_object *syscalls, const Directive *d, const char *where, Diag *diag) {
        for (size_t w = 0; w < d->n_words; w++) {
                size_t removed = 0;
                if (seccomp_syscall_resolve_name(d->words[w]) == __NR_SCMP_ERROR) {
                        diag_add(diag, true, where, "unknown syscall \"%s\"", d->words[w]);
                        return -EINVAL;
                }
                for (size_t i = 0; i < json_object_array_length(syscalls); i++) {
                        json_object *e = json_object_array_get_idx(syscalls, i);
                        if (entry_allows(e) && entry_remove_name(e, d->words[w]))
                                removed++;
                }
                if (removed == 0)
                        diag_add(diag, false, where, "\"%s\" is not allowed by the base profile, nothing to deny", d->words[w]);
        }
        drop_empty_entries(syscalls);
        return 0;
}

/* Every name of d must be a known syscall that some rule of the profile allows at this point;
 * otherwise the first that is not is reported, as "NAME" followed by refusal. */
static int require_allowed(json_object *syscalls, const Directive *d, const char *where, Diag *diag, const char *refusal) {
        for (size_t w = 0; w < d->n_words; w++) {
                bool allowed = false;
                if (seccomp_syscall_resolve_name(d->words[w]) == __NR_SCMP_ERROR) {
                        diag_add(diag, true, where, "unknown syscall \"%s\"", d->words[w]);
                        return -EINVAL;
                }
                for (size_t i = 0; i < json_object_array_length(syscalls) && !allowed; i++) {
                        json_object *e = json_object_array_get_idx(syscalls, i);
                        allowed = entry_allows(e) && entry_names_has(e, d->words[w]);
                }
                if (!allowed) {
                        diag_add(diag, true, where, "\"%s\" %s", d->words[w], refusal);
                        return -EINVAL;
                }
        }
        return 0;
}

/* The rule deny-enosys adds, as Docker's clone3 rule: the names refused with ENOSYS, for every
 * capability set, architecture and kernel. */
static json_object *new_enosys_rule(const Directive *d) {
        json_object *add = json_object_new_object(), *names = json_object_new_array();

        for (size_t w = 0; w < d->n_words; w++)
                json_object_array_add(names, json_object_new_string(d->words[w]));
        json_object_object_add(add, "names", names);
        json_object_object_add(add, "action", json_object_new_string("SCMP_ACT_ERRNO"));
        json_object_object_add(add, "errnoRet", json_object_new_int(POLICY_ERRNO_ENOSYS));
        json_object_object_add(add, "args", json_object_new_array());
        json_object_object_add(add, "comment", json_object_new_string(d->reason));
        json_object_object_add(add, "includes", json_object_new_object());
        json_object_object_add(add, "excludes", json_object_new_object());
        return add;
}

/* deny-enosys NAME...: each name removed from every rule that allows it, as deny does, and one
 * new rule answers them all with ENOSYS instead of the default's EPERM: a program that probes a
 * newer call and falls back only on ENOSYS takes its fallback. Every name must be allowed at
 * this point: for a call already refused the rule would change nothing but the errno. */
static int apply_deny_enosys(json_object *syscalls, const Directive *d, const char *where, Diag *diag) {
        int r = require_allowed(syscalls, d, where, diag, "is not allowed at this point of the policy, nothing to deny");
        if (r < 0)
                return r;
        for (size_t w = 0; w < d->n_words; w++)
                for (size_t i = 0; i < json_object_array_length(syscalls); i++) {
                        json_object *e = json_object_array_get_idx(syscalls, i);
                        if (entry_allows(e))
                                (void) entry_remove_name(e, d->words[w]);
                }
        drop_empty_entries(syscalls);
        json_object_array_add(syscalls, new_enosys_rule(d));
        return 0;
}

/* The rule deny-unless adds: SCMP_ACT_ALLOW of no names yet, only with cap. */
static json_object *new_cap_rule(const char *cap, const char *reason) {
        json_object *add = json_object_new_object(), *inc = json_object_new_object(), *caps = json_object_new_array();

        json_object_object_add(add, "names", json_object_new_array());
        json_object_object_add(add, "action", json_object_new_string("SCMP_ACT_ALLOW"));
        json_object_object_add(add, "args", json_object_new_array());
        json_object_object_add(add, "comment", json_object_new_string(reason));
        json_object_array_add(caps, json_object_new_string(cap));
        json_object_object_add(inc, "caps", caps);
        json_object_object_add(add, "includes", inc);
        json_object_object_add(add, "excludes", json_object_new_object());
        return add;
}

/* deny-unless CAP NAME...: each name allowed only with CAP (the base's unconditional rules
 * lose it, one new rule allows it under CAP). */
static int apply_deny_unless(json_object *syscalls, const Directive *d, const char *where, Diag *diag) {
        _cleanup_json_ json_object *add = NULL;
        const char *cap = d->words[0];

        if (capability_from_name(cap) < 0) {
                diag_add(diag, true, where, "unknown capability \"%s\"", cap);
                return -EINVAL;
        }
        for (size_t w = 1; w < d->n_words; w++) {
                const char *name = d->words[w];
                bool removed = false, conditional = false, kept = false;
                if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR) {
                        diag_add(diag, true, where, "unknown syscall \"%s\"", name);
                        return -EINVAL;
                }
                for (size_t i = 0; i < json_object_array_length(syscalls); i++) {
                        json_object *e = json_object_array_get_idx(syscalls, i);
                        if (!entry_allows(e) || !entry_names_has(e, name))
                                continue;
                        if (includes_cap(e, cap)) {
                                kept = true;
                                continue;
                        }
                        if (!array_len_zero(e, "args") || !filter_empty(e, "includes") || !filter_empty(e, "excludes"))
                                conditional = true;
                        (void) entry_remove_name(e, name);
                        removed = true;
                }
                if (!removed) {
                        diag_add(diag, false, where, "\"%s\" is not allowed without %s by the base profile, nothing to change", name, cap);
                        continue;
                }
                if (kept)
                        continue;
                if (conditional) {
                        diag_add(diag, true, where, "\"%s\" is allowed under conditions in the base; cannot move it under %s unconditionally", name, cap);
                        return -EINVAL;
                }
                if (!add)
                        add = new_cap_rule(cap, d->reason);
                json_object_array_add(entry_names(add), json_object_new_string(name));
        }
        drop_empty_entries(syscalls);
        if (add)
                json_object_array_add(syscalls, TAKE_PTR(add));
        return 0;
}

/* One rule: name allowed when argument index equals value. */
static json_object *new_arg_rule(const char *name, unsigned index, uint64_t value, const char *reason) {
        json_object *add = json_object_new_object(), *names = json_object_new_array(), *args = json_object_new_array(),
                    *arg = json_object_new_object();

        json_object_array_add(names, json_object_new_string(name));
        json_object_object_add(add, "names", names);
        json_object_object_add(add, "action", json_object_new_string("SCMP_ACT_ALLOW"));
        json_object_object_add(arg, "index", json_object_new_int((int) index));
        json_object_object_add(arg, "value", json_object_new_uint64(value));
        json_object_object_add(arg, "op", json_object_new_string("SCMP_CMP_EQ"));
        json_object_array_add(args, arg);
        json_object_object_add(add, "args", args);
        json_object_object_add(add, "comment", json_object_new_string(reason));
        json_object_object_add(add, "includes", json_object_new_object());
        json_object_object_add(add, "excludes", json_object_new_object());
        return add;
}

/* allow-only NAME INDEX VALUE...: NAME, allowed without conditions by the base, allowed only
 * when argument INDEX is one of the values (one rule a value, as Docker's personality rules). */
static int apply_allow_only(json_object *syscalls, const Directive *d, const char *where, Diag *diag) {
        const char *name = d->words[0];
        uint64_t index, values[POLICY_MAX_WORDS];
        size_t removed = 0;

        if (seccomp_syscall_resolve_name(name) == __NR_SCMP_ERROR) {
                diag_add(diag, true, where, "unknown syscall \"%s\"", name);
                return -EINVAL;
        }
        if (safe_atou64(d->words[1], &index) < 0 || index > PROFILE_ARG_INDEX_MAX) {
                diag_add(diag, true, where, "argument index \"%s\" is not a number from 0 to %u", d->words[1], PROFILE_ARG_INDEX_MAX);
                return -EINVAL;
        }
        for (size_t w = 2; w < d->n_words; w++)
                if (safe_atou64(d->words[w], &values[w - 2]) < 0) {
                        diag_add(diag, true, where, "value \"%s\" is not a number", d->words[w]);
                        return -EINVAL;
                }
        for (size_t i = 0; i < json_object_array_length(syscalls); i++) {
                json_object *e = json_object_array_get_idx(syscalls, i);
                if (!entry_allows(e) || !entry_names_has(e, name))
                        continue;
                if (!array_len_zero(e, "args") || !filter_empty(e, "includes") || !filter_empty(e, "excludes")) {
                        diag_add(diag, true, where, "\"%s\" is allowed under conditions in the base; allow-only narrows only an unconditional rule", name);
                        return -EINVAL;
                }
                (void) entry_remove_name(e, name);
                removed++;
        }
        if (removed == 0) {
                diag_add(diag, true, where, "\"%s\" is not allowed by the base profile, nothing to narrow", name);
                return -EINVAL;
        }
        drop_empty_entries(syscalls);
        for (size_t w = 2; w < d->n_words; w++)
                json_object_array_add(syscalls, new_arg_rule(name, (unsigned) index, values[w - 2], d->reason));
        return 0;
}

/* keep NAME...: nothing changes; each name must be one the profile still allows (a reason on
 * record for a call kept without a workload's evidence). */
static int apply_keep(json_object *syscalls, const Directive *d, const char *where, Diag *diag) {
        return require_allowed(syscalls, d, where, diag, "is kept but not allowed at this point of the policy");
}

static int apply(json_object *root, const Directive *d, Diag *diag) {
        json_object *syscalls;
        char where[32];

        snprintf(where, sizeof(where), "line %u", d->line);
        if (d->verb == P_ASSERT_DENIED)
                return 0;
        if (d->verb == P_DROP_ARCH)
                return apply_drop_arch(root, d, where, diag);
        if (!json_object_object_get_ex(root, "syscalls", &syscalls) || json_object_get_type(syscalls) != json_type_array) {
                diag_add(diag, true, where, "the base profile has no syscalls");
                return -EINVAL;
        }
        if (d->verb == P_DENY)
                return apply_deny(syscalls, d, where, diag);
        if (d->verb == P_DENY_ENOSYS)
                return apply_deny_enosys(syscalls, d, where, diag);
        if (d->verb == P_ALLOW_ONLY)
                return apply_allow_only(syscalls, d, where, diag);
        if (d->verb == P_KEEP)
                return apply_keep(syscalls, d, where, diag);
        return apply_deny_unless(syscalls, d, where, diag);
}

/* Capability sets worth checking: none, Docker's and Hull's defaults, all, and Docker's
 * default plus or minus each capability either profile names (others change nothing). */
static size_t interesting_capsets(const Profile *a, const Profile *b, CapSet *out, size_t max) {
        CapSet mentioned = 0;
        size_t n = 0;
        const Profile *ps[] = { a, b };

        for (size_t k = 0; k < 2; k++)
                for (size_t i = 0; i < ps[k]->n_syscalls; i++) {
                        const ProfileSyscall *s = &ps[k]->syscalls[i];
                        for (size_t c = 0; c < s->includes.n_caps; c++)
                                mentioned |= UINT64_C(1) << capability_from_name(s->includes.caps[c]);
                        for (size_t c = 0; c < s->excludes.n_caps; c++)
                                mentioned |= UINT64_C(1) << capability_from_name(s->excludes.caps[c]);
                }
        out[n++] = 0;
        out[n++] = capset_docker_default();
        (void) capset_from_string("hull", &out[n++]);
        out[n++] = capset_all();
        for (unsigned c = 0; c < capability_count() && n + 1 < max; c++)
                if (mentioned & (UINT64_C(1) << c)) {
                        out[n++] = capset_docker_default() ^ (UINT64_C(1) << c);
                        out[n++] = capset_all() ^ (UINT64_C(1) << c);
                }
        return n;
}

static int within(const Profile *a, const Profile *b, FILE *report) {
        static const char *const arches[] = { "amd64", "arm64", "s390x" };
        static const char *const kernels[] = { "3.10", "6.1" };
        CapSet sets[2 + 2 * 64 + 8];
        size_t n_sets = interesting_capsets(a, b, sets, ELEMENTSOF(sets));

        for (size_t ai = 0; ai < ELEMENTSOF(arches); ai++)
                for (size_t ki = 0; ki < ELEMENTSOF(kernels); ki++)
                        for (size_t ci = 0; ci < n_sets; ci++) {
                                _cleanup_resolved_ Resolved *ra = NULL, *rb = NULL;
                                DiffStats st;
                                Target t;
                                int r;

                                r = target_from_string(arches[ai], kernels[ki], &t);
                                if (r >= 0)
                                        r = resolve_profile(a, sets[ci], &t, &ra);
                                if (r >= 0)
                                        r = resolve_profile(b, sets[ci], &t, &rb);
                                if (r >= 0)
                                        r = diff_resolved(ra, rb, NULL, &st);
                                if (r < 0)
                                        return r;
                                if (st.only_b == 0)
                                        continue;
                                if (report) {
                                        fprintf(report, "on %s, kernel %s, capabilities 0x%" PRIx64 ":\n", arches[ai], kernels[ki], sets[ci]);
                                        (void) diff_resolved(ra, rb, report, NULL);
                                }
                                return 0;
                        }
        return 1;
}

int profile_within(const char *a, size_t a_len, const char *b, size_t b_len, FILE *report) {
        _cleanup_profile_ Profile *pa = NULL, *pb = NULL;
        Diag d = {};
        int r;

        r = profile_parse(a, a_len, &d, &pa);
        if (r >= 0)
                r = profile_parse(b, b_len, &d, &pb);
        diag_clear(&d);
        if (r < 0)
                return r;
        return within(pa, pb, report);
}

static int check_asserts(const Policy *pol, const Profile *out, Diag *diag) {
        int r = 0;
        for (size_t i = 0; i < pol->n; i++) {
                const Directive *d = &pol->d[i];
                _cleanup_resolved_ Resolved *res = NULL;
                char where[32];
                CapSet caps;
                Target t;
                int k;

                if (d->verb != P_ASSERT_DENIED)
                        continue;
                snprintf(where, sizeof(where), "line %u", d->line);
                if (capset_from_string(d->words[0], &caps) < 0) {
                        diag_add(diag, true, where, "invalid capability set \"%s\"", d->words[0]);
                        r = -EINVAL;
                        continue;
                }
                for (size_t w = 1; w < d->n_words; w++)
                        if (seccomp_syscall_resolve_name(d->words[w]) == __NR_SCMP_ERROR) {
                                diag_add(diag, true, where, "unknown syscall \"%s\"", d->words[w]);
                                r = -EINVAL;
                        }
                if (r < 0)
                        continue;
                k = target_from_string("amd64", "6.1", &t);
                if (k >= 0)
                        k = resolve_profile(out, caps, &t, &res);
                if (k < 0)
                        return k;
                for (size_t w = 1; w < d->n_words; w++)
                        for (size_t j = 0; j < res->n_rules; j++) {
                                char cbuf[256];
                                if (strcmp(res->rules[j].name, d->words[w]) != 0 || !action_allows(res->rules[j].action))
                                        continue;
                                format_conds(&res->rules[j], cbuf, sizeof(cbuf));
                                diag_add(diag, true, where, "the result still allows \"%s\"%s%s%s under capabilities %s", d->words[w],
                                         cbuf[0] ? " [" : "", cbuf, cbuf[0] ? "]" : "", d->words[0]);
                                r = -EINVAL;
                                break;
                        }
                if (action_allows(res->default_action)) {
                        diag_add(diag, true, where, "the default action allows; assert-denied cannot hold");
                        r = -EINVAL;
                }
        }
        return r;
}

/* The base profile's document with the policy's directives applied, as pretty JSON text. */
static int apply_policy(const char *base, size_t base_len, const Policy *pol, Diag *policy_diag, char **ret) {
        _cleanup_json_tokener_ json_tokener *tok = NULL;
        _cleanup_json_ json_object *root = NULL;
        const char *text;
        char *out;
        int r = 0;

        tok = json_tokener_new_ex(PROFILE_MAX_DEPTH);
        if (tok) /* already validated by profile_parse() */
                root = json_tokener_parse_ex(tok, base, (int) base_len);
        if (!root)
                return -ENOMEM;
        for (size_t i = 0; i < pol->n && r >= 0; i++)
                r = apply(root, &pol->d[i], policy_diag);
        if (r < 0)
                return r;
        text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!text || asprintf(&out, "%s\n", text) < 0)
                return -ENOMEM;
        *ret = out;
        return 0;
}

/* What out allows that base denies, as a report of lines: 1 and nothing when out is within
 * base, 0 and the report when not. */
static int widening_report(const Profile *base, const Profile *out, char **ret_report) {
        _cleanup_free_ char *report = NULL;
        size_t report_size = 0;
        FILE *f;
        int r;

        f = open_memstream(&report, &report_size);
        if (!f)
                return -ENOMEM;
        r = within(base, out, f);
        fclose(f);
        if (r == 0)
                *ret_report = TAKE_PTR(report);
        return r;
}

int policy_generate(const char *base, size_t base_len, const char *policy, size_t policy_len, Diag *base_diag,
                    Diag *policy_diag, char **ret) {
        _cleanup_profile_ Profile *pbase = NULL, *pout = NULL;
        _cleanup_free_ char *out = NULL, *report = NULL;
        _cleanup_(policy_done) Policy pol = {};
        int r;

        r = profile_parse(base, base_len, base_diag, &pbase);
        if (r < 0)
                return r;
        r = policy_parse(policy, policy_len, policy_diag, &pol);
        if (r < 0)
                return r;
        r = apply_policy(base, base_len, &pol, policy_diag, &out);
        if (r < 0)
                return r;
        r = profile_parse(out, strlen(out), policy_diag, &pout);
        if (r >= 0)
                r = check_asserts(&pol, pout, policy_diag);
        if (r < 0)
                return r;
        r = widening_report(pbase, pout, &report);
        if (r < 0)
                return r;
        if (r == 0) {
                /* One message: the policy would widen Docker's default. */
                for (char *p = report; p && *p; p++)
                        if (*p == '\n')
                                *p = (p[1] ? ';' : 0);
                diag_add(policy_diag, true, NULL, "the result would allow what the base profile denies: %s", report ? report : "");
                return -EPERM;
        }
        *ret = TAKE_PTR(out);
        return 0;
}
