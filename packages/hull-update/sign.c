/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "hull/fileio.h"
#include "hull/macro.h"
#include "sign.h"

int key_load_pem(const char *path, bool private_key, EVP_PKEY **ret) {
        _cleanup_free_ char *pem = NULL;
        EVP_PKEY *k;
        BIO *b;
        size_t n;
        int r;

        r = read_full_file(path, KEY_FILE_SIZE_MAX, &pem, &n);
        if (r < 0)
                return r;
        b = BIO_new_mem_buf(pem, (int) n);
        if (!b)
                return -ENOMEM;
        k = private_key ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
        BIO_free(b);
        ERR_clear_error();
        if (!k)
                return -EBADMSG;
        if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
                EVP_PKEY_free(k);
                return -EBADMSG;
        }
        *ret = k;
        return 0;
}

int key_load_public(const char *path, EVP_PKEY **ret) {
        return key_load_pem(path, false, ret);
}

int sha256_buffer(const void *data, size_t size, uint8_t ret[32]) {
        unsigned len = 0;

        if (EVP_Digest(data, size, ret, &len, EVP_sha256(), NULL) != 1 || len != 32)
                return -EIO;
        return 0;
}

int key_id(EVP_PKEY *key, uint8_t ret[16]) {
        unsigned char *der = NULL;
        uint8_t h[32];
        int n, r;

        n = i2d_PUBKEY(key, &der);
        if (n <= 0)
                return -EINVAL;
        r = sha256_buffer(der, (size_t) n, h);
        OPENSSL_free(der);
        if (r < 0)
                return r;
        memcpy(ret, h, 16);
        return 0;
}

int signature_verify(EVP_PKEY *key, const void *data, size_t size, const uint8_t sig[SIGNATURE_SIZE]) {
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        int r = -EBADMSG;

        if (!ctx)
                return -ENOMEM;
        if (EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
            EVP_DigestVerify(ctx, sig, SIGNATURE_SIZE, data, size) == 1)
                r = 0;
        EVP_MD_CTX_free(ctx);
        ERR_clear_error();
        return r;
}
