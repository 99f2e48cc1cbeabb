/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"

static int parse_hhmm(const char *s, int *ret) {
        unsigned h, m;
        int n = 0;

        if (sscanf(s, "%2u:%2u%n", &h, &m, &n) != 2 || n != 5 || s[2] != ':' || h > 23 || m > 59)
                return -EINVAL;
        *ret = (int) (h * 60 + m);
        return 0;
}

static int parse_window(const char *v, int *ret_start, int *ret_end) {
        char a[6], b[6];

        if (strlen(v) != 11 || v[5] != '-')
                return -EINVAL;
        memcpy(a, v, 5), a[5] = 0;
        memcpy(b, v + 6, 5), b[5] = 0;
        if (parse_hhmm(a, ret_start) < 0 || parse_hhmm(b, ret_end) < 0 || *ret_start == *ret_end)
                return -EINVAL;
        return 0;
}

/* The settings given so far: each at most once. */
typedef struct Seen {
        bool url, reboot, window;
} Seen;

static int parse_url(const char *v, const char *where, Diag *d, UpdateConfig *c, Seen *seen) {
        if (seen->url || *v == 0 || strlen(v) >= sizeof(c->url)) {
                diag_error(d, where, "URL= %s", seen->url ? "given twice" : "empty or too long");
                return -EINVAL;
        }
        if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0 && strncmp(v, "file://", 7) != 0 &&
            v[0] != '/') {
                diag_error(d, where, "URL=%s: not an http://, https:// or file:// URL or an absolute directory", v);
                return -EINVAL;
        }
        snprintf(c->url, sizeof(c->url), "%s", v);
        seen->url = true;
        return 0;
}

static int parse_reboot(const char *v, const char *where, Diag *d, UpdateConfig *c, Seen *seen) {
        if (seen->reboot) {
                diag_error(d, where, "REBOOT= given twice");
                return -EINVAL;
        }
        if (streq_ptr(v, "never"))
                c->reboot = REBOOT_NEVER;
        else if (streq_ptr(v, "now"))
                c->reboot = REBOOT_NOW;
        else if (streq_ptr(v, "window"))
                c->reboot = REBOOT_WINDOW;
        else {
                diag_error(d, where, "REBOOT=%s: not now, window or never", v);
                return -EINVAL;
        }
        seen->reboot = true;
        return 0;
}

/* One KEY=VALUE setting at where ("line N"). 0 or -EINVAL with the problem added to d. */
static int parse_setting(const char *k, const char *v, const char *where, Diag *d, UpdateConfig *c, Seen *seen) {
        if (streq_ptr(k, "URL"))
                return parse_url(v, where, d, c, seen);
        if (streq_ptr(k, "REBOOT"))
                return parse_reboot(v, where, d, c, seen);
        if (streq_ptr(k, "WINDOW")) {
                if (seen->window || parse_window(v, &c->window_start, &c->window_end) < 0) {
                        diag_error(d, where, "WINDOW=%s: %s", v,
                                   seen->window ? "given twice" : "not HH:MM-HH:MM (two different times of day)");
                        return -EINVAL;
                }
                seen->window = true;
                return 0;
        }
        diag_error(d, where, "unknown setting '%s' (URL, REBOOT, WINDOW)", k);
        return -EINVAL;
}

int update_config_parse(const char *text, UpdateConfig *ret, Diag *d) {
        UpdateConfig c = { .reboot = REBOOT_NEVER, .window_start = -1, .window_end = -1 };
        Seen seen = {};
        int line = 0, r;

        for (const char *p = text; *p;) {
                const char *eol = strchr(p, '\n');
                size_t n = eol ? (size_t) (eol - p) : strlen(p);
                char buf[2200], where[32], *k, *v, *e;

                snprintf(where, sizeof(where), "line %d", ++line);
                if (n >= sizeof(buf)) {
                        diag_error(d, where, "longer than %zu characters", sizeof(buf) - 1);
                        return -EINVAL;
                }
                memcpy(buf, p, n);
                buf[n] = 0;
                p = eol ? eol + 1 : p + n;
                for (k = buf; *k == ' ' || *k == '\t'; k++)
                        ;
                for (e = k + strlen(k); e > k && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'); e--)
                        *(e - 1) = 0;
                if (*k == 0 || *k == '#')
                        continue;
                v = strchr(k, '=');
                if (!v) {
                        diag_error(d, where, "not KEY=VALUE");
                        return -EINVAL;
                }
                *v++ = 0;
                for (char *q = v; *q; q++)
                        if ((unsigned char) *q < 0x20 || *q == 0x7f) {
                                diag_error(d, where, "control character in the value");
                                return -EINVAL;
                        }
                r = parse_setting(k, v, where, d, &c, &seen);
                if (r < 0)
                        return r;
        }
        if (!seen.url) {
                diag_error(d, NULL, "no URL=");
                return -EINVAL;
        }
        if (c.reboot == REBOOT_WINDOW && !seen.window) {
                diag_error(d, NULL, "REBOOT=window needs WINDOW=HH:MM-HH:MM");
                return -EINVAL;
        }
        *ret = c;
        return 0;
}

bool window_contains(const UpdateConfig *c, int minute) {
        if (c->window_start < 0)
                return false;
        if (c->window_start < c->window_end)
                return minute >= c->window_start && minute < c->window_end;
        return minute >= c->window_start || minute < c->window_end;
}

const char *reboot_policy_to_string(RebootPolicy p) {
        return p == REBOOT_NOW ? "now" : p == REBOOT_WINDOW ? "window" : "never";
}

int boot_tries_parse(const char *text, const char *path, int *ret, Diag *d) {
        const char *p = text;
        long n = 0;
        size_t digits = 0;

        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
        for (; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
                n = n * 10 + (*p - '0');
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
                p++;
        if (digits == 0 || *p != 0 || n < 1 || n > BOOT_TRIES_MAX) {
                diag_error(d, path, "not a number of boot tries from 1 to %d", BOOT_TRIES_MAX);
                return -EINVAL;
        }
        *ret = (int) n;
        return 0;
}

int boot_tries_load(const char *path, int *ret, Diag *d) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        int r;

        r = read_full_file(path, BOOT_TRIES_FILE_MAX, &text, &size);
        if (r == -ENOENT) {
                *ret = BOOT_TRIES_DEFAULT;
                return 0;
        }
        if (r == -EFBIG || (r >= 0 && memchr(text, 0, size))) {
                diag_error(d, path, "not a number of boot tries from 1 to %d", BOOT_TRIES_MAX);
                return -EINVAL;
        }
        if (r < 0) {
                diag_error(d, path, "cannot read: %s", strerror(-r));
                return r;
        }
        return boot_tries_parse(text, path, ret, d) < 0 ? -EINVAL : 0;
}
