/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "sign.h"

/* The build side of signing (hull-payload): private keys, signatures, key pairs. The device
 * only verifies (sign.h). */

/* An Ed25519 private key in PEM. -EBADMSG if the file holds none. */
int key_load_private(const char *path, EVP_PKEY **ret);

int signature_create(EVP_PKEY *key, const void *data, size_t size, uint8_t ret[SIGNATURE_SIZE]);

/* A new key pair: DIR/update-key.pem (public, 0644) and DIR/update-key.private.pem (0600);
 * -EEXIST if DIR holds a private key already. */
int keygen(const char *dir);
