/* SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"
#include "esp.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "hull/process.h"

int uki_name_parse(const char *name, char ret_version[MANIFEST_VERSION_MAX + 1], int *ret_left, int *ret_done) {
        char buf[256], *plus, *dash;
        size_t n = strlen(name);
        int left = -1, done = -1;
        uint32_t u;

        if (strncmp(name, UKI_PREFIX, STRLEN(UKI_PREFIX)) != 0 || n < STRLEN(UKI_PREFIX) + 5 || n >= sizeof(buf) ||
            strcmp(name + n - 4, ".efi") != 0)
                return -EINVAL;
        memcpy(buf, name + STRLEN(UKI_PREFIX), n - STRLEN(UKI_PREFIX) - 4);
        buf[n - STRLEN(UKI_PREFIX) - 4] = 0;
        plus = strrchr(buf, '+');
        if (plus) {
                *plus++ = 0;
                dash = strchr(plus, '-');
                if (dash) {
                        *dash++ = 0;
                        if (safe_atou32(dash, &u) < 0 || u > 1000)
                                return -EINVAL;
                        done = (int) u;
                }
                if (safe_atou32(plus, &u) < 0 || u > 1000)
                        return -EINVAL;
                left = (int) u;
        }
        if (!version_is_valid(buf))
                return -EINVAL;
        strcpy(ret_version, buf);
        *ret_left = left;
        *ret_done = done;
        return 0;
}

static uint32_t le32(const uint8_t *p) {
        return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}

static int pread_full(int fd, void *buf, size_t n, uint64_t off) {
        ssize_t k = pread(fd, buf, n, (off_t) off);
        if (k < 0)
                return -errno;
        return (size_t) k == n ? 0 : -EBADMSG;
}

int pe_read_cmdline(int fd, char **ret) {
        uint8_t dos[64], coff[24], sec[40];
        uint32_t pe, nsec, optsize;
        uint64_t table;
        int r;

        r = pread_full(fd, dos, sizeof(dos), 0);
        if (r < 0)
                return r;
        if (dos[0] != 'M' || dos[1] != 'Z')
                return -EBADMSG;
        pe = le32(dos + 0x3c);
        if (pe > 1 << 20)
                return -EBADMSG;
        r = pread_full(fd, coff, sizeof(coff), pe);
        if (r < 0)
                return r;
        if (memcmp(coff, "PE\0\0", 4) != 0)
                return -EBADMSG;
        nsec = (uint32_t) (coff[6] | coff[7] << 8);
        optsize = (uint32_t) (coff[20] | coff[21] << 8);
        if (nsec > 96)
                return -EBADMSG;
        table = (uint64_t) pe + 24 + optsize;
        for (uint32_t i = 0; i < nsec; i++) {
                r = pread_full(fd, sec, sizeof(sec), table + 40 * (uint64_t) i);
                if (r < 0)
                        return r;
                if (memcmp(sec, ".cmdline", 8) == 0) {
                        uint32_t vsize = le32(sec + 8), rsize = le32(sec + 16), off = le32(sec + 20);
                        uint32_t size = vsize && vsize < rsize ? vsize : rsize;
                        char *s;

                        if (size > UKI_CMDLINE_MAX)
                                return -EBADMSG;
                        s = malloc(size + 1);
                        if (!s)
                                return -ENOMEM;
                        r = pread_full(fd, s, size, off);
                        if (r < 0) {
                                free(s);
                                return r;
                        }
                        s[size] = 0; /* stops at an embedded NUL, as the stub does */
                        *ret = s;
                        return 0;
                }
        }
        return -EBADMSG;
}

static void uki_read_hash(Uki *u, int fd) {
        _cleanup_free_ char *cmdline = NULL;

        if (pe_read_cmdline(fd, &cmdline) >= 0 && cmdline_usrhash(cmdline, u->usrhash) >= 0)
                u->has_usrhash = true;
}

/* In the mtools child: keep_fd open across exec, no check of the image's FAT geometry. */
static int mtools_setup(void *userdata) {
        int keep_fd = *(int *) userdata;

        if (keep_fd >= 0 && fcntl(keep_fd, F_SETFD, 0) < 0)
                return -errno;
        return setenv("MTOOLS_SKIP_CHECK", "1", 1) < 0 ? -errno : 0;
}

