/* SPDX-License-Identifier: MIT */
/* The parsers of what the platform and the network hand over before any config is parsed:
 * DMI strings, the kernel command line, IMDSv2 tokens, response header lines, user data
 * (gzip or not), SSH keys, host names and OpenStack's meta_data.json. The first byte picks the
 * parser; the rest is its input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "hostname.h"
#include "platform.h"
#include "sources.h"

/* A host name as Hull writes it: short enough for the kernel, lowercase, and a name itself. */
static void check_written(const char *name) {
        size_t len = strlen(name);

        if (len == 0 || len > HOSTNAME_MAX || hostname_check(name, len, NULL) != 0)
                __builtin_trap();
        for (size_t i = 0; i < len; i++)
                if (name[i] >= 'A' && name[i] <= 'Z')
                        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *in = (const char *) data + 1;
        size_t n = size - 1;
        char *s, *v = NULL;
        size_t vn = 0;
        Platform p;

        if (size < 1)
                return 0;
        switch (data[0] % 8) {
        case 0: { /* five DMI files, separated by NUL bytes */
                DmiInfo d = {};
                char **f[] = { &d.sys_vendor, &d.product_name, &d.chassis_asset_tag, &d.board_vendor, &d.bios_vendor };
                const char *reason = NULL;
                size_t i = 0, k = 0;
                for (size_t start = 0; k < 5 && start <= n; start = i + 1, k++) {
                        for (i = start; i < n && in[i] != 0; i++)
                                ;
                        if (dmi_value_parse(in + start, i - start, f[k]) < 0)
                                break;
                        if (*f[k] && strlen(*f[k]) > 255)
                                __builtin_trap();
                }
                p = platform_from_dmi(&d, &reason);
                if (!platform_to_string(p) || !reason)
                        __builtin_trap();
                dmi_info_clear(&d);
                break;
        }
        case 1: /* a kernel command line */
                s = strndup(in, n);
                if (!s)
                        return 0;
                if (cmdline_get_value(s, "hull.platform", &v) > 0) {
                        if (platform_from_string(v, &p) == 0 && strcmp(platform_to_string(p), v) != 0)
                                __builtin_trap();
                        free(v);
                }
                free(s);
                break;
        case 2: /* an IMDSv2 token: one that passes never breaks a header line */
                if (imds_token_check(in, n) == 0 && (memchr(in, '\r', n) || memchr(in, '\n', n) || memchr(in, 0, n)))
                        __builtin_trap();
                break;
        case 3:
                (void) header_is_metadata_flavor_google(in, n);
                break;
        case 5: { /* SSH keys as EC2 or GCE give them (the next bit of the first byte); each one passes the check */
                char **keys = NULL;
                size_t nk = 0;
                if (ssh_keys_parse((data[0] / 8) & 1 ? PLATFORM_GCP : PLATFORM_AWS, in, n, &keys, &nk) == 0) {
                        for (size_t i = 0; i < nk; i++)
                                if (ssh_key_check(keys[i], strlen(keys[i])) != 0)
                                        __builtin_trap();
                        for (size_t i = 0; i < nk; i++)
                                free(keys[i]);
                        free(keys);
                }
                break;
        }
        case 6: /* a host name answer; what passes passes again (the privileged side checks it so) */
                if (hostname_from_metadata(in, n, &v, NULL) == 1) {
                        char *again = NULL;
                        check_written(v);
                        if (hostname_from_metadata(v, strlen(v), &again, NULL) != 1 || strcmp(again, v) != 0)
                                __builtin_trap();
                        free(again);
                        free(v);
                }
                break;
        case 7: { /* OpenStack's meta_data.json */
                const char *why = NULL;
                int r = openstack_meta_data_hostname(in, n, &v, &why);
                if (r == 1) {
                        check_written(v);
                        free(v);
                } else if (r < 0 && !why)
                        __builtin_trap();
                break;
        }
        case 4: /* user data */
                if (user_data_decode(data + 1, n, 1024 * 1024, &v, &vn) == 0) {
                        if (vn > 1024 * 1024 || v[vn] != 0)
                                __builtin_trap();
                        free(v);
                }
                break;
        }
        return 0;
}
