/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>

#include "caps.h"
#include "hull/capability.h"
#include "hull/macro.h"
#include "hull/tests.h"
#include "testutil.h"

static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
static const char *const dropped[] = { "CAP_NET_RAW", "CAP_MKNOD", "CAP_AUDIT_WRITE", "CAP_SETPCAP" };

/* Runs the edit; returns the result document (or NULL if unchanged) and checks r. */
static json_object *edit(const char *config, const char *hostconfig, OciTarget target, int want_r) {
        char *out = NULL;
        json_object *o = NULL;
        int r = edit_config(config, strlen(config), hostconfig, strlen(hostconfig), target, &out);

        CHECK_EQ_INT(r, want_r);
        if (r == 1) {
                CHECK(out != NULL);
                o = json_tokener_parse(out);
                CHECK(o != NULL);
        }
        if (r == 0)
                CHECK(out == NULL);
        free(out);
        return o;
}

static void test_drop_names(void) {
        CHECK_STREQ(drop_cap_name(DROP_NET_RAW), "CAP_NET_RAW");
        CHECK_STREQ(drop_cap_name(DROP_MKNOD), "CAP_MKNOD");
        CHECK_STREQ(drop_cap_name(DROP_AUDIT_WRITE), "CAP_AUDIT_WRITE");
        CHECK_STREQ(drop_cap_name(DROP_SETPCAP), "CAP_SETPCAP");
        CHECK(drop_cap_name(DROP_ALL) == NULL);
        CHECK(drop_cap_name(0) == NULL);
        /* hull-runtime's four are libhull's CAPSET_HULL_DROPPED, which hull-seccomp uses. */
        for (uint32_t bit = 1; bit <= DROP_SETPCAP; bit <<= 1)
                CHECK(CAPSET_HULL_DROPPED & CAPABILITY_BIT(capability_from_name(drop_cap_name(bit))));
}

/* docker run: the four are gone from every set, the other ten and everything else stay. */
static void test_default(void) {
        json_object *o = edit(CONFIG_DEFAULT, HOSTCONFIG("null", "false"), OCI_TARGET_BUNDLE, 1), *v;

        for (size_t s = 0; s < ELEMENTSOF(sets); s++) {
                json_object *set = test_caps_set(o, true, sets[s]);
                CHECK(set != NULL);
                for (size_t d = 0; d < ELEMENTSOF(dropped); d++)
                        CHECK(!test_set_has(set, dropped[d]));
                if (s != 4) {
                        CHECK_EQ_INT(json_object_array_length(set), 10);
                        CHECK(test_set_has(set, "CAP_CHOWN"));
                        CHECK(test_set_has(set, "CAP_SETFCAP"));
                        CHECK(test_set_has(set, "CAP_KILL"));
                } else
                        CHECK_EQ_INT(json_object_array_length(set), 0);
        }
        /* Everything else survives the round trip. */
        CHECK(json_object_object_get_ex(o, "linux", &v));
        CHECK(json_object_object_get_ex(v, "resources", &v));
        CHECK(json_object_object_get_ex(v, "memory", &v));
        CHECK(json_object_object_get_ex(v, "swap", &v));
        CHECK(json_object_get_uint64(v) == UINT64_MAX);
        CHECK(json_object_object_get_ex(o, "linux", &v) && json_object_object_get_ex(v, "note", &v));
        CHECK_STREQ(json_object_get_string(v), "a/b \xc3\xa9 \"q\"");
        CHECK(json_object_object_get_ex(o, "process", &v) && json_object_object_get_ex(v, "selinuxLabel", &v));
        CHECK_STREQ(json_object_get_string(v), "system_u:system_r:container_t:s0:c1,c2");
        json_object_put(o);
}

