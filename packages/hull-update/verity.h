/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

/* dm-verity as `veritysetup format` writes it with its defaults: format 1, SHA-256, 4 KiB data
 * and hash blocks, a 512-byte superblock in the first hash block, then the tree with its top
 * level first. The updater computes the tree from the data it writes and compares it with the
 * payload's tree and the signed root hash. */

#define VERITY_BLOCK 4096
#define VERITY_SALT_MAX 256

typedef struct VerityParams {
        uint64_t data_blocks;
        uint8_t salt[VERITY_SALT_MAX];
        size_t salt_size;
        uint8_t uuid[16];
} VerityParams;

/* Reads the superblock (the first 512 bytes of the hash device). -EBADMSG if it is not one
 * this updater writes: version 1, sha256, 4096-byte blocks. */
int verity_superblock_parse(const void *sb, size_t size, VerityParams *ret);
/* The size of the hash device (superblock block included) for data_blocks. */
uint64_t verity_hash_size(uint64_t data_blocks);

typedef struct VerityHasher {
        EVP_MD_CTX *ctx;
        const EVP_MD *md;
        uint8_t salt[VERITY_SALT_MAX];
        size_t salt_size;
        uint64_t data_blocks, done;
        uint8_t *leaves;          /* 32 bytes per data block */
        uint8_t partial[VERITY_BLOCK];
        size_t partial_size;
} VerityHasher;

int verity_hasher_init(VerityHasher *h, const uint8_t *salt, size_t salt_size, uint64_t data_blocks);
/* Feeds data in order; more than data_blocks blocks is -EFBIG. */
int verity_hasher_feed(VerityHasher *h, const void *data, size_t size);
/* The tree (without superblock, top level first) and root hash; -EBADMSG if fewer bytes than
 * data_blocks blocks were fed. */
int verity_hasher_finish(VerityHasher *h, uint8_t **ret_tree, size_t *ret_tree_size, uint8_t ret_root[32]);
void verity_hasher_done(VerityHasher *h);
