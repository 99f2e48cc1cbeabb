/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "hull/json.h"
#include "hull/tests.h"

static json_object *parse(const char *text) {
        return json_tokener_parse(text);
}

/* The one message d holds, or "" when it holds none or several. */
static const char *only(const Diag *d) {
        return d->n == 1 ? d->msgs[0] : "";
}

static void test_paths(void) {
        _cleanup_free_ char *a = json_path_key("", "passwd"), *b = json_path_key(a, "users"),
                            *c = json_path_index(b, 2), *e = json_path_key(c, "name");

        CHECK_STREQ(a, "passwd");
        CHECK_STREQ(e, "passwd.users[2].name");
}

static void test_types(void) {
        _cleanup_json_ json_object *o = parse("{\"s\":\"x\",\"i\":-3,\"u\":18446744073709551615,\"d\":1.5,"
                                              "\"b\":true,\"n\":null,\"a\":[],\"o\":{}}");
        _cleanup_diag_ Diag d = {};
        json_object *v = NULL;

        CHECK(o != NULL);
        CHECK_EQ_INT(json_member(o, "n", &v), 0);
        CHECK_EQ_INT(json_member(o, "missing", &v), 0);
        CHECK_EQ_INT(json_member(o, "s", &v), 1);
        CHECK_STREQ(json_type_word(v), "a string");
        CHECK_STREQ(json_type_word(NULL), "null");
        CHECK(json_member(o, "d", &v) == 1 && strcmp(json_type_word(v), "a fractional number") == 0);
        CHECK(json_member(o, "a", &v) == 1 && strcmp(json_type_word(v), "an array") == 0);
        CHECK(json_is_empty(NULL) && json_is_empty(json_object_object_get(o, "n")));
        CHECK(json_is_empty(json_object_object_get(o, "a")) && json_is_empty(json_object_object_get(o, "o")));
        CHECK(!json_is_empty(json_object_object_get(o, "s")) && !json_is_empty(json_object_object_get(o, "b")));
        CHECK(!json_is_empty(json_object_object_get(o, "i")));

        CHECK(json_member(o, "i", &v) == 1);
        CHECK_EQ_INT(json_expect(v, json_type_string, NULL, "passwd.users[2].name", &d), -EINVAL);
        CHECK_STREQ(only(&d), "passwd.users[2].name: expected a string, got an integer");
        diag_clear(&d);
        CHECK_EQ_INT(json_expect(NULL, json_type_object, "a JSON object", "(config)", &d), -EINVAL);
        CHECK_STREQ(only(&d), "(config): expected a JSON object, got null");
        diag_clear(&d);
        CHECK_EQ_INT(json_expect(v, json_type_int, NULL, "x", NULL), 0);
        CHECK_EQ_INT(json_expect(v, json_type_array, NULL, "x", NULL), -EINVAL);
}