/* Runs an mtools command on the ESP inside the image; stdout to out_fd if >= 0. */
static int mtools_fd(const Esp *e, int out_fd, int keep_fd, const char *cmd, const char *a1, const char *a2, const char *a3) {
        char img[4200];
        const char *argv[] = { cmd, "-i", img, a1, a2, a3, NULL };
        int r;

        snprintf(img, sizeof(img), "%s@@%" PRIu64, e->image, e->offset);
        r = spawn_wait((char **) argv, &(SpawnOptions) {
                .stdout_fd = out_fd >= 0 ? out_fd : SPAWN_DEVNULL,
                .stderr_fd = SPAWN_DEVNULL,
                .search_path = true,
                .setup = mtools_setup,
                .userdata = &keep_fd,
        });
        if (r == -ENOMEM)
                return r;
        if (r < 0 || r == 127 || r > 128) /* not found, could not be run, or killed */
                return -ENOEXEC;
        return r == 0 ? 0 : -EIO;
}

static int mtools(const Esp *e, int out_fd, const char *cmd, const char *a1, const char *a2, const char *a3) {
        return mtools_fd(e, out_fd, -1, cmd, a1, a2, a3);
}

static int add_uki(Uki **list, size_t *n, const char *name) {
        Uki u = {}, *l;

        if (uki_name_parse(name, u.version, &u.tries_left, &u.tries_done) < 0)
                return 0;
        snprintf(u.name, sizeof(u.name), "%s", name);
        l = realloc(*list, (*n + 1) * sizeof(Uki));
        if (!l)
                return -ENOMEM;
        l[*n] = u;
        *list = l;
        return (int) (*n)++;
}

/* The UKIs in a mounted ESP's directory. */
static int list_dir(const Esp *e, Uki **list, size_t *n) {
        _cleanup_closedir_ DIR *d = NULL;
        char path[4200];
        struct dirent *de;
        int r;

        snprintf(path, sizeof(path), "%s/" UKI_DIR, e->dir);
        d = opendir(path);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                r = add_uki(list, n, de->d_name);
                if (r < 0)
                        return r;
                if (*n > 0 && streq_ptr((*list)[*n - 1].name, de->d_name)) {
                        _cleanup_close_ int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
                        if (fd >= 0)
                                uki_read_hash(&(*list)[*n - 1], fd);
                }
        }
        return 0;
}

/* The UKIs in the ESP inside a disk image, through mtools: mdir for the names, mcopy of each
 * to read its usrhash. */
static int list_image(const Esp *e, Uki **list, size_t *n) {
        _cleanup_free_ char *out = NULL;
        char tmpl[] = "/tmp/hull-update-esp.XXXXXX";
        _cleanup_close_ int fd = mkostemp(tmpl, O_CLOEXEC);
        int r;

        if (fd < 0)
                return -errno;
        (void) unlink(tmpl);
        r = mtools(e, fd, "mdir", "-b", "::/" UKI_DIR, NULL);
        if (r == -EIO)
                r = 0; /* no such directory: no UKIs */
        if (r < 0)
                return r;
        /* mdir wrote through a shared file offset: rewind before reading. */
        if (lseek(fd, 0, SEEK_SET) < 0)
                return -errno;
        r = read_full_fd(fd, 1 << 20, &out, NULL);
        if (r < 0)
                return r;
        for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
                const char *base = strrchr(line, '/');
                base = base ? base + 1 : line;
                r = add_uki(list, n, base);
                if (r < 0)
                        return r;
                if (*n > 0 && streq_ptr((*list)[*n - 1].name, base)) {
                        char src[512], t2[] = "/tmp/hull-update-uki.XXXXXX";
                        _cleanup_close_ int ufd = mkostemp(t2, O_CLOEXEC);
                        if (ufd < 0)
                                continue;
                        snprintf(src, sizeof(src), "::/" UKI_DIR "/%s", base);
                        if (mtools(e, -1, "mcopy", "-o", src, t2) >= 0) {
                                _cleanup_close_ int rfd = open(t2, O_RDONLY | O_CLOEXEC);
                                if (rfd >= 0)
                                        uki_read_hash(&(*list)[*n - 1], rfd);
                        }
                        (void) unlink(t2);
                }
        }
        return 0;
}

int esp_list(const Esp *e, Uki **ret, size_t *ret_n) {
        _cleanup_free_ Uki *list = NULL;
        size_t n = 0;
        int r;

        r = e->dir[0] ? list_dir(e, &list, &n) : list_image(e, &list, &n);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(list);
        *ret_n = n;
        return 0;
}

static int fsync_dir(const char *dir) {
        _cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) < 0)
                return -errno;
        return 0;
}

/* A rename on FAT (vfat_rename) writes the new directory entry with size 0 and no first
 * cluster and leaves the inode dirty: its real size and cluster reach the new entry only when
 * the inode is written back. fsync() of the directory does not write it, so a power loss
 * after rename + fsync(dir) leaves an empty file under the new name. fsync() of the file
 * itself after the rename writes them (tests/qemu/update-powerloss found this). */
