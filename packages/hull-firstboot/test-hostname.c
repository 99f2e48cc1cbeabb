/* SPDX-License-Identifier: MIT */
/* The host name a metadata service answers: the DNS name check, the name Hull writes (a
 * trailing newline, case, a long FQDN), and OpenStack's meta_data.json. The fetch itself, against
 * a test server, is in test-fetch.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostname.h"
#include "hull/macro.h"
#include "hull/tests.h"

#define L61 "abcdefghij" "abcdefghij" "abcdefghij" "abcdefghij" "abcdefghij" "abcdefghij" "a"
#define L63 L61 "bc"

static const struct {
        const char *in;
        size_t len; /* 0: strlen(in) */
        int want;
        const char *why; /* a word of the reason, for an error */
} checks[] = {
        { "node-1", 0, 0, NULL },
        { "ip-10-0-0-1.ec2.internal", 0, 0, NULL },
        { "a", 0, 0, NULL },
        { "1", 0, 0, NULL },
        { "Node-1.Example.COM", 0, 0, NULL },
        { "a-b--c.d", 0, 0, NULL },
        { L63, 0, 0, NULL },
        { L63 "." L63 "." L63 "." L63 "a", 0, -EBADMSG, "253" },
        { L63 "." L63 "." L63 "." L61, 0, 0, NULL },              /* 253 */
        { L63 "." L63 "." L63 "." L61 "a", 0, -EBADMSG, "253" }, /* 254 */
        { "", 0, -EBADMSG, "empty" },
        { L63 "a", 0, -EBADMSG, "label longer" },
        { "-node", 0, -EBADMSG, "starts" },
        { "node-", 0, -EBADMSG, "ends" },
        { "a.-b", 0, -EBADMSG, "starts" },
        { "a-.b", 0, -EBADMSG, "ends" },
        { ".node", 0, -EBADMSG, "empty label" },
        { "node.", 0, -EBADMSG, "empty label" },
        { "a..b", 0, -EBADMSG, "empty label" },
        { ".", 0, -EBADMSG, "empty label" },
        { "node_1", 0, -EBADMSG, "character" },
        { "node 1", 0, -EBADMSG, "character" },
        { "node/1", 0, -EBADMSG, "character" },
        { "n\xc3\xb6" "de", 0, -EBADMSG, "character" },
        { "xn--nde-6ma", 0, 0, NULL }, /* the same, as IDNA writes it */
        { "node\n", 0, -EBADMSG, "control" },
        { "node\r", 0, -EBADMSG, "control" },
        { "no\tde", 0, -EBADMSG, "control" },
        { "node\x7f", 0, -EBADMSG, "control" },
        { "node\0evil", 9, -EBADMSG, "control" },
        { "\x1b[31mred", 0, -EBADMSG, "control" },
};

/* What Hull writes for an answer: want 1 and want_name, 0 (none), or the error. */
static const struct {
        const char *in;
        int want;
        const char *name;
} answers[] = {
        { "ip-10-0-0-1.ec2.internal", 1, "ip-10-0-0-1.ec2.internal" },
        { "node-1\n", 1, "node-1" },
        { "Node-1.Example.COM", 1, "node-1.example.com" },
        { "", 0, NULL },
        { "\n", 0, NULL },
        { "node-1\n\n", -EBADMSG, NULL },
        { "node-1\r\n", -EBADMSG, NULL },
        { " node-1", -EBADMSG, NULL },
        /* 64 characters: kept whole. */
        { "a234567890b234567890c234567890d234567890e234567890f234567890.com", 1,
          "a234567890b234567890c234567890d234567890e234567890f234567890.com" },
        /* 65: the first label only. */
        { "instance-1.europe-west1-b.c.my-project-123456.internal.example.net", 1, "instance-1" },
        { "Instance-1.EUROPE-WEST1-B.c.my-project-123456.internal.example.net", 1, "instance-1" },
        { L63 "." L63, 1, L63 },
        { L63 "a.b", -EBADMSG, NULL },
};

