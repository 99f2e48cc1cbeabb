/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
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

int update_config_parse(const char *text, UpdateConfig *ret, char *err, size_t err_size) {
        UpdateConfig c = { .reboot = REBOOT_NEVER, .window_start = -1, .window_end = -1 };
        bool have_url = false, have_reboot = false, have_window = false;
        int line = 0;

        for (const char *p = text; *p;) {
                const char *eol = strchr(p, '\n');
                size_t n = eol ? (size_t) (eol - p) : strlen(p);
                char buf[2200], *k, *v, *e;

                line++;
                if (n >= sizeof(buf)) {
                        snprintf(err, err_size, "line %d: longer than %zu characters", line, sizeof(buf) - 1);
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
                        snprintf(err, err_size, "line %d: not KEY=VALUE", line);
                        return -EINVAL;
                }
                *v++ = 0;
                for (char *q = v; *q; q++)
                        if ((unsigned char) *q < 0x20 || *q == 0x7f) {
                                snprintf(err, err_size, "line %d: control character in the value", line);
                                return -EINVAL;
                        }
                if (streq_ptr(k, "URL")) {
                        if (have_url || *v == 0 || strlen(v) >= sizeof(c.url)) {
                                snprintf(err, err_size, "line %d: URL= %s", line, have_url ? "given twice" : "empty or too long");
                                return -EINVAL;
                        }
                        if (strncmp(v, "http://", 7) != 0 && strncmp(v, "https://", 8) != 0 && strncmp(v, "file://", 7) != 0 &&
                            v[0] != '/') {
                                snprintf(err, err_size, "line %d: URL=%s: not an http://, https:// or file:// URL or an absolute directory",
                                         line, v);
                                return -EINVAL;
                        }
                        snprintf(c.url, sizeof(c.url), "%s", v);
                        have_url = true;
                } else if (streq_ptr(k, "REBOOT")) {
                        if (have_reboot) {
                                snprintf(err, err_size, "line %d: REBOOT= given twice", line);
                                return -EINVAL;
                        }
                        if (streq_ptr(v, "never"))
                                c.reboot = REBOOT_NEVER;
                        else if (streq_ptr(v, "now"))
                                c.reboot = REBOOT_NOW;
                        else if (streq_ptr(v, "window"))
                                c.reboot = REBOOT_WINDOW;
                        else {
                                snprintf(err, err_size, "line %d: REBOOT=%s: not now, window or never", line, v);
                                return -EINVAL;
                        }
                        have_reboot = true;
                } else if (streq_ptr(k, "WINDOW")) {
                        if (have_window || parse_window(v, &c.window_start, &c.window_end) < 0) {
                                snprintf(err, err_size, "line %d: WINDOW=%s: %s", line, v,
                                         have_window ? "given twice" : "not HH:MM-HH:MM (two different times of day)");
                                return -EINVAL;
                        }
                        have_window = true;
                } else {
                        snprintf(err, err_size, "line %d: unknown setting '%s' (URL, REBOOT, WINDOW)", line, k);
                        return -EINVAL;
                }
        }
        if (!have_url) {
                snprintf(err, err_size, "no URL=");
                return -EINVAL;
        }
        if (c.reboot == REBOOT_WINDOW && !have_window) {
                snprintf(err, err_size, "REBOOT=window needs WINDOW=HH:MM-HH:MM");
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
