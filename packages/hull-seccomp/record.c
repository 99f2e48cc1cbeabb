/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include <seccomp.h>

#include "hull/fileio.h"
#include "hull/json.h"
#include "hull/macro.h"
#include "profile.h"
#include "record.h"

void recording_done(Recording *rec) {
        free(rec->logged.calls);
        free(rec->refused.calls);
        free(rec->pending.calls);
        free(rec->pids);
        *rec = (Recording) {};
}

static int call_cmp(const RecordedCall *a, pid_t pid, uint32_t arch, int nr) {
        if (a->pid != pid)
                return a->pid < pid ? -1 : 1;
        if (a->arch != arch)
                return a->arch < arch ? -1 : 1;
        return a->nr < nr ? -1 : a->nr > nr;
}

/* Adds count to (pid, arch, nr) in s, inserting it in order. 0, -E2BIG past max, -ENOMEM. */
static int callset_add(CallSet *s, pid_t pid, uint32_t arch, int nr, uint64_t count, size_t max) {
        size_t lo = 0, hi = s->n;
        RecordedCall *n;

        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                int k = call_cmp(&s->calls[mid], pid, arch, nr);
                if (k == 0) {
                        s->calls[mid].count += count;
                        return 0;
                }
                if (k < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (s->n >= max)
                return -E2BIG;
        n = reallocarray(s->calls, s->n + 1, sizeof(RecordedCall));
        if (!n)
                return -ENOMEM;
        s->calls = n;
        memmove(&n[lo + 1], &n[lo], (s->n - lo) * sizeof(RecordedCall));
        n[lo] = (RecordedCall) { .pid = pid, .arch = arch, .nr = nr, .count = count };
        s->n++;
        return 0;
}

static bool pid_in(const Recording *rec, pid_t pid) {
        size_t lo = 0, hi = rec->n_pids;
        while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (rec->pids[mid] == pid)
                        return true;
                if (rec->pids[mid] < pid)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return false;
}

static int pid_add(Recording *rec, pid_t pid) {
        size_t i = 0;
        pid_t *n;

        if (pid_in(rec, pid))
                return 0;
        if (rec->n_pids >= RECORD_MAX_PENDING)
                return -E2BIG;
        n = reallocarray(rec->pids, rec->n_pids + 1, sizeof(pid_t));
        if (!n)
                return -ENOMEM;
        rec->pids = n;
        while (i < rec->n_pids && n[i] < pid)
                i++;
        memmove(&n[i + 1], &n[i], (rec->n_pids - i) * sizeof(pid_t));
        n[i] = pid;
        rec->n_pids++;
        return 0;
}

static void note_time(Recording *rec, uint64_t ms) {
        if (rec->first_ms == 0 || ms < rec->first_ms)
                rec->first_ms = ms;
        if (ms > rec->last_ms)
                rec->last_ms = ms;
}

static int dropped(Recording *rec, Diag *d, unsigned max) {
        if (rec->n_dropped++ == 0)
                diag_warning(d, NULL, "more than %u different calls, the rest left out", max);
        return 0;
}

static bool str_in(const char *s, char *const *v, size_t n) {
        for (size_t i = 0; s && i < n; i++)
                if (strcmp(s, v[i]) == 0)
                        return true;
        return false;
}

static bool record_matches(const RecordFilter *f, const AuditSeccomp *a) {
        bool pid = f->n_pids == 0;

        for (size_t i = 0; !pid && i < f->n_pids; i++)
                pid = f->pids[i] == a->pid;
        return pid && (f->n_labels == 0 || str_in(a->subj, f->labels, f->n_labels)) &&
               (f->n_exes == 0 || str_in(a->exe, f->exes, f->n_exes));
}

int recording_add_line(Recording *rec, const RecordFilter *f, const char *line, size_t len, unsigned lineno, Diag *d) {
        _cleanup_(audit_seccomp_done) AuditSeccomp a = {};
        bool logged;
        int r;

        rec->n_lines++;
        r = audit_parse_line(line, len, lineno, d, &a);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                rec->n_malformed++;
                return 0;
        }
        if (r == 0)
                return 0;
        rec->n_seccomp++;
        if (a.time_ms < f->since_ms || (f->until_ms > 0 && a.time_ms > f->until_ms)) {
                rec->n_outside_window++;
                return 0;
        }
        logged = a.code == AUDIT_SECCOMP_RET_LOG;
        if (!record_matches(f, &a)) {
                rec->n_other_process++;
                if (!logged)
                        return 0;
                /* maybe the workload's process before its execve(): kept until the end */
                r = callset_add(&rec->pending, a.pid, a.arch, a.syscall, 1, RECORD_MAX_PENDING);
                if (r == -E2BIG)
                        return dropped(rec, d, RECORD_MAX_PENDING);
                if (r < 0)
                        return r;
                return 0;
        }
        r = callset_add(logged ? &rec->logged : &rec->refused, 0, a.arch, a.syscall, 1, RECORD_MAX_CALLS);
        if (r >= 0 && logged)
                r = pid_add(rec, a.pid);
        if (r == -E2BIG)
                return dropped(rec, d, RECORD_MAX_CALLS);
        if (r < 0)
                return r;
        note_time(rec, a.time_ms);
        return 0;
}