static const struct {
        const char *json;
        int want;
        const char *name;
} metas[] = {
        { "{\"uuid\":\"d8e02d56-2648-49a3-bf97-6be8f1204f38\",\"hostname\":\"test-vm.novalocal\",\"name\":\"Test VM\","
          "\"public_keys\":{\"mykey\":\"ssh-rsa AAAA\"},\"availability_zone\":\"nova\"}",
          1, "test-vm.novalocal" },
        { "{\"hostname\":\"VM-1\"}\n", 1, "vm-1" },
        { "{}", 0, NULL },
        { "{\"hostname\":null}", 0, NULL },
        { "{\"hostname\":\"\"}", 0, NULL },
        { "{\"name\":\"x\"}", 0, NULL },
        { "{\"hostname\":\"test_vm\"}", -EBADMSG, NULL },
        { "{\"hostname\":\"a\\nb\"}", -EBADMSG, NULL },
        { "{\"hostname\":\"a\\u0000b\"}", -EBADMSG, NULL },
        { "{\"hostname\":\"-a\"}", -EBADMSG, NULL },
        { "{\"hostname\":5}", -EINVAL, NULL },
        { "{\"hostname\":[\"a\"]}", -EINVAL, NULL },
        { "{\"hostname\":{}}", -EINVAL, NULL },
        { "[\"hostname\",\"a\"]", -EINVAL, NULL },
        { "\"a\"", -EINVAL, NULL },
        { "null", -EINVAL, NULL },
        { "", -EINVAL, NULL },
        { "{\"hostname\":\"a\"", -EINVAL, NULL },
        { "{\"hostname\":\"a\"} x", -EINVAL, NULL },
        { "{\"hostname\":\"a\",}", -EINVAL, NULL },
        { "{'hostname':'a'}", -EINVAL, NULL },
        { "{\"hostname\":\"\xff\"}", -EINVAL, NULL },
        { "<html>404 Not Found</html>", -EINVAL, NULL },
};

int main(void) {
        for (size_t i = 0; i < ELEMENTSOF(checks); i++) {
                const char *why = NULL;
                size_t len = checks[i].len ?: strlen(checks[i].in);
                int r = hostname_check(checks[i].in, len, &why);
                if (r != checks[i].want || (checks[i].why && !(why && strstr(why, checks[i].why))))
                        fprintf(stderr, "check %zu \"%s\": %d (%s)\n", i, checks[i].in, r, why ?: "");
                CHECK_EQ_INT(r, checks[i].want);
                if (checks[i].why)
                        CHECK(why && strstr(why, checks[i].why));
        }
        CHECK_EQ_INT(hostname_check("a_b", 3, NULL), -EBADMSG);

        for (size_t i = 0; i < ELEMENTSOF(answers); i++) {
                _cleanup_free_ char *name = NULL;
                const char *why = NULL;
                int r = hostname_from_metadata(answers[i].in, strlen(answers[i].in), &name, &why);
                if (r != answers[i].want)
                        fprintf(stderr, "answer %zu \"%s\": %d (%s)\n", i, answers[i].in, r, why ?: "");
                CHECK_EQ_INT(r, answers[i].want);
                if (r == 1) {
                        CHECK_STREQ(name, answers[i].name);
                        CHECK(strlen(name) <= HOSTNAME_MAX);
                } else
                        CHECK(name == NULL);
                if (r < 0)
                        CHECK(why && *why);
        }
        {
                /* Not NUL-terminated: only size bytes are read. */
                _cleanup_free_ char *name = NULL;
                CHECK_EQ_INT(hostname_from_metadata("node-1XYZ", 6, &name, NULL), 1);
                CHECK_STREQ(name, "node-1");
        }

        for (size_t i = 0; i < ELEMENTSOF(metas); i++) {
                _cleanup_free_ char *name = NULL;
                const char *why = NULL;
                int r = openstack_meta_data_hostname(metas[i].json, strlen(metas[i].json), &name, &why);
                if (r != metas[i].want)
                        fprintf(stderr, "meta_data.json %zu %s: %d (%s)\n", i, metas[i].json, r, why ?: "");
                CHECK_EQ_INT(r, metas[i].want);
                if (r == 1)
                        CHECK_STREQ(name, metas[i].name);
                else
                        CHECK(name == NULL);
                if (r < 0)
                        CHECK(why && *why);
        }
        {
                _cleanup_free_ char *name = NULL;
                const char *why = NULL;
                CHECK_EQ_INT(openstack_meta_data_hostname("{\"hostname\":\"a\"}\0", 17, &name, &why), -EINVAL);
                CHECK(why && strstr(why, "NUL"));
        }
        return TEST_RETURN();
}
