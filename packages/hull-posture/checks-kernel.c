/* SPDX-License-Identifier: MIT */
/* SELinux, the verity /usr and its errors in the kernel log, lockdown, module loading, sysctls
 * and the kernel command line: read from /sys, /proc and /dev/kmsg below the context's root. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hull/parse.h"
#include "posture.h"

#define MOUNTINFO_MAX (4U * 1024U * 1024U)
#define CMDLINE_MAX 65536U
#define CMDLINE_PARAMS_MAX 1024U
#define KMSG_MAX (32U * 1024U * 1024U) /* the ring buffer is a few MiB at most */
#define KMSG_CHUNK 16384U              /* more than one record (8 KiB at most) */

int check_selinux_enforcing(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *v = NULL;
        int r;

        r = root_read_line(ctx, "/sys/fs/selinux/enforce", &v);
        if (r == -ENOENT)
                return say(ret, 0, "no /sys/fs/selinux/enforce: SELinux is not enabled");
        if (r < 0)
                return say(ret, r, "cannot read /sys/fs/selinux/enforce");
        sanitize_line(v);
        return say(ret, strcmp(v, "1") == 0, "enforce=%s%s", v, strcmp(v, "1") == 0 ? "" : ", want 1");
}

int check_selinux_policy(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *v = NULL;
        uint32_t vers;
        int r;

        r = root_read_line(ctx, "/sys/fs/selinux/policyvers", &v);
        if (r == -ENOENT)
                return say(ret, 0, "no /sys/fs/selinux/policyvers: no SELinux policy loaded");
        if (r < 0)
                return say(ret, r, "cannot read /sys/fs/selinux/policyvers");
        sanitize_line(v);
        if (safe_atou32(v, &vers) < 0)
                return say(ret, 0, "policyvers='%s', not a number", v);
        return say(ret, vers > 0, "policyvers=%u%s", vers, vers > 0 ? "" : ", want a loaded policy");
}

static bool opts_have_ro(const char *opts) {
        for (const char *o = opts; o; o = strchr(o, ',') ? strchr(o, ',') + 1 : NULL)
                if (strncmp(o, "ro", 2) == 0 && (o[2] == 0 || o[2] == ','))
                        return true;
        return false;
}

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS". */
static int mountinfo_line(char *l, const char **ret_mp, unsigned *ret_maj, unsigned *ret_min, bool *ret_ro) {
        char *f[64], *save = NULL;
        size_t n = 0, sep;

        for (char *t = strtok_r(l, " ", &save); t; t = strtok_r(NULL, " ", &save))
                if (n < ELEMENTSOF(f))
                        f[n++] = t;
        if (n == 0)
                return 0;
        for (sep = 6; sep < n && strcmp(f[sep], "-") != 0; sep++)
                ;
        if (sep + 3 >= n || sscanf(f[2], "%u:%u", ret_maj, ret_min) != 2)
                return -EBADMSG;
        *ret_mp = f[4];
        *ret_ro = opts_have_ro(f[5]) || opts_have_ro(f[sep + 3]);
        return 1;
}

int mountinfo_find(const char *text, const char *mount_point, unsigned *ret_major, unsigned *ret_minor,
                   bool *ret_ro) {
        bool found = false, ro = false;
        unsigned maj = 0, min = 0;

        for (const char *line = text; *line;) {
                const char *end = strchrnul(line, '\n'), *mp;
                _cleanup_free_ char *l = strndup(line, (size_t) (end - line));
                unsigned a, b;
                bool this_ro;
                int r;

                if (!l)
                        return -ENOMEM;
                line = *end ? end + 1 : end;
                r = mountinfo_line(l, &mp, &a, &b, &this_ro);
                if (r < 0)
                        return r;
                if (r == 0 || strcmp(mp, mount_point) != 0)
                        continue;
                found = true;
                maj = a, min = b, ro = this_ro;
        }
        if (!found)
                return -ENOENT;
        *ret_major = maj;
        *ret_minor = min;
        *ret_ro = ro;
        return 0;
}

