/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hull/macro.h"
#include "verity.h"

#define HASH_SIZE 32
#define HASHES_PER_BLOCK (VERITY_BLOCK / HASH_SIZE)

/* struct verity_sb of cryptsetup (lib/verity/verity.c), little-endian. */
static uint32_t le32(const uint8_t *p) {
        return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}
static uint64_t le64(const uint8_t *p) {
        return (uint64_t) le32(p) | (uint64_t) le32(p + 4) << 32;
}

int verity_superblock_parse(const void *sb, size_t size, VerityParams *ret) {
        const uint8_t *p = sb;
        VerityParams v = {};
        uint16_t salt_size;

        if (size < 512 || memcmp(p, "verity\0\0", 8) != 0)
                return -EBADMSG;
        if (le32(p + 8) != 1 || le32(p + 12) != 1)      /* version, hash_type */
                return -EBADMSG;
        memcpy(v.uuid, p + 16, 16);
        if (strncmp((const char *) p + 32, "sha256", 32) != 0 || p[38] != 0)
                return -EBADMSG;
        if (le32(p + 64) != VERITY_BLOCK || le32(p + 68) != VERITY_BLOCK)
                return -EBADMSG;
        v.data_blocks = le64(p + 72);
        salt_size = (uint16_t) (p[80] | p[81] << 8);
        if (salt_size > VERITY_SALT_MAX || v.data_blocks == 0 || v.data_blocks > (UINT64_C(1) << 40) / VERITY_BLOCK)
                return -EBADMSG;
        v.salt_size = salt_size;
        memcpy(v.salt, p + 88, salt_size);
        *ret = v;
        return 0;
}

/* Blocks in each level, level 0 (leaves) first; returns the number of levels. */
static int levels(uint64_t data_blocks, uint64_t sizes[static 16]) {
        int n = 0;
        uint64_t b = data_blocks;

        /* cryptsetup: levels while (data_blocks - 1) >> (7 * levels) != 0 */
        while (n < 16 && ((data_blocks - 1) >> (7 * n)) != 0) {
                b = (b + HASHES_PER_BLOCK - 1) / HASHES_PER_BLOCK;
                sizes[n++] = b;
        }
        return n;
}

uint64_t verity_hash_size(uint64_t data_blocks) {
        uint64_t sizes[16], total = 1;
        int n = levels(data_blocks, sizes);

        for (int i = 0; i < n; i++)
                total += sizes[i];
        return total * VERITY_BLOCK;
}

int verity_hasher_init(VerityHasher *h, const uint8_t *salt, size_t salt_size, uint64_t data_blocks) {
        *h = (VerityHasher) {};
        if (salt_size > VERITY_SALT_MAX || data_blocks == 0 || data_blocks > (UINT64_C(1) << 40) / VERITY_BLOCK)
                return -EINVAL;
        memcpy(h->salt, salt, salt_size);
        h->salt_size = salt_size;
        h->data_blocks = data_blocks;
        h->leaves = malloc(data_blocks * HASH_SIZE);
        h->ctx = EVP_MD_CTX_new();
        h->md = EVP_MD_fetch(NULL, "SHA256", NULL);
        if (!h->leaves || !h->ctx || !h->md) {
                verity_hasher_done(h);
                return -ENOMEM;
        }
        return 0;
}

void verity_hasher_done(VerityHasher *h) {
        free(h->leaves);
        EVP_MD_CTX_free(h->ctx);
        EVP_MD_free((EVP_MD *) h->md);
        *h = (VerityHasher) {};
}

static int hash_block(VerityHasher *h, const void *block, uint8_t out[HASH_SIZE]) {
        if (EVP_DigestInit_ex(h->ctx, h->md, NULL) != 1 || EVP_DigestUpdate(h->ctx, h->salt, h->salt_size) != 1 ||
            EVP_DigestUpdate(h->ctx, block, VERITY_BLOCK) != 1 || EVP_DigestFinal_ex(h->ctx, out, NULL) != 1)
                return -EIO;
        return 0;
}

int verity_hasher_feed(VerityHasher *h, const void *data, size_t size) {
        const uint8_t *p = data;
        int r;

        while (size > 0) {
                if (h->done >= h->data_blocks)
                        return -EFBIG;
                if (h->partial_size == 0 && size >= VERITY_BLOCK) {
                        r = hash_block(h, p, h->leaves + h->done * HASH_SIZE);
                        if (r < 0)
                                return r;
                        h->done++;
                        p += VERITY_BLOCK, size -= VERITY_BLOCK;
                        continue;
                }
                size_t n = VERITY_BLOCK - h->partial_size;
                if (n > size)
                        n = size;
                memcpy(h->partial + h->partial_size, p, n);
                h->partial_size += n, p += n, size -= n;
                if (h->partial_size == VERITY_BLOCK) {
                        r = hash_block(h, h->partial, h->leaves + h->done * HASH_SIZE);
                        if (r < 0)
                                return r;
                        h->done++;
                        h->partial_size = 0;
                }
        }
        return 0;
}

int verity_hasher_finish(VerityHasher *h, uint8_t **ret_tree, size_t *ret_tree_size, uint8_t ret_root[32]) {
        uint64_t sizes[16], off[16], total = 0;
        _cleanup_free_ uint8_t *tree = NULL;
        const uint8_t *below;
        uint64_t n_below;
        int n, r;

        if (h->done != h->data_blocks || h->partial_size != 0)
                return -EBADMSG;
        n = levels(h->data_blocks, sizes);
        if (n == 0) /* one data block: its hash is the root */
                return -EBADMSG;
        for (int i = n - 1; i >= 0; i--) {
                off[i] = total;
                total += sizes[i];
        }
        tree = calloc(total, VERITY_BLOCK);
        if (!tree)
                return -ENOMEM;
        below = h->leaves, n_below = h->data_blocks;
        for (int i = 0; i < n; i++) {
                uint8_t *lvl = tree + off[i] * VERITY_BLOCK;
                memcpy(lvl, below, n_below * HASH_SIZE);
                if (i + 1 < n) {
                        uint8_t *next = malloc(sizes[i] * HASH_SIZE);
                        if (!next)
                                return -ENOMEM;
                        for (uint64_t b = 0; b < sizes[i]; b++) {
                                r = hash_block(h, lvl + b * VERITY_BLOCK, next + b * HASH_SIZE);
                                if (r < 0) {
                                        free(next);
                                        return r;
                                }
                        }
                        if (below != h->leaves)
                                free((void *) below);
                        below = next, n_below = sizes[i];
                }
        }
        if (below != h->leaves)
                free((void *) below);
        r = hash_block(h, tree + off[n - 1] * VERITY_BLOCK, ret_root);
        if (r < 0)
                return r;
        *ret_tree_size = total * VERITY_BLOCK;
        *ret_tree = TAKE_PTR(tree);
        return 0;
}
