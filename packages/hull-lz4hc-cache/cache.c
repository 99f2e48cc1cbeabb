/* SPDX-License-Identifier: MIT */
/* The cache's records and its file format (README.md, "The file"). All integers little-endian. */
#include "cache.h"

#include <endian.h>
#include <errno.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

static const uint8_t MAGIC[8] = { 'H', 'L', 'Z', '4', 'H', 'C', 0, 1 };

void cache_init(Cache *c, uint32_t lz4_version) {
        *c = (Cache){ .lz4_version = lz4_version };
}

void cache_free(Cache *c) {
        for (size_t i = 0; i < c->nlist; i++) {
                if (c->list[i]->owned)
                        free((void *) c->list[i]->data);
                free(c->list[i]);
        }
        free(c->list);
        free(c->slots);
        free(c->stale_why);
        *c = (Cache){ 0 };
}

static void set_stale(Cache *c, const char *why) {
        if (c->stale)
                return;
        c->stale = true;
        c->stale_why = strdup(why);
}

static uint32_t get32(const uint8_t *p) {
        uint32_t v;
        memcpy(&v, p, sizeof v);
        return le32toh(v);
}

static void put32(uint8_t *p, uint32_t v) {
        v = htole32(v);
        memcpy(p, &v, sizeof v);
}

static size_t slot_of(const uint8_t key[CACHE_KEY_SIZE], size_t nslots) {
        uint64_t h;
        memcpy(&h, key, sizeof h);
        return (size_t) h & (nslots - 1);
}

static int grow(Cache *c) {
        size_t n = c->nslots ? c->nslots * 2 : 1024;
        CacheRecord **s = calloc(n, sizeof *s);
        if (!s)
                return -1;
        for (size_t i = 0; i < c->nslots; i++) {
                CacheRecord *r = c->slots[i];
                if (!r)
                        continue;
                size_t j = slot_of(r->key, n);
                while (s[j])
                        j = (j + 1) & (n - 1);
                s[j] = r;
        }
        free(c->slots);
        c->slots = s;
        c->nslots = n;
        return 0;
}

/* Inserts r; a record with the same key and call already there wins (the file's first). */
static int insert(Cache *c, CacheRecord *r) {
        if ((c->count + 1) * 2 > c->nslots && grow(c) < 0)
                return -1;
        if (c->nlist == c->alist) {
                size_t n = c->alist ? c->alist * 2 : 1024;
                CacheRecord **l = reallocarray(c->list, n, sizeof *l);
                if (!l)
                        return -1;
                c->list = l;
                c->alist = n;
        }
        c->list[c->nlist++] = r;
        size_t j = slot_of(r->key, c->nslots);
        for (; c->slots[j]; j = (j + 1) & (c->nslots - 1))
                if (memcmp(c->slots[j]->key, r->key, CACHE_KEY_SIZE) == 0 && c->slots[j]->src_size == r->src_size &&
                    c->slots[j]->target == r->target && c->slots[j]->level == r->level)
                        return 0;
        c->slots[j] = r;
        c->count++;
        return 0;
}

long cache_load(Cache *c, const uint8_t *buf, size_t len) {
        if (len == 0)
                return 0;
        if (len < CACHE_HEADER_SIZE || memcmp(buf, MAGIC, sizeof MAGIC) != 0) {
                set_stale(c, "not a cache file of this format");
                return 0;
        }
        if (get32(buf + 8) != c->lz4_version) {
                set_stale(c, "made with another liblz4");
                return 0;
        }
        size_t off = CACHE_HEADER_SIZE;
        long n = 0;
        while (off < len) {
                if (len - off < CACHE_RECORD_HEAD) {
                        set_stale(c, "a truncated record");
                        break;
                }
                const uint8_t *p = buf + off;
                uint32_t src_size = get32(p + 16), target = get32(p + 20), consumed = get32(p + 28),
                         rlen = get32(p + 32);
                int32_t level = (int32_t) get32(p + 24);
                if (src_size == 0 || src_size > CACHE_MAX_SIZE || target == 0 || target > CACHE_MAX_SIZE ||
                    consumed == 0 || consumed > src_size || rlen == 0 || rlen > target) {
                        set_stale(c, "a record with impossible sizes");
                        break;
                }
                if (len - off - CACHE_RECORD_HEAD < rlen) {
                        set_stale(c, "a truncated record");
                        break;
                }
                CacheRecord *r = calloc(1, sizeof *r);
                if (!r)
                        return -1;
                memcpy(r->key, p, CACHE_KEY_SIZE);
                r->src_size = src_size;
                r->target = target;
                r->level = level;
                r->consumed = consumed;
                r->len = rlen;
                r->data = p + CACHE_RECORD_HEAD;
                if (insert(c, r) < 0) {
                        free(r);
                        return -1;
                }
                off += CACHE_RECORD_HEAD + rlen;
                c->loaded_bytes += CACHE_RECORD_HEAD + rlen;
                n++;
        }
        c->loaded_records = (size_t) n;
        return n;
}

