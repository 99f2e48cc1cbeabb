/* SPDX-License-Identifier: MIT */
/* Audit: the daemon, the rules loaded against Hull's rules files, the lock (-e 2); and the AVC
 * denials of this boot in the audit log. What the kernel says comes from ctx->audit (netlink on
 * a host, fixtures in the tests); everything here judges it. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>

#include "hull/parse.h"
#include "posture.h"

#define RULES_DIR "/etc/audit/rules.d"
#define RULES_FILE_MAX (1024U * 1024U)
#define RULES_FILES_MAX 1000U
#define AUDIT_LOG "/var/log/audit/audit.log"
#define AUDIT_LOG_ROTATED "/var/log/audit/audit.log.1"
#define KEY_SEPARATOR '\001' /* libaudit's AUDIT_KEY_SEPARATOR: several -k of one rule */

static const AuditSource *source(const CheckContext *ctx) {
        return ctx && ctx->audit ? ctx->audit : &audit_netlink;
}

static int key_add(const char *key, const char *path, unsigned line, char ***keys, char ***wheres, size_t *n) {
        _cleanup_free_ char *where = NULL;
        size_t m = *n;

        if (!*key || strv_contains(*keys, key))
                return 0;
        if (asprintf(&where, "%s:%u", path, line) < 0)
                return -ENOMEM;
        if (strv_push(keys, n, key) < 0)
                return -ENOMEM;
        return strv_push(wheres, &m, where);
}

int audit_rules_keys(const char *text, const char *path, char ***keys, char ***wheres, size_t *n) {
        unsigned lineno = 0;

        for (const char *p = text; p && *p;) {
                const char *end = strchrnul(p, '\n');
                _cleanup_free_ char *line = strndup(p, (size_t) (end - p));
                char *save = NULL, *tok;
                bool rule;
                int r;

                if (!line)
                        return -ENOMEM;
                p = *end ? end + 1 : end;
                lineno++;
                tok = strtok_r(line, " \t\r", &save);
                if (!tok || tok[0] == '#')
                        continue;
                /* Rules that add: -a/-A (syscall and filter lists), -w (watches). */
                rule = (strncmp(tok, "-a", 2) == 0 || strncmp(tok, "-A", 2) == 0 || strncmp(tok, "-w", 2) == 0);
                if (!rule)
                        continue;
                for (; tok; tok = strtok_r(NULL, " \t\r", &save)) {
                        const char *key = NULL;

                        if (strcmp(tok, "-k") == 0)
                                key = strtok_r(NULL, " \t\r", &save);
                        else if (strncmp(tok, "-k", 2) == 0)
                                key = tok + 2;
                        else if (strcmp(tok, "-F") == 0) {
                                tok = strtok_r(NULL, " \t\r", &save);
                                if (tok && strncmp(tok, "key=", 4) == 0)
                                        key = tok + 4;
                        } else if (strncmp(tok, "-Fkey=", 6) == 0)
                                key = tok + 6;
                        if (!tok)
                                break;
                        if (key) {
                                r = key_add(key, path, lineno, keys, wheres, n);
                                if (r < 0)
                                        return r;
                        }
                }
        }
        return 0;
}

static bool field_is_string(uint32_t f) {
        return (f >= AUDIT_SUBJ_USER && f <= AUDIT_SUBJ_CLR) || (f >= AUDIT_OBJ_USER && f <= AUDIT_OBJ_LEV_HIGH) ||
               f == AUDIT_WATCH || f == AUDIT_DIR || f == AUDIT_FILTERKEY || f == AUDIT_EXE;
}

