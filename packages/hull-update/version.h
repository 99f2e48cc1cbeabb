/* SPDX-License-Identifier: MIT */
#pragma once

/* Versions ordered exactly as systemd 252 orders them (strverscmp_improved(), which
 * systemd-boot uses to sort its entries and `systemd-analyze compare-versions` prints): the
 * string is split into segments, numeric or alphabetic, each with an optional prefix; '~'
 * (pre-release) sorts oldest, then '-' (release), then '^' (patched), then '.' (point
 * release), then no prefix; a numeric segment is newer than an alphabetic one; characters
 * outside [0-9A-Za-z~^.-] only separate segments. Negative, 0 or positive like strcmp(). The
 * table in version-order.tsv is checked against this function (test-version) and against
 * systemd-analyze (tests/build/70-version-order.sh). */
int version_compare(const char *a, const char *b);
