/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hull/log.h"

static int max_level = LOG_LEVEL_INFO;

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

static int stderr_is_journal(void) {
        static int cached = -1;
        const char *e;
        struct stat st;
        unsigned long long dev, ino;

        if (cached >= 0)
                return cached;
        cached = 0;
        e = secure_getenv("JOURNAL_STREAM");
        if (e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0)
                cached = (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
        return cached;
}

int log_internal(int level, int error, const char *format, ...) {
        int saved = errno;
        char fmt[1024];
        const char *p;
        size_t n = 0;
        va_list ap;

        if (error < 0)
                error = -error;
        if (level > max_level)
                return -error;

        /* Expand %m ourselves so it names the error we were given, not whatever errno is. */
        for (p = format; *p && n < sizeof(fmt) - 1; p++) {
                if (p[0] == '%' && p[1] == '%') {
                        if (n + 2 >= sizeof(fmt))
                                break;
                        fmt[n++] = '%';
                        fmt[n++] = '%';
                        p++;
                } else if (p[0] == '%' && p[1] == 'm') {
                        const char *s = strerror(error ? error : saved);
                        for (; *s && n < sizeof(fmt) - 1; s++) {
                                if (*s == '%')
                                        continue;
                                fmt[n++] = *s;
                        }
                        p++;
                } else
                        fmt[n++] = *p;
        }
        fmt[n] = 0;

        if (stderr_is_journal())
                fprintf(stderr, "<%d>", level);
        else
                fprintf(stderr, "%s: ", program_invocation_short_name);
        va_start(ap, format);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        vfprintf(stderr, fmt, ap);
#pragma GCC diagnostic pop
        va_end(ap);
        fputc('\n', stderr);
        errno = saved;
        return -error;
}
