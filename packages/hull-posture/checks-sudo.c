/* SPDX-License-Identifier: MIT */
/* sudo: who gets root without a password. /etc/sudoers and what it includes, read the way sudo
 * reads them (continuation lines, #include/@include, #includedir/@includedir), judged for
 * "NOPASSWD: ALL" beyond Hull's own rule and for Defaults !authenticate. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "posture.h"

#define SUDOERS "/etc/sudoers"
#define SUDOERS_MAX (1024U * 1024U)
#define SUDOERS_DEPTH 8U /* includes nested this deep are refused: a loop */
#define SUDOERS_DIR_MAX 1000U

/* Hull's /etc/sudoers.d/10-hull: the group sudo (the administrators, who log in with SSH keys
 * and have no password) gets every command without one. root is root already. */
static bool user_allowed(const char *users) {
        return strcmp(users, "%sudo") == 0 || strcmp(users, "root") == 0;
}

static const char *const tags[] = {
        "NOPASSWD", "PASSWD",     "NOEXEC",      "EXEC",      "SETENV", "NOSETENV",  "LOG_INPUT", "NOLOG_INPUT",
        "LOG_OUTPUT", "NOLOG_OUTPUT", "MAIL",    "NOMAIL",    "FOLLOW", "NOFOLLOW", "INTERCEPT", "NOINTERCEPT",
};

static bool is_tag(const char *w, size_t n) {
        for (size_t i = 0; i < ELEMENTSOF(tags); i++)
                if (strlen(tags[i]) == n && strncmp(tags[i], w, n) == 0)
                        return true;
        return false;
}

static void trim(char *s) {
        size_t n = strlen(s), k = strspn(s, " \t");

        while (n > k && strchr(" \t\r", s[n - 1]))
                n--;
        memmove(s, s + k, n - k);
        s[n - k] = 0;
}

/* "Defaults[:@>!qualifier] a, !b, c=d": each !authenticate (an odd number of '!'). */
static int scan_defaults(const char *params, const char *where, Offenders *bad) {
        for (const char *p = params; *p;) {
                size_t n = strcspn(p, ","), bangs = 0;
                const char *w = p, *e = p + n;

                while (w < e && (*w == ' ' || *w == '\t' || *w == '!'))
                        bangs += *w++ == '!';
                while (e > w && strchr(" \t\r", e[-1]))
                        e--;
                if (bangs % 2 == 1 && (size_t) (e - w) == STRLEN("authenticate") &&
                    strncmp(w, "authenticate", STRLEN("authenticate")) == 0 &&
                    offenders_add(bad, "%s: Defaults !authenticate", where) < 0)
                        return -ENOMEM;
                p += n;
                if (*p == ',')
                        p++;
        }
        return 0;
}

/* The part of a user spec after its first '=': "(runas) TAGS: cmnd, cmnd : HOSTS = ...". 1 when
 * some command is ALL with NOPASSWD in force. Commands escape ',' ':' '=' with a backslash. */
static int cmnds_nopasswd_all(const char *p) {
        bool nopasswd = false;

        for (;;) {
                const char *w;
                size_t n;

                p += strspn(p, " \t,");
                if (!*p)
                        return 0;
                if (*p == '(') { /* runas list */
                        p = strchrnul(p, ')');
                        if (*p)
                                p++;
                        continue;
                }
                w = p;
                n = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_");
                if (n > 0 && w[n] == ':' && is_tag(w, n)) {
                        if (n == STRLEN("NOPASSWD") && strncmp(w, "NOPASSWD", n) == 0)
                                nopasswd = true;
                        else if (n == STRLEN("PASSWD") && strncmp(w, "PASSWD", n) == 0)
                                nopasswd = false;
                        p = w + n + 1;
                        continue;
                }
                if (n > 0 && w[n] == '=') { /* ROLE=, TYPE=, CWD=, TIMEOUT= ... options */
                        p = w + n + 1;
                        p += strcspn(p, " \t,:");
                        continue;
                }
                /* A command up to an unescaped ',' or ':'. */
                {
                        const char *c = p;
                        size_t len;

                        while (*p && *p != ',' && *p != ':')
                                p += (*p == '\\' && p[1]) ? 2 : 1;
                        len = (size_t) (p - c);
                        while (len > 0 && strchr(" \t\r", c[len - 1]))
                                len--;
                        if (nopasswd && len == 3 && strncmp(c, "ALL", 3) == 0)
                                return 1;
                }
                if (*p == ':') {
                        /* Another "HOSTS = cmnds" of the same users: tags start over. */
                        p = strchr(p, '=');
                        if (!p)
                                return 0;
                        p++;
                        nopasswd = false;
                }
        }
}

