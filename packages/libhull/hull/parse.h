/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strict number parsing: the whole string must be a number in range, no sign for unsigned,
 * no leading or trailing space. Returns 0 or -EINVAL / -ERANGE. */
int safe_atou64(const char *s, uint64_t *ret);
int safe_atou32(const char *s, uint32_t *ret);
int safe_atoi64(const char *s, int64_t *ret);
int parse_boolean(const char *s); /* 1, 0 or -EINVAL */

/* The value of one hex digit, or -EINVAL. */
int unhexchar(char c);
/* Lowercase hex of exactly 2*len characters into bytes. */
int unhexmem(const char *s, size_t len, uint8_t *ret);
void hexmem(const uint8_t *p, size_t len, char *ret); /* ret holds 2*len+1 */

bool string_has_cc(const char *s);
bool streq_ptr(const char *a, const char *b);
