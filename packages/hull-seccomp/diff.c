/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "hull/macro.h"

typedef enum { V_NONE, V_ALL, V_SOME, V_ALL_EXCEPT } VerdictKind;

typedef struct Verdict {
        VerdictKind kind;
        const Rule **rules; /* allowing rules (V_SOME) or denying rules (V_ALL_EXCEPT) */
        size_t n;
} Verdict;

static bool has_arch(const Resolved *r, uint32_t arch) {
        for (size_t i = 0; i < r->n_arches; i++)
                if (r->arches[i] == arch)
                        return true;
        return false;
}

static int verdict_of(const Resolved *r, uint32_t arch, const char *name, Verdict *v) {
        bool def_allows = action_allows(r->default_action), uncond_allow = false, uncond_deny = false;

        v->kind = V_NONE;
        v->n = 0;
        if (!has_arch(r, arch))
                return 0;
        for (size_t i = 0; i < r->n_rules; i++) {
                const Rule *rule = &r->rules[i];
                if (strcmp(rule->name, name) != 0)
                        continue;
                if (action_allows(rule->action)) {
                        if (rule->n_conds == 0)
                                uncond_allow = true;
                        else if (!def_allows)
                                v->rules[v->n++] = rule;
                } else {
                        if (rule->n_conds == 0)
                                uncond_deny = true;
                        else if (def_allows)
                                v->rules[v->n++] = rule;
                }
        }
        if (def_allows)
                v->kind = uncond_deny && !uncond_allow ? V_NONE : (v->n == 0 || uncond_allow) ? V_ALL : V_ALL_EXCEPT;
        else
                v->kind = uncond_allow ? V_ALL : v->n > 0 ? V_SOME : V_NONE;
        if (v->kind == V_ALL || v->kind == V_NONE)
                v->n = 0;
        return 0;
}

static bool cond_in(const struct scmp_arg_cmp *c, const Rule *r) {
        for (size_t i = 0; i < r->n_conds; i++)
                if (r->conds[i].arg == c->arg && r->conds[i].op == c->op && r->conds[i].datum_a == c->datum_a &&
                    r->conds[i].datum_b == c->datum_b)
                        return true;
        return false;
}

/* Every call that matches y also matches x: x's conditions are a subset of y's. */
static bool implies(const Rule *y, const Rule *x) {
        for (size_t i = 0; i < x->n_conds; i++)
                if (!cond_in(&x->conds[i], y))
                        return false;
        return true;
}

static bool covered(const Rule *y, const Verdict *other) {
        for (size_t i = 0; i < other->n; i++)
                if (implies(y, other->rules[i]))
                        return true;
        return false;
}

void format_conds(const Rule *rule, char *buf, size_t size) {
        static const char *const sym[] = {
                [SCMP_CMP_NE] = "!=", [SCMP_CMP_LT] = "<",  [SCMP_CMP_LE] = "<=",
                [SCMP_CMP_EQ] = "==", [SCMP_CMP_GE] = ">=", [SCMP_CMP_GT] = ">",
        };
        size_t off = 0;
        buf[0] = 0;
        for (size_t i = 0; i < rule->n_conds && off < size; i++) {
                const struct scmp_arg_cmp *c = &rule->conds[i];
                int n;
                if (c->op == SCMP_CMP_MASKED_EQ)
                        n = snprintf(buf + off, size - off, "%sarg%u & 0x%" PRIx64 " == 0x%" PRIx64, i ? " && " : "", c->arg,
                                     (uint64_t) c->datum_a, (uint64_t) c->datum_b);
                else
                        n = snprintf(buf + off, size - off, "%sarg%u %s 0x%" PRIx64, i ? " && " : "", c->arg,
                                     c->op < ELEMENTSOF(sym) && sym[c->op] ? sym[c->op] : "?", (uint64_t) c->datum_a);
                if (n < 0)
                        return;
                off += (size_t) n;
        }
}

static const char *arch_label(uint32_t arch) {
        const char *s = scmp_arch_to_string(arch);
        return s ? s + STRLEN("SCMP_ARCH_") : "?";
}