static int fsync_renamed(const char *path, const char *dir) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0 || fsync(fd) < 0)
                return -errno;
        return fsync_dir(dir);
}

int esp_remove(const Esp *e, const char *name) {
        char path[4500];

        if (strchr(name, '/'))
                return -EINVAL;
        if (e->dir[0]) {
                snprintf(path, sizeof(path), "%s/" UKI_DIR "/%s", e->dir, name);
                if (unlink(path) < 0 && errno != ENOENT)
                        return -errno;
                snprintf(path, sizeof(path), "%s/" UKI_DIR, e->dir);
                return fsync_dir(path);
        }
        snprintf(path, sizeof(path), "::/" UKI_DIR "/%s", name);
        return mtools(e, -1, "mdel", path, NULL, NULL);
}

int esp_rename(const Esp *e, const char *from, const char *to) {
        char a[4500], b[4500];

        if (strchr(from, '/') || strchr(to, '/'))
                return -EINVAL;
        if (e->dir[0]) {
                snprintf(a, sizeof(a), "%s/" UKI_DIR "/%s", e->dir, from);
                snprintf(b, sizeof(b), "%s/" UKI_DIR "/%s", e->dir, to);
                if (rename(a, b) < 0)
                        return -errno;
                snprintf(a, sizeof(a), "%s/" UKI_DIR, e->dir);
                return fsync_renamed(b, a);
        }
        snprintf(a, sizeof(a), "::/" UKI_DIR "/%s", from);
        snprintf(b, sizeof(b), "::/" UKI_DIR "/%s", to);
        return mtools(e, -1, "mren", a, b, NULL);
}

/* A power loss during an install leaves its temporary file (".hull_<version>+3.efi.tmp",
 * which systemd-boot ignores); the next install removes it, whatever its version, so that
 * leftovers never fill the ESP. */
static void remove_stale_tmp(const char *dir) {
        _cleanup_closedir_ DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return;
        while ((de = readdir(d))) {
                size_t n = strlen(de->d_name);
                if (strncmp(de->d_name, "." UKI_PREFIX, strlen("." UKI_PREFIX)) == 0 && n > 4 &&
                    strcmp(de->d_name + n - 4, ".tmp") == 0)
                        (void) unlinkat(dirfd(d), de->d_name, 0);
        }
}

int esp_install(const Esp *e, int fd, const char *name) {
        char path[4500], tmp[4600], src[64];
        char buf[1 << 16];
        int r;

        if (strchr(name, '/'))
                return -EINVAL;
        if (lseek(fd, 0, SEEK_SET) < 0)
                return -errno;
        if (!e->dir[0]) {
                (void) mtools(e, -1, "mmd", "::/EFI", NULL, NULL);
                (void) mtools(e, -1, "mmd", "::/" UKI_DIR, NULL, NULL);
                snprintf(path, sizeof(path), "::/" UKI_DIR "/%s", name);
                snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
                return mtools_fd(e, -1, fd, "mcopy", "-o", src, path);
        }
        snprintf(path, sizeof(path), "%s/" UKI_DIR, e->dir);
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                return -errno;
        remove_stale_tmp(path);
        snprintf(tmp, sizeof(tmp), "%s/" UKI_DIR "/.%s.tmp", e->dir, name);
        {
                _cleanup_close_ int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
                ssize_t k;

                if (out < 0)
                        return -errno;
                while ((k = read(fd, buf, sizeof(buf))) > 0) {
                        r = loop_write(out, buf, (size_t) k);
                        if (r < 0)
                                goto fail;
                }
                if (k < 0 || fsync(out) < 0) {
                        r = -errno;
                        goto fail;
                }
        }
#ifdef HULL_TEST_HOOKS
        /* Only in the test build (make test-hooks; never installed in an image): stop with the
         * UKI written and synced under its temporary name, not yet renamed, so that
         * tests/qemu/update-powerloss can cut the power at exactly this point. */
        if (secure_getenv("HULL_UPDATE_TEST_PAUSE_BEFORE_UKI_RENAME")) {
                fprintf(stderr, "hull-update: test hook: paused before renaming %s\n", tmp);
                for (;;)
                        pause();
        }
#endif
        snprintf(path, sizeof(path), "%s/" UKI_DIR "/%s", e->dir, name);
        if (rename(tmp, path) < 0) {
                r = -errno;
                goto fail;
        }
        snprintf(tmp, sizeof(tmp), "%s/" UKI_DIR, e->dir);
        return fsync_renamed(path, tmp);
fail:
        (void) unlink(tmp);
        return r;
}