/* The users of a user spec: the comma list before the host list ("alice, %wheel  ALL = ..."). */
static char *spec_users(const char *line, const char *eq) {
        const char *p = line;

        for (;;) {
                p += strcspn(p, " \t,");
                if (p >= eq)
                        return strndup(line, (size_t) (eq - line)); /* no host list: malformed */
                {
                        const char *q = p + strspn(p, " \t");

                        if (*q != ',')
                                return strndup(line, (size_t) (p - line));
                        p = q + 1;
                        p += strspn(p, " \t");
                }
        }
}

static int sudoers_file(const CheckContext *ctx, const char *path, unsigned depth, Offenders *bad, char **allowed);

static int include_dir(const CheckContext *ctx, const char *dir, unsigned depth, Offenders *bad, char **allowed) {
        _cleanup_free_ char *full = NULL;
        struct dirent **names = NULL;
        int k, r = 0;

        if (root_path(ctx, dir, &full) < 0)
                return -ENOMEM;
        k = scandir(full, &names, NULL, alphasort);
        if (k < 0)
                return errno == ENOENT ? 0 : negative_errno();
        for (int i = 0; i < k; i++) {
                const char *name = names[i]->d_name;
                size_t n = strlen(name);
                _cleanup_free_ char *path = NULL;

                /* sudo skips names with a '.' and editor backups ending in '~'. */
                if (r >= 0 && (unsigned) i < SUDOERS_DIR_MAX && !strchr(name, '.') && n > 0 && name[n - 1] != '~') {
                        if (asprintf(&path, "%s/%s", dir, name) < 0)
                                r = -ENOMEM;
                        else {
                                r = sudoers_file(ctx, path, depth, bad, allowed);
                                if (r == -EISDIR || r == -ENOENT)
                                        r = 0;
                        }
                }
                free(names[i]);
        }
        free(names);
        return r;
}

/* An include's target: quotes removed; relative to the including file's directory. */
static char *include_target(const char *arg, const char *from) {
        _cleanup_free_ char *a = strdup(arg);
        char *r = NULL;
        size_t n;

        if (!a)
                return NULL;
        trim(a);
        n = strlen(a);
        if (n >= 2 && a[0] == '"' && a[n - 1] == '"') {
                memmove(a, a + 1, n - 2);
                a[n - 2] = 0;
        }
        if (a[0] == '/' || !*a)
                return TAKE_PTR(a);
        {
                const char *slash = strrchr(from, '/');
                if (asprintf(&r, "%.*s/%s", slash ? (int) (slash - from) : 0, from, a) < 0)
                        return NULL;
        }
        return r;
}

