/* SPDX-License-Identifier: MIT */
/* The check table, check_run's evidence, and the shape of the table and JSON reports. */
#include <json-c/json.h>

#include "testutil.h"

static int fake_pass(const CheckContext *ctx, char **ret) {
        return say(ret, 1, "all good");
}
static int fake_fail(const CheckContext *ctx, char **ret) {
        return say(ret, 0, "bad \"value\"\nsecond line\t\x7f");
}
static int fake_error(const CheckContext *ctx, char **ret) {
        return say(ret, -EACCES, "cannot read /x");
}

static const Check fakes[] = {
        { "a.pass", "Passes", SEVERITY_REQUIRED, "Hull", fake_pass },
        { "b.fail-recommended", "Fails", SEVERITY_RECOMMENDED, "CIS-Docker 2.14", fake_fail },
        { "c.error", "Errs", SEVERITY_REQUIRED, "Hull", fake_error },
};

static void test_table(void) {
        bool ids = true;

        CHECK(posture_checks_count >= 39);
        for (size_t i = 0; i < posture_checks_count; i++) {
                const Check *c = &posture_checks[i];

                /* ids: lower case, dotted, unique; a reference and a title for each. */
                ids = ids && strchr(c->id, '.') && strspn(c->id, "abcdefghijklmnopqrstuvwxyz0123456789.-") == strlen(c->id);
                CHECK(check_find(c->id) == c);
                CHECK(c->title && *c->title && c->fn);
                CHECK(strcmp(c->reference, "Hull") == 0 || strncmp(c->reference, "CIS-Docker ", 11) == 0);
        }
        CHECK(ids);
        CHECK(check_find("nope") == NULL);
        CHECK(check_find("selinux") == NULL);
        CHECK_EQ_INT(check_find("boot.secureboot")->severity, SEVERITY_RECOMMENDED);
        CHECK_EQ_INT(check_find("update.blessed")->severity, SEVERITY_RECOMMENDED);
        CHECK_EQ_INT(check_find("selinux.enforcing")->severity, SEVERITY_REQUIRED);
        CHECK_EQ_INT(check_find("selinux.avc")->severity, SEVERITY_RECOMMENDED);
        CHECK_EQ_INT(check_find("sudo.rules")->severity, SEVERITY_RECOMMENDED);
        CHECK_EQ_INT(check_find("update.check-age")->severity, SEVERITY_RECOMMENDED);
        CHECK_EQ_INT(check_find("usr.verity-errors")->severity, SEVERITY_REQUIRED);
        CHECK_EQ_INT(check_find("kernel.modules")->severity, SEVERITY_REQUIRED);
        CHECK_EQ_INT(check_find("audit.auditd")->severity, SEVERITY_REQUIRED);
        CHECK_EQ_INT(check_find("audit.rules")->severity, SEVERITY_REQUIRED);
        CHECK_EQ_INT(check_find("audit.immutable")->severity, SEVERITY_REQUIRED);
        CHECK_STREQ(check_find("docker.no-new-privileges")->reference, "CIS-Docker 2.14");
}

static void run_fakes(Outcome o[static 3]) {
        const CheckContext ctx = { .root = "/nonexistent" };

        for (size_t i = 0; i < 3; i++)
                CHECK_EQ_INT(check_run(&fakes[i], &ctx, &o[i]), 0);
}

static void test_outcomes(void) {
        Outcome o[3];

        run_fakes(o);
        CHECK_EQ_INT(o[0].result, RESULT_PASS);
        CHECK_EQ_INT(o[1].result, RESULT_FAIL);
        CHECK_EQ_INT(o[2].result, RESULT_ERROR);
        CHECK_STREQ(o[1].evidence, "bad \"value\"?second line??");
        CHECK_STREQ(o[2].evidence, "cannot read /x: Permission denied");
        CHECK(required_passed(o, 2));   /* a failed recommended check does not count */
        CHECK(!required_passed(o, 3));
        CHECK(required_passed(o, 0));
        for (size_t i = 0; i < 3; i++)
                outcome_done(&o[i]);
}

static void test_report_table(void) {
        Outcome o[3];
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);

        run_fakes(o);
        report_table(f, o, 3);
        fclose(f);
        CHECK_STREQ(text,
                    "ID                  RESULT  SEVERITY     REFERENCE        EVIDENCE\n"
                    "a.pass              pass    required     Hull             all good\n"
                    "b.fail-recommended  fail    recommended  CIS-Docker 2.14  bad \"value\"?second line??\n"
                    "c.error             error   required     Hull             cannot read /x: Permission denied\n");
        free(text);
        for (size_t i = 0; i < 3; i++)
                outcome_done(&o[i]);
}

static const char *str(json_object *o, const char *key) {
        json_object *v;

        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
                       json_object_get_string(v) : NULL;
}

static void test_report_json(void) {
        static const char *const keys[] = { "id", "title", "severity", "reference", "result", "evidence" };
        Outcome o[3];
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        json_object *root, *v, *checks;

        run_fakes(o);
        CHECK_EQ_INT(report_json(f, o, 3), 0);
        fclose(f);
        CHECK(len > 0 && text[len - 1] == '\n' && !memchr(text, '\n', len - 1)); /* one line */
        root = json_tokener_parse(text);
        CHECK(root && json_object_object_length(root) == 3);
        CHECK(json_object_object_get_ex(root, "version", &v) && json_object_get_int(v) == 1);
        CHECK(json_object_object_get_ex(root, "required_passed", &v) && json_object_is_type(v, json_type_boolean) &&
              !json_object_get_boolean(v));
        CHECK(json_object_object_get_ex(root, "checks", &checks) && json_object_array_length(checks) == 3);
        for (size_t i = 0; i < 3; i++) {
                json_object *c = json_object_array_get_idx(checks, i);

                CHECK_EQ_INT(json_object_object_length(c), ELEMENTSOF(keys));
                for (size_t k = 0; k < ELEMENTSOF(keys); k++)
                        CHECK(str(c, keys[k]) != NULL);
        }
        CHECK_STREQ(str(json_object_array_get_idx(checks, 0), "result"), "pass");
        CHECK_STREQ(str(json_object_array_get_idx(checks, 1), "severity"), "recommended");
        CHECK_STREQ(str(json_object_array_get_idx(checks, 1), "evidence"), "bad \"value\"?second line??");
        CHECK_STREQ(str(json_object_array_get_idx(checks, 2), "result"), "error");
        CHECK_STREQ(str(json_object_array_get_idx(checks, 1), "reference"), "CIS-Docker 2.14");
        json_object_put(root);
        free(text);
        for (size_t i = 0; i < 3; i++)
                outcome_done(&o[i]);
}

int main(void) {
        test_table();
        test_outcomes();
        test_report_table();
        test_report_json();
        return TEST_RETURN();
}
