/* SPDX-License-Identifier: MIT */
/* Applies a validated Config to a tree. Every path is resolved with openat_in_root() (libhull)
 * below the root's fd, so a symlink in the tree (an absolute one too) can never lead a write
 * out of it, with --root as on the real system. Library code: errors are returned with a
 * description of the failed step, never logged here. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <selinux/label.h>
#include <selinux/selinux.h>

#include "apply.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "hull/process.h"
#include "unitfile.h"

#define UNIT_DIR "/etc/systemd/system"
#define DEFAULT_SHELL "/bin/bash" /* a user's login shell when the config names none */

typedef struct UnitPlan {
        char *path;           /* the unit file enablement links point to */
        UnitInstall install;
} UnitPlan;

typedef struct Ctx {
        const ApplyOptions *o;
        int rootfd;
        struct selabel_handle *label;
        char **what;
        UnitPlan *plans;      /* one per config unit */
        bool *file_skip;      /* files already present with the wanted contents */
} Ctx;

static int fail(Ctx *c, int r, const char *format, ...) _printf_(3, 4);
static int fail(Ctx *c, int r, const char *format, ...) {
        va_list ap;
        if (c->what && !*c->what) {
                va_start(ap, format);
                if (vasprintf(c->what, format, ap) < 0)
                        *c->what = NULL;
                va_end(ap);
        }
        return r;
}

static int open_in_root(Ctx *c, const char *path, int flags) {
        return openat_in_root(c->rootfd, path, flags);
}

/* Sets the SELinux context the next created node gets; a no-op unless labelling. */
static int label_begin(Ctx *c, const char *path, mode_t mode) {
        char *con = NULL;
        int r;

        if (!c->label)
                return 0;
        if (selabel_lookup(c->label, &con, path, mode) < 0)
                return errno == ENOENT ? setfscreatecon(NULL) : negative_errno();
        r = setfscreatecon(con) < 0 ? negative_errno() : 0;
        freecon(con);
        return r;
}

static void label_end(Ctx *c) {
        if (c->label)
                (void) setfscreatecon(NULL);
}

/* Opens the directory holding path, creating missing ones (0755, root, labelled). Returns the
 * fd; *ret_base points into path at the last component. */
static int open_parent(Ctx *c, const char *path, const char **ret_base) {
        _cleanup_free_ char *copy = strdup(path);
        _cleanup_close_ int dfd = -1;
        char *slash, *p;

        if (!copy)
                return -ENOMEM;
        slash = strrchr(copy, '/');
        *ret_base = path + (slash - copy) + 1;
        *slash = 0;
        dfd = open_in_root(c, "/", O_RDONLY | O_DIRECTORY);
        if (dfd < 0)
                return dfd;
        /* Walk "/a", "/a/b", ...: each prefix is resolved in the root, created if absent. */
        for (p = copy + 1; *copy && p; ) {
                char *next = strchr(p, '/');
                int fd;

                if (next)
                        *next = 0;
                fd = open_in_root(c, copy, O_RDONLY | O_DIRECTORY);
                if (fd == -ENOENT) {
                        int r = label_begin(c, copy, S_IFDIR);
                        if (r < 0)
                                return r;
                        r = mkdirat(dfd, p, 0755) < 0 && errno != EEXIST ? negative_errno() : 0;
                        label_end(c);
                        if (r < 0)
                                return r;
                        fd = open_in_root(c, copy, O_RDONLY | O_DIRECTORY);
                }
                if (fd < 0)
                        return fd;
                closep(&dfd);
                dfd = fd;
                if (next)
                        *next = '/';
                p = next ? next + 1 : NULL;
        }
        return TAKE_FD(dfd);
}

/* Atomic replace: a temporary file beside the target, written, owned, moded, synced, renamed.
 * uid/gid (uid_t) -1: owned by the caller, root at boot. */
static int write_node(Ctx *c, const char *path, const void *data, size_t size, mode_t mode, uid_t uid, gid_t gid) {
        _cleanup_close_ int dfd = -1;
        const char *base;
        int r;

        dfd = open_parent(c, path, &base);
        if (dfd < 0)
                return dfd;
        r = label_begin(c, path, S_IFREG);
        if (r < 0)
                return r;
        r = write_file_atomic_at(dfd, base, data, size, mode, uid, gid);
        label_end(c);
        return r;
}

