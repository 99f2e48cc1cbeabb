/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "dataurl.h"
#include "hull/macro.h"
#include "hull/tests.h"

static void check_decode(const char *url, const char *want) {
        _cleanup_free_ uint8_t *d = NULL;
        size_t n = 0;
        CHECK_EQ_INT(dataurl_decode(url, 1024, &d, &n), 0);
        CHECK_EQ_INT(n, strlen(want));
        CHECK(d && memcmp(d, want, n) == 0);
}

static void check_bad(const char *url, int want) {
        _cleanup_free_ uint8_t *d = NULL;
        size_t n = 0;
        CHECK_EQ_INT(dataurl_decode(url, 16, &d, &n), want);
        CHECK(d == NULL);
}

int main(void) {
        _cleanup_free_ uint8_t *d = NULL, *g = NULL;
        uint8_t gz[256];
        size_t n = 0;

        check_decode("data:,", "");
        check_decode("data:,hello%20world%0A", "hello world\n");
        check_decode("data:text/plain;charset=utf-8,a%2Cb", "a,b");
        check_decode("data:;base64,aGVsbG8=", "hello");
        check_decode("data:text/plain;base64,aGk=", "hi");
        check_decode("DATA:;base64,", "");
        check_decode("data:,a,b", "a,b");
        check_bad("https://example.com/x", -EINVAL);
        check_bad("data:hello", -EINVAL);
        check_bad("data:,%", -EINVAL);
        check_bad("data:,%4", -EINVAL);
        check_bad("data:,%zz", -EINVAL);
        check_bad("data:;base64,aGVsbG8", -EINVAL);    /* no padding */
        check_bad("data:;base64,aGVs bG8=", -EINVAL);  /* space */
        check_bad("data:;base64,aGVsbG9=", -EINVAL);   /* stray bits */
        check_bad("data:;base64,a===", -EINVAL);
        check_bad("data:;base64,=aaa", -EINVAL);
        check_bad("data:;base64,aa==aaaa", -EINVAL);
        check_bad("data:text plain,x", -EINVAL);
        check_bad("data:,01234567890123456789", -EFBIG);

        /* gzip round trip, truncation, trailing garbage and the output limit. */
        {
                z_stream z = {};
                const char *text = "compressed contents, compressed contents, compressed contents\n";
                size_t len;
                CHECK(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
                z.next_in = (Bytef *) text;
                z.avail_in = (uInt) strlen(text);
                z.next_out = gz;
                z.avail_out = sizeof(gz);
                CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
                len = z.total_out;
                deflateEnd(&z);
                CHECK_EQ_INT(gzip_decompress(gz, len, 1024, &g, &n), 0);
                CHECK_EQ_INT(n, strlen(text));
                CHECK(g && memcmp(g, text, n) == 0);
                free(TAKE_PTR(g));
                CHECK_EQ_INT(gzip_decompress(gz, len - 4, 1024, &g, &n), -EINVAL);
                CHECK_EQ_INT(gzip_decompress(gz, len, 10, &g, &n), -EFBIG);
                gz[len] = 'x';
                CHECK_EQ_INT(gzip_decompress(gz, len + 1, 1024, &g, &n), -EINVAL);
                CHECK_EQ_INT(gzip_decompress((const uint8_t *) "hello", 5, 1024, &g, &n), -EINVAL);
                CHECK(g == NULL);
        }

        /* sha512("hello") and sha256("hello") */
        CHECK_EQ_INT(hash_verify("sha512-9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
                                 "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
                                 (const uint8_t *) "hello", 5), 0);
        CHECK_EQ_INT(hash_verify("sha256-2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
                                 (const uint8_t *) "hello", 5), 0);
        CHECK_EQ_INT(hash_verify("sha512-9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
                                 "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
                                 (const uint8_t *) "hellO", 5), -EBADMSG);
        CHECK_EQ_INT(hash_verify("sha512-abcd", (const uint8_t *) "", 0), -EINVAL);
        CHECK_EQ_INT(hash_verify("md5-d41d8cd98f00b204e9800998ecf8427e", (const uint8_t *) "", 0), -EOPNOTSUPP);
        CHECK_EQ_INT(hash_verify("sha512", (const uint8_t *) "", 0), -EINVAL);
        (void) d;
        return TEST_RETURN();
}
