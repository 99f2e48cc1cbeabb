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

#define AGENT "/run/test-agent.sock"
#define NOTIFY_RULE "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_NOTIFY\"}"
#define SECCOMP_CONFIG(seccomp) "{\"ociVersion\":\"1.0.2-dev\",\"linux\":{\"maskedPaths\":[\"/proc/kcore\"],\"seccomp\":" seccomp "}}"

/* Runs the listener edit; returns linux.seccomp of the result (the caller puts *ret_root) or
 * NULL if unchanged, and checks r. */
static json_object *listener(const char *config, int want_r, json_object **ret_root) {
        char *out = (char *) 0x1;
        json_object *o = NULL, *v = NULL;
        int r = oci_seccomp_listener(config, strlen(config), AGENT, &out);

        if (r != want_r)
                fprintf(stderr, "listener(%s): %d\n", config, r);
        CHECK_EQ_INT(r, want_r);
        if (r == 1) {
                CHECK(out != NULL && out != (char *) 0x1);
                o = json_tokener_parse(out);
                CHECK(o != NULL);
                CHECK(json_object_object_get_ex(o, "linux", &v) && json_object_object_get_ex(v, "seccomp", &v));
                /* A fixed point: the edited document needs nothing more. */
                {
                        char *again = (char *) 0x1;
                        CHECK_EQ_INT(oci_seccomp_listener(out, strlen(out), AGENT, &again), 0);
                        CHECK(again == NULL);
                }
                free(out);
        } else if (r == 0)
                CHECK(out == NULL);
        else
                CHECK(out == (char *) 0x1); /* untouched on failure */
        *ret_root = o;
        return v;
}

static const char *listener_path(json_object *seccomp) {
        json_object *v;
        return json_object_object_get_ex(seccomp, "listenerPath", &v) ? json_object_get_string(v) : NULL;
}