/* Replaces whatever non-directory is at path with a symlink (created beside it, renamed). */
static int write_symlink(Ctx *c, const char *path, const char *target) {
        _cleanup_close_ int dfd = -1;
        char tmp[NAME_MAX + 1];
        const char *base;
        int r;

        dfd = open_parent(c, path, &base);
        if (dfd < 0)
                return dfd;
        r = tempname_beside(base, tmp);
        if (r < 0)
                return r;
        r = label_begin(c, path, S_IFLNK);
        if (r < 0)
                return r;
        r = symlinkat(target, dfd, tmp) < 0 ? negative_errno() : 0;
        label_end(c);
        if (r < 0)
                return r;
        if (renameat(dfd, tmp, dfd, base) < 0) {
                r = negative_errno();
                (void) unlinkat(dfd, tmp, 0);
                return r;
        }
        return 0;
}

/* lstat of path in the root: 0 and *st, -ENOENT if absent. */
static int stat_in_root(Ctx *c, const char *path, struct stat *st) {
        _cleanup_close_ int fd = open_in_root(c, path, O_PATH | O_NOFOLLOW);
        if (fd < 0)
                return fd;
        return fstat(fd, st) < 0 ? negative_errno() : 0;
}

static int read_in_root(Ctx *c, const char *path, size_t max, char **ret, size_t *ret_size) {
        _cleanup_close_ int fd = open_in_root(c, path, O_RDONLY | O_NOCTTY);
        if (fd < 0)
                return fd;
        return read_full_fd(fd, max, ret, ret_size);
}

/* ---- users ------------------------------------------------------------------------------ */

/* Users are made by the shadow tools (useradd/usermod, with --prefix under --root), not by
 * editing /etc/passwd here: they take the lock every other writer of those files honours
 * (lckpwdf), keep passwd/shadow/group/gshadow and subuid/subgid consistent, pick ids by
 * login.defs, create and label the home directory from /etc/skel, and report to the audit
 * log, so identity changes at first boot show up like any other. The cost is an exec per
 * step and, for passwordHash, the hash (never a password) in usermod's argv while it runs. */
static int run_tool(Ctx *c, char *const argv[]) {
        static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8", NULL };
        int r;

        if (!argv[0]) /* tool_path() found no such tool */
                return -ENOENT;
        r = spawn_wait(argv, &(SpawnOptions) {
                .stdin_fd = SPAWN_DEVNULL,
                .stdout_fd = STDERR_FILENO,
                .envp = envp,
        });
        if (r < 0) /* it could not be run */
                return r;
        /* The tool's own message is on stderr (the journal); the caller names the step. */
        return r == 0 ? 0 : -EPROTO;
}

static const char *tool_path(const char *name) {
        static const char *const dirs[] = { "/usr/sbin/", "/sbin/" };
        static char buf[64];
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                (void) snprintf(buf, sizeof(buf), "%s%s", dirs[i], name);
                if (access(buf, X_OK) == 0)
                        return buf;
        }
        return NULL;
}

typedef struct PasswdEntry {
        char *home;
        uid_t uid;
        gid_t gid;
} PasswdEntry;

/* Splits a line of /etc/passwd or /etc/shadow (cut at its end) at its colons into f[0..max):
 * the number of fields. */
static size_t db_fields(char *line, char **f, size_t max) {
        size_t n = 0;

        for (char *p = line; p && n < max; n++) {
                f[n] = p;
                p = strchr(p, ':');
                if (p)
                        *p++ = 0;
        }
        return n;
}