int check_usr_verity(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *text = NULL, *uuid = NULL, *path = NULL;
        unsigned maj, min;
        bool ro;
        int r;

        r = root_read(ctx, "/proc/self/mountinfo", MOUNTINFO_MAX, &text, NULL);
        if (r < 0)
                return say(ret, r, "cannot read /proc/self/mountinfo");
        r = mountinfo_find(text, "/usr", &maj, &min, &ro);
        if (r == -ENOENT)
                return say(ret, 0, "/usr is not a mount point");
        if (r < 0)
                return say(ret, r, "cannot parse /proc/self/mountinfo");
        if (!ro)
                return say(ret, 0, "/usr (%u:%u) is mounted read-write", maj, min);
        if (asprintf(&path, "/sys/dev/block/%u:%u/dm/uuid", maj, min) < 0)
                return say(ret, -ENOMEM, "out of memory");
        r = root_read_line(ctx, path, &uuid);
        if (r == -ENOENT)
                return say(ret, 0, "/usr is on %u:%u, not a device-mapper device", maj, min);
        if (r < 0)
                return say(ret, r, "cannot read %s", path);
        sanitize_line(uuid);
        if (strncmp(uuid, "CRYPT-VERITY-", STRLEN("CRYPT-VERITY-")) != 0)
                return say(ret, 0, "/usr is on dm device %u:%u with uuid '%s', not a verity one", maj, min, uuid);
        return say(ret, 1, "/usr read-only on dm-verity %u:%u (%s)", maj, min, uuid);
}

int check_kernel_lockdown(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *v = NULL;
        const char *open, *close;
        int r;

        r = root_read_line(ctx, "/sys/kernel/security/lockdown", &v);
        if (r == -ENOENT)
                return say(ret, 0, "no /sys/kernel/security/lockdown: the lockdown LSM is not active");
        if (r < 0)
                return say(ret, r, "cannot read /sys/kernel/security/lockdown");
        sanitize_line(v);
        open = strchr(v, '[');
        close = open ? strchr(open, ']') : NULL;
        if (!close)
                return say(ret, 0, "lockdown='%s', no mode selected", v);
        if (strncmp(open, "[integrity]", (size_t) (close - open + 1)) == 0 ||
            strncmp(open, "[confidentiality]", (size_t) (close - open + 1)) == 0)
                return say(ret, 1, "lockdown=%.*s", (int) (close - open - 1), open + 1);
        return say(ret, 0, "lockdown=%.*s, want integrity or confidentiality", (int) (close - open - 1), open + 1);
}

/* The settings the checker wants, fixed here (not read from Hull's sysctl.d): a host whose
 * files were edited must still be judged by the same yardstick. Where Hull's
 * /usr/lib/sysctl.d is stricter than a plain threshold, the stricter value is wanted. */
static const struct {
        const char *key;
        bool at_least; /* the value may be higher */
        int64_t want;
} sysctls[] = {
        { "kernel.kptr_restrict", false, 2 },
        { "kernel.dmesg_restrict", false, 1 },
        { "kernel.yama.ptrace_scope", true, 1 },
        { "kernel.unprivileged_bpf_disabled", true, 1 },
        { "kernel.perf_event_paranoid", true, 3 },
        { "fs.protected_symlinks", false, 1 },
        { "fs.protected_hardlinks", false, 1 },
        { "fs.protected_fifos", true, 2 },
        { "fs.protected_regular", true, 2 },
        { "fs.suid_dumpable", false, 0 },
        { "net.ipv4.conf.all.accept_redirects", false, 0 },
        { "net.ipv4.conf.all.send_redirects", false, 0 },
        { "net.ipv4.conf.all.rp_filter", true, 1 },
};

/* 1 if the key has the wanted value, 0 if not (*ret_bad says how), negative errno otherwise. */
static int sysctl_one(const CheckContext *ctx, size_t i, char **ret_bad) {
        _cleanup_free_ char *path = NULL, *v = NULL;
        int64_t val;
        int r;

        if (asprintf(&path, "/proc/sys/%s", sysctls[i].key) < 0)
                return -ENOMEM;
        for (char *p = path + STRLEN("/proc/sys/"); *p; p++)
                if (*p == '.')
                        *p = '/';
        r = root_read_line(ctx, path, &v);
        if (r == -ENOENT)
                return asprintf(ret_bad, "%s absent", sysctls[i].key) < 0 ? -ENOMEM : 0;
        if (r < 0)
                return r;
        sanitize_line(v);
        if (safe_atoi64(v, &val) < 0)
                return asprintf(ret_bad, "%s='%.32s', not a number", sysctls[i].key, v) < 0 ? -ENOMEM : 0;
        if (sysctls[i].at_least ? val >= sysctls[i].want : val == sysctls[i].want)
                return 1;
        return asprintf(ret_bad, "%s=%" PRIi64 ", want %s%" PRIi64, sysctls[i].key, val,
                        sysctls[i].at_least ? ">=" : "", sysctls[i].want) < 0 ? -ENOMEM : 0;
}

