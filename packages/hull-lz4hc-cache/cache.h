/* SPDX-License-Identifier: MIT */
/* A cache of LZ4_compress_HC_destSize results, keyed on everything the result depends on: the
 * input bytes the call was given, its length, the output budget and the level (and, through the
 * file's header, liblz4's version). See README.md. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_KEY_SIZE 16
#define CACHE_HEADER_SIZE 16
#define CACHE_RECORD_HEAD 36 /* key, src_size, target, level, consumed, len */
/* The largest input or output budget a record may name: erofs asks for at most a few MiB. */
#define CACHE_MAX_SIZE (1 << 28)

typedef struct CacheRecord {
        uint8_t key[CACHE_KEY_SIZE];
        uint32_t src_size, target, consumed, len;
        int32_t level;
        const uint8_t *data; /* len bytes: into the loaded file, or owned (added this run) */
        bool owned, used, rejected;
} CacheRecord;

typedef struct Cache {
        uint32_t lz4_version;
        CacheRecord **slots; /* open addressing over the key's first 8 bytes */
        size_t nslots, count;
        CacheRecord **list; /* every record, loaded first, in file order */
        size_t nlist, alist;
        size_t loaded_records, added_records;
        uint64_t loaded_bytes, used_bytes; /* record bytes in the file; of records used this run */
        bool stale; /* the file must be written again, not appended to (bad header or tail) */
        char *stale_why;
} Cache;

void cache_init(Cache *c, uint32_t lz4_version);
void cache_free(Cache *c);

/* Loads the records of a cache file's bytes (they must outlive the cache). A file of another
 * format or liblz4 version loads nothing; a damaged record ends the load. Either way the
 * cache is marked stale, with the reason in stale_why, and the file is rewritten on save.
 * Returns the number of records loaded, -1 on allocation failure. */
long cache_load(Cache *c, const uint8_t *buf, size_t len);

void cache_key(uint8_t key[CACHE_KEY_SIZE], const char *src, int src_size, int target, int level);

CacheRecord *cache_find(const Cache *c, const uint8_t key[CACHE_KEY_SIZE], int src_size, int target, int level);

/* Whether the record's data is a compression of src that liblz4 could have returned for this
 * call: it fits the budget and decompresses to exactly the first `consumed` bytes of src.
 * scratch holds at least src_size bytes. */
bool cache_verify(const CacheRecord *r, const char *src, int src_size, int target, char *scratch);

/* Marks a record that failed cache_verify: never used again, and the file is rewritten
 * without it. */
void cache_reject(Cache *c, CacheRecord *r);

/* Adds the result of a call (copies data). Returns the record, NULL on allocation failure. */
CacheRecord *cache_add(Cache *c, const uint8_t key[CACHE_KEY_SIZE], int src_size, int target, int level,
                       int consumed, const char *data, int len);

/* Whether save should rewrite the file with only the records used this run: it is stale, or
 * more than half of what it would hold is unused (and that half is over `slack` bytes). */
bool cache_wants_rewrite(const Cache *c, uint64_t slack);

/* Writes the header and every record used this run (rewrite) or the records added this run
 * (append, no header unless at_start) to fd. Returns 0, or -errno. */
int cache_write(const Cache *c, int fd, bool rewrite, bool at_start);
