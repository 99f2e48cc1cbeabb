/* SPDX-License-Identifier: MIT */
/* The parts of hull-health that only read text and directories: no bus, no /usr. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "health.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"

int audit_status_enabled(const char *text, uint32_t *ret_enabled) {
        for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
                size_t n = strcspn(p, "\n");
                char num[16];

                if (n < STRLEN("enabled ") || strncmp(p, "enabled ", STRLEN("enabled ")) != 0)
                        continue;
                n -= STRLEN("enabled ");
                if (n == 0 || n >= sizeof(num))
                        return -EBADMSG;
                memcpy(num, p + STRLEN("enabled "), n);
                num[n] = '\0';
                if (safe_atou32(num, ret_enabled) < 0)
                        return -EBADMSG;
                return 0;
        }
        return -ENOMSG;
}

int ping_reply_check(const void *data, size_t size, unsigned *ret_status) {
        const char *s = data, *end, *body;
        unsigned status = 0;

        /* "HTTP/1.0 200 OK\r\n" or "HTTP/1.1 200 OK\r\n": version, status, reason. */
        if (size < STRLEN("HTTP/1.x 200\r\n") || memcmp(s, "HTTP/1.", STRLEN("HTTP/1.")) != 0 ||
            (s[7] != '0' && s[7] != '1') || s[8] != ' ')
                return -EBADMSG;
        for (size_t i = 9; i < 12; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EBADMSG;
                status = status * 10 + (unsigned) (s[i] - '0');
        }
        if (s[12] != ' ' && s[12] != '\r')
                return -EBADMSG;
        if (ret_status)
                *ret_status = status;

        end = memmem(s, size, "\r\n\r\n", 4);
        if (!end)
                return -EBADMSG;
        if (status != 200)
                return -EPROTO;
        body = end + 4;
        if ((size_t) (s + size - body) != 2 || memcmp(body, "OK", 2) != 0)
                return -ENODATA;
        return 0;
}

static int read_sysfs_line(const char *path, char **ret) {
        char *s;
        size_t n;
        int r;

        r = read_full_file(path, 4096, &s, &n);
        if (r < 0)
                return r;
        if (n > 0 && s[n - 1] == '\n')
                s[--n] = '\0';
        if (strlen(s) != n) { /* embedded NUL */
                free(s);
                return -EBADMSG;
        }
        *ret = s;
        return 0;
}

int dm_read_identity(const char *sysfs, dev_t dev, char **ret_name, char **ret_uuid) {
        _cleanup_free_ char *dir = NULL, *p = NULL, *name = NULL, *uuid = NULL;
        struct stat st;
        int r;

        if (asprintf(&dir, "%s/dev/block/%u:%u", sysfs, major(dev), minor(dev)) < 0)
                return -ENOMEM;
        if (stat(dir, &st) < 0)
                return errno == ENOENT ? -ENOENT : negative_errno();
        if (asprintf(&p, "%s/dm/name", dir) < 0)
                return -ENOMEM;
        r = read_sysfs_line(p, &name);
        if (r == -ENOENT)
                return -ENOTBLK;
        if (r < 0)
                return r;
        free(p);
        if (asprintf(&p, "%s/dm/uuid", dir) < 0) {
                p = NULL;
                return -ENOMEM;
        }
        r = read_sysfs_line(p, &uuid);
        if (r < 0)
                return r;
        *ret_name = TAKE_PTR(name);
        *ret_uuid = TAKE_PTR(uuid);
        return 0;
}

int dm_verity_usr_check(const char *name, const char *uuid) {
        if (strcmp(name, "usr") != 0)
                return -EXDEV;
        /* veritysetup (libcryptsetup) names its devices CRYPT-VERITY-<uuid>-<name>. */
        if (strncmp(uuid, "CRYPT-VERITY-", STRLEN("CRYPT-VERITY-")) != 0 || !uuid[STRLEN("CRYPT-VERITY-")])
                return -EMEDIUMTYPE;
        return 0;
}

typedef struct Entry {
        char *name;
        char *path; /* NULL: masked, or not an executable */
} Entry;

static int entry_cmp(const void *a, const void *b) {
        return strcmp(((const Entry *) a)->name, ((const Entry *) b)->name);
}

