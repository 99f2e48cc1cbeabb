/* SPDX-License-Identifier: MIT */
/* A cache file's bytes: load, look up and verify every record against its own decompression,
 * write it back (rewrite and append). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char input[1 << 20], scratch[1 << 20]; /* records are verified against zeros */
        Cache c;
        cache_init(&c, 10904); /* liblz4 1.9.4, as the seeds were written */
        if (cache_load(&c, data, size) < 0)
                abort();
        /* Every loaded record's call is found (the file's first record of that call), until a
         * record is rejected: then its call is not found any more. */
        for (size_t i = 0; i < c.nlist; i++)
                if (cache_find(&c, c.list[i]->key, (int) c.list[i]->src_size, (int) c.list[i]->target,
                               c.list[i]->level) == NULL)
                        abort();
        for (size_t i = 0; i < c.nlist; i++) {
                CacheRecord *r = c.list[i];
                if (r->rejected)
                        continue;
                if (r->src_size <= sizeof scratch && !cache_verify(r, input, (int) r->src_size, (int) r->target, scratch))
                        cache_reject(&c, r);
                else
                        r->used = true;
        }
        FILE *f = fopen("/dev/null", "w");
        if (f) {
                (void) cache_write(&c, fileno(f), true, true);
                (void) cache_write(&c, fileno(f), false, false);
                fclose(f);
        }
        cache_free(&c);
        return 0;
}
