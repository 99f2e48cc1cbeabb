/* SPDX-License-Identifier: MIT */
/* The cache against liblz4 itself: what it stores decompresses to the input and comes back
 * byte for byte; a damaged file loads what precedes the damage and is marked for rewriting. */
#include <lz4.h>
#include <lz4hc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "hull/tests.h"

#define SRC 200000
#define TARGET 65536
#define LEVEL 9

static char src[SRC], dst[TARGET], scratch[SRC];
static LZ4_streamHC_t state;

/* The file's bytes after cache_write, read back. */
static uint8_t *written(const Cache *c, bool rewrite, bool at_start, size_t *len) {
        FILE *f = tmpfile();
        CHECK(f);
        CHECK_EQ_INT(cache_write(c, fileno(f), rewrite, at_start), 0);
        long n = lseek(fileno(f), 0, SEEK_END);
        CHECK(n >= 0);
        uint8_t *buf = malloc((size_t) n + 1);
        CHECK(buf);
        CHECK_EQ_INT(pread(fileno(f), buf, (size_t) n, 0), n);
        fclose(f);
        *len = (size_t) n;
        return buf;
}

/* Compresses src[off..off+len) with liblz4 and adds it; returns the record. */
static CacheRecord *add(Cache *c, size_t off, int len) {
        int in = len;
        int n = LZ4_compress_HC_destSize(&state, src + off, dst, &in, TARGET, LEVEL);
        CHECK(n > 0);
        uint8_t key[CACHE_KEY_SIZE];
        cache_key(key, src + off, len, TARGET, LEVEL);
        CacheRecord *r = cache_add(c, key, len, TARGET, LEVEL, in, dst, n);
        CHECK(r);
        return r;
}

static void check_hit(const Cache *c, size_t off, int len) {
        uint8_t key[CACHE_KEY_SIZE];
        int in = len;
        int n = LZ4_compress_HC_destSize(&state, src + off, dst, &in, TARGET, LEVEL);
        cache_key(key, src + off, len, TARGET, LEVEL);
        CacheRecord *r = cache_find(c, key, len, TARGET, LEVEL);
        CHECK(r);
        CHECK(cache_verify(r, src + off, len, TARGET, scratch));
        CHECK_EQ_INT((int) r->len, n);
        CHECK_EQ_INT((int) r->consumed, in);
        CHECK(memcmp(r->data, dst, (size_t) n) == 0);
}

static void put32(uint8_t *p, uint32_t v) {
        for (int i = 0; i < 4; i++)
                p[i] = (uint8_t) (v >> (8 * i));
}