int check_kernel_sysctl(const CheckContext *ctx, char **ret) {
        _cleanup_offenders_ Offenders bad = { .max = ELEMENTSOF(sysctls) };

        for (size_t i = 0; i < ELEMENTSOF(sysctls); i++) {
                _cleanup_free_ char *why = NULL;
                int r = sysctl_one(ctx, i, &why);

                if (r < 0)
                        return say(ret, r, "cannot read /proc/sys for %s", sysctls[i].key);
                if (r == 0 && offenders_add(&bad, "%s", why) < 0)
                        return say(ret, -ENOMEM, "out of memory");
        }
        if (bad.count > 0)
                return say(ret, 0, "%s", offenders_text(&bad));
        return say(ret, 1, "all %zu settings as wanted", ELEMENTSOF(sysctls));
}

int cmdline_split(const char *line, char ***ret) {
        _cleanup_strv_free_ char **l = calloc(CMDLINE_PARAMS_MAX + 1, sizeof(char *));
        size_t n = 0;

        if (!l)
                return -ENOMEM;
        for (const char *p = line;;) {
                bool quoted = false;
                char *w, *o;

                while (isspace((unsigned char) *p))
                        p++;
                if (!*p)
                        break;
                if (n == CMDLINE_PARAMS_MAX)
                        return -E2BIG;
                w = o = malloc(strlen(p) + 1);
                if (!w)
                        return -ENOMEM;
                for (; *p && (quoted || !isspace((unsigned char) *p)); p++)
                        if (*p == '"')
                                quoted = !quoted;
                        else
                                *o++ = *p;
                *o = 0;
                if (strcmp(w, "--") == 0) {
                        free(w);
                        break;
                }
                l[n++] = w;
        }
        *ret = TAKE_PTR(l);
        return (int) n;
}

int kernel_bool(const char *s) {
        if (!s)
                return -EINVAL;
        if (strchr("yY1", s[0]) && s[0])
                return 1;
        if (strchr("nN0", s[0]) && s[0])
                return 0;
        if ((s[0] == 'o' || s[0] == 'O') && (s[1] == 'n' || s[1] == 'N'))
                return 1;
        if ((s[0] == 'o' || s[0] == 'O') && (s[1] == 'f' || s[1] == 'F'))
                return 0;
        return -EINVAL;
}

typedef enum CmdlineKind {
        CMDLINE_FLAG,    /* the bare word */
        CMDLINE_ON,      /* a kstrtobool true value */
        CMDLINE_ONE_OF,  /* one of the '|'-separated values */
} CmdlineKind;

static const struct {
        const char *key;
        CmdlineKind kind;
        const char *want;
} cmdline_wants[] = {
        { "lockdown", CMDLINE_ONE_OF, "integrity|confidentiality" },
        { "init_on_alloc", CMDLINE_ON, "1" },
        { "slab_nomerge", CMDLINE_FLAG, NULL },
        { "page_alloc.shuffle", CMDLINE_ON, "1" },
        { "randomize_kstack_offset", CMDLINE_ON, "on" },
        { "vsyscall", CMDLINE_ONE_OF, "none" },
        { "debugfs", CMDLINE_ONE_OF, "off" },
        { "enforcing", CMDLINE_ONE_OF, "1" },
};

/* Parameters that must not appear at all, whatever comes after them. */
static const char *const cmdline_forbidden[] = { "enforcing=0", "selinux=0" };

static bool one_of(const char *v, const char *choices) {
        size_t n = strlen(v);

        for (const char *c = choices; c; c = strchr(c, '|') ? strchr(c, '|') + 1 : NULL)
                if (strncmp(c, v, n) == 0 && (c[n] == 0 || c[n] == '|'))
                        return true;
        return false;
}