int audit_rule_data_keys(const void *data, size_t size, char ***keys, size_t *n) {
        struct audit_rule_data rd;
        const char *buf;
        size_t off = 0;

        if (size < sizeof(rd))
                return -EBADMSG;
        memcpy(&rd, data, sizeof(rd));
        if (rd.field_count > AUDIT_MAX_FIELDS || rd.buflen > size - sizeof(rd))
                return -EBADMSG;
        buf = (const char *) data + sizeof(rd);
        for (uint32_t i = 0; i < rd.field_count; i++) {
                if (!field_is_string(rd.fields[i]))
                        continue;
                if (rd.values[i] > rd.buflen - off)
                        return -EBADMSG;
                if (rd.fields[i] == AUDIT_FILTERKEY)
                        for (const char *k = buf + off, *e = buf + off + rd.values[i]; k < e;) {
                                const char *sep = memchr(k, KEY_SEPARATOR, (size_t) (e - k));
                                _cleanup_free_ char *key = strndup(k, (size_t) ((sep ?: e) - k));

                                if (!key)
                                        return -ENOMEM;
                                if (*key && !strv_contains(*keys, key) && strv_push(keys, n, key) < 0)
                                        return -ENOMEM;
                                k = sep ? sep + 1 : e;
                        }
                off += rd.values[i];
        }
        return 0;
}

int check_audit_auditd(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *pidtext = NULL, *comm = NULL, *path = NULL;
        AuditStatus st;
        uint32_t pid;
        int r, netlink;

        r = netlink = source(ctx)->status(&st);
        if (r >= 0) {
                if (st.pid == 0)
                        return say(ret, 0, "no audit daemon registered with the kernel (audit status pid 0)");
                if (asprintf(&path, "/proc/%" PRIu32 "/comm", st.pid) < 0)
                        return say(ret, -ENOMEM, "out of memory");
                if (root_read_line(ctx, path, &comm) >= 0)
                        sanitize_line(comm);
                return say(ret, 1, "audit daemon pid %" PRIu32 " (%s), audit enabled=%" PRIu32, st.pid,
                           comm ?: "comm unreadable", st.enabled);
        }
        /* Without the netlink status (not root, or no CAP_AUDIT_CONTROL): auditd's pid file. */
        r = root_read_line(ctx, "/run/auditd.pid", &pidtext);
        if (r == -ENOENT)
                return say(ret, 0, "cannot ask the kernel (%s) and no /run/auditd.pid: auditd not running",
                           strerror(-netlink));
        if (r < 0)
                return say(ret, r, "cannot ask the kernel, nor read /run/auditd.pid");
        sanitize_line(pidtext);
        if (safe_atou32(pidtext, &pid) < 0 || pid == 0)
                return say(ret, 0, "/run/auditd.pid holds '%.32s', not a pid", pidtext);
        if (asprintf(&path, "/proc/%" PRIu32 "/comm", pid) < 0)
                return say(ret, -ENOMEM, "out of memory");
        r = root_read_line(ctx, path, &comm);
        if (r == -ENOENT)
                return say(ret, 0, "/run/auditd.pid names pid %" PRIu32 ", which is not running", pid);
        if (r < 0)
                return say(ret, r, "cannot read %s", path);
        sanitize_line(comm);
        if (strcmp(comm, "auditd") != 0)
                return say(ret, 0, "/run/auditd.pid names pid %" PRIu32 ", which is '%s', not auditd", pid, comm);
        return say(ret, 1, "auditd pid %" PRIu32 " (from /run/auditd.pid; the kernel's status not readable)", pid);
}

int check_audit_immutable(const CheckContext *ctx, char **ret) {
        AuditStatus st;
        int r;

        r = source(ctx)->status(&st);
        if (r < 0)
                return say(ret, r, "cannot read the kernel's audit status");
        if (st.enabled == 2)
                return say(ret, 1, "enabled=2: the audit rules are locked until reboot");
        if (st.enabled == 1)
                return say(ret, 0, "enabled=1: the rules can be changed, want 2 (-e 2, 99-finalize.rules)");
        return say(ret, 0, "enabled=%" PRIu32 ": auditing is off, want 2", st.enabled);
}

static int rules_file_filter(const struct dirent *de) {
        size_t n = strlen(de->d_name);
        return de->d_name[0] != '.' && n > 6 && strcmp(de->d_name + n - 6, ".rules") == 0;
}