int main(void) {
        uint32_t ver = (uint32_t) LZ4_versionNumber();
        /* Half text-like (compresses), half noise (does not). */
        srand(1);
        for (size_t i = 0; i < SRC; i++)
                src[i] = i < SRC / 2 ? (char) ("hull container host "[i % 20] + (i / 4096) % 3) : (char) rand();

        /* Keys: every number of the call and every input byte count. */
        uint8_t k1[CACHE_KEY_SIZE], k2[CACHE_KEY_SIZE];
        cache_key(k1, src, 1000, TARGET, LEVEL);
        cache_key(k2, src, 1000, TARGET, LEVEL);
        CHECK(memcmp(k1, k2, sizeof k1) == 0);
        cache_key(k2, src, 1000, TARGET, LEVEL + 1);
        CHECK(memcmp(k1, k2, sizeof k1) != 0);
        cache_key(k2, src, 1000, TARGET - 1, LEVEL);
        CHECK(memcmp(k1, k2, sizeof k1) != 0);
        cache_key(k2, src, 999, TARGET, LEVEL);
        CHECK(memcmp(k1, k2, sizeof k1) != 0);
        src[999] ^= 1;
        cache_key(k2, src, 1000, TARGET, LEVEL);
        src[999] ^= 1;
        CHECK(memcmp(k1, k2, sizeof k1) != 0);

        /* Written and loaded again: the same answers as liblz4. */
        Cache c;
        cache_init(&c, ver);
        add(&c, 0, 150000);      /* more input than fits: consumed < src_size */
        add(&c, 1000, 5000);     /* all of it fits */
        add(&c, SRC / 2, 60000); /* noise */
        size_t len;
        uint8_t *file = written(&c, false, true, &len);
        cache_free(&c);
        Cache l;
        cache_init(&l, ver);
        CHECK_EQ_INT(cache_load(&l, file, len), 3);
        CHECK(!l.stale);
        check_hit(&l, 0, 150000);
        check_hit(&l, 1000, 5000);
        check_hit(&l, SRC / 2, 60000);
        /* Another call is not found: other length, other level. */
        cache_key(k1, src, 149999, TARGET, LEVEL);
        CHECK(!cache_find(&l, k1, 149999, TARGET, LEVEL));
        cache_key(k1, src, 150000, TARGET, 12);
        CHECK(!cache_find(&l, k1, 150000, TARGET, 12));

        /* A record that is not a compression of the input it is looked up for fails verify:
         * flipped data, another input under its key, a smaller input than it consumed. */
        cache_key(k1, src, 150000, TARGET, LEVEL);
        CacheRecord *r = cache_find(&l, k1, 150000, TARGET, LEVEL);
        CHECK(r);
        src[10] ^= 0x20;
        CHECK(!cache_verify(r, src, 150000, TARGET, scratch));
        src[10] ^= 0x20;
        CHECK(!cache_verify(r, src, (int) r->consumed - 1, TARGET, scratch));
        CHECK(!cache_verify(r, src, 150000, (int) r->len - 1, scratch));
        uint8_t *bad = malloc(len);
        CHECK(bad);
        memcpy(bad, file, len);
        bad[CACHE_HEADER_SIZE + CACHE_RECORD_HEAD + 40] ^= 0xff;
        Cache b;
        cache_init(&b, ver);
        CHECK_EQ_INT(cache_load(&b, bad, len), 3);
        r = cache_find(&b, k1, 150000, TARGET, LEVEL);
        CHECK(r && !cache_verify(r, src, 150000, TARGET, scratch));
        cache_reject(&b, r);
        CHECK(!cache_find(&b, k1, 150000, TARGET, LEVEL));
        CHECK(b.stale && cache_wants_rewrite(&b, 0));
        cache_free(&b);
        free(bad);

        /* Rewrite keeps what this run used and what it added; append writes only what it added. */
        check_hit(&l, 1000, 5000);
        cache_key(k1, src + 1000, 5000, TARGET, LEVEL);
        cache_find(&l, k1, 5000, TARGET, LEVEL)->used = true;
        l.used_bytes += CACHE_RECORD_HEAD + cache_find(&l, k1, 5000, TARGET, LEVEL)->len;
        CHECK(cache_wants_rewrite(&l, 0)); /* two of three records unused */
        CHECK(!cache_wants_rewrite(&l, 1u << 20));
        add(&l, 7, 3000);
        size_t rlen, alen;
        uint8_t *rw = written(&l, true, true, &rlen), *ap = written(&l, false, false, &alen);
        Cache w;
        cache_init(&w, ver);
        CHECK_EQ_INT(cache_load(&w, rw, rlen), 2);
        check_hit(&w, 1000, 5000);
        check_hit(&w, 7, 3000);
        cache_free(&w);
        CHECK_EQ_INT(alen, CACHE_RECORD_HEAD + cache_find(&l, (cache_key(k1, src + 7, 3000, TARGET, LEVEL), k1), 3000, TARGET, LEVEL)->len);
        /* The appended record after the first file loads as a fourth. */
        uint8_t *both = malloc(len + alen);
        CHECK(both);
        memcpy(both, file, len);
        memcpy(both + len, ap, alen);
        cache_init(&w, ver);
        CHECK_EQ_INT(cache_load(&w, both, len + alen), 4);
        check_hit(&w, 7, 3000);
        cache_free(&w);
        /* The same records twice (two runs appended the same results): the first is found. */
        both = realloc(both, 2 * len - CACHE_HEADER_SIZE);
        CHECK(both);
        memcpy(both + len, file + CACHE_HEADER_SIZE, len - CACHE_HEADER_SIZE);
        cache_init(&w, ver);
        CHECK_EQ_INT(cache_load(&w, both, 2 * len - CACHE_HEADER_SIZE), 6);
        CHECK_EQ_INT(w.count, 3);
        check_hit(&w, 0, 150000);
        CHECK(cache_find(&w, (cache_key(k1, src, 150000, TARGET, LEVEL), k1), 150000, TARGET, LEVEL) == w.list[0]);
        cache_free(&w);
        free(both);
        free(rw);
        free(ap);
        cache_free(&l);

        /* Damaged files. Each loads the records before the damage and is marked stale. */
        Cache d;
        cache_init(&d, ver);
        CHECK_EQ_INT(cache_load(&d, file, 0), 0); /* a new, empty file */
        CHECK(!d.stale && !cache_wants_rewrite(&d, 0));
        cache_free(&d);
        size_t first = CACHE_HEADER_SIZE + CACHE_RECORD_HEAD;
        {
                uint32_t f0;
                memcpy(&f0, file + CACHE_HEADER_SIZE + 32, 4);
                first += f0; /* little-endian host */
        }
        struct {
                const char *what;
                size_t len;      /* bytes of the file */
                size_t off;      /* a 32-bit field to overwrite (0: none) */
                uint32_t value;
                long records;
        } cases[] = {
                { "header only", CACHE_HEADER_SIZE, 0, 0, 0 },
                { "short header", CACHE_HEADER_SIZE - 1, 0, 0, 0 },
                { "bad magic", 0, 0, 0x41414141, 0 },
                { "another liblz4", 0, 8, 10000, 0 },
                { "truncated head", CACHE_HEADER_SIZE + 10, 0, 0, 0 },
                { "truncated data", first - 1, 0, 0, 0 },
                { "second record truncated", first + 5, 0, 0, 1 },
                { "src_size 0", 0, first + 16, 0, 1 },
                { "src_size huge", 0, first + 16, 0xffffffff, 1 },
                { "target 0", 0, first + 20, 0, 1 },
                { "consumed 0", 0, first + 28, 0, 1 },
                { "consumed over src_size", 0, first + 28, 0x7fffffff, 1 },
                { "len 0", 0, first + 32, 0, 1 },
                { "len over target", 0, first + 32, TARGET + 1, 1 },
                { "len past the end", 0, first + 32, TARGET, 1 },
        };
        for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
                uint8_t *f = malloc(len);
                CHECK(f);
                memcpy(f, file, len);
                size_t n = cases[i].len ? cases[i].len : len;
                if (cases[i].off || cases[i].value)
                        put32(f + cases[i].off, cases[i].value);
                cache_init(&d, ver);
                long got = cache_load(&d, f, n);
                bool want_stale = n != CACHE_HEADER_SIZE; /* a header alone is a valid empty file */
                if (got != cases[i].records || d.stale != want_stale) {
                        fprintf(stderr, "case \"%s\": %ld records, stale %d\n", cases[i].what, got, d.stale);
                        return 1;
                }
                if (cases[i].records == 1)
                        check_hit(&d, 0, 150000);
                CHECK(cache_wants_rewrite(&d, 1u << 30) == d.stale);
                cache_free(&d);
                free(f);
        }
        free(file);
        return 0;
}
