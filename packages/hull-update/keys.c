/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "hull/fileio.h"
#include "hull/macro.h"
#include "keys.h"

int key_load_private(const char *path, EVP_PKEY **ret) {
        return key_load_pem(path, true, ret);
}

int signature_create(EVP_PKEY *key, const void *data, size_t size, uint8_t ret[SIGNATURE_SIZE]) {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        size_t len = SIGNATURE_SIZE;
        int r = -EIO;

        if (!ctx)
                return -ENOMEM;
        if (EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) == 1 &&
            EVP_DigestSign(ctx, ret, &len, data, size) == 1 && len == SIGNATURE_SIZE)
                r = 0;
        EVP_MD_CTX_free(ctx);
        ERR_clear_error();
        return r;
}

static int write_pem(const char *path, EVP_PKEY *k, int private, unsigned mode) {
        BIO *b = BIO_new(BIO_s_mem());
        char *p;
        long n;
        int r;

        if (!b)
                return -ENOMEM;
        if ((private ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL) : PEM_write_bio_PUBKEY(b, k)) != 1) {
                BIO_free(b);
                return -EIO;
        }
        n = BIO_get_mem_data(b, &p);
        r = write_file_atomic(path, p, (size_t) n, mode);
        BIO_free(b);
        return r;
}

int keygen(const char *dir) {
        _cleanup_free_ char *pub = NULL, *priv = NULL;
        _cleanup_pkey_ EVP_PKEY *k = NULL;
        int r;

        if (asprintf(&pub, "%s/update-key.pem", dir) < 0 || asprintf(&priv, "%s/update-key.private.pem", dir) < 0)
                return -ENOMEM;
        if (access(priv, F_OK) == 0)
                return -EEXIST;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                return -errno;
        k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
        if (!k)
                return -EIO;
        r = write_pem(priv, k, 1, 0600);
        if (r < 0)
                return r;
        return write_pem(pub, k, 0, 0644);
}