/* The keys of every *.rules file in /etc/audit/rules.d, as augenrules reads them. */
static int rules_dir_keys(const CheckContext *ctx, char ***keys, char ***wheres, size_t *n) {
        _cleanup_free_ char *dir = NULL;
        struct dirent **names = NULL;
        int k, r = 0;

        if (root_path(ctx, RULES_DIR, &dir) < 0)
                return -ENOMEM;
        k = scandir(dir, &names, rules_file_filter, versionsort);
        if (k < 0)
                return negative_errno();
        for (int i = 0; i < k; i++) {
                _cleanup_free_ char *path = NULL, *text = NULL;

                if (r >= 0 && (unsigned) i < RULES_FILES_MAX) {
                        if (asprintf(&path, RULES_DIR "/%s", names[i]->d_name) < 0)
                                r = -ENOMEM;
                        else if ((r = root_read(ctx, path, RULES_FILE_MAX, &text, NULL)) >= 0)
                                r = audit_rules_keys(text, path, keys, wheres, n);
                }
                free(names[i]);
        }
        free(names);
        return r;
}

int check_audit_rules(const CheckContext *ctx, char **ret) {
        _cleanup_strv_free_ char **want = NULL, **wheres = NULL, **loaded = NULL;
        _cleanup_offenders_ Offenders missing = {};
        size_t n = 0;
        int r;

        r = rules_dir_keys(ctx, &want, &wheres, &n);
        if (r == -ENOENT)
                return say(ret, 0, "no " RULES_DIR ": no audit rules to load");
        if (r < 0)
                return say(ret, r, "cannot read " RULES_DIR);
        if (n == 0)
                return say(ret, 0, "no rule in " RULES_DIR "/*.rules has a key (-k)");
        r = source(ctx)->keys(&loaded);
        if (r < 0)
                return say(ret, r, "cannot list the kernel's audit rules");
        for (size_t i = 0; i < n; i++)
                if (!strv_contains(loaded, want[i]) && offenders_add(&missing, "%s (%s)", want[i], wheres[i]) < 0)
                        return say(ret, -ENOMEM, "out of memory");
        if (missing.count > 0)
                return say(ret, 0, "%zu of %zu rule keys not loaded in the kernel: %s", missing.count, n,
                           offenders_text(&missing));
        return say(ret, 1, "all %zu rule keys of " RULES_DIR " are loaded", n);
}

int audit_record_time(const char *line, uint64_t *ret_sec) {
        const char *p = strstr(line, "msg=audit(");
        uint64_t v = 0;
        size_t digits = 0;

        if (!p)
                return -EBADMSG;
        for (p += STRLEN("msg=audit("); isdigit((unsigned char) *p) && digits < 19; p++, digits++)
                v = v * 10 + (uint64_t) (*p - '0');
        if (digits == 0 || *p != '.')
                return -EBADMSG;
        *ret_sec = v;
        return 0;
}

/* The value of " name=VALUE" in an audit record: up to the next space, quotes kept. */
static char *record_field(const char *line, const char *name) {
        size_t n = strlen(name);

        for (const char *p = line; (p = strstr(p, name)); p += n)
                if ((p == line || p[-1] == ' ') && p[n] == '=')
                        return strndup(p + n + 1, strcspn(p + n + 1, " \n"));
        return strdup("?");
}

void avc_denial_done(AvcDenial *a) {
        free(a->permission);
        free(a->scontext);
        free(a->tcontext);
        free(a->tclass);
        *a = (AvcDenial) {};
}

