/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hull/macro.h"
#include "hull/tests.h"
#include "manifest.h"

static Manifest sample(void) {
        Manifest m = { .format = 1, .build = 7, .released = 1700000000, .expires = 1800000000,
                       .compression = COMPRESSION_ZSTD };
        strcpy(m.version, "0.2.0");
        memset(m.key_id, 0xab, sizeof(m.key_id));
        memset(m.usrhash, 0x11, sizeof(m.usrhash));
        m.usr.size = 4096 * 100;
        memset(m.usr.sha256, 0x22, 32);
        m.verity.size = 8192;
        memset(m.verity.sha256, 0x33, 32);
        m.uki.size = 1000;
        memset(m.uki.sha256, 0x44, 32);
        return m;
}

/* Parses text, expects failure with a message containing want. */
static void bad(const char *text, const char *want) {
        Manifest m;
        const char *why = NULL;
        int r = manifest_parse(text, strlen(text), &m, &why);
        CHECK_EQ_INT(r, -EBADMSG);
        if (!why || !strstr(why, want)) {
                fprintf(stderr, "expected \"%s\", got \"%s\" for: %.80s\n", want, why ?: "(null)", text);
                hull_test_failures++;
        }
}

/* The canonical text with one substring replaced. */
static char *edit(const char *canon, const char *from, const char *to) {
        const char *p = strstr(canon, from);
        char *s;
        if (!p)
                return NULL;
        if (asprintf(&s, "%.*s%s%s", (int) (p - canon), canon, to, p + strlen(from)) < 0)
                return NULL;
        return s;
}

static void bad_edit(const char *canon, const char *from, const char *to, const char *want) {
        _cleanup_free_ char *s = edit(canon, from, to);
        CHECK(s != NULL);
        if (s)
                bad(s, want);
}

