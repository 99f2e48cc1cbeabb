/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <zlib.h>

#include "dataurl.h"
#include "hull/macro.h"
#include "hull/parse.h"

static int b64_value(char c) {
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+')
                return 62;
        if (c == '/')
                return 63;
        return -EINVAL;
}

int base64_decode(const char *s, size_t len, uint8_t **ret, size_t *ret_size) {
        _cleanup_free_ uint8_t *buf = NULL;
        size_t n = 0;

        if (len % 4 != 0)
                return -EINVAL;
        buf = malloc(len / 4 * 3 + 1);
        if (!buf)
                return -ENOMEM;
        for (size_t i = 0; i < len; i += 4) {
                int v[4];
                size_t pad = 0;

                for (size_t j = 0; j < 4; j++) {
                        if (s[i + j] == '=') {
                                /* Padding only in the last quantum, only at its end. */
                                if (i + 4 != len || j < 2)
                                        return -EINVAL;
                                pad++;
                                v[j] = 0;
                                continue;
                        }
                        if (pad > 0)
                                return -EINVAL;
                        v[j] = b64_value(s[i + j]);
                        if (v[j] < 0)
                                return -EINVAL;
                }
                buf[n++] = (uint8_t) (v[0] << 2 | v[1] >> 4);
                if (pad < 2)
                        buf[n++] = (uint8_t) ((v[1] & 15) << 4 | v[2] >> 2);
                if (pad < 1)
                        buf[n++] = (uint8_t) ((v[2] & 3) << 6 | v[3]);
                /* Non-canonical encodings (stray bits in the last character) are refused. */
                if ((pad == 1 && (v[2] & 3)) || (pad == 2 && (v[1] & 15)))
                        return -EINVAL;
        }
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}

int percent_decode(const char *s, size_t len, uint8_t **ret, size_t *ret_size) {
        _cleanup_free_ uint8_t *buf = NULL;
        size_t n = 0;

        buf = malloc(len + 1);
        if (!buf)
                return -ENOMEM;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '%') {
                        int a, b;
                        if (len - i < 3)
                                return -EINVAL;
                        a = unhexchar(s[i + 1]);
                        b = unhexchar(s[i + 2]);
                        if (a < 0 || b < 0)
                                return -EINVAL;
                        buf[n++] = (uint8_t) (a << 4 | b);
                        i += 2;
                } else
                        buf[n++] = (uint8_t) s[i];
        }
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        *ret_size = n;
        return 0;
}

int dataurl_decode(const char *url, size_t max_size, uint8_t **ret, size_t *ret_size) {
        const char *comma, *meta;
        bool b64 = false;
        size_t metalen;
        uint8_t *data = NULL;
        size_t size = 0;
        int r;

        if (!url || strncasecmp(url, "data:", 5) != 0)
                return -EINVAL;
        meta = url + 5;
        comma = strchr(meta, ',');
        if (!comma)
                return -EINVAL;
        metalen = (size_t) (comma - meta);
        if (metalen >= 7 && strncasecmp(comma - 7, ";base64", 7) == 0) {
                b64 = true;
                metalen -= 7;
        }
        /* The media type is informational; it only has to be printable and without spaces. */
        for (size_t i = 0; i < metalen; i++)
                if ((unsigned char) meta[i] <= ' ' || meta[i] == 127)
                        return -EINVAL;
        if (b64)
                r = base64_decode(comma + 1, strlen(comma + 1), &data, &size);
        else
                r = percent_decode(comma + 1, strlen(comma + 1), &data, &size);
        if (r < 0)
                return r;
        if (size > max_size) {
                free(data);
                return -EFBIG;
        }
        *ret = data;
        *ret_size = size;
        return 0;
}

int gzip_decompress(const uint8_t *data, size_t size, size_t max_size, uint8_t **ret, size_t *ret_size) {
        _cleanup_free_ uint8_t *buf = NULL;
        size_t allocated = 0;
        z_stream z = {};
        int r, zr;

        if (size > UINT32_MAX)
                return -EFBIG;
        if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) /* 16: gzip header only */
                return -ENOMEM;
        z.next_in = (Bytef *) data;
        z.avail_in = (uInt) size;
        for (;;) {
                if (z.total_out + 1 >= allocated) {
                        size_t want = allocated ? allocated * 2 : 65536;
                        uint8_t *p;
                        if (want > max_size + 2)
                                want = max_size + 2;
                        if (want <= allocated) {
                                r = -EFBIG;
                                break;
                        }
                        p = realloc(buf, want);
                        if (!p) {
                                r = -ENOMEM;
                                break;
                        }
                        buf = p;
                        allocated = want;
                }
                z.next_out = buf + z.total_out;
                z.avail_out = (uInt) (allocated - z.total_out - 1);
                zr = inflate(&z, Z_NO_FLUSH);
                if (zr == Z_STREAM_END) {
                        /* Trailing bytes after the stream (or a second member) are refused. */
                        r = z.avail_in == 0 ? 0 : -EINVAL;
                        break;
                }
                if (zr != Z_OK) {
                        r = zr == Z_MEM_ERROR ? -ENOMEM : -EINVAL;
                        break;
                }
                if (z.avail_in == 0 && z.avail_out > 0) {
                        r = -EINVAL; /* truncated */
                        break;
                }
        }
        if (r == 0 && z.total_out > max_size)
                r = -EFBIG;
        if (r == 0) {
                buf[z.total_out] = 0;
                *ret_size = z.total_out;
                *ret = TAKE_PTR(buf);
        }
        inflateEnd(&z);
        return r;
}

int hash_verify(const char *spec, const uint8_t *data, size_t size) {
        uint8_t want[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE];
        const EVP_MD *md;
        const char *dash;
        unsigned got_len = 0;
        size_t len;

        if (!spec)
                return -EINVAL;
        dash = strchr(spec, '-');
        if (!dash)
                return -EINVAL;
        if ((size_t) (dash - spec) == 6 && strncmp(spec, "sha512", 6) == 0)
                md = EVP_sha512(), len = 64;
        else if ((size_t) (dash - spec) == 6 && strncmp(spec, "sha256", 6) == 0)
                md = EVP_sha256(), len = 32;
        else
                return -EOPNOTSUPP;
        if (unhexmem(dash + 1, len, want) < 0)
                return -EINVAL;
        if (EVP_Digest(data, size, got, &got_len, md, NULL) != 1 || got_len != len)
                return -EIO;
        return memcmp(want, got, len) == 0 ? 0 : -EBADMSG;
}
