/* SPDX-License-Identifier: MIT */
/* Running checks and printing their outcomes: a table for people, JSON for programs. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "posture.h"

int check_run(const Check *c, const CheckContext *ctx, Outcome *ret) {
        _cleanup_free_ char *evidence = NULL;
        char *line;
        int r;

        r = c->fn(ctx, &evidence);
        if (r < 0) {
                if (asprintf(&line, "%s: %s", evidence ?: "cannot look", strerror(-r)) < 0)
                        return -ENOMEM;
        } else {
                line = strdup(evidence ?: "out of memory");
                if (!line)
                        return -ENOMEM;
        }
        sanitize_line(line);
        *ret = (Outcome) { .check = c, .result = result_from(r), .evidence = line };
        return 0;
}

void outcome_done(Outcome *o) {
        free(o->evidence);
        o->evidence = NULL;
}

bool required_passed(const Outcome *o, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (o[i].check->severity == SEVERITY_REQUIRED && o[i].result != RESULT_PASS)
                        return false;
        return true;
}

void report_table(FILE *f, const Outcome *o, size_t n) {
        int w_id = (int) STRLEN("ID"), w_ref = (int) STRLEN("REFERENCE");

        for (size_t i = 0; i < n; i++) {
                int a = (int) strlen(o[i].check->id), b = (int) strlen(o[i].check->reference);
                w_id = a > w_id ? a : w_id;
                w_ref = b > w_ref ? b : w_ref;
        }
        fprintf(f, "%-*s  %-6s  %-11s  %-*s  %s\n", w_id, "ID", "RESULT", "SEVERITY", w_ref, "REFERENCE", "EVIDENCE");
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%-*s  %-6s  %-11s  %-*s  %s\n", w_id, o[i].check->id, result_to_string(o[i].result),
                        severity_to_string(o[i].check->severity), w_ref, o[i].check->reference, o[i].evidence);
}

static json_object *outcome_json(const Outcome *o) {
        json_object *j = json_object_new_object();

        if (!j)
                return NULL;
        if (json_object_object_add(j, "id", json_object_new_string(o->check->id)) < 0 ||
            json_object_object_add(j, "title", json_object_new_string(o->check->title)) < 0 ||
            json_object_object_add(j, "severity", json_object_new_string(severity_to_string(o->check->severity))) < 0 ||
            json_object_object_add(j, "reference", json_object_new_string(o->check->reference)) < 0 ||
            json_object_object_add(j, "result", json_object_new_string(result_to_string(o->result))) < 0 ||
            json_object_object_add(j, "evidence", json_object_new_string(o->evidence)) < 0) {
                json_object_put(j);
                return NULL;
        }
        return j;
}

int report_json(FILE *f, const Outcome *o, size_t n) {
        json_object *root = json_object_new_object(), *list = json_object_new_array();
        int r = -ENOMEM;

        if (!root || !list)
                goto finish;
        for (size_t i = 0; i < n; i++) {
                json_object *j = outcome_json(&o[i]);
                if (!j || json_object_array_add(list, j) < 0) {
                        json_object_put(j);
                        goto finish;
                }
        }
        if (json_object_object_add(root, "version", json_object_new_int(1)) < 0 ||
            json_object_object_add(root, "checks", list) < 0)
                goto finish;
        list = NULL;
        if (json_object_object_add(root, "required_passed", json_object_new_boolean(required_passed(o, n))) < 0)
                goto finish;
        fprintf(f, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        r = 0;
finish:
        json_object_put(list);
        json_object_put(root);
        return r;
}