int main(void) {
        Manifest m = sample(), back;
        _cleanup_free_ char *text = NULL;
        const char *why = NULL;
        size_t n;
        char err[512];

        CHECK_EQ_INT(manifest_format(&m, &text, &n), 0);
        CHECK_EQ_INT(manifest_parse(text, n, &back, &why), 0);
        CHECK(memcmp(&m, &back, sizeof(m)) == 0);
        CHECK_STREQ(manifest_usr_file(&back), "usr.erofs.zst");

        /* With the optional PCR 11: formatted after usrhash, parsed back, checked. */
        {
                Manifest p = sample(), q;
                _cleanup_free_ char *t = NULL;
                size_t k;
                p.has_pcr11 = true;
                memset(p.pcr11, 0x5a, sizeof(p.pcr11));
                CHECK_EQ_INT(manifest_format(&p, &t, &k), 0);
                CHECK(strstr(t, "\"usrhash\": \"1111111111111111111111111111111111111111111111111111111111111111\",\n"
                                "  \"pcr11\": \"5a5a") != NULL);
                CHECK_EQ_INT(manifest_parse(t, k, &q, &why), 0);
                CHECK(memcmp(&p, &q, sizeof(p)) == 0);
                bad_edit(t, "\"pcr11\": \"5a5a", "\"pcr11\": \"5a", "\"pcr11\"");
                bad_edit(t, "\"pcr11\": \"5a5a", "\"pcr11\": \"zz5a", "\"pcr11\"");
                bad_edit(t, "\"pcr11\": \"5a5a", "\"pcr11\": \"5A5A", "canonical");
                bad_edit(t, "\"pcr11\": \"5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\"",
                         "\"pcr11\": 5", "\"pcr11\"");
        }

        bad("", "empty");
        bad("{", "not valid JSON");
        bad("[]", "not a JSON object");
        bad("{\"format\": 2}", "\"format\"");
        bad("{} trailing", "not valid JSON");
        bad_edit(text, "\"format\": 1", "\"format\": \"1\"", "\"format\"");
        bad_edit(text, "\"version\": \"0.2.0\"", "\"version\": \"0.2/../x\"", "\"version\"");
        bad_edit(text, "\"version\": \"0.2.0\"", "\"version\": \"\"", "\"version\"");
        bad_edit(text, "\"build\": 7", "\"build\": -7", "\"build\"");
        bad_edit(text, "\"build\": 7", "\"build\": 7.5", "\"build\"");
        /* json-c saturates a number past INT64_MAX; the re-formatted text then differs. */
        bad_edit(text, "\"build\": 7", "\"build\": 99999999999999999999999", "canonical");
        bad_edit(text, "\"key\": \"abab", "\"key\": \"ABAB", "canonical");
        bad_edit(text, "\"key\": \"abab", "\"key\": \"xyab", "\"key\"");
        bad_edit(text, "\"usrhash\": \"1111", "\"usrhash\": \"11", "\"usrhash\"");
        bad_edit(text, "\"expires\": 1800000000", "\"expires\": 1600000000", "\"expires\" is not after");
        bad_edit(text, "\"compression\": \"zstd\"", "\"compression\": \"xz\"", "compression");
        bad_edit(text, "\"size\": 409600", "\"size\": 409601", "multiple of 4096");
        bad_edit(text, "\"size\": 409600", "\"size\": 0", "multiple of 4096");
        bad_edit(text, "\"size\": 8192", "\"size\": 4096", "\"verity\"");
        bad_edit(text, "\"uki\": { \"size\": 1000", "\"uki\": { \"size\": 10", "\"uki\"");
        bad_edit(text, "\"format\": 1,", "\"format\": 1, \"extra\": 1,", "canonical");
        bad_edit(text, "\"format\": 1,", "\"format\": 1, \"format\": 1,", "canonical");
        bad_edit(text, "\"format\": 1,", "\"format\":1,", "canonical");
        bad_edit(text, "}\n", "}\n\n", "canonical");
        bad_edit(text, "\"version\": \"0.2.0\"", "\"version\": \"0.2.0\\u0000\"", "canonical");
        bad_edit(text, "\"uki\": { \"size\": 1000, \"sha256\": \"4444444444444444444444444444444444444444444444444444444444444444\" }\n",
                 "\"uki\": 5\n", "\"uki\"");
        {
                char big[MANIFEST_SIZE_MAX + 10];
                memset(big, ' ', sizeof(big) - 1);
                big[sizeof(big) - 1] = 0;
                bad(big, "larger than");
                CHECK_EQ_INT(manifest_parse("{\0}", 3, &back, &why), -EBADMSG);
        }
        /* Deeply nested input is refused by the tokenizer's depth limit. */
        {
                char deep[600];
                memset(deep, '[', 300);
                memset(deep + 300, ']', 299);
                deep[599] = 0;
                bad(deep, "not valid JSON");
        }

        /* Fields from another process. */
        back = m;
        memset(back.version, 'a', sizeof(back.version));
        CHECK_EQ_INT(manifest_validate(&back, &why), -EBADMSG);
        back = m;
        back.compression = 9;
        CHECK_EQ_INT(manifest_validate(&back, &why), -EBADMSG);

        /* Versions. */
        /* Their order: test-version. */
        CHECK(version_is_valid("0.1.0-rc_2~x^y"));
        CHECK(!version_is_valid("0.1 0"));
        CHECK(!version_is_valid("a/b"));

        /* Policy. */
        Policy p = { .running_version = "0.1.0", .now = 1750000000 };
        CHECK_EQ_INT(manifest_check_policy(&m, &p, err, sizeof(err)), 0);
        p.now = 1800000000;
        CHECK_EQ_INT(manifest_check_policy(&m, &p, err, sizeof(err)), -EKEYEXPIRED);
        p.now = 1750000000;
        p.running_version = "0.3.0";
        CHECK_EQ_INT(manifest_check_policy(&m, &p, err, sizeof(err)), -ESTALE);
        p.allow_downgrade = true;
        CHECK_EQ_INT(manifest_check_policy(&m, &p, err, sizeof(err)), 0);
        p.allow_downgrade = false;
        p.running_version = "0.2.0";
        CHECK_EQ_INT(manifest_check_policy(&m, &p, err, sizeof(err)), -EALREADY);
        CHECK(strstr(err, "version 0.2.0 is the running version") != NULL);
        p.has_running_build = true;
        p.running_build = 6;
        CHECK_EQ_INT(manifest_check_policy(&m, &p, err, sizeof(err)), 0);
        p.running_build = 7;
        CHECK_EQ_INT(manifest_check_policy(&m, &p, err, sizeof(err)), -EALREADY);
        CHECK(strstr(err, "version 0.2.0 build 7 is the running version") != NULL);
        p.running_build = 8;
        CHECK_EQ_INT(manifest_check_policy(&m, &p, err, sizeof(err)), -ESTALE);
        CHECK(strstr(err, "version 0.2.0 build 7 is not newer than the running 0.2.0 build 8") != NULL);
        p.allow_downgrade = true;
        CHECK_EQ_INT(manifest_check_policy(&m, &p, err, sizeof(err)), 0);
        p.allow_downgrade = false;
        p.running_version = NULL;
        CHECK_EQ_INT(manifest_check_policy(&m, &p, err, sizeof(err)), 0);
        return TEST_RETURN();
}
