/* SPDX-License-Identifier: MIT */
/* Helpers the checks share: evidence text, paths below the context's root, offender lists. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hull/fileio.h"
#include "posture.h"

#define LINE_MAX_BYTES 4096U

int say(char **ret_evidence, int result, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(ret_evidence, fmt, ap) < 0)
                *ret_evidence = NULL;
        va_end(ap);
        return result;
}

int root_path(const CheckContext *ctx, const char *path, char **ret) {
        const char *root = ctx && ctx->root ? ctx->root : "/";
        size_t n = strlen(root);

        while (n > 0 && root[n - 1] == '/')
                n--;
        while (*path == '/')
                path++;
        if (asprintf(ret, "%.*s/%s", (int) n, root, path) < 0)
                return -ENOMEM;
        return 0;
}

int root_read(const CheckContext *ctx, const char *path, size_t max, char **ret, size_t *ret_size) {
        _cleanup_free_ char *p = NULL;
        int r;

        r = root_path(ctx, path, &p);
        if (r < 0)
                return r;
        return read_full_file(p, max, ret, ret_size);
}

int root_read_line(const CheckContext *ctx, const char *path, char **ret) {
        char *text = NULL;
        size_t n;
        int r;

        r = root_read(ctx, path, LINE_MAX_BYTES, &text, &n);
        if (r < 0)
                return r;
        text[strcspn(text, "\n")] = 0;
        n = strlen(text);
        while (n > 0 && strchr(" \t\r", text[n - 1]))
                text[--n] = 0;
        *ret = text;
        return 0;
}

void sanitize_line(char *s) {
        for (; s && *s; s++)
                if ((unsigned char) *s < 0x20 || (unsigned char) *s > 0x7e)
                        *s = '?';
}

int offenders_add(Offenders *o, const char *fmt, ...) {
        va_list ap;

        o->count++;
        if (o->count > (o->max ?: OFFENDERS_SHOWN))
                return 0;
        if (!o->f) {
                o->f = open_memstream(&o->text, &o->len);
                if (!o->f)
                        return -ENOMEM;
        }
        if (o->count > 1)
                fputs("; ", o->f);
        va_start(ap, fmt);
        vfprintf(o->f, fmt, ap);
        va_end(ap);
        return 0;
}

const char *offenders_text(Offenders *o) {
        if (o->f) {
                if (o->count > (o->max ?: OFFENDERS_SHOWN))
                        fprintf(o->f, " (+%zu more)", o->count - (o->max ?: OFFENDERS_SHOWN));
                fclose(o->f);
                o->f = NULL;
        }
        return o->text ?: "";
}

void offenders_done(Offenders *o) {
        if (o->f)
                fclose(o->f);
        o->f = NULL;
        free(o->text);
        o->text = NULL;
}

int strv_push(char ***l, size_t *n, const char *s) {
        _cleanup_free_ char *copy = strdup(s);
        char **m;

        if (!copy)
                return -ENOMEM;
        m = realloc(*l, (*n + 2) * sizeof(char *));
        if (!m)
                return -ENOMEM;
        m[(*n)++] = TAKE_PTR(copy);
        m[*n] = NULL;
        *l = m;
        return 0;
}

bool strv_contains(char *const *l, const char *s) {
        for (; l && *l; l++)
                if (strcmp(*l, s) == 0)
                        return true;
        return false;
}