/* Finds name in the root's /etc/passwd (or /etc/group with want_group). 1 if found. */
static int db_lookup(Ctx *c, const char *file, const char *name, PasswdEntry *ret) {
        _cleanup_free_ char *text = NULL;
        size_t len = strlen(name);
        int r;

        r = read_in_root(c, file, 64U * 1024U * 1024U, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        for (char *line = text, *next; line; line = next) {
                char *f[7] = {};
                uint32_t uid, gid;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                if (strncmp(line, name, len) != 0 || line[len] != ':')
                        continue;
                if (!ret)
                        return 1;
                if (db_fields(line, f, 7) < 7 || safe_atou32(f[2], &uid) < 0 || safe_atou32(f[3], &gid) < 0 ||
                    f[5][0] != '/')
                        return -EBADMSG;
                ret->home = strdup(f[5]);
                if (!ret->home)
                        return -ENOMEM;
                ret->uid = uid;
                ret->gid = gid;
                return 1;
        }
        return 0;
}

static char *join_groups(const ConfigUser *u) {
        size_t len = 1;
        char *s;

        for (size_t i = 0; i < u->n_groups; i++)
                len += strlen(u->groups[i]) + 1;
        s = calloc(1, len);
        if (!s)
                return NULL;
        for (size_t i = 0; i < u->n_groups; i++) {
                if (i > 0)
                        strcat(s, ",");
                strcat(s, u->groups[i]);
        }
        return s;
}

static int apply_authorized_keys(Ctx *c, const ConfigUser *u, const PasswdEntry *pw) {
        _cleanup_free_ char *dir = NULL, *path = NULL, *old = NULL, *text = NULL;
        _cleanup_close_ int dfd = -1;
        size_t len = 0, cap;
        const char *base;
        int r;

        if (asprintf(&dir, "%s/.ssh", strcmp(pw->home, "/") == 0 ? "" : pw->home) < 0 ||
            asprintf(&path, "%s/authorized_keys", dir) < 0)
                return -ENOMEM;
        dfd = open_parent(c, dir, &base);
        if (dfd < 0)
                return fail(c, dfd, "create the parent of %s", dir);
        r = label_begin(c, dir, S_IFDIR);
        if (r < 0)
                return fail(c, r, "look up the SELinux label of %s", dir);
        r = mkdirat(dfd, base, 0700) < 0 && errno != EEXIST ? negative_errno() : 0;
        label_end(c);
        if (r < 0)
                return fail(c, r, "create %s", dir);
        if (fchownat(dfd, base, pw->uid, pw->gid, AT_SYMLINK_NOFOLLOW) < 0 ||
            fchmodat(dfd, base, 0700, 0) < 0)
                return fail(c, negative_errno(), "set the owner and mode of %s", dir);

        /* Keys already there stay; ours are added once. */
        r = read_in_root(c, path, 16U * 1024U * 1024U, &old, &len);
        if (r < 0 && r != -ENOENT)
                return fail(c, r, "read %s", path);
        cap = len + 2;
        for (size_t i = 0; i < u->n_ssh_keys; i++)
                cap += strlen(u->ssh_keys[i]) + 1;
        text = malloc(cap);
        if (!text)
                return -ENOMEM;
        memcpy(text, old ?: "", len);
        if (len > 0 && text[len - 1] != '\n')
                text[len++] = '\n';
        text[len] = 0;
        for (size_t i = 0; i < u->n_ssh_keys; i++) {
                const char *k = u->ssh_keys[i], *hit = text;
                size_t kl = strlen(k);
                bool present = false;
                while ((hit = strstr(hit, k))) {
                        if ((hit == text || hit[-1] == '\n') && (hit[kl] == '\n' || hit[kl] == 0))
                                present = true;
                        hit++;
                }
                if (present)
                        continue;
                memcpy(text + len, k, kl);
                len += kl;
                text[len++] = '\n';
                text[len] = 0;
        }
        r = write_node(c, path, text, len, 0600, pw->uid, pw->gid);
        if (r < 0)
                return fail(c, r, "write %s", path);
        return 0;
}

static int apply_user(Ctx *c, const ConfigUser *u) {
        _cleanup_free_ char *groups = join_groups(u);
        PasswdEntry pw = {};
        const char *prefix = strcmp(c->o->root, "/") == 0 ? NULL : c->o->root;
        char *argv[16];
        size_t n = 0;
        int r;

        if (!groups)
                return -ENOMEM;
        r = db_lookup(c, "/etc/passwd", u->name, NULL);
        if (r < 0)
                return fail(c, r, "read /etc/passwd");
        if (r == 0) {
                argv[n++] = (char *) tool_path("useradd");
                if (prefix)
                        argv[n++] = "--prefix", argv[n++] = (char *) prefix;
                argv[n++] = "--create-home";
                argv[n++] = "--user-group";
                argv[n++] = "--shell", argv[n++] = (char *) (u->shell ?: DEFAULT_SHELL);
                if (u->n_groups > 0)
                        argv[n++] = "--groups", argv[n++] = groups;
                if (u->password_hash)
                        argv[n++] = "--password", argv[n++] = u->password_hash;
                argv[n++] = u->name;
                argv[n] = NULL;
                r = run_tool(c, argv);
                if (r < 0)
                        return fail(c, r, "create user '%s' with useradd", u->name);
        } else {
                if (u->n_groups > 0 || u->shell) {
                        n = 0;
                        argv[n++] = (char *) tool_path("usermod");
                        if (prefix)
                                argv[n++] = "--prefix", argv[n++] = (char *) prefix;
                        if (u->n_groups > 0)
                                argv[n++] = "--append", argv[n++] = "--groups", argv[n++] = groups;
                        if (u->shell)
                                argv[n++] = "--shell", argv[n++] = u->shell;
                        argv[n++] = u->name;
                        argv[n] = NULL;
                        r = run_tool(c, argv);
                        if (r < 0)
                                return fail(c, r, "set the groups or shell of user '%s' with usermod", u->name);
                }
                if (u->password_hash) {
                        n = 0;
                        argv[n++] = (char *) tool_path("usermod");
                        if (prefix)
                                argv[n++] = "--prefix", argv[n++] = (char *) prefix;
                        argv[n++] = "--password", argv[n++] = u->password_hash;
                        argv[n++] = u->name;
                        argv[n] = NULL;
                        r = run_tool(c, argv);
                        if (r < 0)
                                return fail(c, r, "set the password hash of '%s' with usermod", u->name);
                }
        }
        if (u->n_ssh_keys == 0)
                return 0;
        r = db_lookup(c, "/etc/passwd", u->name, &pw);
        if (r <= 0)
                return fail(c, r < 0 ? r : -ENOENT, "find user '%s' in /etc/passwd", u->name);
        r = apply_authorized_keys(c, u, &pw);
        free(pw.home);
        return r;
}

/* ---- checks before writing ---------------------------------------------------------------- */

static int find_unit(Ctx *c, const ConfigUnit *u, char **ret_path, char **ret_text) {
        static const char *const dirs[] = { UNIT_DIR, "/usr/lib/systemd/system", "/lib/systemd/system" };
        _cleanup_free_ char *template = NULL;
        const char *names[2] = { u->name, NULL };
        int r;

        r = unit_name_template(u->name, &template);
        if (r < 0)
                return r;
        names[1] = template;
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++)
                for (size_t j = 0; j < 2 && names[j]; j++) {
                        _cleanup_free_ char *p = NULL;
                        char *text = NULL;
                        if (asprintf(&p, "%s/%s", dirs[i], names[j]) < 0)
                                return -ENOMEM;
                        r = read_in_root(c, p, 1024U * 1024U, &text, NULL);
                        if (r == -ENOENT)
                                continue;
                        if (r < 0)
                                return fail(c, r, "read %s", p);
                        *ret_path = TAKE_PTR(p);
                        *ret_text = text;
                        return 1;
                }
        return 0;
}

