/* SPDX-License-Identifier: MIT */
/* The state file is hull-update's own: a field missing or of another type reads as empty. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hull/fileio.h"
#include "hull/json.h"
#include "hull/macro.h"
#include "state.h"

int state_write(const char *dir, const UpdateState *s) {
        _cleanup_free_ char *path = NULL;
        _cleanup_json_ json_object *o = json_object_new_object();
        const char *text;

        if (!o)
                return -ENOMEM;
        json_object_object_add(o, "result", json_object_new_string(s->result));
        json_object_object_add(o, "message", json_object_new_string(s->message));
        json_object_object_add(o, "version", json_object_new_string(s->version));
        json_object_object_add(o, "build", json_object_new_int64((int64_t) s->build));
        json_object_object_add(o, "usrhash", json_object_new_string(s->usrhash));
        json_object_object_add(o, "slot", json_object_new_string(s->slot));
        json_object_object_add(o, "started", json_object_new_int64(s->started));
        json_object_object_add(o, "finished", json_object_new_int64(s->finished));
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
        if (asprintf(&path, "%s/update.json", dir) < 0)
                return -ENOMEM;
        (void) mkdir(dir, 0755);
        return write_file_atomic(path, text, strlen(text), 0644);
}

static void copy_str(json_object *o, const char *key, char *dst, size_t n) {
        json_object *v;
        const char *s;
        if (json_member(o, key, &v) > 0 && json_get_string(v, key, 0, NULL, &s) >= 0)
                snprintf(dst, n, "%s", s);
}

static int64_t get_int(json_object *o, const char *key) {
        json_object *v;
        int64_t i;
        if (json_member(o, key, &v) > 0 && json_get_int64(v, key, INT64_MIN, INT64_MAX, NULL, &i) >= 0)
                return i;
        return 0;
}

int state_read(const char *dir, UpdateState *ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        _cleanup_json_ json_object *o = NULL;
        UpdateState s = {};
        int r;

        if (asprintf(&path, "%s/update.json", dir) < 0)
                return -ENOMEM;
        r = read_full_file(path, 65536, &text, NULL);
        if (r < 0)
                return r;
        o = json_tokener_parse(text);
        if (!json_object_is_type(o, json_type_object))
                return -EBADMSG;
        copy_str(o, "result", s.result, sizeof(s.result));
        copy_str(o, "message", s.message, sizeof(s.message));
        copy_str(o, "version", s.version, sizeof(s.version));
        copy_str(o, "usrhash", s.usrhash, sizeof(s.usrhash));
        copy_str(o, "slot", s.slot, sizeof(s.slot));
        s.build = (uint64_t) get_int(o, "build");
        s.started = get_int(o, "started");
        s.finished = get_int(o, "finished");
        *ret = s;
        return 0;
}

int last_check_write(const char *dir, const LastCheck *c) {
        _cleanup_free_ char *path = NULL;
        _cleanup_json_ json_object *o = json_object_new_object();
        const char *text;

        if (!o)
                return -ENOMEM;
        json_object_object_add(o, "time", json_object_new_int64(c->time));
        json_object_object_add(o, "result", json_object_new_string(c->result));
        json_object_object_add(o, "message", json_object_new_string(c->message));
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
        if (asprintf(&path, "%s/last-check.json", dir) < 0)
                return -ENOMEM;
        (void) mkdir(dir, 0755);
        return write_file_atomic(path, text, strlen(text), 0644);
}

int last_check_read(const char *dir, LastCheck *ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        _cleanup_json_ json_object *o = NULL;
        LastCheck c = {};
        int r;

        if (asprintf(&path, "%s/last-check.json", dir) < 0)
                return -ENOMEM;
        r = read_full_file(path, 65536, &text, NULL);
        if (r < 0)
                return r;
        o = json_tokener_parse(text);
        if (!json_object_is_type(o, json_type_object))
                return -EBADMSG;
        c.time = get_int(o, "time");
        copy_str(o, "result", c.result, sizeof(c.result));
        copy_str(o, "message", c.message, sizeof(c.message));
        *ret = c;
        return 0;
}