/* The value of the last key=VALUE (the one the kernel keeps), "" for a bare key, NULL if absent. */
static const char *cmdline_last(char **params, const char *key) {
        const char *found = NULL;
        size_t n = strlen(key);

        for (char **p = params; *p; p++)
                if (strncmp(*p, key, n) == 0 && ((*p)[n] == '=' || (*p)[n] == 0))
                        found = (*p)[n] == '=' ? *p + n + 1 : "";
        return found;
}

int check_kernel_cmdline(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_strv_free_ char **params = NULL;
        _cleanup_offenders_ Offenders bad = { .max = ELEMENTSOF(cmdline_wants) + ELEMENTSOF(cmdline_forbidden) };
        int r;

        r = root_read(ctx, "/proc/cmdline", CMDLINE_MAX, &text, NULL);
        if (r < 0)
                return say(ret, r, "cannot read /proc/cmdline");
        sanitize_line(text);
        r = cmdline_split(text, &params);
        if (r < 0)
                return say(ret, r, "cannot split /proc/cmdline");
        for (size_t i = 0; i < ELEMENTSOF(cmdline_wants); i++) {
                const char *v = cmdline_last(params, cmdline_wants[i].key);
                bool ok = v && (cmdline_wants[i].kind == CMDLINE_FLAG ? !*v :
                                cmdline_wants[i].kind == CMDLINE_ON ? kernel_bool(v) == 1 :
                                one_of(v, cmdline_wants[i].want));

                if (ok)
                        continue;
                if (!v)
                        r = offenders_add(&bad, "no %s%s%s", cmdline_wants[i].key, cmdline_wants[i].want ? "=" : "",
                                          cmdline_wants[i].want ?: "");
                else
                        r = offenders_add(&bad, "%s=%.32s, want %s", cmdline_wants[i].key, v,
                                          cmdline_wants[i].want ?: "the bare word");
                if (r < 0)
                        return say(ret, r, "out of memory");
        }
        for (size_t i = 0; i < ELEMENTSOF(cmdline_forbidden); i++)
                for (char **p = params; *p; p++)
                        if (strcmp(*p, cmdline_forbidden[i]) == 0 && offenders_add(&bad, "%s present", *p) < 0)
                                return say(ret, -ENOMEM, "out of memory");
        if (bad.count > 0)
                return say(ret, 0, "%s", offenders_text(&bad));
        return say(ret, 1, "lockdown=%s and all %zu hardening parameters present", cmdline_last(params, "lockdown"),
                   ELEMENTSOF(cmdline_wants) - 1);
}

int kmsg_scan_verity(const char *text, size_t size, KmsgScan *ret) {
        KmsgScan k = { .first_seq = UINT64_MAX };

        for (const char *p = text, *end = text + size; p < end;) {
                const char *eol = memchr(p, '\n', (size_t) (end - p)) ?: end, *semi, *comma, *d, *msg;
                uint64_t seq = 0;

                /* "PRI,SEQ,..." up to the ';'; continuation lines start with a space. */
                semi = p < eol && *p != ' ' ? memchr(p, ';', (size_t) (eol - p)) : NULL;
                comma = semi ? memchr(p, ',', (size_t) (semi - p)) : NULL;
                for (d = comma ? comma + 1 : NULL; d && d < semi && isdigit((unsigned char) *d) && seq < UINT64_MAX / 10; d++)
                        seq = seq * 10 + (uint64_t) (*d - '0');
                if (comma && d > comma + 1 && (*d == ',' || *d == ';')) {
                        k.records++;
                        if (k.first_seq == UINT64_MAX)
                                k.first_seq = seq;
                        msg = semi + 1;
                        if (memmem(msg, (size_t) (eol - msg), "device-mapper: verity", 21) &&
                            (memmem(msg, (size_t) (eol - msg), "corrupted", 9) ||
                             memmem(msg, (size_t) (eol - msg), "data block", 10) ||
                             memmem(msg, (size_t) (eol - msg), "metadata block", 14))) {
                                if (k.errors++ == 0) {
                                        k.first_error = strndup(msg, (size_t) (eol - msg));
                                        if (!k.first_error)
                                                return -ENOMEM;
                                }
                        }
                }
                p = eol < end ? eol + 1 : end;
        }
        *ret = k;
        return 0;
}