static int check_unit(Ctx *c, const ConfigUnit *u, UnitPlan *plan) {
        _cleanup_free_ char *text = NULL;
        const char *key = NULL;
        struct stat st;
        int r;

        if (u->enabled < 0)
                return 0;
        if (u->contents) {
                if (asprintf(&plan->path, UNIT_DIR "/%s", u->name) < 0)
                        return -ENOMEM;
                text = strdup(u->contents);
                if (!text)
                        return -ENOMEM;
        } else {
                r = find_unit(c, u, &plan->path, &text);
                if (r < 0)
                        return r;
                if (r == 0) {
                        if (u->enabled == 0)
                                return 0; /* nothing to disable */
                        return fail(c, -ENOENT, "enable unit '%s': no such unit in the image or the config", u->name);
                }
                if (stat_in_root(c, plan->path, &st) == 0 && S_ISLNK(st.st_mode)) {
                        _cleanup_close_ int fd = open_in_root(c, plan->path, O_PATH);
                        struct stat t;
                        if (fd >= 0 && fstat(fd, &t) == 0 && S_ISCHR(t.st_mode))
                                return fail(c, -EPERM, "enable unit '%s': it is masked", u->name);
                }
        }
        r = unit_install_parse(text, &plan->install, &key);
        if (r == -EOPNOTSUPP)
                return fail(c, r, "enable unit '%s': [Install] %s= is not supported", u->name, key);
        if (r < 0)
                return fail(c, r, "enable unit '%s': invalid [Install] section (%s)", u->name, key ?: "?");
        if (r == 0 && u->enabled == 1)
                return fail(c, -ENOEXEC, "enable unit '%s': it has no [Install] section to enable it by", u->name);
        return 0;
}

