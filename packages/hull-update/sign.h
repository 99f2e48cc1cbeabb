/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define SIGNATURE_SIZE 64 /* Ed25519 */
#define KEY_FILE_SIZE_MAX 16384

static inline void evp_pkey_freep(EVP_PKEY **p) {
        EVP_PKEY_free(*p);
}
#define _cleanup_pkey_ _cleanup_(evp_pkey_freep)

/* An Ed25519 key in PEM, private or public. -EBADMSG if the file holds none. */
int key_load_pem(const char *path, bool private_key, EVP_PKEY **ret);
/* An Ed25519 public key in PEM. -EBADMSG if the file holds none. (Private keys, signing and
 * key generation are the build's: keys.h.) */
int key_load_public(const char *path, EVP_PKEY **ret);
/* First 128 bits of SHA-256 over the public key's DER SubjectPublicKeyInfo. */
int key_id(EVP_PKEY *key, uint8_t ret[16]);

/* 0 if sig is a valid signature of data by key, -EBADMSG if not. */
int signature_verify(EVP_PKEY *key, const void *data, size_t size, const uint8_t sig[SIGNATURE_SIZE]);

int sha256_buffer(const void *data, size_t size, uint8_t ret[32]);
