/* SPDX-License-Identifier: MIT */
/* The parsers of outside text behind the newer checks, on anything: the first byte picks one,
 * the rest is its input. Each must return, free what it made, and keep its promises. Includes
 * in sudoers text are looked up below a root that does not exist, so nothing is read. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "posture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_sudoers(const char *text) {
        const CheckContext ctx = { .root = "/nonexistent-hull-fuzz" };
        _cleanup_offenders_ Offenders bad = {};
        _cleanup_free_ char *allowed = NULL;
        int r = sudoers_scan(&ctx, text, "/etc/sudoers", 0, &bad, &allowed);

        /* Every include is missing (skipped) or cannot be opened at all (an error: a name longer
         * than PATH_MAX); the scan itself never fails otherwise. */
        if (r > 0 || (r < 0 && r != -ENOMEM && r != -ENAMETOOLONG))
                __builtin_trap();
        (void) offenders_text(&bad);
}

static void fuzz_audit_log(char *text) {
        for (char *line = text, *next; line; line = next) {
                AvcDenial a = {};
                uint64_t t;
                int r;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                r = avc_denial_parse(line, &a);
                if (r == 1 && (!a.permission || !a.scontext || !a.tcontext || !a.tclass || audit_record_time(line, &t) < 0 ||
                               t != a.time))
                        __builtin_trap();
                if (r <= 0 && a.permission)
                        __builtin_trap(); /* nothing handed back without success */
                avc_denial_done(&a);
        }
}

static void fuzz_rules(const char *text) {
        _cleanup_strv_free_ char **keys = NULL, **wheres = NULL;
        size_t n = 0;

        if (audit_rules_keys(text, "f.rules", &keys, &wheres, &n) == 0)
                for (size_t i = 0; i < n; i++)
                        if (!keys[i] || !wheres[i] || !*keys[i])
                                __builtin_trap();
}

static void fuzz_kmsg(const uint8_t *data, size_t size) {
        KmsgScan k;

        /* Not NUL-terminated: the scanner must stay within size. */
        if (kmsg_scan_verity((const char *) data, size, &k) == 0) {
                if ((k.errors > 0) != (k.first_error != NULL) || k.errors > k.records)
                        __builtin_trap();
                free(k.first_error);
        }
}

static void fuzz_state(const uint8_t *data, size_t size) {
        _cleanup_diag_ Diag d = {};
        UpdateStateInfo s;
        int r = update_state_parse((const char *) data, size, &d, &s);

        if (r == 0 && (d.n != 0 || s.started < 0 || s.finished < 0 || strlen(s.result) >= sizeof(s.result)))
                __builtin_trap();
        if ((r == -EINVAL || r == -EFBIG) && d.n != 1)
                __builtin_trap();
}

static void fuzz_rule_data(const uint8_t *data, size_t size) {
        _cleanup_strv_free_ char **keys = NULL;
        size_t n = 0;

        (void) audit_rule_data_keys(data, size, &keys, &n);
        for (size_t i = 0; i < n; i++)
                if (!keys[i] || !*keys[i] || strchr(keys[i], '\001'))
                        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *text = NULL;
        uint64_t t;

        if (size < 1 || size > 256 * 1024)
                return 0;
        text = strndup((const char *) data + 1, size - 1);
        if (!text)
                return 0;
        switch (data[0] % 7) {
        case 0: fuzz_sudoers(text); break;
        case 1: fuzz_audit_log(text); break;
        case 2: fuzz_rules(text); break;
        case 3: fuzz_kmsg(data + 1, size - 1); break;
        case 4: fuzz_state(data + 1, size - 1); break;
        case 5: fuzz_rule_data(data + 1, size - 1); break;
        case 6: (void) proc_stat_btime(text, &t); break;
        }
        return 0;
}