static int check_groups(Ctx *c, const ConfigUser *u) {
        for (size_t i = 0; i < u->n_groups; i++) {
                int r = db_lookup(c, "/etc/group", u->groups[i], NULL);
                if (r < 0)
                        return fail(c, r, "read /etc/group");
                if (r == 0)
                        return fail(c, -ENOENT, "add user '%s' to group '%s': no such group", u->name, u->groups[i]);
        }
        return 0;
}

static bool same_contents(Ctx *c, const ConfigFile *f, const struct stat *st) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;

        if (!S_ISREG(st->st_mode) || (st->st_mode & 07777) != f->mode || (size_t) st->st_size != f->size)
                return false;
        if (read_in_root(c, f->path, f->size, &text, &size) < 0)
                return false;
        return size == f->size && memcmp(text, f->data ?: (uint8_t *) "", size) == 0;
}

static int preflight(Ctx *c, const Config *cfg) {
        struct stat st;
        int r;

        if (cfg->n_users > 0 && (!tool_path("useradd") || !tool_path("usermod")))
                return fail(c, -ENOENT, "find useradd and usermod (package passwd)");
        for (size_t i = 0; i < cfg->n_users; i++) {
                r = check_groups(c, &cfg->users[i]);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < cfg->n_directories; i++) {
                r = stat_in_root(c, cfg->directories[i].path, &st);
                if (r < 0 && r != -ENOENT)
                        return fail(c, r, "check %s", cfg->directories[i].path);
                if (r == 0 && !S_ISDIR(st.st_mode))
                        return fail(c, -EEXIST, "create directory %s: something else is there", cfg->directories[i].path);
        }
        for (size_t i = 0; i < cfg->n_files; i++) {
                const ConfigFile *f = &cfg->files[i];
                r = stat_in_root(c, f->path, &st);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return fail(c, r, "check %s", f->path);
                if (S_ISDIR(st.st_mode))
                        return fail(c, -EISDIR, "write file %s: a directory is there", f->path);
                if (!f->has_contents && S_ISREG(st.st_mode))
                        continue; /* kept; only its mode is set */
                if (same_contents(c, f, &st)) {
                        c->file_skip[i] = true; /* an earlier, interrupted run wrote it */
                        continue;
                }
                if (!f->overwrite)
                        return fail(c, -EEXIST, "write file %s: it exists and overwrite is false", f->path);
        }
        for (size_t i = 0; i < cfg->n_links; i++) {
                const ConfigLink *l = &cfg->links[i];
                bool target_in_config = false;

                r = stat_in_root(c, l->path, &st);
                if (r < 0 && r != -ENOENT)
                        return fail(c, r, "check %s", l->path);
                if (r == 0 && S_ISDIR(st.st_mode))
                        return fail(c, -EISDIR, "create link %s: a directory is there", l->path);
                if (r == 0 && !l->overwrite) {
                        bool same = false;
                        if (!l->hard && S_ISLNK(st.st_mode)) {
                                char buf[PATH_MAX];
                                _cleanup_close_ int dfd = -1;
                                const char *base = NULL;
                                ssize_t k;
                                /* readlinkat needs the parent; it exists since the link does. */
                                dfd = open_parent(c, l->path, &base);
                                k = dfd >= 0 ? readlinkat(dfd, base, buf, sizeof(buf) - 1) : -1;
                                same = k >= 0 && (size_t) k == strlen(l->target) && memcmp(buf, l->target, (size_t) k) == 0;
                        } else if (l->hard) {
                                struct stat t;
                                same = stat_in_root(c, l->target, &t) == 0 && t.st_ino == st.st_ino && t.st_dev == st.st_dev;
                        }
                        if (!same)
                                return fail(c, -EEXIST, "create link %s: something else is there and overwrite is false", l->path);
                }
                if (!l->hard)
                        continue;
                for (size_t j = 0; j < cfg->n_files; j++)
                        if (strcmp(cfg->files[j].path, l->target) == 0)
                                target_in_config = true;
                if (!target_in_config && stat_in_root(c, l->target, &st) < 0)
                        return fail(c, -ENOENT, "create hard link %s: target %s does not exist", l->path, l->target);
        }
        for (size_t i = 0; i < cfg->n_units; i++) {
                r = check_unit(c, &cfg->units[i], &c->plans[i]);
                if (r < 0)
                        return fail(c, r, "check unit '%s'", cfg->units[i].name);
        }
        return 0;
}