/* SCMP_ACT_NOTIFY with no listener: the agent's socket; everything else as it was. */
static void test_seccomp_listener(void) {
        json_object *root, *sc, *v;

        /* A rule of hull-seccomp record's, among Docker-style rules. */
        sc = listener(SECCOMP_CONFIG("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
                                     "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":["
                                     "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}," NOTIFY_RULE
                                     ",{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]}"),
                      1, &root);
        CHECK_STREQ(listener_path(sc), AGENT);
        CHECK(json_object_object_get_ex(sc, "syscalls", &v));
        CHECK_EQ_INT(json_object_array_length(v), 3);
        CHECK(json_object_object_get_ex(sc, "defaultErrnoRet", &v) && json_object_get_int(v) == 1);
        CHECK(json_object_object_get_ex(root, "linux", &v) && json_object_object_get_ex(v, "maskedPaths", &v));
        CHECK(json_object_object_get_ex(root, "ociVersion", &v));
        CHECK_STREQ(json_object_get_string(v), "1.0.2-dev");
        json_object_put(root);

        /* The same rule in the full Docker config: capabilities and the rest kept. */
        {
                json_object *o = json_tokener_parse(CONFIG_DEFAULT), *l, *seccomp = json_tokener_parse(
                        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[" NOTIFY_RULE "]}");
                const char *text;

                CHECK(o && seccomp && json_object_object_get_ex(o, "linux", &l));
                json_object_object_add(l, "seccomp", seccomp);
                text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
                sc = listener(text, 1, &root);
                CHECK_STREQ(listener_path(sc), AGENT);
                CHECK_EQ_INT(json_object_array_length(test_caps_set(root, true, "bounding")), 14);
                CHECK(json_object_object_get_ex(root, "linux", &v) && json_object_object_get_ex(v, "note", &v));
                CHECK_STREQ(json_object_get_string(v), "a/b \xc3\xa9 \"q\"");
                json_object_put(root);
                json_object_put(o);
        }

        /* defaultAction NOTIFY (runc refuses it, with its own message): the path all the same. */
        sc = listener(SECCOMP_CONFIG("{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}"), 1, &root);
        CHECK_STREQ(listener_path(sc), AGENT);
        json_object_put(root);

        /* listenerPath "" or null counts as none. */
        sc = listener(SECCOMP_CONFIG("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"listenerPath\":\"\",\"syscalls\":[" NOTIFY_RULE "]}"),
                      1, &root);
        CHECK_STREQ(listener_path(sc), AGENT);
        json_object_put(root);
        sc = listener(SECCOMP_CONFIG("{\"listenerPath\":null,\"syscalls\":[" NOTIFY_RULE "]}"), 1, &root);
        CHECK_STREQ(listener_path(sc), AGENT);
        json_object_put(root);
        /* A listener of the spec's own is kept, with or without metadata. */
        listener(SECCOMP_CONFIG("{\"listenerPath\":\"/run/other.sock\",\"syscalls\":[" NOTIFY_RULE "]}"), 0, &root);
        listener(SECCOMP_CONFIG("{\"listenerPath\":\"/run/other.sock\",\"listenerMetadata\":\"m\",\"defaultAction\":\"SCMP_ACT_NOTIFY\"}"),
                 0, &root);

        /* No NOTIFY: unchanged (the caller keeps its bytes). Actions are compared exactly, as runc does. */
        static const char *const unchanged[] = {
                "{}",
                "{\"linux\":{}}",
                "{\"linux\":null}",
                SECCOMP_CONFIG("null"),
                SECCOMP_CONFIG("{}"),
                SECCOMP_CONFIG("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"),
                SECCOMP_CONFIG("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":null}"),
                SECCOMP_CONFIG("{\"syscalls\":[]}"),
                SECCOMP_CONFIG("{\"syscalls\":[{\"names\":[\"mount\"]},{\"names\":[\"x\"],\"action\":null}]}"),
                SECCOMP_CONFIG("{\"syscalls\":[{\"names\":[\"mount\"],\"action\":\"scmp_act_notify\"}]}"),
                SECCOMP_CONFIG("{\"syscalls\":[{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_NOTIFY \"}]}"),
                SECCOMP_CONFIG("{\"syscalls\":[{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_NOTIFY\\u0000x\"}]}"),
                SECCOMP_CONFIG("{\"defaultAction\":\"SCMP_ACT_LOG\",\"listenerPath\":\"\"}"),
                "{\"process\":{\"args\":[\"sh\"]},\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}}",
        };
        for (size_t i = 0; i < ELEMENTSOF(unchanged); i++)
                CHECK(listener(unchanged[i], 0, &root) == NULL);

        /* Shapes runc's decoder refuses too: -EINVAL, also when a NOTIFY comes first. */
        static const char *const bad[] = {
                "", "[]", "{\"linux\":[]}", "{\"linux\":\"x\"}",
                SECCOMP_CONFIG("\"SCMP_ACT_NOTIFY\""),
                SECCOMP_CONFIG("[]"),
                SECCOMP_CONFIG("1"),
                SECCOMP_CONFIG("{\"syscalls\":{}}"),
                SECCOMP_CONFIG("{\"syscalls\":\"SCMP_ACT_NOTIFY\"}"),
                SECCOMP_CONFIG("{\"syscalls\":[" NOTIFY_RULE ",1]}"),
                SECCOMP_CONFIG("{\"syscalls\":[" NOTIFY_RULE ",null]}"),
                SECCOMP_CONFIG("{\"syscalls\":[" NOTIFY_RULE ",[]]}"),
                SECCOMP_CONFIG("{\"syscalls\":[{\"names\":[\"mount\"],\"action\":1}]}"),
                SECCOMP_CONFIG("{\"syscalls\":[" NOTIFY_RULE ",{\"action\":[\"SCMP_ACT_NOTIFY\"]}]}"),
                SECCOMP_CONFIG("{\"defaultAction\":true,\"syscalls\":[" NOTIFY_RULE "]}"),
                SECCOMP_CONFIG("{\"defaultAction\":0}"),
                SECCOMP_CONFIG("{\"listenerPath\":1,\"syscalls\":[" NOTIFY_RULE "]}"),
                SECCOMP_CONFIG("{\"listenerPath\":{},\"defaultAction\":\"SCMP_ACT_ERRNO\"}"),
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                CHECK(listener(bad[i], -EINVAL, &root) == NULL);

        /* Too large. */
        {
                size_t n = OCI_CONFIG_SIZE_MAX + 1;
                char *big = malloc(n), *out = NULL;
                CHECK(big != NULL);
                if (big) {
                        memset(big, ' ', n);
                        big[0] = '{', big[n - 1] = '}';
                        CHECK_EQ_INT(oci_seccomp_listener(big, n, AGENT, &out), -EFBIG);
                        free(big);
                }
        }
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
        test_seccomp_listener();
        return TEST_RETURN();
}