/* One logical line (continuations joined, comments kept). */
static int sudoers_line(const CheckContext *ctx, char *line, const char *path, unsigned lineno, unsigned depth,
                        Offenders *bad, char **allowed) {
        _cleanup_free_ char *where = NULL, *users = NULL;
        char *p = line + strspn(line, " \t"), *eq;
        size_t n;
        int r;

        if (asprintf(&where, "%s:%u", path, lineno) < 0)
                return -ENOMEM;
        sanitize_line(where);
        if (*p == '#' || *p == '@') {
                bool dir = strncmp(p + 1, "includedir", 10) == 0 && (p[11] == ' ' || p[11] == '\t');
                bool file = strncmp(p + 1, "include", 7) == 0 && (p[8] == ' ' || p[8] == '\t');

                if (dir || file) {
                        _cleanup_free_ char *target = include_target(p + (dir ? 11 : 8), path);

                        if (!target)
                                return -ENOMEM;
                        if (!*target || target[strlen(target) - 1] == '/')
                                return 0; /* sudo refuses an include without a name */
                        if (depth + 1 >= SUDOERS_DEPTH)
                                return -ELOOP;
                        r = dir ? include_dir(ctx, target, depth + 1, bad, allowed)
                                : sudoers_file(ctx, target, depth + 1, bad, allowed);
                        /* sudo goes on without a missing include (or a directory named as a file) */
                        return r == -ENOENT || r == -ENOTDIR || r == -EISDIR ? 0 : r;
                }
                if (*p == '#' && !isdigit((unsigned char) p[1]))
                        return 0; /* a comment; "#1000 ALL=..." is a uid */
        }
        /* A '#' that starts a comment later on the line (not "#uid"). */
        for (char *c = *p ? p + 1 : p; (c = strchr(c, '#')); c++)
                if ((c[-1] == ' ' || c[-1] == '\t') && !isdigit((unsigned char) c[1])) {
                        *c = 0;
                        break;
                }
        trim(p);
        if (!*p)
                return 0;
        n = strcspn(p, " \t:@>!");
        if (n == STRLEN("Defaults") && strncmp(p, "Defaults", n) == 0) {
                char *params = p + n;

                if (*params && !strchr(" \t", *params)) /* Defaults:user and the like */
                        params += strcspn(params, " \t");
                return scan_defaults(params, where, bad);
        }
        n = strcspn(p, " \t");
        if ((n == 10 && (strncmp(p, "User_Alias", n) == 0 || strncmp(p, "Host_Alias", n) == 0 ||
                         strncmp(p, "Cmnd_Alias", n) == 0)) ||
            (n == 11 && strncmp(p, "Runas_Alias", n) == 0) || (n == 9 && strncmp(p, "Cmd_Alias", n) == 0))
                return 0;
        eq = strchr(p, '=');
        if (!eq || !cmnds_nopasswd_all(eq + 1))
                return 0;
        users = spec_users(p, eq);
        if (!users)
                return -ENOMEM;
        trim(users);
        sanitize_line(users);
        if (user_allowed(users)) {
                if (!*allowed && !(*allowed = strdup(where)))
                        return -ENOMEM;
                return 0;
        }
        return offenders_add(bad, "%s: %s NOPASSWD: ALL", where, users);
}

int sudoers_scan(const CheckContext *ctx, const char *text, const char *path, unsigned depth, Offenders *bad,
                 char **allowed) {
        unsigned lineno = 0;

        for (const char *p = text; *p;) {
                _cleanup_free_ char *line = NULL;
                size_t len = 0, cap = 0;
                unsigned start = ++lineno;
                int r;

                /* Join lines ending in a backslash. */
                for (;;) {
                        const char *eol = strchrnul(p, '\n');
                        size_t n = (size_t) (eol - p);
                        bool cont = n > 0 && p[n - 1] == '\\' && *eol;
                        char *m;

                        if (cont)
                                n--;
                        if (len + n + 1 > cap) {
                                cap = (len + n + 1) * 2;
                                m = realloc(line, cap);
                                if (!m)
                                        return -ENOMEM;
                                line = m;
                        }
                        memcpy(line + len, p, n);
                        len += n;
                        line[len] = 0;
                        p = *eol ? eol + 1 : eol;
                        if (!cont)
                                break;
                        lineno++;
                }
                r = sudoers_line(ctx, line, path, start, depth, bad, allowed);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int sudoers_file(const CheckContext *ctx, const char *path, unsigned depth, Offenders *bad, char **allowed) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = root_read(ctx, path, SUDOERS_MAX, &text, NULL);
        if (r < 0)
                return r;
        return sudoers_scan(ctx, text, path, depth, bad, allowed);
}

int check_sudo_rules(const CheckContext *ctx, char **ret) {
        _cleanup_offenders_ Offenders bad = {};
        _cleanup_free_ char *allowed = NULL;
        int r;

        r = sudoers_file(ctx, SUDOERS, 0, &bad, &allowed);
        if (r == -ENOENT)
                return say(ret, 1, "no " SUDOERS ": sudo grants nothing");
        if (r == -ELOOP)
                return say(ret, 0, SUDOERS ": includes nested deeper than %u", SUDOERS_DEPTH);
        if (r < 0)
                return say(ret, r, "cannot read " SUDOERS " and its includes");
        if (bad.count > 0)
                return say(ret, 0, "%s", offenders_text(&bad));
        if (allowed)
                return say(ret, 1, "only Hull's %%sudo NOPASSWD: ALL (%s); no !authenticate", allowed);
        return say(ret, 1, "no NOPASSWD: ALL rule, no !authenticate");
}
