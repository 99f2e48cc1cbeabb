/* SPDX-License-Identifier: MIT */
/* sshd: no root logins, no passwords. Read the way sshd reads its configuration: the first
 * value of a keyword wins, Include files count where the Include line is, Match blocks apply
 * only to some connections and are not the defaults judged here. */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "posture.h"

#define SSHD_CONFIG "/etc/ssh/sshd_config"
#define SSHD_CONFIG_MAX (1U * 1024U * 1024U)
#define SSHD_INCLUDE_DEPTH 16

typedef struct SshdSearch {
        const CheckContext *ctx;
        const char *const *keywords;
        char *value;
        char *where;
} SshdSearch;

static int sshd_file(SshdSearch *s, const char *path, bool active, unsigned depth);

/* Splits "Keyword args", "Keyword=args" or "Keyword = args" in place. Returns false for blank
 * and comment lines. */
static bool sshd_split(char *line, char **ret_key, char **ret_args) {
        char *k = line + strspn(line, " \t\r"), *v;

        if (!*k || *k == '#')
                return false;
        v = k + strcspn(k, " \t\r=");
        if (*v) {
                bool eq = *v == '=';
                *v++ = 0;
                v += strspn(v, " \t\r");
                if (!eq && *v == '=')
                        v += 1 + strspn(v + 1, " \t\r");
        }
        *ret_key = k;
        *ret_args = v;
        return true;
}

/* The first word of args, double quotes removed, cut in place; *next is the rest. */
static char *sshd_word(char *args, char **next) {
        char *w = args + strspn(args, " \t\r"), *end;

        if (*w == '"') {
                w++;
                end = w + strcspn(w, "\"");
        } else
                end = w + strcspn(w, " \t\r");
        *next = *end ? end + 1 : end;
        *end = 0;
        return w;
}

static void globfreep(glob_t *g) {
        globfree(g);
}

static int sshd_include(SshdSearch *s, const char *pattern, bool active, unsigned depth) {
        _cleanup_free_ char *rel = NULL, *full = NULL;
        _cleanup_(globfreep) glob_t g = {};
        size_t skip;
        int r = 0;

        if (depth >= SSHD_INCLUDE_DEPTH)
                return -ELOOP;
        if (asprintf(&rel, "%s%s", pattern[0] == '/' ? "" : "/etc/ssh/", pattern) < 0 || root_path(s->ctx, rel, &full) < 0)
                return -ENOMEM;
        skip = strlen(full) - strlen(rel);
        r = glob(full, 0, NULL, &g);
        if (r == GLOB_NOMATCH)
                return 0;
        if (r != 0)
                return r == GLOB_NOSPACE ? -ENOMEM : -EIO;
        r = 0;
        for (size_t i = 0; i < g.gl_pathc && r >= 0 && !s->value; i++)
                r = sshd_file(s, g.gl_pathv[i] + skip, active, depth + 1);
        return r;
}

static bool keyword_is(const SshdSearch *s, const char *key) {
        for (const char *const *k = s->keywords; *k; k++)
                if (strcasecmp(*k, key) == 0)
                        return true;
        return false;
}

static int sshd_file(SshdSearch *s, const char *path, bool active, unsigned depth) {
        _cleanup_free_ char *text = NULL;
        unsigned lineno = 0;
        int r;

        r = root_read(s->ctx, path, SSHD_CONFIG_MAX, &text, NULL);
        if (r < 0)
                return r;
        for (char *line = text; line && !s->value;) {
                char *next = strchr(line, '\n'), *key, *args;

                if (next)
                        *next++ = 0;
                lineno++;
                if (!sshd_split(line, &key, &args)) {
                        line = next;
                        continue;
                }
                if (strcasecmp(key, "Include") == 0) {
                        /* Each word a pattern, read where the Include line is. */
                        for (char *rest = args, *p; *(p = sshd_word(rest, &rest)) && r >= 0;)
                                r = sshd_include(s, p, active, depth);
                        if (r < 0)
                                return r;
                } else if (strcasecmp(key, "Match") == 0)
                        active = strcasecmp(sshd_word(args, &args), "all") == 0;
                else if (active && keyword_is(s, key)) {
                        s->value = strdup(sshd_word(args, &args));
                        if (!s->value || asprintf(&s->where, "%s:%u", path, lineno) < 0)
                                return -ENOMEM;
                }
                line = next;
        }
        return 0;
}

int sshd_value(const CheckContext *ctx, const char *const *keywords, char **ret_value, char **ret_where) {
        SshdSearch s = { .ctx = ctx, .keywords = keywords };
        int r;

        r = sshd_file(&s, SSHD_CONFIG, true, 0);
        if (r < 0 || !s.value) {
                free(s.value);
                free(s.where);
                return r < 0 ? r : 0;
        }
        sanitize_line(s.value);
        *ret_value = s.value;
        *ret_where = s.where;
        return 1;
}

/* Judges one keyword whose only good value is "no"; sshd's default (when unset) is dflt. */
static int want_no(const CheckContext *ctx, const char *const *keywords, const char *dflt, Offenders *bad,
                   Offenders *good) {
        _cleanup_free_ char *value = NULL, *where = NULL;
        int r = sshd_value(ctx, keywords, &value, &where);

        if (r < 0)
                return r;
        if (r == 0)
                return offenders_add(bad, "%s not set (sshd's default: %s)", keywords[0], dflt);
        if (strcasecmp(value, "no") != 0)
                return offenders_add(bad, "%s %.32s (%s), want no", keywords[0], value, where);
        return offenders_add(good, "%s no (%s)", keywords[0], where);
}

static int judge(const CheckContext *ctx, const char *const *const *keywords, const char *const *defaults,
                 size_t n, char **ret) {
        _cleanup_offenders_ Offenders bad = {}, good = {};

        for (size_t i = 0; i < n; i++) {
                int r = want_no(ctx, keywords[i], defaults[i], &bad, &good);

                if (r == -ENOENT)
                        return say(ret, 0, "no " SSHD_CONFIG);
                if (r < 0)
                        return say(ret, r, "cannot read " SSHD_CONFIG " and its Include files");
        }
        if (bad.count > 0)
                return say(ret, 0, "%s", offenders_text(&bad));
        return say(ret, 1, "%s", offenders_text(&good));
}

int check_ssh_root_login(const CheckContext *ctx, char **ret) {
        static const char *const root_login[] = { "PermitRootLogin", NULL };
        static const char *const *const keywords[] = { root_login };
        static const char *const defaults[] = { "prohibit-password" };

        return judge(ctx, keywords, defaults, ELEMENTSOF(keywords), ret);
}

int check_ssh_passwords(const CheckContext *ctx, char **ret) {
        static const char *const password[] = { "PasswordAuthentication", NULL };
        /* ChallengeResponseAuthentication is the old name of the same setting. */
        static const char *const kbd[] = { "KbdInteractiveAuthentication", "ChallengeResponseAuthentication", NULL };
        static const char *const *const keywords[] = { password, kbd };
        static const char *const defaults[] = { "yes", "yes" };

        return judge(ctx, keywords, defaults, ELEMENTSOF(keywords), ret);
}