/* ---- writing ---------------------------------------------------------------------------- */

static int apply_directory(Ctx *c, const ConfigDirectory *d) {
        _cleanup_close_ int dfd = -1;
        const char *base;
        int r;

        dfd = open_parent(c, d->path, &base);
        if (dfd < 0)
                return fail(c, dfd, "create the parents of %s", d->path);
        r = label_begin(c, d->path, S_IFDIR);
        if (r < 0)
                return fail(c, r, "look up the SELinux label of %s", d->path);
        r = mkdirat(dfd, base, d->mode) < 0 && errno != EEXIST ? negative_errno() : 0;
        label_end(c);
        if (r < 0)
                return fail(c, r, "create directory %s", d->path);
        if (fchmodat(dfd, base, d->mode, 0) < 0)
                return fail(c, negative_errno(), "set the mode of %s", d->path);
        return 0;
}

static int apply_file(Ctx *c, const ConfigFile *f) {
        struct stat st;
        int r;

        if (!f->has_contents && stat_in_root(c, f->path, &st) == 0 && S_ISREG(st.st_mode)) {
                _cleanup_close_ int dfd = -1;
                const char *base;
                dfd = open_parent(c, f->path, &base);
                if (dfd < 0 || fchmodat(dfd, base, f->mode, 0) < 0)
                        return fail(c, dfd < 0 ? dfd : negative_errno(), "set the mode of %s", f->path);
                return 0;
        }
        r = write_node(c, f->path, f->data ?: (uint8_t *) "", f->size, f->mode, (uid_t) -1, (gid_t) -1);
        if (r < 0)
                return fail(c, r, "write %s", f->path);
        return 0;
}

static int apply_link(Ctx *c, const ConfigLink *l) {
        _cleanup_close_ int dfd = -1, tfd = -1;
        const char *base;
        int r;

        if (!l->hard) {
                r = write_symlink(c, l->path, l->target);
                return r < 0 ? fail(c, r, "create symlink %s", l->path) : 0;
        }
        dfd = open_parent(c, l->path, &base);
        if (dfd < 0)
                return fail(c, dfd, "create the parents of %s", l->path);
        tfd = open_in_root(c, l->target, O_PATH | O_NOFOLLOW);
        if (tfd < 0)
                return fail(c, tfd, "open hard link target %s", l->target);
        if (unlinkat(dfd, base, 0) < 0 && errno != ENOENT)
                return fail(c, negative_errno(), "replace %s", l->path);
        if (linkat(tfd, "", dfd, base, AT_EMPTY_PATH) < 0)
                return fail(c, negative_errno(), "create hard link %s", l->path);
        return 0;
}

static int unit_link_path(const char *target, const char *kind, const char *name, char **ret) {
        return asprintf(ret, UNIT_DIR "/%s%s/%s", target, kind, name) < 0 ? -ENOMEM : 0;
}

