/* SPDX-License-Identifier: MIT */
/* Unattended updates: when hull-update last checked or tried, from its state files
 * (packages/hull-update, state.c: /var/lib/hull/last-check.json, written by every unattended
 * run, and update.json, by every update attempt), judged only while hull-update.timer is
 * enabled. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hull/json.h"
#include "posture.h"

#define UPDATE_STATE "/var/lib/hull/update.json"
#define LAST_CHECK "/var/lib/hull/last-check.json"
#define UPDATE_CONF "/etc/hull/update.conf"
#define UPDATE_TIMER_LINK "/etc/systemd/system/timers.target.wants/hull-update.timer"
#define UPDATE_AGE_MAX (7 * 24 * 3600)

static int get_time(json_object *root, const char *key, int64_t *ret, Diag *d) {
        _cleanup_free_ char *path = json_path_key("$", key);
        json_object *v;

        if (!path)
                return -ENOMEM;
        if (json_member(root, key, &v) <= 0)
                return 0;
        return json_get_int64(v, path, 0, INT64_MAX, d, ret);
}

int update_state_parse(const char *text, size_t size, Diag *d, UpdateStateInfo *ret) {
        _cleanup_json_ json_object *root = NULL;
        UpdateStateInfo s = {};
        enum json_tokener_error e;
        json_object *v;
        const char *result;
        size_t end;
        int r;

        if (size > UPDATE_STATE_MAX) {
                diag_error(d, NULL, "larger than %u bytes", UPDATE_STATE_MAX);
                return -EFBIG;
        }
        if (memchr(text, 0, size)) {
                diag_error(d, NULL, "not JSON: a NUL byte");
                return -EINVAL;
        }
        r = json_parse_document(text, size, 16, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8, &root, &e, &end);
        if (r == -EINVAL) {
                diag_error(d, NULL, "not JSON at offset %zu: %s", end,
                           e == json_tokener_success ? "more after the document" : json_tokener_error_desc(e));
                return r;
        }
        if (r < 0)
                return r;
        r = json_expect(root, json_type_object, NULL, "$", d);
        if (r < 0)
                return r;
        if (json_member(root, "result", &v) > 0) {
                r = json_get_string(v, "$.result", sizeof(s.result) - 1, d, &result);
                if (r < 0)
                        return r;
                memcpy(s.result, result, strlen(result) + 1);
        }
        if ((r = get_time(root, "started", &s.started, d)) < 0 || (r = get_time(root, "finished", &s.finished, d)) < 0 ||
            (r = get_time(root, "time", &s.time, d)) < 0)
                return r;
        *ret = s;
        return 0;
}

static bool exists(const CheckContext *ctx, const char *path) {
        _cleanup_free_ char *full = NULL;
        struct stat st;

        return root_path(ctx, path, &full) >= 0 && lstat(full, &st) == 0;
}

static void format_time(int64_t t, char buf[static 32]) {
        time_t tt = (time_t) t;
        struct tm tm;

        if (!gmtime_r(&tt, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                snprintf(buf, 32, "%" PRIi64, t);
}

/* Reads and parses one of hull-update's state files: 1 if read, 0 if there is none, or a result
 * for the check through say() (negative or 0) in *ret_said. */
static int read_state(const CheckContext *ctx, const char *path, UpdateStateInfo *ret, char **ret_text, int *ret_said) {
        _cleanup_free_ char *text = NULL;
        _cleanup_diag_ Diag d = { .max = 1 };
        size_t n;
        int r;

        r = root_read(ctx, path, UPDATE_STATE_MAX, &text, &n);
        if (r == -ENOENT)
                return 0;
        if (r == -EFBIG) {
                *ret_said = say(ret_text, 0, "%s: larger than %u bytes", path, UPDATE_STATE_MAX);
                return -1;
        }
        if (r < 0) {
                *ret_said = say(ret_text, r, "cannot read %s", path);
                return -1;
        }
        r = update_state_parse(text, n, &d, ret);
        if (r == -ENOMEM) {
                *ret_said = say(ret_text, r, "out of memory");
                return -1;
        }
        if (r < 0) {
                *ret_said = say(ret_text, 0, "%s: %s", path, d.n > 0 ? d.msgs[0] : "malformed");
                return -1;
        }
        return 1;
}

int check_update_check_age(const CheckContext *ctx, char **ret) {
        UpdateStateInfo s = {}, c = {};
        bool timer = exists(ctx, UPDATE_TIMER_LINK);
        int64_t last, now = (int64_t) context_now(ctx), age;
        const char *result;
        char when[32];
        int said = 0, hs, hc;

        if (!timer)
                return say(ret, 1, "hull-update.timer not enabled: unattended updates are off (not judged)");
        hs = read_state(ctx, UPDATE_STATE, &s, ret, &said);
        if (hs < 0)
                return said;
        hc = read_state(ctx, LAST_CHECK, &c, ret, &said);
        if (hc < 0)
                return said;
        last = s.started > s.finished ? s.started : s.finished;
        result = s.result;
        if (c.time > last) {
                last = c.time;
                result = c.result;
        }
        if (!exists(ctx, UPDATE_CONF))
                return say(ret, 0, "hull-update.timer enabled but no " UPDATE_CONF ": hull-update.service never runs");
        if (last == 0)
                return say(ret, 0, "hull-update.timer enabled, no check or update attempt recorded (%s)",
                           hs == 0 && hc == 0 ? "no " LAST_CHECK " or " UPDATE_STATE : "no time in them");
        format_time(last, when);
        age = now - last;
        if (age < -300)
                return say(ret, 0, "last check %s is in the future (clock?)", when);
        if (age > UPDATE_AGE_MAX)
                return say(ret, 0, "last check %s, %" PRIi64 " days ago (result %s), want within 7 days", when,
                           age / 86400, *result ? result : "unknown");
        return say(ret, 1, "last check %s, %" PRIi64 " h ago (result %s)", when, age > 0 ? age / 3600 : 0,
                   *result ? result : "unknown");
}
