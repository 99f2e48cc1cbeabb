/* SPDX-License-Identifier: MIT */
/* Unattended updates: when hull-update last tried, from its state file (packages/hull-update,
 * state.c: /var/lib/hull/update.json), judged only while hull-update.timer is enabled. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hull/json.h"
#include "posture.h"

#define UPDATE_STATE "/var/lib/hull/update.json"
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
        if ((r = get_time(root, "started", &s.started, d)) < 0 || (r = get_time(root, "finished", &s.finished, d)) < 0)
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

int check_update_check_age(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *text = NULL;
        _cleanup_diag_ Diag d = { .max = 1 };
        UpdateStateInfo s = {};
        bool timer = exists(ctx, UPDATE_TIMER_LINK), have = false;
        int64_t last, now = (int64_t) context_now(ctx), age;
        char when[32];
        size_t n;
        int r;

        if (!timer)
                return say(ret, 1, "hull-update.timer not enabled: unattended updates are off (not judged)");
        r = root_read(ctx, UPDATE_STATE, UPDATE_STATE_MAX, &text, &n);
        if (r >= 0) {
                r = update_state_parse(text, n, &d, &s);
                if (r == -ENOMEM)
                        return say(ret, r, "out of memory");
                if (r < 0)
                        return say(ret, 0, UPDATE_STATE ": %s", d.n > 0 ? d.msgs[0] : "malformed");
                have = true;
        } else if (r == -EFBIG)
                return say(ret, 0, UPDATE_STATE ": larger than %u bytes", UPDATE_STATE_MAX);
        else if (r != -ENOENT)
                return say(ret, r, "cannot read " UPDATE_STATE);
        last = s.started > s.finished ? s.started : s.finished;
        if (!exists(ctx, UPDATE_CONF))
                return say(ret, 0, "hull-update.timer enabled but no " UPDATE_CONF ": hull-update.service never runs");
        if (!have || last == 0)
                return say(ret, 0, "hull-update.timer enabled, no update attempt recorded (%s)",
                           have ? "no time in " UPDATE_STATE : "no " UPDATE_STATE);
        format_time(last, when);
        age = now - last;
        if (age < -300)
                return say(ret, 0, "last update attempt %s is in the future (clock?)", when);
        if (age > UPDATE_AGE_MAX)
                return say(ret, 0, "last update attempt %s, %" PRIi64 " days ago (result %s), want within 7 days", when,
                           age / 86400, *s.result ? s.result : "unknown");
        return say(ret, 1, "last update attempt %s, %" PRIi64 " h ago (result %s)", when, age > 0 ? age / 3600 : 0,
                   *s.result ? s.result : "unknown");
}