int avc_denial_parse(const char *line, AvcDenial *ret) {
        _cleanup_(avc_denial_done) AvcDenial a = {};
        const char *avc, *open, *close;

        if (strncmp(line, "node=", STRLEN("node=")) == 0) { /* auditd's name_format */
                line = strchr(line, ' ');
                if (!line)
                        return 0;
                line++;
        }
        if (strncmp(line, "type=AVC ", STRLEN("type=AVC ")) != 0)
                return 0;
        avc = strstr(line, "avc:");
        if (!avc)
                return 0;
        avc += STRLEN("avc:");
        avc += strspn(avc, " ");
        if (strncmp(avc, "denied", STRLEN("denied")) != 0 || (avc[6] != ' ' && avc[6] != 0))
                return 0;
        if (audit_record_time(line, &a.time) < 0)
                return -EBADMSG;
        open = strchr(avc, '{');
        close = open ? strchr(open, '}') : NULL;
        if (close) {
                open++;
                while (open < close && *open == ' ')
                        open++;
                while (close > open && close[-1] == ' ')
                        close--;
                a.permission = strndup(open, (size_t) (close - open));
        } else
                a.permission = strdup("?");
        a.scontext = record_field(avc, "scontext");
        a.tcontext = record_field(avc, "tcontext");
        a.tclass = record_field(avc, "tclass");
        if (!a.permission || !a.scontext || !a.tcontext || !a.tclass)
                return -ENOMEM;
        *ret = a;
        a = (AvcDenial) {};
        return 1;
}

int proc_stat_btime(const char *text, uint64_t *ret) {
        for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
                if (strncmp(l, "btime ", 6) == 0) {
                        _cleanup_free_ char *v = strndup(l + 6, strcspn(l + 6, "\n"));

                        if (!v)
                                return -ENOMEM;
                        return safe_atou64(v, ret) < 0 ? -EBADMSG : 0;
                }
        return -EBADMSG;
}

/* Counts the AVC denials at or after btime in one log file; the first one found is kept. */
static int avc_scan_file(const CheckContext *ctx, const char *path, uint64_t btime, size_t *count, AvcDenial *first,
                         uint64_t *unparsed) {
        _cleanup_free_ char *full = NULL, *line = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        size_t cap = 0;
        ssize_t len;

        if (root_path(ctx, path, &full) < 0)
                return -ENOMEM;
        f = fopen(full, "re");
        if (!f)
                return negative_errno();
        while ((len = getline(&line, &cap, f)) >= 0) {
                _cleanup_(avc_denial_done) AvcDenial a = {};
                int r;

                if (memchr(line, 0, (size_t) len))
                        continue; /* a torn write: not one record */
                r = avc_denial_parse(line, &a);
                if (r == -EBADMSG)
                        (*unparsed)++;
                if (r == -ENOMEM)
                        return r;
                if (r <= 0 || a.time < btime)
                        continue;
                (*count)++;
                if (!first->permission || a.time < first->time) {
                        avc_denial_done(first);
                        *first = a;
                        a = (AvcDenial) {};
                }
        }
        return ferror(f) ? -EIO : 0;
}

int check_selinux_avc(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *stat = NULL;
        _cleanup_(avc_denial_done) AvcDenial first = {};
        uint64_t btime, unparsed = 0;
        size_t count = 0;
        int r;

        r = root_read(ctx, "/proc/stat", 1024U * 1024U, &stat, NULL);
        if (r < 0)
                return say(ret, r, "cannot read /proc/stat");
        if (proc_stat_btime(stat, &btime) < 0)
                return say(ret, -EBADMSG, "no btime in /proc/stat");
        /* The rotated log too: records of this boot are there when auditd rotated since. */
        r = avc_scan_file(ctx, AUDIT_LOG_ROTATED, btime, &count, &first, &unparsed);
        if (r < 0 && r != -ENOENT)
                return say(ret, r, "cannot read " AUDIT_LOG_ROTATED);
        r = avc_scan_file(ctx, AUDIT_LOG, btime, &count, &first, &unparsed);
        if (r < 0)
                return say(ret, r, "cannot read " AUDIT_LOG);
        if (count == 0)
                return say(ret, 1, "no AVC denial since boot (btime %" PRIu64 ")%s", btime,
                           unparsed ? "; some AVC records without a time skipped" : "");
        return say(ret, 0, "%zu AVC denial(s) since boot; first: { %s } scontext=%s tcontext=%s tclass=%s", count,
                   first.permission, first.scontext, first.tcontext, first.tclass);
}