static bool is_masked(int dfd, const char *name, const struct stat *st) {
        char target[16];
        ssize_t n;

        if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3))
                return true;
        n = readlinkat(dfd, name, target, sizeof(target) - 1);
        if (n < 0)
                return false;
        target[n] = '\0';
        return strcmp(target, "/dev/null") == 0;
}

/* The names seen so far, the first dir's winning. */
typedef struct Entries {
        Entry *v;
        size_t n;
} Entries;

static void entries_done(Entries *es) {
        for (size_t i = 0; i < es->n; i++) {
                free(es->v[i].name);
                free(es->v[i].path);
        }
        free(es->v);
}

static bool entries_has(const Entries *es, const char *name) {
        for (size_t i = 0; i < es->n; i++)
                if (strcmp(es->v[i].name, name) == 0)
                        return true;
        return false;
}

/* Takes name: returns its new entry (no path yet), or NULL with *ret_error. */
static Entry *entries_add(Entries *es, const char *name, int *ret_error) {
        Entry *ne;

        if (es->n >= DROPINS_MAX) {
                *ret_error = -E2BIG;
                return NULL;
        }
        ne = realloc(es->v, (es->n + 1) * sizeof(Entry));
        if (!ne) {
                *ret_error = -ENOMEM;
                return NULL;
        }
        es->v = ne;
        ne[es->n] = (Entry) { .name = strdup(name) };
        if (!ne[es->n].name) {
                *ret_error = -ENOMEM;
                return NULL;
        }
        return &ne[es->n++];
}

/* The names in one dir not taken by an earlier one; a missing dir has none. */
static int collect_dir(Entries *es, const char *path) {
        _cleanup_closedir_ DIR *dir = opendir(path); /* O_CLOEXEC in glibc */
        struct dirent *de;

        if (!dir)
                return errno == ENOENT ? 0 : negative_errno();
        while ((de = readdir(dir))) {
                struct stat st;
                Entry *e;
                int r;

                if (de->d_name[0] == '.' || entries_has(es, de->d_name))
                        continue;
                /* The name is taken from here on: masked, broken or not, lower dirs cannot
                 * bring it back. */
                e = entries_add(es, de->d_name, &r);
                if (!e)
                        return r;
                if (fstatat(dirfd(dir), de->d_name, &st, 0) < 0)
                        continue; /* dangling symlink */
                if (is_masked(dirfd(dir), de->d_name, &st))
                        continue;
                if (!S_ISREG(st.st_mode) || faccessat(dirfd(dir), de->d_name, X_OK, AT_EACCESS) < 0)
                        continue;
                if (asprintf(&e->path, "%s/%s", path, de->d_name) < 0) {
                        e->path = NULL;
                        return -ENOMEM;
                }
        }
        return 0;
}

int dropins_collect(const char *const *dirs, size_t n_dirs, char ***ret) {
        _cleanup_(entries_done) Entries es = {};
        char **l;
        size_t k = 0;
        int r;

        for (size_t d = 0; d < n_dirs; d++) {
                r = collect_dir(&es, dirs[d]);
                if (r < 0)
                        return r;
        }
        if (es.n > 0)
                qsort(es.v, es.n, sizeof(Entry), entry_cmp);
        l = calloc(es.n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < es.n; i++)
                if (es.v[i].path)
                        l[k++] = TAKE_PTR(es.v[i].path);
        *ret = l;
        return (int) k;
}

int first_line(const char *text, size_t max, char **ret) {
        size_t n = 0;
        char *s;

        while (text && n < max && text[n] && text[n] != '\n')
                n++;
        s = strndup(text ? text : "", n);
        if (!s)
                return -ENOMEM;
        for (char *p = s; *p; p++)
                if ((unsigned char) *p < ' ' || *p == 0x7f)
                        *p = '?';
        *ret = s;
        return 0;
}

void json_write_string(FILE *f, const char *s) {
        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p == '"' || *p == '\\')
                        fprintf(f, "\\%c", *p);
                else if (*p < 0x20 || *p == 0x7f)
                        fprintf(f, "\\u%04x", *p);
                else
                        fputc(*p, f);
        }
        fputc('"', f);
}
