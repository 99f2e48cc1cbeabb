/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define SIGNATURE_SIZE 64 /* Ed25519 */
#define KEY_FILE_SIZE_MAX 16384

static inline void evp_pkey_freep(EVP_PKEY **p) {
        EVP_PKEY_free(*p);
}
#define _cleanup_pkey_ _cleanup_(evp_pkey_freep)

/* Ed25519 keys in PEM. -EBADMSG if the file holds no Ed25519 key of the wanted kind. */
int key_load_public(const char *path, EVP_PKEY **ret);
int key_load_private(const char *path, EVP_PKEY **ret);
/* First 128 bits of SHA-256 over the public key's DER SubjectPublicKeyInfo. */
int key_id(EVP_PKEY *key, uint8_t ret[16]);

int signature_create(EVP_PKEY *key, const void *data, size_t size, uint8_t ret[SIGNATURE_SIZE]);
/* 0 if sig is a valid signature of data by key, -EBADMSG if not. */
int signature_verify(EVP_PKEY *key, const void *data, size_t size, const uint8_t sig[SIGNATURE_SIZE]);

/* A new key pair: DIR/update-key.pem (public, 0644) and DIR/update-key.private.pem (0600). */
int keygen(const char *dir);

int sha256_buffer(const void *data, size_t size, uint8_t ret[32]);
