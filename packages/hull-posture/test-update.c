/* SPDX-License-Identifier: MIT */
/* update.check-age: hull-update's state file (as state.c writes it, and malformed), the timer
 * and the configuration, at a fixed time. */
#include "testutil.h"

#define NOW 1700000000
#define DAY 86400
#define TIMER "/etc/systemd/system/timers.target.wants/hull-update.timer"

/* As hull-update's state_write makes it (JSON_C_TO_STRING_PRETTY | SPACED). */
static char *state(const char *result, long long started, long long finished) {
        char *s = NULL;

        CHECK(asprintf(&s,
                       "{\n  \"result\": \"%s\",\n  \"message\": \"\",\n  \"version\": \"1.2\",\n  \"build\": 7,\n"
                       "  \"usrhash\": \"ab\",\n  \"slot\": \"b\",\n  \"started\": %lld,\n  \"finished\": %lld\n}",
                       result, started, finished) > 0);
        return s;
}

static void bad(const char *text, const char *want) {
        _cleanup_diag_ Diag d = {};
        UpdateStateInfo s;
        int r = update_state_parse(text, strlen(text), &d, &s);

        if (r != -EINVAL || d.n != 1 || !strstr(d.msgs[0], want)) {
                fprintf(stderr, "%s: got %d \"%s\", want -EINVAL with \"%s\"\n", text, r, d.n ? d.msgs[0] : "(none)", want);
                hull_test_failures++;
        }
}

static void test_parse(void) {
        _cleanup_free_ char *text = state("success", NOW - 100, NOW - 50);
        _cleanup_diag_ Diag d = {};
        UpdateStateInfo s;

        CHECK_EQ_INT(update_state_parse(text, strlen(text), &d, &s), 0);
        CHECK_STREQ(s.result, "success");
        CHECK_EQ_INT(s.started, NOW - 100);
        CHECK_EQ_INT(s.finished, NOW - 50);
        /* Members missing or null: empty. Unknown ones: ignored. */
        CHECK_EQ_INT(update_state_parse("{}", 2, &d, &s), 0);
        CHECK(s.result[0] == 0 && s.started == 0 && s.finished == 0);
        CHECK_EQ_INT(update_state_parse("{\"finished\":null,\"x\":[1]}", 25, &d, &s), 0);
        CHECK_EQ_INT(d.n, 0);
        bad("", "not JSON");
        bad("{", "not JSON");
        bad("{} {}", "not JSON at offset 3");
        bad("[]", "$: expected an object, got an array");
        bad("\"x\"", "$: expected an object, got a string");
        bad("{\"started\": \"yesterday\"}", "$.started: expected an integer, got a string");
        bad("{\"started\": 1.5}", "$.started: expected an integer, got a fractional number");
        bad("{\"finished\": -1}", "$.finished");
        bad("{\"result\": 1}", "$.result: expected a string, got an integer");
        bad("{\"result\": \"a-result-far-too-long\"}", "$.result: is longer than 15 bytes");
        bad("{\"result\": \"\\u0000\"}", "$.result: string contains a NUL byte");
        bad("{\"a\": \"\xff\"}", "not JSON");
        CHECK_EQ_INT(update_state_parse("{}\0", 3, &d, &s), -EINVAL);
}

static void test_check(void) {
        char *root = fixture_new();
        const CheckContext ctx = { .root = root, .now = NOW };
        _cleanup_free_ char *recent = state("failed", NOW - 3 * 3600, NOW - 2 * 3600);
        _cleanup_free_ char *old = state("success", NOW - 9 * DAY, NOW - 9 * DAY + 600);
        _cleanup_free_ char *running = state("in-progress", NOW - 8 * DAY, 0);
        _cleanup_free_ char *future = state("success", NOW + DAY, NOW + DAY);

        /* A fresh image: the timer is off (hull-update's preset), nothing is judged. */
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 1, "hull-update.timer not enabled");
        fixture_write(root, "/var/lib/hull/update.json", old);
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 1, "unattended updates are off (not judged)");
        fixture_write(root, "/var/lib/hull/update.json", "garbage");
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 1, "unattended updates are off (not judged)");
        fixture_unlink(root, "/var/lib/hull/update.json");
        fixture_symlink(root, TIMER, "/usr/lib/systemd/system/hull-update.timer");
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 0, "but no /etc/hull/update.conf");
        fixture_write(root, "/etc/hull/update.conf", "URL=https://updates.example/hull\n");
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 0, "no check or update attempt recorded (no /var/lib/hull/last-check.json or /var/lib/hull/update.json)");
        fixture_write(root, "/var/lib/hull/update.json", "{\"result\": \"success\"}");
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 0, "no check or update attempt recorded (no time in");
        fixture_write(root, "/var/lib/hull/update.json", recent);
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 1, "last check 2023-11-14T20:13:20Z, 2 h ago (result failed)");
        fixture_write(root, "/var/lib/hull/update.json", old);
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 0, "2023-11-05T22:23:20Z, 8 days ago (result success), want within 7 days");
        fixture_write(root, "/var/lib/hull/update.json", running);
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 0, "8 days ago (result in-progress)");
        fixture_write(root, "/var/lib/hull/update.json", future);
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 0, "is in the future");
        fixture_write(root, "/var/lib/hull/update.json", "{\"started\": \"x\"}");
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 0, "/var/lib/hull/update.json: $.started: expected an integer");
        fixture_write(root, "/var/lib/hull/update.json", "garbage");
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 0, "/var/lib/hull/update.json: not JSON");
        /* An unattended run that found nothing newer records only its check: an old update
         * attempt and a recent check pass, with the check's time and result. */
        fixture_write(root, "/var/lib/hull/update.json", old);
        {
                _cleanup_free_ char *chk = NULL;
                CHECK(asprintf(&chk, "{\"time\": %lld, \"result\": \"nothing-newer\", \"message\": \"\"}",
                               (long long) (NOW - 3600)) > 0);
                fixture_write(root, "/var/lib/hull/last-check.json", chk);
        }
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 1, "1 h ago (result nothing-newer)");
        /* Without an update.json at all, the check alone counts. */
        fixture_unlink(root, "/var/lib/hull/update.json");
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 1, "1 h ago (result nothing-newer)");
        fixture_write(root, "/var/lib/hull/last-check.json", "{\"time\": -1}");
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 0, "/var/lib/hull/last-check.json: $.time");
        fixture_write(root, "/var/lib/hull/last-check.json", "[]");
        CHECK_RESULT_CTX(check_update_check_age, &ctx, 0, "/var/lib/hull/last-check.json:");
        fixture_free(root);
}

int main(void) {
        test_parse();
        test_check();
        return TEST_RETURN();
}