static void test_cap_add(void) {
        json_object *o, *set;

        /* --cap-add NET_RAW keeps it; the other three still go. */
        o = edit(CONFIG_DEFAULT, HOSTCONFIG("[\"NET_RAW\"]", "false"), OCI_TARGET_BUNDLE, 1);
        for (size_t s = 0; s < ELEMENTSOF(sets); s++) {
                set = test_caps_set(o, true, sets[s]);
                CHECK(test_set_has(set, "CAP_NET_RAW"));
                CHECK(!test_set_has(set, "CAP_MKNOD"));
                CHECK(!test_set_has(set, "CAP_AUDIT_WRITE"));
                CHECK(!test_set_has(set, "CAP_SETPCAP"));
        }
        json_object_put(o);

        /* Any spelling Docker accepts; a single string too. */
        o = edit(CONFIG_DEFAULT, HOSTCONFIG("[\"cap_mknod\",\"Audit_Write\"]", "false"), OCI_TARGET_BUNDLE, 1);
        set = test_caps_set(o, true, "bounding");
        CHECK(test_set_has(set, "CAP_MKNOD"));
        CHECK(test_set_has(set, "CAP_AUDIT_WRITE"));
        CHECK(!test_set_has(set, "CAP_NET_RAW"));
        CHECK_EQ_INT(json_object_array_length(set), 12);
        json_object_put(o);
        o = edit(CONFIG_DEFAULT, HOSTCONFIG("\"setpcap\"", "false"), OCI_TARGET_BUNDLE, 1);
        CHECK(test_set_has(test_caps_set(o, true, "permitted"), "CAP_SETPCAP"));
        json_object_put(o);

        /* All four asked for: nothing to do. A cap we do not drop changes nothing either. */
        edit(CONFIG_DEFAULT, HOSTCONFIG("[\"NET_RAW\",\"MKNOD\",\"AUDIT_WRITE\",\"SETPCAP\"]", "false"),
             OCI_TARGET_BUNDLE, 0);
        o = edit(CONFIG_DEFAULT, HOSTCONFIG("[\"SYS_ADMIN\"]", "false"), OCI_TARGET_BUNDLE, 1);
        CHECK(!test_set_has(test_caps_set(o, true, "bounding"), "CAP_NET_RAW"));
        json_object_put(o);

        /* --cap-add ALL: untouched. */
        edit(CONFIG_DEFAULT, HOSTCONFIG("[\"ALL\"]", "false"), OCI_TARGET_BUNDLE, 0);
        edit(CONFIG_DEFAULT, HOSTCONFIG("[\"all\"]", "false"), OCI_TARGET_BUNDLE, 0);
}

/* --cap-drop=all --cap-add=NET_RAW: dockerd writes only NET_RAW; it stays. */
static void test_drop_all_add_net_raw(void) {
        const char *config = "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_NET_RAW\"],"
                             "\"effective\":[\"CAP_NET_RAW\"],\"permitted\":[\"CAP_NET_RAW\"]}}}";
        const char *hc = "{\"CapAdd\":[\"NET_RAW\"],\"CapDrop\":[\"all\"],\"Privileged\":false}";

        edit(config, hc, OCI_TARGET_BUNDLE, 0);
        /* ... and without the --cap-add, a lone NET_RAW would go (cannot happen with Docker). */
        {
                json_object *o = edit(config, "{\"CapDrop\":[\"all\"]}", OCI_TARGET_BUNDLE, 1);
                CHECK_EQ_INT(json_object_array_length(test_caps_set(o, true, "bounding")), 0);
                json_object_put(o);
        }
        /* --cap-drop=all alone: nothing in the sets to remove. */
        edit("{\"process\":{\"capabilities\":{\"bounding\":[]}}}", hc, OCI_TARGET_BUNDLE, 0);
}

static void test_privileged(void) {
        edit(CONFIG_DEFAULT, HOSTCONFIG("null", "true"), OCI_TARGET_BUNDLE, 0);
        edit(CONFIG_DEFAULT, HOSTCONFIG("[\"NET_RAW\"]", "true"), OCI_TARGET_BUNDLE, 0);
}

static void test_shapes(void) {
        json_object *o;

        /* No process, no capabilities, null sets: nothing to do. */
        edit("{\"ociVersion\":\"1.0.2\"}", "{}", OCI_TARGET_BUNDLE, 0);
        edit("{\"process\":{\"args\":[\"sh\"]}}", "{}", OCI_TARGET_BUNDLE, 0);
        edit("{\"process\":{\"capabilities\":{\"bounding\":null}}}", "{}", OCI_TARGET_BUNDLE, 0);
        edit("{\"process\":null}", "{}", OCI_TARGET_BUNDLE, 0);
        /* exec's process.json keeps the capabilities at the top. */
        o = edit("{\"args\":[\"ping\"],\"capabilities\":{\"bounding\":[\"CAP_NET_RAW\",\"CAP_KILL\"]}}",
                 "{\"CapAdd\":null}", OCI_TARGET_PROCESS, 1);
        CHECK(!test_set_has(test_caps_set(o, false, "bounding"), "CAP_NET_RAW"));
        CHECK(test_set_has(test_caps_set(o, false, "bounding"), "CAP_KILL"));
        json_object_put(o);
        /* A bundle's config is not read as a process.json and the other way round. */
        edit(CONFIG_DEFAULT, "{}", OCI_TARGET_PROCESS, 0);
        /* Lower-case names in the config are recognised as well. */
        o = edit("{\"process\":{\"capabilities\":{\"bounding\":[\"cap_net_raw\",\"weird name\"]}}}", "{}",
                 OCI_TARGET_BUNDLE, 1);
        CHECK_EQ_INT(json_object_array_length(test_caps_set(o, true, "bounding")), 1);
        json_object_put(o);
        /* Trailing white space is fine. */
        edit("{}\n \t", "{}\n", OCI_TARGET_BUNDLE, 0);
}

