/* SPDX-License-Identifier: MIT */
/* The verity tree computed here must equal veritysetup's, byte for byte. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "hull/tests.h"
#include "verity.h"

static void one(const char *dir, uint64_t blocks) {
        char data[512], hash[512], cmd[2048], hex[65];
        _cleanup_free_ char *d = NULL, *h = NULL, *out = NULL;
        _cleanup_free_ uint8_t *tree = NULL;
        size_t nd, nh, nt;
        uint8_t root[32];
        VerityParams vp;
        VerityHasher vh;

        snprintf(data, sizeof(data), "%s/data", dir);
        snprintf(hash, sizeof(hash), "%s/hash", dir);
        snprintf(cmd, sizeof(cmd),
                 "head -c %llu /dev/urandom >%s && veritysetup format --data-block-size=4096 --hash-block-size=4096 %s %s"
                 " | awk '/^Root hash:/ { print $3 }' >%s/root",
                 (unsigned long long) blocks * 4096, data, data, hash, dir);
        CHECK_EQ_INT(system(cmd), 0);
        CHECK_EQ_INT(read_full_file(data, 1 << 28, &d, &nd), 0);
        CHECK_EQ_INT(read_full_file(hash, 1 << 28, &h, &nh), 0);
        snprintf(cmd, sizeof(cmd), "%s/root", dir);
        CHECK_EQ_INT(read_full_file(cmd, 100, &out, NULL), 0);
        if (!d || !h || !out)
                return;
        CHECK_EQ_INT(verity_superblock_parse(h, nh, &vp), 0);
        CHECK_EQ_INT(vp.data_blocks, blocks);
        CHECK_EQ_INT(verity_hash_size(blocks), nh);
        CHECK_EQ_INT(verity_hasher_init(&vh, vp.salt, vp.salt_size, blocks), 0);
        /* Odd-sized pieces, as they come off a socket. */
        for (size_t off = 0; off < nd;) {
                size_t k = nd - off < 1000 ? nd - off : 1000 + off % 7777;
                if (k > nd - off)
                        k = nd - off;
                CHECK_EQ_INT(verity_hasher_feed(&vh, d + off, k), 0);
                off += k;
        }
        CHECK_EQ_INT(verity_hasher_feed(&vh, d, 1), -EFBIG);
        CHECK_EQ_INT(verity_hasher_finish(&vh, &tree, &nt, root), 0);
        CHECK_EQ_INT(nt, nh - 4096);
        CHECK(tree && memcmp(tree, h + 4096, nt) == 0);
        hexmem(root, 32, hex);
        CHECK(strncmp(hex, out, 64) == 0);
        verity_hasher_done(&vh);
}

int main(void) {
        char dir[] = "/tmp/test-verity.XXXXXX", cmd[600];
        uint8_t sb[512] = {};
        VerityParams vp;
        VerityHasher vh;
        uint8_t *tree = NULL, root[32];
        size_t nt;

        if (system("command -v veritysetup >/dev/null") != 0)
                return 77;
        if (!mkdtemp(dir))
                return 1;
        one(dir, 2);
        one(dir, 128);
        one(dir, 129);
        one(dir, 300);
        one(dir, 128 * 128 + 1);

        /* Superblocks this updater does not write. */
        CHECK_EQ_INT(verity_superblock_parse(sb, sizeof(sb), &vp), -EBADMSG);
        CHECK_EQ_INT(verity_superblock_parse(sb, 100, &vp), -EBADMSG);
        /* Too little data. */
        CHECK_EQ_INT(verity_hasher_init(&vh, (const uint8_t *) "salt", 4, 3), 0);
        CHECK_EQ_INT(verity_hasher_feed(&vh, sb, sizeof(sb)), 0);
        CHECK_EQ_INT(verity_hasher_finish(&vh, &tree, &nt, root), -EBADMSG);
        verity_hasher_done(&vh);

        snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
        if (system(cmd) != 0)
                return 1;
        return TEST_RETURN();
}