int recording_finish(Recording *rec) {
        for (size_t i = 0; i < rec->pending.n; i++) {
                const RecordedCall *c = &rec->pending.calls[i];
                int r;

                if (!pid_in(rec, c->pid))
                        continue;
                r = callset_add(&rec->logged, 0, c->arch, c->nr, c->count, RECORD_MAX_CALLS);
                if (r == -E2BIG) {
                        rec->n_dropped++;
                        continue;
                }
                if (r < 0)
                        return r;
                rec->n_linked += c->count;
        }
        free(rec->pending.calls);
        rec->pending = (CallSet) {};
        return 0;
}

int recording_read(Recording *rec, const RecordFilter *f, FILE *in, Diag *d) {
        _cleanup_free_ char *buf = malloc(AUDIT_LINE_MAX + 1);
        size_t len = 0, full = 0;
        unsigned lineno = 0;
        int c, r;

        if (!buf)
                return -ENOMEM;
        for (;;) {
                c = getc_unlocked(in);
                if (c != EOF && c != '\n') {
                        if (len < AUDIT_LINE_MAX)
                                buf[len++] = (char) c;
                        full++;
                        continue;
                }
                if (c == EOF && full == 0)
                        break;
                lineno++;
                if (full > len) {
                        char where[32];
                        snprintf(where, sizeof(where), "line %u", lineno);
                        diag_warning(d, where, "line is longer than %u bytes", AUDIT_LINE_MAX);
                        rec->n_lines++;
                        rec->n_malformed++;
                } else if ((r = recording_add_line(rec, f, buf, len, lineno, d)) < 0)
                        return r;
                len = full = 0;
                if (c == EOF)
                        break;
        }
        return ferror(in) ? -EIO : 0;
}

/* JSON helpers on a profile's tree, which profile_parse() has validated. */

