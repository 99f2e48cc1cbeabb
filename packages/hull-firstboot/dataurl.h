/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Upper bound for one decoded (and decompressed) file's contents. */
#define DATAURL_SIZE_MAX (16U * 1024U * 1024U)

/* Decodes an RFC 2397 data: URL ("data:[<mediatype>][;base64],<data>"). Without ;base64 the
 * data is percent-decoded. The result is NUL-terminated (not counted in ret_size).
 * -EINVAL for anything that is not a well-formed data: URL, -EFBIG above max_size. */
int dataurl_decode(const char *url, size_t max_size, uint8_t **ret, size_t *ret_size);

/* Strict base64 (RFC 4648, standard alphabet, padding required, no whitespace). */
int base64_decode(const char *s, size_t len, uint8_t **ret, size_t *ret_size);

/* Strict percent-decoding: "%" must be followed by two hex digits. */
int percent_decode(const char *s, size_t len, uint8_t **ret, size_t *ret_size);

/* gzip (RFC 1952) stream to bytes, at most max_size of output. */
int gzip_decompress(const uint8_t *data, size_t size, size_t max_size, uint8_t **ret, size_t *ret_size);

/* Checks "sha512-<128 hex>" or "sha256-<64 hex>" against data: 0 if it matches, -EBADMSG on
 * mismatch, -EINVAL if the hash string is malformed, -EOPNOTSUPP for another algorithm. */
int hash_verify(const char *spec, const uint8_t *data, size_t size);