void cache_key(uint8_t key[CACHE_KEY_SIZE], const char *src, int src_size, int target, int level) {
        uint8_t call[12];
        put32(call, (uint32_t) src_size);
        put32(call + 4, (uint32_t) target);
        put32(call + 8, (uint32_t) level);
        /* The call's numbers seed the hash of its input. */
        XXH128_canonical_t out;
        XXH128_canonicalFromHash(&out, XXH3_128bits_withSeed(src, (size_t) src_size, XXH3_64bits(call, sizeof call)));
        memcpy(key, out.digest, CACHE_KEY_SIZE);
}

CacheRecord *cache_find(const Cache *c, const uint8_t key[CACHE_KEY_SIZE], int src_size, int target, int level) {
        if (!c->nslots)
                return NULL;
        for (size_t j = slot_of(key, c->nslots); c->slots[j]; j = (j + 1) & (c->nslots - 1)) {
                CacheRecord *r = c->slots[j];
                if (memcmp(r->key, key, CACHE_KEY_SIZE) == 0 && r->src_size == (uint32_t) src_size &&
                    r->target == (uint32_t) target && r->level == level)
                        return r->rejected ? NULL : r;
        }
        return NULL;
}

bool cache_verify(const CacheRecord *r, const char *src, int src_size, int target, char *scratch) {
        if (r->consumed > (uint32_t) src_size || r->len > (uint32_t) target)
                return false;
        int n = LZ4_decompress_safe((const char *) r->data, scratch, (int) r->len, (int) r->consumed);
        return n == (int) r->consumed && memcmp(scratch, src, r->consumed) == 0;
}

void cache_reject(Cache *c, CacheRecord *r) {
        r->rejected = true;
        set_stale(c, "a record that does not decompress to its input");
}

CacheRecord *cache_add(Cache *c, const uint8_t key[CACHE_KEY_SIZE], int src_size, int target, int level,
                       int consumed, const char *data, int len) {
        if (src_size <= 0 || target <= 0 || consumed <= 0 || consumed > src_size || len <= 0 || len > target ||
            src_size > CACHE_MAX_SIZE || target > CACHE_MAX_SIZE)
                return NULL;
        CacheRecord *r = calloc(1, sizeof *r);
        uint8_t *d = malloc((size_t) len);
        if (!r || !d) {
                free(r);
                free(d);
                return NULL;
        }
        memcpy(d, data, (size_t) len);
        memcpy(r->key, key, CACHE_KEY_SIZE);
        r->src_size = (uint32_t) src_size;
        r->target = (uint32_t) target;
        r->level = level;
        r->consumed = (uint32_t) consumed;
        r->len = (uint32_t) len;
        r->data = d;
        r->owned = r->used = true;
        if (insert(c, r) < 0) {
                free(d);
                free(r);
                return NULL;
        }
        c->added_records++;
        c->used_bytes += CACHE_RECORD_HEAD + (uint64_t) len;
        return r;
}

bool cache_wants_rewrite(const Cache *c, uint64_t slack) {
        uint64_t added = 0;
        for (size_t i = c->loaded_records; i < c->nlist; i++)
                added += CACHE_RECORD_HEAD + c->list[i]->len;
        return c->stale || c->loaded_bytes + added > 2 * c->used_bytes + slack;
}

static int write_all(int fd, const void *buf, size_t len) {
        const uint8_t *p = buf;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

int cache_write(const Cache *c, int fd, bool rewrite, bool at_start) {
        int r;
        if (rewrite || at_start) {
                uint8_t h[CACHE_HEADER_SIZE] = { 0 };
                memcpy(h, MAGIC, sizeof MAGIC);
                put32(h + 8, c->lz4_version);
                if ((r = write_all(fd, h, sizeof h)) < 0)
                        return r;
        }
        for (size_t i = rewrite ? 0 : c->loaded_records; i < c->nlist; i++) {
                const CacheRecord *rec = c->list[i];
                if (rewrite && (!rec->used || rec->rejected))
                        continue;
                uint8_t p[CACHE_RECORD_HEAD];
                memcpy(p, rec->key, CACHE_KEY_SIZE);
                put32(p + 16, rec->src_size);
                put32(p + 20, rec->target);
                put32(p + 24, (uint32_t) rec->level);
                put32(p + 28, rec->consumed);
                put32(p + 32, rec->len);
                if ((r = write_all(fd, p, sizeof p)) < 0 || (r = write_all(fd, rec->data, rec->len)) < 0)
                        return r;
        }
        return 0;
}