static const char *member_string(json_object *o, const char *key) {
        json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

static bool action_is_allowing(const char *a) {
        return strcmp(a, "SCMP_ACT_ALLOW") == 0 || strcmp(a, "SCMP_ACT_LOG") == 0;
}

static bool empty_member(json_object *o, const char *key) {
        json_object *v;
        if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
                return true;
        if (json_object_is_type(v, json_type_array))
                return json_object_array_length(v) == 0;
        if (json_object_is_type(v, json_type_string))
                return json_object_get_string_len(v) == 0;
        return false;
}

static bool filter_empty(json_object *e, const char *key) {
        json_object *f;
        if (!json_object_object_get_ex(e, key, &f) || json_object_is_type(f, json_type_null))
                return true;
        return empty_member(f, "caps") && empty_member(f, "arches") && empty_member(f, "minKernel");
}

static bool entry_unconditional(json_object *e) {
        return empty_member(e, "args") && filter_empty(e, "includes") && filter_empty(e, "excludes");
}

/* The entry's names as an array: "name" becomes a one-element "names". */
static json_object *entry_names(json_object *e) {
        json_object *n;
        if (json_object_object_get_ex(e, "names", &n) && json_object_is_type(n, json_type_array))
                return n;
        if (json_object_object_get_ex(e, "name", &n) && json_object_is_type(n, json_type_string)) {
                json_object *arr = json_object_new_array();
                if (!arr || json_object_array_add(arr, json_object_get(n)) < 0) {
                        json_object_put(arr);
                        return NULL;
                }
                json_object_object_del(e, "name");
                json_object_object_add(e, "names", arr);
                return arr;
        }
        return NULL;
}

/* The validated profile (ret_profile may be NULL) and its JSON tree. */
static int parse_tree(const char *text, size_t len, Diag *d, Profile **ret_profile, json_object **ret) {
        _cleanup_profile_ Profile *p = NULL;
        _cleanup_json_tokener_ json_tokener *tok = NULL;
        json_object *root;
        int r;

        r = profile_parse(text, len, d, &p);
        if (r < 0)
                return r;
        tok = json_tokener_new_ex(PROFILE_MAX_DEPTH);
        if (!tok)
                return -ENOMEM;
        root = json_tokener_parse_ex(tok, text, (int) len);
        if (!root)
                return -ENOMEM;
        *ret = root;
        if (ret_profile)
                *ret_profile = TAKE_PTR(p);
        return 0;
}

static int to_text(json_object *root, char **ret) {
        const char *t = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        char *out;

        if (!t || asprintf(&out, "%s\n", t) < 0)
                return -ENOMEM;
        *ret = out;
        return 0;
}

static int set_string(json_object *o, const char *key, const char *value) {
        json_object *s = json_object_new_string(value);
        if (!s)
                return -ENOMEM;
        if (json_object_object_add(o, key, s) < 0) {
                json_object_put(s);
                return -ENOMEM;
        }
        return 0;
}

/* The names of seen's SCMP_ACT_ALLOW rules, into *ret (a NULL-terminated list of *ret_n). */
static int seen_names(json_object *seen, char ***ret, size_t *ret_n) {
        _cleanup_strv_free_ char **v = NULL;
        json_object *syscalls;
        size_t n = 0;

        v = calloc(1, sizeof(char *));
        if (!v)
                return -ENOMEM;
        if (json_object_object_get_ex(seen, "syscalls", &syscalls) && json_object_is_type(syscalls, json_type_array))
                for (size_t i = 0; i < json_object_array_length(syscalls); i++) {
                        json_object *e = json_object_array_get_idx(syscalls, i), *en;
                        if (strcmp(member_string(e, "action"), "SCMP_ACT_ALLOW") != 0)
                                continue;
                        en = entry_names(e);
                        if (!en)
                                return -ENOMEM;
                        for (size_t k = 0; k < json_object_array_length(en); k++) {
                                char **nv = realloc(v, (n + 2) * sizeof(char *));
                                if (!nv)
                                        return -ENOMEM;
                                v = nv;
                                v[n] = strdup(json_object_get_string(json_object_array_get_idx(en, k)));
                                if (!v[n])
                                        return -ENOMEM;
                                v[++n] = NULL;
                        }
                }
        *ret = TAKE_PTR(v);
        *ret_n = n;
        return 0;
}

/* e, an allowing rule, split by seen: a copy allowing the seen names as e does (appended to
 * out unless empty) and e itself logging the rest (appended unless empty). */
static int split_rule(json_object *e, char *const *seen, size_t n_seen, json_object *out) {
        _cleanup_json_ json_object *quiet = NULL;
        json_object *en, *qn;
        int r;

        en = entry_names(e);
        if (!en)
                return -ENOMEM;
        if (json_object_deep_copy(e, &quiet, NULL) < 0 || !json_object_object_get_ex(quiet, "names", &qn))
                return -ENOMEM;
        for (size_t i = json_object_array_length(en); i > 0; i--) {
                bool s = str_in(json_object_get_string(json_object_array_get_idx(en, i - 1)), seen, n_seen);
                json_object_array_del_idx(s ? en : qn, i - 1, 1);
        }
        if (json_object_array_length(qn) > 0 && json_object_array_add(out, TAKE_PTR(quiet)) < 0)
                return -ENOMEM;
        if (json_object_array_length(en) == 0)
                return 0;
        if ((r = set_string(e, "action", "SCMP_ACT_LOG")) < 0)
                return r;
        return json_object_array_add(out, json_object_get(e)) < 0 ? -ENOMEM : 0;
}

int record_logging_profile(const char *base, size_t base_len, const char *seen, size_t seen_len, Diag *d,
                           Diag *seen_diag, char **ret) {
        _cleanup_json_ json_object *root = NULL, *sroot = NULL, *rules = NULL;
        _cleanup_strv_free_ char **names = NULL;
        size_t n_names = 0;
        json_object *syscalls;
        int r;

        r = parse_tree(base, base_len, d, NULL, &root);
        if (r < 0)
                return r;
        if (seen) {
                r = parse_tree(seen, seen_len, seen_diag, NULL, &sroot);
                if (r == -EINVAL)
                        return -EBADMSG;
                if (r < 0)
                        return r;
                r = seen_names(sroot, &names, &n_names);
                if (r < 0)
                        return r;
        }
        if (strcmp(member_string(root, "defaultAction"), "SCMP_ACT_ALLOW") == 0 &&
            (r = set_string(root, "defaultAction", "SCMP_ACT_LOG")) < 0)
                return r;
        rules = json_object_new_array();
        if (!rules)
                return -ENOMEM;
        if (json_object_object_get_ex(root, "syscalls", &syscalls) && json_object_is_type(syscalls, json_type_array)) {
                for (size_t i = 0; i < json_object_array_length(syscalls); i++) {
                        json_object *e = json_object_array_get_idx(syscalls, i);
                        if (strcmp(member_string(e, "action"), "SCMP_ACT_ALLOW") != 0) {
                                if (json_object_array_add(rules, json_object_get(e)) < 0)
                                        return -ENOMEM;
                                continue;
                        }
                        r = split_rule(e, names, n_names, rules);
                        if (r < 0)
                                return r;
                }
                if (json_object_object_add(root, "syscalls", TAKE_PTR(rules)) < 0)
                        return -ENOMEM;
        }
        return to_text(root, ret);
}

/* Base's architectures: the old list, or every archMap entry with its sub-architectures. */
static bool profile_names_arch(const Profile *p, uint32_t arch) {
        for (size_t i = 0; i < p->n_architectures; i++)
                if (p->architectures[i] == arch)
                        return true;
        for (size_t i = 0; i < p->n_arch_map; i++) {
                if (p->arch_map[i].arch == arch)
                        return true;
                for (size_t k = 0; k < p->arch_map[i].n_sub_arches; k++)
                        if (p->arch_map[i].sub_arches[k] == arch)
                                return true;
        }
        return false;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The names of the logged calls, sorted and unique; warnings for what cannot be named. */
static int logged_names(const Profile *base, const Recording *rec, Diag *d, char ***ret, size_t *ret_n) {
        _cleanup_strv_free_ char **names = NULL;
        size_t n = 0;

        names = calloc(rec->logged.n + 1, sizeof(char *));
        if (!names)
                return -ENOMEM;
        for (size_t i = 0; i < rec->logged.n; i++) {
                const RecordedCall *c = &rec->logged.calls[i];
                char *name;

                if (!profile_names_arch(base, c->arch)) {
                        diag_warning(d, NULL, "%llu call(s) of syscall %d on architecture 0x%x, which the base profile does not name: left out",
                                     (unsigned long long) c->count, c->nr, c->arch);
                        continue;
                }
                name = seccomp_syscall_resolve_num_arch(c->arch, c->nr);
                if (!name) {
                        diag_warning(d, NULL, "syscall %d on %s is unknown to libseccomp: left out", c->nr,
                                     scmp_arch_to_string(c->arch) ?: "?");
                        continue;
                }
                if (str_in(name, names, n))
                        free(name);
                else
                        names[n++] = name;
        }
        qsort(names, n, sizeof(char *), cmp_str);
        *ret = TAKE_PTR(names);
        *ret_n = n;
        return 0;
}

/* Keeps in e's names only those in want; marks the kept ones in used. The entry's number of
 * names left. */
static size_t narrow_names(json_object *names, char *const *want, size_t n_want, bool *used) {
        for (size_t i = 0; i < json_object_array_length(names);) {
                const char *s = json_object_get_string(json_object_array_get_idx(names, i));
                bool keep = false;
                for (size_t k = 0; k < n_want; k++)
                        if (strcmp(s, want[k]) == 0) {
                                used[k] = keep = true;
                                break;
                        }
                if (keep)
                        i++;
                else
                        json_object_array_del_idx(names, i, 1);
        }
        return json_object_array_length(names);
}

/* The i-th of e's names ("names", or the one "name"), NULL past the end; e is not changed
 * (entry_names() turns "name" into "names", which a kept refusing rule must not show). */
static const char *entry_name_at(json_object *e, size_t i) {
        json_object *n;
        if (json_object_object_get_ex(e, "names", &n) && json_object_is_type(n, json_type_array))
                return i < json_object_array_length(n) ? json_object_get_string(json_object_array_get_idx(n, i)) : NULL;
        if (i == 0 && json_object_object_get_ex(e, "name", &n) && json_object_is_type(n, json_type_string))
                return json_object_get_string(n);
        return NULL;
}

static bool cstr_in(const char *s, const char *const *v, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(s, v[i]) == 0)
                        return true;
        return false;
}

static int cmp_cstr(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

/* The calls runc 1.1.5's init makes after it loaded a filter with a listener, to hand the
 * notify fd over (syncParentSeccomp: it writes the fd's number to its parent, reads the parent's
 * answer and closes its copy). A recording under the logging profile, which has no listener,
 * never sees them; refused, the container does not start ("sync parent seccomp: read pipe:
 * operation not permitted"). A profile with a NOTIFY rule allows those base allows without
 * conditions, in a rule of their own (RECORD_RUNC_COMMENT). */
static const char *const runc_notify_calls[] = { "close", "read", "write" };

/* The names of the NOTIFY rule, sorted and unique, into *ret (a new array): those base allows
 * without conditions (ALLOW or LOG) and names (the recording) lacks, except
 *   - runc_notify_calls (write, read, close): runc 1.1.5's init needs them after loading the
 *     filter (it refuses SCMP_ACT_NOTIFY on write for that reason); those base allows without
 *     conditions go to *ret_runc instead, the calls the profile allows for runc;
 *   - a name in any base rule that refuses or has conditions, whichever the action: the
 *     recorded profile keeps those rules (narrowed), and libseccomp 2.5.4 lets an
 *     unconditional rule take the place of another action's conditional rules for the same
 *     syscall, without an error (personality's argument rules, openat2's ENOSYS would go);
 *   - a name libseccomp knows on no architecture (runc skips it; validate would refuse it).
 * Read before narrow_rules() changes the tree. */
static int names_array(const char **v, size_t n, json_object **ret) {
        _cleanup_json_ json_object *arr = json_object_new_array();

        if (!arr)
                return -ENOMEM;
        qsort(v, n, sizeof(char *), cmp_cstr);
        for (size_t i = 0; i < n; i++) {
                json_object *o = json_object_new_string(v[i]);
                if (!o || json_object_array_add(arr, o) < 0) {
                        json_object_put(o);
                        return -ENOMEM;
                }
        }
        *ret = TAKE_PTR(arr);
        return 0;
}

static int notify_names(json_object *syscalls, char *const *names, size_t n, json_object **ret,
                        json_object **ret_runc) {
        _cleanup_free_ const char **blocked = NULL, **v = NULL, **runc = NULL;
        _cleanup_json_ json_object *arr = NULL, *arr_runc = NULL;
        size_t n_blocked = 0, n_v = 0, n_runc = 0, max = 0;
        int r;
        const char *s;

        for (size_t i = 0; i < json_object_array_length(syscalls); i++)
                for (size_t j = 0; entry_name_at(json_object_array_get_idx(syscalls, i), j); j++)
                        max++;
        blocked = calloc(max + 1, sizeof(char *));
        v = calloc(max + 1, sizeof(char *));
        runc = calloc(max + 1, sizeof(char *));
        if (!blocked || !v || !runc)
                return -ENOMEM;
        for (size_t i = 0; i < json_object_array_length(syscalls); i++) {
                json_object *e = json_object_array_get_idx(syscalls, i);
                if (action_is_allowing(member_string(e, "action")) && entry_unconditional(e))
                        continue;
                for (size_t j = 0; (s = entry_name_at(e, j)); j++)
                        blocked[n_blocked++] = s;
        }
        for (size_t i = 0; i < json_object_array_length(syscalls); i++) {
                json_object *e = json_object_array_get_idx(syscalls, i);
                if (!action_is_allowing(member_string(e, "action")) || !entry_unconditional(e))
                        continue;
                for (size_t j = 0; (s = entry_name_at(e, j)); j++) {
                        if (str_in(s, names, n) || cstr_in(s, blocked, n_blocked) || cstr_in(s, v, n_v) ||
                            cstr_in(s, runc, n_runc) || seccomp_syscall_resolve_name(s) == __NR_SCMP_ERROR)
                                continue;
                        if (cstr_in(s, runc_notify_calls, ELEMENTSOF(runc_notify_calls)))
                                runc[n_runc++] = s;
                        else
                                v[n_v++] = s;
                }
        }
        if ((r = names_array(v, n_v, &arr)) < 0 || (r = names_array(runc, n_runc, &arr_runc)) < 0)
                return r;
        *ret = TAKE_PTR(arr);
        *ret_runc = TAKE_PTR(arr_runc);
        return 0;
}


/* Adds val (taken; NULL is -ENOMEM) to o under key. */
static int add_member(json_object *o, const char *key, json_object *val) {
        if (!val)
                return -ENOMEM;
        if (json_object_object_add(o, key, val) < 0) {
                json_object_put(val);
                return -ENOMEM;
        }
        return 0;
}

/* Appends {"names": names, "action": action, "args": [], "comment": comment, "includes": {},
 * "excludes": {}} to rules; names is taken. */
static int add_names_rule(json_object *rules, json_object *names, const char *action, const char *comment) {
        _cleanup_json_ json_object *rule = json_object_new_object();
        int r;

        if (!rule) {
                json_object_put(names);
                return -ENOMEM;
        }
        if ((r = add_member(rule, "names", names)) < 0 || (r = set_string(rule, "action", action)) < 0 ||
            (r = add_member(rule, "args", json_object_new_array())) < 0 || (r = set_string(rule, "comment", comment)) < 0 ||
            (r = add_member(rule, "includes", json_object_new_object())) < 0 ||
            (r = add_member(rule, "excludes", json_object_new_object())) < 0)
                return r;
        if (json_object_array_add(rules, rule) < 0)
                return -ENOMEM;
        rule = NULL;
        return 0;
}

/* base's allowing rules narrowed to names; refusing rules kept; the unconditional names
 * marked in unconditional[] instead of kept. Appended to out. */
static int narrow_rules(json_object *syscalls, char *const *names, size_t n, bool *used, bool *unconditional, json_object *out) {
        for (size_t i = 0; i < json_object_array_length(syscalls); i++) {
                json_object *e = json_object_array_get_idx(syscalls, i), *en;
                int r;

                if (!action_is_allowing(member_string(e, "action"))) {
                        if (json_object_array_add(out, json_object_get(e)) < 0)
                                return -ENOMEM;
                        continue;
                }
                en = entry_names(e);
                if (!en)
                        return -ENOMEM;
                if (entry_unconditional(e)) {
                        for (size_t j = 0; j < json_object_array_length(en); j++) {
                                const char *s = json_object_get_string(json_object_array_get_idx(en, j));
                                for (size_t k = 0; k < n; k++)
                                        if (strcmp(s, names[k]) == 0)
                                                used[k] = unconditional[k] = true;
                        }
                        continue;
                }
                if (narrow_names(en, names, n, used) == 0)
                        continue;
                if ((r = set_string(e, "action", "SCMP_ACT_ALLOW")) < 0)
                        return r;
                if (json_object_array_add(out, json_object_get(e)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int record_profile(const char *base, size_t base_len, const Recording *rec, const char *comment, bool notify,
                   Diag *base_diag, Diag *d, char **ret) {
        _cleanup_json_ json_object *root = NULL, *out = NULL, *rules = NULL, *kept = NULL, *allow_names = NULL, *notify_list = NULL,
                                 *runc_list = NULL;
        _cleanup_profile_ Profile *pbase = NULL;
        _cleanup_strv_free_ char **names = NULL;
        _cleanup_free_ bool *used = NULL, *unconditional = NULL;
        json_object *syscalls = NULL, *v;
        size_t n = 0;
        int r;

        r = parse_tree(base, base_len, base_diag, &pbase, &root);
        if (r < 0)
                return r;
        r = logged_names(pbase, rec, d, &names, &n);
        if (r < 0)
                return r;
        used = calloc(n + 1, sizeof(bool));
        unconditional = calloc(n + 1, sizeof(bool));
        out = json_object_new_object();
        rules = json_object_new_array();
        kept = json_object_new_array();
        allow_names = json_object_new_array();
        if (!used || !unconditional || !out || !rules || !kept || !allow_names)
                return -ENOMEM;

        if (!json_object_object_get_ex(root, "syscalls", &syscalls) || !json_object_is_type(syscalls, json_type_array))
                syscalls = NULL;
        if (notify && syscalls && (r = notify_names(syscalls, names, n, &notify_list, &runc_list)) < 0)
                return r;
        if (syscalls && (r = narrow_rules(syscalls, names, n, used, unconditional, kept)) < 0)
                return r;
        for (size_t k = 0; k < n; k++) {
                if (!used[k])
                        diag_warning(d, NULL, "\"%s\" was logged but the base profile does not allow it: left out", names[k]);
                else if (unconditional[k]) {
                        json_object *s = json_object_new_string(names[k]);
                        if (!s || json_object_array_add(allow_names, s) < 0) {
                                json_object_put(s);
                                return -ENOMEM;
                        }
                }
        }

        if ((r = set_string(out, "defaultAction", "SCMP_ACT_ERRNO")) < 0)
                return r;
        if (json_object_object_get_ex(root, "archMap", &v) && json_object_object_add(out, "archMap", json_object_get(v)) < 0)
                return -ENOMEM;
        if (json_object_object_get_ex(root, "architectures", &v) &&
            json_object_object_add(out, "architectures", json_object_get(v)) < 0)
                return -ENOMEM;
        /* the recorded rule first, then runc's and the notified one, base's narrowed rules after them */
        if (json_object_array_length(allow_names) > 0 &&
            (r = add_names_rule(rules, TAKE_PTR(allow_names), "SCMP_ACT_ALLOW", comment ?: "")) < 0)
                return r;
        if (runc_list && json_object_array_length(runc_list) > 0 &&
            (r = add_names_rule(rules, TAKE_PTR(runc_list), "SCMP_ACT_ALLOW", RECORD_RUNC_COMMENT)) < 0)
                return r;
        if (notify_list && json_object_array_length(notify_list) > 0 &&
            (r = add_names_rule(rules, TAKE_PTR(notify_list), "SCMP_ACT_NOTIFY", RECORD_NOTIFY_COMMENT)) < 0)
                return r;
        for (size_t i = 0; i < json_object_array_length(kept); i++)
                if (json_object_array_add(rules, json_object_get(json_object_array_get_idx(kept, i))) < 0)
                        return -ENOMEM;
        if (json_object_object_add(out, "syscalls", TAKE_PTR(rules)) < 0)
                return -ENOMEM;
        return to_text(out, ret);
}

/* 64 lowercase hex digits: a Docker container ID. */
static bool is_container_id(const char *s) {
        return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static int read_config(int dirfd, const char *id, json_object **ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        _cleanup_close_ int fd = -1;
        size_t n = 0;
        int r;

        if (asprintf(&path, "%s/config.v2.json", id) < 0)
                return -ENOMEM;
        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (fd < 0)
                return negative_errno();
        r = read_full_fd(fd, DOCKER_CONFIG_MAX_SIZE, &text, &n);
        if (r < 0)
                return r;
        enum json_tokener_error e;
        size_t off;

        r = json_parse_document(text, n, 64, 0, ret, &e, &off);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !*ret || !json_object_is_type(*ret, json_type_object)) {
                json_object_put(*ret);
                return -EBADMSG;
        }
        return 0;
}

int docker_container_label(int containers_dirfd, const char *id, char **ret_id, char **ret_label) {
        _cleanup_free_ char *found = NULL, *label = NULL;
        _cleanup_json_ json_object *config = NULL;
        _cleanup_closedir_ DIR *dir = NULL;
        json_object *v;
        struct dirent *de;
        bool by_prefix = id[0] && strspn(id, "0123456789abcdef") == strlen(id);
        int fd, r;

        if (!id[0] || strchr(id, '/'))
                return -ENOENT;
        fd = fcntl(containers_dirfd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return negative_errno();
        dir = fdopendir(fd);
        if (!dir) {
                r = negative_errno();
                close(fd);
                return r;
        }
        rewinddir(dir); /* the duplicate shares the offset of containers_dirfd */
        /* a full ID or a unique prefix of one */
        while (by_prefix && (errno = 0, de = readdir(dir)))
                if (is_container_id(de->d_name) && strncmp(de->d_name, id, strlen(id)) == 0) {
                        if (found)
                                return -ENOTUNIQ;
                        found = strdup(de->d_name);
                        if (!found)
                                return -ENOMEM;
                }
        /* else a name: config.v2.json's "Name" is "/NAME" */
        if (!found) {
                rewinddir(dir);
                while ((errno = 0, de = readdir(dir))) {
                        _cleanup_json_ json_object *c = NULL;
                        if (!is_container_id(de->d_name) || read_config(containers_dirfd, de->d_name, &c) < 0)
                                continue;
                        if (json_object_object_get_ex(c, "Name", &v) && json_object_is_type(v, json_type_string) &&
                            json_object_get_string(v)[0] == '/' && strcmp(json_object_get_string(v) + 1, id) == 0) {
                                found = strdup(de->d_name);
                                if (!found)
                                        return -ENOMEM;
                                break;
                        }
                }
        }
        if (!found)
                return -ENOENT;
        r = read_config(containers_dirfd, found, &config);
        if (r < 0)
                return r;
        if (!json_object_object_get_ex(config, "ProcessLabel", &v) || !json_object_is_type(v, json_type_string))
                return -ENODATA;
        if (json_object_get_string_len(v) == 0)
                return -ENODATA;
        label = strdup(json_object_get_string(v));
        if (!label)
                return -ENOMEM;
        if (ret_id)
                *ret_id = TAKE_PTR(found);
        *ret_label = TAKE_PTR(label);
        return 0;
}