static int apply_unit(Ctx *c, const ConfigUnit *u, const UnitPlan *plan) {
        _cleanup_free_ char *path = NULL;
        int r;

        if (asprintf(&path, UNIT_DIR "/%s", u->name) < 0)
                return -ENOMEM;
        if (u->mask) {
                r = write_symlink(c, path, "/dev/null");
                return r < 0 ? fail(c, r, "mask %s", u->name) : 0;
        }
        if (u->contents) {
                r = write_node(c, path, u->contents, strlen(u->contents), 0644, (uid_t) -1, (gid_t) -1);
                if (r < 0)
                        return fail(c, r, "write %s", path);
        }
        for (size_t i = 0; i < u->n_dropins; i++) {
                _cleanup_free_ char *dp = NULL;
                if (asprintf(&dp, UNIT_DIR "/%s.d/%s", u->name, u->dropins[i].name) < 0)
                        return -ENOMEM;
                r = write_node(c, dp, u->dropins[i].contents, strlen(u->dropins[i].contents), 0644, (uid_t) -1, (gid_t) -1);
                if (r < 0)
                        return fail(c, r, "write %s", dp);
        }
        if (u->enabled < 0 || !plan->path)
                return 0;

        /* What "systemctl enable" does for WantedBy=, RequiredBy= and Alias=, done here so it
         * works the same offline (--root), before D-Bus, and without a reload in between. */
        {
                const struct { char **v; size_t n; const char *kind; } lists[] = {
                        { plan->install.wanted_by, plan->install.n_wanted_by, ".wants" },
                        { plan->install.required_by, plan->install.n_required_by, ".requires" },
                };
                for (size_t l = 0; l < ELEMENTSOF(lists); l++)
                        for (size_t i = 0; i < lists[l].n; i++) {
                                _cleanup_free_ char *lp = NULL;
                                r = unit_link_path(lists[l].v[i], lists[l].kind, u->name, &lp);
                                if (r < 0)
                                        return r;
                                if (u->enabled == 1)
                                        r = write_symlink(c, lp, plan->path);
                                else {
                                        _cleanup_close_ int dfd = open_in_root(c, UNIT_DIR, O_RDONLY | O_DIRECTORY);
                                        const char *rel = lp + strlen(UNIT_DIR) + 1;
                                        r = dfd < 0 ? dfd : unlinkat(dfd, rel, 0) < 0 && errno != ENOENT ? negative_errno() : 0;
                                        if (r == -ENOTDIR || r == -ENOENT)
                                                r = 0;
                                }
                                if (r < 0)
                                        return fail(c, r, "%s %s", u->enabled == 1 ? "create" : "remove", lp);
                        }
                for (size_t i = 0; i < plan->install.n_alias; i++) {
                        _cleanup_free_ char *ap = NULL;
                        if (asprintf(&ap, UNIT_DIR "/%s", plan->install.alias[i]) < 0)
                                return -ENOMEM;
                        if (u->enabled == 1)
                                r = write_symlink(c, ap, plan->path);
                        else {
                                _cleanup_close_ int dfd = open_in_root(c, UNIT_DIR, O_RDONLY | O_DIRECTORY);
                                struct stat st;
                                r = 0;
                                if (dfd >= 0 && fstatat(dfd, plan->install.alias[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                                    S_ISLNK(st.st_mode) && unlinkat(dfd, plan->install.alias[i], 0) < 0)
                                        r = negative_errno();
                        }
                        if (r < 0)
                                return fail(c, r, "%s alias %s", u->enabled == 1 ? "create" : "remove", ap);
                }
        }
        return 0;
}

/* New and changed units become known to the running manager by a reload. Their start jobs
 * are then queued by starting default.target again: that builds a new transaction from the
 * reloaded Wants=/Requires=, which now include the units enabled here; jobs already queued
 * for the boot merge with it. We run before sysinit.target, so none of them has run yet. */
static int reload_systemd(Ctx *c, const Config *cfg) {
        char *reload[] = { "/usr/bin/systemctl", "daemon-reload", NULL };
        char *start[] = { "/usr/bin/systemctl", "start", "--no-block", "default.target", NULL };
        bool any_enabled = false;
        int r;

        if (!c->o->live || cfg->n_units == 0 || access("/run/systemd/system", F_OK) < 0)
                return 0;
        r = run_tool(c, reload);
        if (r < 0)
                return fail(c, r, "reload systemd (systemctl daemon-reload)");
        for (size_t i = 0; i < cfg->n_units; i++)
                if (cfg->units[i].enabled == 1)
                        any_enabled = true;
        if (!any_enabled)
                return 0;
        r = run_tool(c, start);
        return r < 0 ? fail(c, r, "queue the newly enabled units (systemctl start --no-block default.target)") : 0;
}

static int ctx_open(Ctx *c, const ApplyOptions *o, char **ret_what) {
        *c = (Ctx) { .o = o, .rootfd = -1, .what = ret_what };
        if (ret_what)
                *ret_what = NULL;
        c->rootfd = open(o->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (c->rootfd < 0)
                return fail(c, negative_errno(), "open the root directory %s", o->root);
        if (o->selinux) {
                c->label = selabel_open(SELABEL_CTX_FILE, NULL, 0);
                if (!c->label)
                        return fail(c, negative_errno(), "load the SELinux file contexts");
        }
        return 0;
}

static void ctx_done(Ctx *c, size_t n_units) {
        if (c->plans)
                for (size_t i = 0; i < n_units; i++) {
                        free(c->plans[i].path);
                        unit_install_done(&c->plans[i].install);
                }
        free(c->plans);
        free(c->file_skip);
        if (c->label)
                selabel_close(c->label);
        closep(&c->rootfd);
}

static int write_marker(Ctx *c) {
        _cleanup_free_ char *text = NULL;
        int r;

        if (asprintf(&text, "Provisioned by hull-firstboot from %s.\n", c->o->source ?: "no config") < 0)
                return -ENOMEM;
        r = write_node(c, FIRSTBOOT_MARKER, text, strlen(text), 0644, (uid_t) -1, (gid_t) -1);
        return r < 0 ? fail(c, r, "write the marker %s", FIRSTBOOT_MARKER) : 0;
}

/* An account with a password hash in /etc/shadow, or with a key in the authorized_keys of its
 * home in /etc/passwd. */
static bool anyone_can_log_in(Ctx *c) {
        _cleanup_free_ char *shadow = NULL, *passwd = NULL;

        if (read_in_root(c, "/etc/shadow", 64U * 1024U * 1024U, &shadow, NULL) >= 0)
                for (char *line = shadow, *next; line; line = next) {
                        char *f[2] = {};
                        next = strchr(line, '\n');
                        if (next)
                                *next++ = 0;
                        if (db_fields(line, f, 2) == 2 && f[1][0] == '$')
                                return true;
                }
        if (read_in_root(c, "/etc/passwd", 64U * 1024U * 1024U, &passwd, NULL) < 0)
                return false;
        for (char *line = passwd, *next; line; line = next) {
                _cleanup_free_ char *path = NULL, *keys = NULL;
                char *f[7] = {};

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                if (db_fields(line, f, 7) < 7 || f[5][0] != '/')
                        continue;
                if (asprintf(&path, "%s/.ssh/authorized_keys", strcmp(f[5], "/") == 0 ? "" : f[5]) < 0)
                        return true; /* no memory: say nothing rather than something wrong */
                if (read_in_root(c, path, 16U * 1024U * 1024U, &keys, NULL) < 0)
                        continue;
                for (char *k = keys, *knext; k; k = knext) {
                        knext = strchr(k, '\n');
                        if (knext)
                                *knext++ = 0;
                        if (k[0] != 0 && k[0] != '#')
                                return true;
                }
        }
        return false;
}

int apply_anyone_can_log_in(const ApplyOptions *o) {
        ApplyOptions ro = *o;
        Ctx c;
        int r;

        ro.selinux = false; /* reads only: no labels to look up */
        r = ctx_open(&c, &ro, NULL);
        if (r >= 0)
                r = anyone_can_log_in(&c);
        ctx_done(&c, 0);
        return r;
}

int apply_write_marker(const ApplyOptions *o, char **ret_what) {
        Ctx c;
        int r = ctx_open(&c, o, ret_what);
        if (r >= 0)
                r = write_marker(&c);
        ctx_done(&c, 0);
        return r;
}

int apply_config(const Config *cfg, const ApplyOptions *o, char **ret_what) {
        Ctx c;
        int r;

        r = ctx_open(&c, o, ret_what);
        if (r < 0)
                goto finish;
        c.plans = calloc(cfg->n_units + 1, sizeof(UnitPlan));
        c.file_skip = calloc(cfg->n_files + 1, sizeof(bool));
        if (!c.plans || !c.file_skip) {
                r = -ENOMEM;
                goto finish;
        }
        r = preflight(&c, cfg);
        if (r < 0)
                goto finish;
        /* Users first, so their home directories exist (and are theirs) before files land there. */
        for (size_t i = 0; i < cfg->n_users && r >= 0; i++)
                r = apply_user(&c, &cfg->users[i]);
        for (size_t i = 0; i < cfg->n_directories && r >= 0; i++)
                r = apply_directory(&c, &cfg->directories[i]);
        for (size_t i = 0; i < cfg->n_files && r >= 0; i++)
                if (!c.file_skip[i])
                        r = apply_file(&c, &cfg->files[i]);
        for (size_t i = 0; i < cfg->n_links && r >= 0; i++)
                r = apply_link(&c, &cfg->links[i]);
        for (size_t i = 0; i < cfg->n_units && r >= 0; i++)
                r = apply_unit(&c, &cfg->units[i], &c.plans[i]);
        if (r >= 0)
                r = reload_systemd(&c, cfg);
        if (r >= 0)
                r = write_marker(&c);
finish:
        ctx_done(&c, cfg->n_units);
        return r;
}