static void test_malformed(void) {
        static const char *const bad_configs[] = {
                "", "{", "[]", "null", "\"x\"", "{} x", "{}{}", "{\"process\":[]}",
                "{\"process\":{\"capabilities\":[]}}",
                "{\"process\":{\"capabilities\":{\"bounding\":\"CAP_NET_RAW\"}}}",
                "{\"process\":{\"capabilities\":{\"effective\":[1]}}}",
                "{\"a\":1,}", "{\"a\":\"\xff\"}",
        };
        static const char *const bad_hostconfigs[] = {
                "", "{", "[]", "{\"Privileged\":\"yes\"}", "{\"Privileged\":1}", "{\"CapAdd\":[1]}",
                "{\"CapAdd\":{}}", "{\"CapAdd\":[\"NET RAW\"]}", "{\"CapAdd\":[\"\"]}", "{} {}",
        };
        char *out = (char *) 0x1;

        for (size_t i = 0; i < ELEMENTSOF(bad_configs); i++) {
                int r = edit_config(bad_configs[i], strlen(bad_configs[i]), "{}", 2, OCI_TARGET_BUNDLE, &out);
                if (r != -EINVAL)
                        fprintf(stderr, "config #%zu: %d\n", i, r);
                CHECK_EQ_INT(r, -EINVAL);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad_hostconfigs); i++) {
                int r = edit_config(CONFIG_DEFAULT, strlen(CONFIG_DEFAULT), bad_hostconfigs[i],
                                    strlen(bad_hostconfigs[i]), OCI_TARGET_BUNDLE, &out);
                if (r != -EPROTO)
                        fprintf(stderr, "hostconfig #%zu: %d\n", i, r);
                CHECK_EQ_INT(r, -EPROTO);
        }
        /* An embedded NUL byte. */
        CHECK_EQ_INT(edit_config("{}\0{}", 5, "{}", 2, OCI_TARGET_BUNDLE, &out), -EINVAL);
        CHECK(out == (char *) 0x1); /* untouched on failure */

        /* Too large. */
        {
                size_t n = OCI_CONFIG_SIZE_MAX + 1;
                char *big = malloc(n);
                CHECK(big != NULL);
                if (big) {
                        memset(big, ' ', n);
                        big[0] = '{', big[n - 1] = '}';
                        CHECK_EQ_INT(edit_config(big, n, "{}", 2, OCI_TARGET_BUNDLE, &out), -EFBIG);
                        CHECK_EQ_INT(hostconfig_drop_set(big, HOSTCONFIG_SIZE_MAX + 1, &(uint32_t) { 0 }), -EFBIG);
                        free(big);
                }
        }
        /* Deep nesting stops at the depth limit instead of the stack. */
        {
                char deep[400];
                memset(deep, '[', 200);
                memset(deep + 200, ']', 200);
                deep[0] = '{';
                CHECK_EQ_INT(edit_config(deep, 200, "{}", 2, OCI_TARGET_BUNDLE, &out), -EINVAL);
        }
}

static void test_drop_set(void) {
        uint32_t d = 0;

        CHECK_EQ_INT(hostconfig_drop_set("{}", 2, &d), 0);
        CHECK_EQ_INT(d, DROP_ALL);
        CHECK_EQ_INT(hostconfig_drop_set("{\"CapAdd\":[\"NET_RAW\",\"KILL\"]}", 29, &d), 0);
        CHECK_EQ_INT(d, DROP_MKNOD | DROP_AUDIT_WRITE | DROP_SETPCAP);
        CHECK_EQ_INT(hostconfig_drop_set("{\"Privileged\":true}", 19, &d), 0);
        CHECK_EQ_INT(d, 0);
        CHECK_EQ_INT(hostconfig_drop_set("{\"Privileged\":null,\"CapAdd\":null}", 33, &d), 0);
        CHECK_EQ_INT(d, DROP_ALL);
}

int main(void) {
        test_drop_names();
        test_default();
        test_cap_add();
        test_drop_all_add_net_raw();
        test_privileged();
        test_shapes();
        test_malformed();
        test_drop_set();
        return TEST_RETURN();
}