/* Reports what x allows that y does not, with the given sign. Returns the count. */
static size_t one_side(const char *name, uint32_t arch, const Verdict *x, const Verdict *y, char sign, FILE *out) {
        char cbuf[512];
        size_t n = 0;

        if (x->kind == V_NONE || y->kind == V_ALL)
                return 0;
        if (y->kind == V_NONE) {
                if (out) {
                        if (x->kind == V_ALL)
                                fprintf(out, "%c %s %s\n", sign, arch_label(arch), name);
                        for (size_t i = 0; x->kind == V_SOME && i < x->n; i++) {
                                format_conds(x->rules[i], cbuf, sizeof(cbuf));
                                fprintf(out, "%c %s %s [%s]\n", sign, arch_label(arch), name, cbuf);
                        }
                        if (x->kind == V_ALL_EXCEPT)
                                fprintf(out, "%c %s %s [all but %zu argument pattern(s)]\n", sign, arch_label(arch), name, x->n);
                }
                return x->kind == V_SOME ? x->n : 1;
        }
        if (x->kind == V_ALL) {
                if (out)
                        fprintf(out, "%c %s %s [any arguments; the other side only some]\n", sign, arch_label(arch), name);
                return 1;
        }
        if (x->kind == V_SOME && y->kind == V_SOME) {
                for (size_t i = 0; i < x->n; i++)
                        if (!covered(x->rules[i], y)) {
                                format_conds(x->rules[i], cbuf, sizeof(cbuf));
                                if (out)
                                        fprintf(out, "%c %s %s [%s]\n", sign, arch_label(arch), name, cbuf);
                                n++;
                        }
                return n;
        }
        if (x->kind == V_ALL_EXCEPT && y->kind == V_ALL_EXCEPT) {
                /* x allows more unless each of y's denials is implied by one of x's */
                for (size_t i = 0; i < y->n; i++)
                        if (!covered(y->rules[i], x)) {
                                format_conds(y->rules[i], cbuf, sizeof(cbuf));
                                if (out)
                                        fprintf(out, "%c %s %s [%s: denied by the other side only]\n", sign, arch_label(arch), name, cbuf);
                                n++;
                        }
                return n;
        }
        /* SOME against ALL_EXCEPT: not provable either way without solving; report it. */
        if (out)
                fprintf(out, "%c %s %s [argument rules not comparable]\n", sign, arch_label(arch), name);
        return 1;
}

static bool seen_name(const Resolved *r, size_t upto, const char *name) {
        for (size_t i = 0; i < upto; i++)
                if (strcmp(r->rules[i].name, name) == 0)
                        return true;
        return false;
}

int diff_resolved(const Resolved *a, const Resolved *b, FILE *out, DiffStats *ret) {
        _cleanup_free_ const Rule **ra = NULL, **rb = NULL;
        DiffStats s = {};
        uint32_t arches[2 * (PROFILE_MAX_LIST + 1)];
        size_t n_arches = 0;

        ra = calloc(a->n_rules + 1, sizeof(Rule *));
        rb = calloc(b->n_rules + 1, sizeof(Rule *));
        if (!ra || !rb)
                return -ENOMEM;

        for (size_t i = 0; i < a->n_arches; i++)
                arches[n_arches++] = a->arches[i];
        for (size_t i = 0; i < b->n_arches; i++)
                if (!has_arch(a, b->arches[i]))
                        arches[n_arches++] = b->arches[i];

        for (size_t i = 0; i < n_arches; i++) {
                bool in_a = has_arch(a, arches[i]), in_b = has_arch(b, arches[i]);
                if (in_a && !in_b) {
                        s.only_a++;
                        if (out)
                                fprintf(out, "- %s [whole ABI: the other side kills every call]\n", arch_label(arches[i]));
                } else if (in_b && !in_a) {
                        s.only_b++;
                        if (out)
                                fprintf(out, "+ %s [whole ABI: the other side kills every call]\n", arch_label(arches[i]));
                }
        }
        if (action_allows(a->default_action) != action_allows(b->default_action) && out)
                fprintf(out, "! default actions differ in whether they allow; unnamed syscalls differ too\n");

        for (size_t i = 0; i < n_arches; i++) {
                if (!has_arch(a, arches[i]) || !has_arch(b, arches[i]))
                        continue;
                for (int side = 0; side < 2; side++) {
                        const Resolved *r = side ? b : a;
                        for (size_t k = 0; k < r->n_rules; k++) {
                                const char *name = r->rules[k].name;
                                Verdict va = { .rules = ra }, vb = { .rules = rb };
                                if (seen_name(r, k, name) || (side == 1 && seen_name(a, a->n_rules, name)))
                                        continue;
                                if (seccomp_syscall_resolve_name_arch(arches[i], name) < 0)
                                        continue;
                                (void) verdict_of(a, arches[i], name, &va);
                                (void) verdict_of(b, arches[i], name, &vb);
                                s.only_a += one_side(name, arches[i], &va, &vb, '-', out);
                                s.only_b += one_side(name, arches[i], &vb, &va, '+', out);
                        }
                }
        }
        if (ret)
                *ret = s;
        return 0;
}

int count_reachable(const Resolved *r, uint32_t arch, size_t *ret_some, size_t *ret_all) {
        _cleanup_free_ const Rule **rv = NULL;
        size_t some = 0, all = 0;

        rv = calloc(r->n_rules + 1, sizeof(Rule *));
        if (!rv)
                return -ENOMEM;
        if (action_allows(r->default_action))
                return -EOPNOTSUPP; /* every syscall number not named is reachable */
        for (size_t k = 0; k < r->n_rules; k++) {
                Verdict v = { .rules = rv };
                const char *name = r->rules[k].name;
                if (seen_name(r, k, name) || seccomp_syscall_resolve_name_arch(arch, name) < 0)
                        continue;
                (void) verdict_of(r, arch, name, &v);
                if (v.kind != V_NONE)
                        some++;
                if (v.kind == V_ALL)
                        all++;
        }
        *ret_some = some;
        *ret_all = all;
        return 0;
}
