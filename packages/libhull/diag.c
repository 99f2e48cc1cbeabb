/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hull/diag.h"

void diag_add(Diag *d, bool error, const char *path, const char *format, ...) {
        _cleanup_free_ char *reason = NULL;
        char *msg = NULL, **m;
        bool *e;
        va_list ap;
        int r;

        if (!d)
                return;
        if (error)
                d->n_errors++;
        if (d->n >= (d->max > 0 ? d->max : DIAG_MAX)) {
                d->n_dropped++;
                return;
        }
        va_start(ap, format);
        r = vasprintf(&reason, format, ap);
        va_end(ap);
        if (r < 0) {
                reason = NULL;
                goto oom;
        }
        if (asprintf(&msg, "%s%s%s%s", path ? path : "", path ? ": " : "", error ? "" : "warning: ", reason) < 0) {
                msg = NULL;
                goto oom;
        }
        m = realloc(d->msgs, (d->n + 1) * sizeof(char *));
        if (!m)
                goto oom;
        d->msgs = m;
        e = realloc(d->is_error, (d->n + 1) * sizeof(bool));
        if (!e)
                goto oom;
        d->is_error = e;
        d->msgs[d->n] = msg;
        d->is_error[d->n] = error;
        d->n++;
        return;
oom:
        free(msg);
        d->oom = true;
        d->n_dropped++;
}

void diag_clear(Diag *d) {
        for (size_t i = 0; i < d->n; i++)
                free(d->msgs[i]);
        free(d->msgs);
        free(d->is_error);
        *d = (Diag) { .max = d->max };
}

void diag_print(const Diag *d, const char *file) {
        for (size_t i = 0; i < d->n; i++)
                fprintf(stderr, "%s: %s\n", file, d->msgs[i]);
        if (d->n_dropped > 0)
                fprintf(stderr, "%s: %zu more problem(s) not shown\n", file, d->n_dropped);
}
