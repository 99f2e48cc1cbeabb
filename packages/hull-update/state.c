/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "hull/fileio.h"
#include "hull/macro.h"
#include "state.h"

int state_write(const char *dir, const UpdateState *s) {
        _cleanup_free_ char *path = NULL;
        json_object *o = json_object_new_object();
        const char *text;
        int r;

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
        if (asprintf(&path, "%s/update.json", dir) < 0) {
                json_object_put(o);
                return -ENOMEM;
        }
        (void) mkdir(dir, 0755);
        r = write_file_atomic(path, text, strlen(text), 0644);
        json_object_put(o);
        return r;
}

static void copy_str(json_object *o, const char *key, char *dst, size_t n) {
        json_object *v;
        if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
                snprintf(dst, n, "%s", json_object_get_string(v));
}

static int64_t get_int(json_object *o, const char *key) {
        json_object *v;
        if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_int))
                return json_object_get_int64(v);
        return 0;
}

int state_read(const char *dir, UpdateState *ret) {
        _cleanup_free_ char *path = NULL, *text = NULL;
        UpdateState s = {};
        json_object *o;
        int r;

        if (asprintf(&path, "%s/update.json", dir) < 0)
                return -ENOMEM;
        r = read_full_file(path, 65536, &text, NULL);
        if (r < 0)
                return r;
        o = json_tokener_parse(text);
        if (!o || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                return -EBADMSG;
        }
        copy_str(o, "result", s.result, sizeof(s.result));
        copy_str(o, "message", s.message, sizeof(s.message));
        copy_str(o, "version", s.version, sizeof(s.version));
        copy_str(o, "usrhash", s.usrhash, sizeof(s.usrhash));
        copy_str(o, "slot", s.slot, sizeof(s.slot));
        s.build = (uint64_t) get_int(o, "build");
        s.started = get_int(o, "started");
        s.finished = get_int(o, "finished");
        json_object_put(o);
        *ret = s;
        return 0;
}