static void test_getters(void) {
        _cleanup_json_ json_object *o = parse("{\"s\":\"abc\",\"nul\":\"a\\u0000b\",\"i\":-3,\"big\":18446744073709551615,"
                                              "\"d\":1.5,\"b\":false}");
        _cleanup_diag_ Diag d = {};
        _cleanup_free_ char *copy = NULL;
        json_object *v = NULL;
        const char *s = NULL;
        int64_t i = 0;
        uint64_t u = 0;
        bool b = true;

        CHECK(json_member(o, "s", &v) == 1);
        CHECK_EQ_INT(json_get_string(v, "s", 0, &d, &s), 0);
        CHECK_STREQ(s, "abc");
        CHECK_EQ_INT(json_get_string(v, "s", 3, &d, &s), 0);
        CHECK_EQ_INT(json_get_string(v, "s", 2, &d, &s), -EINVAL);
        CHECK_STREQ(only(&d), "s: is longer than 2 bytes");
        diag_clear(&d);
        CHECK_EQ_INT(json_dup_string(v, "s", 0, &d, &copy), 0);
        CHECK_STREQ(copy, "abc");

        CHECK(json_member(o, "nul", &v) == 1);
        CHECK_EQ_INT(json_get_string(v, "nul", 0, &d, &s), -EINVAL);
        CHECK_STREQ(only(&d), "nul: string contains a NUL byte");
        diag_clear(&d);

        CHECK(json_member(o, "i", &v) == 1);
        CHECK_EQ_INT(json_get_int64(v, "i", -10, 10, &d, &i), 0);
        CHECK_EQ_INT(i, -3);
        CHECK_EQ_INT(json_get_int64(v, "i", 0, 10, &d, &i), -EINVAL);
        CHECK_STREQ(only(&d), "i: expected an integer between 0 and 10");
        diag_clear(&d);
        CHECK_EQ_INT(json_get_uint64(v, "i", &d, &u), -EINVAL);
        CHECK_STREQ(only(&d), "i: expected a non-negative integer, got -3");
        diag_clear(&d);
        CHECK_EQ_INT(json_get_bool(v, "i", &d, &b), -EINVAL);
        CHECK_STREQ(only(&d), "i: expected a boolean, got an integer");
        diag_clear(&d);

        CHECK(json_member(o, "big", &v) == 1);
        CHECK_EQ_INT(json_get_uint64(v, "big", &d, &u), 0);
        CHECK(u == UINT64_MAX);

        CHECK(json_member(o, "d", &v) == 1);
        CHECK_EQ_INT(json_get_uint64(v, "d", &d, &u), -EINVAL);
        CHECK_STREQ(only(&d), "d: expected a non-negative integer, got a fractional number");
        diag_clear(&d);

        CHECK(json_member(o, "b", &v) == 1);
        CHECK_EQ_INT(json_get_bool(v, "b", &d, &b), 0);
        CHECK(!b);
        CHECK_EQ_INT(d.n, 0);
}

static void test_document(void) {
        static const char deep[] = "[[[[[[1]]]]]]";
        _cleanup_json_ json_object *o = NULL;
        enum json_tokener_error e = json_tokener_success;
        json_object *n = NULL;
        size_t off = 0;

        CHECK_EQ_INT(json_parse_document("{\"a\":1} \n", 9, 8, JSON_TOKENER_STRICT, &o, &e, &off), 0);
        CHECK(json_object_is_type(o, json_type_object));
        /* Only the size given is read: no NUL terminator needed. */
        CHECK_EQ_INT(json_parse_document("[1]xyz", 3, 8, JSON_TOKENER_STRICT, &n, &e, &off), 0);
        json_object_put(TAKE_PTR(n));
        /* The literal null (a top-level literal needs a delimiter to end). */
        CHECK_EQ_INT(json_parse_document("null ", 5, 8, JSON_TOKENER_STRICT, &n, &e, &off), 0);
        CHECK(n == NULL);
        CHECK_EQ_INT(json_parse_document("null", 4, 8, JSON_TOKENER_STRICT, &n, &e, &off), -EINVAL);
        CHECK_EQ_INT(e, json_tokener_continue);
        /* Trailing data: the strict tokener finds it itself, the loose one leaves it to us. */
        CHECK_EQ_INT(json_parse_document("{} x", 4, 8, JSON_TOKENER_STRICT, &n, &e, &off), -EINVAL);
        CHECK(e != json_tokener_success && e != json_tokener_continue);
        CHECK_EQ_INT(off, 3);
        CHECK_EQ_INT(json_parse_document("{} x", 4, 8, 0, &n, &e, &off), -EINVAL);
        CHECK_EQ_INT(e, json_tokener_success);
        CHECK_EQ_INT(off, 3);
        CHECK_EQ_INT(json_parse_document("{\"a\":", 5, 8, JSON_TOKENER_STRICT, &n, &e, &off), -EINVAL);
        CHECK_EQ_INT(e, json_tokener_continue);
        CHECK_EQ_INT(json_parse_document("{a:1}", 5, 8, JSON_TOKENER_STRICT, &n, &e, &off), -EINVAL);
        CHECK(e != json_tokener_success && e != json_tokener_continue);
        CHECK_EQ_INT(off, 1);
        CHECK_EQ_INT(json_parse_document(deep, strlen(deep), 4, JSON_TOKENER_STRICT, &n, &e, &off), -EINVAL);
        CHECK_EQ_INT(e, json_tokener_error_depth);
        CHECK_EQ_INT(json_parse_document("\"\xff\"", 3, 8, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8, &n, &e, &off),
                     -EINVAL);
        CHECK(n == NULL);
}

int main(void) {
        test_paths();
        test_types();
        test_getters();
        test_document();
        return TEST_RETURN();
}