/* Everything /dev/kmsg has, from the oldest record the ring buffer keeps: one record per read
 * on the device (a fixture file gives its bytes), until EAGAIN (no more) or the end. */
static int kmsg_read(const CheckContext *ctx, char **ret, size_t *ret_size) {
        _cleanup_free_ char *path = NULL, *buf = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t len = 0;

        if (root_path(ctx, "/dev/kmsg", &path) < 0)
                return -ENOMEM;
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return negative_errno();
        buf = malloc(KMSG_MAX + 1);
        if (!buf)
                return -ENOMEM;
        while (len + KMSG_CHUNK <= KMSG_MAX) {
                ssize_t n = read(fd, buf + len, KMSG_CHUNK);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EPIPE)
                        continue; /* records overwritten while reading: go on with the next */
                if (n < 0 && errno == EAGAIN)
                        break;
                if (n < 0)
                        return negative_errno();
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        buf[len] = 0;
        *ret = TAKE_PTR(buf);
        *ret_size = len;
        return 0;
}

static void kmsg_scan_done(KmsgScan *k) {
        free(k->first_error);
}

int check_usr_verity_errors(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_(kmsg_scan_done) KmsgScan k = {};
        size_t n;
        int r;

        r = kmsg_read(ctx, &text, &n);
        if (r < 0)
                return say(ret, r, "cannot read /dev/kmsg");
        r = kmsg_scan_verity(text, n, &k);
        if (r < 0)
                return say(ret, r, "out of memory");
        if (k.errors > 0)
                return say(ret, 0, "%zu dm-verity error(s) in the kernel log; first: %s", k.errors, k.first_error);
        if (k.records == 0)
                return say(ret, 1, "no dm-verity error: the kernel log is empty");
        if (k.first_seq > 0)
                return say(ret, 1, "no dm-verity error in %zu kernel log records (from record %" PRIu64
                           " on: the earlier ones of this boot were overwritten)", k.records, k.first_seq);
        return say(ret, 1, "no dm-verity error in %zu kernel log records since boot", k.records);
}

int check_kernel_modules(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *disabled = NULL, *enforce = NULL, *lockdown = NULL;
        bool locked;
        int r;

        r = root_read_line(ctx, "/proc/sys/kernel/modules_disabled", &disabled);
        if (r == -ENOENT)
                return say(ret, 1, "no /proc/sys/kernel/modules_disabled: a kernel without module support");
        if (r < 0)
                return say(ret, r, "cannot read /proc/sys/kernel/modules_disabled");
        sanitize_line(disabled);
        if (strcmp(disabled, "1") == 0)
                return say(ret, 1, "modules_disabled=1: no module can be loaded");
        r = root_read_line(ctx, "/sys/module/module/parameters/sig_enforce", &enforce);
        if (r == -ENOENT)
                return say(ret, 0, "modules_disabled=%s and no module signatures (no sig_enforce): any module loads",
                           disabled);
        if (r < 0)
                return say(ret, r, "cannot read /sys/module/module/parameters/sig_enforce");
        sanitize_line(enforce);
        if (kernel_bool(enforce) == 1)
                return say(ret, 1, "modules_disabled=%s, sig_enforce=%s: only signed modules load", disabled, enforce);
        /* Lockdown (integrity and up) refuses unsigned modules even without sig_enforce. */
        if (root_read_line(ctx, "/sys/kernel/security/lockdown", &lockdown) >= 0)
                sanitize_line(lockdown);
        locked = lockdown && (strstr(lockdown, "[integrity]") || strstr(lockdown, "[confidentiality]"));
        if (locked)
                return say(ret, 1, "modules_disabled=%s, sig_enforce=%s, lockdown %s: only signed modules load", disabled,
                           enforce, strchr(lockdown, '['));
        return say(ret, 0, "modules_disabled=%s, sig_enforce=%s, lockdown %s: unsigned modules load", disabled, enforce,
                   lockdown ? strchr(lockdown, '[') ?: lockdown : "absent");
}
