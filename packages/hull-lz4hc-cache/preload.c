/* SPDX-License-Identifier: MIT */
/* liblz4hc-cache.so: preloaded into mkfs.erofs by the image build (make_usr_image,
 * image/stages.sh), it answers LZ4_compress_HC_destSize from the cache file named by
 * $HULL_LZ4HC_CACHE, and compresses with liblz4 what the cache does not hold. Without that
 * variable it only passes calls through. See README.md. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <lz4hc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"

typedef int (*CompressFn)(void *, const char *, char *, int *, int, int);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static CompressFn real_compress;
static const char *path;
static Cache cache;
static uint8_t *file; /* the cache file's bytes, which loaded records point into */
static char *scratch;
static size_t scratch_size;
static unsigned long calls, hits, rejects;

#define PREFIX "hull-lz4hc-cache: "
/* Rewrite the file when what it would hold is more than twice what this run used, plus this. */
#define SLACK (16u << 20)

static void load(void) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                if (errno != ENOENT)
                        fprintf(stderr, PREFIX "%s: %m; compressing without the cache\n", path);
                return;
        }
        struct stat st;
        if (flock(fd, LOCK_SH) < 0 || fstat(fd, &st) < 0) {
                fprintf(stderr, PREFIX "%s: %m; compressing without the cache\n", path);
                close(fd);
                return;
        }
        size_t len = (size_t) st.st_size, got = 0;
        file = len ? malloc(len) : NULL;
        if (len && !file) {
                fprintf(stderr, PREFIX "%s: out of memory loading it; compressing without the cache\n", path);
                close(fd);
                return;
        }
        while (got < len) {
                ssize_t n = read(fd, file + got, len - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        fprintf(stderr, PREFIX "%s: %m; compressing without the cache\n", path);
                        got = 0;
                }
                if (n <= 0)
                        break;
                got += (size_t) n;
        }
        close(fd);
        if (cache_load(&cache, file, got) < 0) {
                fprintf(stderr, PREFIX "%s: out of memory loading it; compressing without the cache\n", path);
                cache_free(&cache);
                cache_init(&cache, (uint32_t) LZ4_versionNumber());
                return;
        }
        if (cache.stale)
                fprintf(stderr, PREFIX "%s: %s; it is written again\n", path, cache.stale_why);
}

__attribute__((constructor)) static void start(void) {
        real_compress = (CompressFn) dlsym(RTLD_NEXT, "LZ4_compress_HC_destSize");
        path = getenv("HULL_LZ4HC_CACHE");
        if (path && !*path)
                path = NULL;
        cache_init(&cache, (uint32_t) LZ4_versionNumber());
        if (path)
                load();
}

static void save(void) {
        bool rewrite = cache_wants_rewrite(&cache, SLACK);
        if (!rewrite && cache.added_records == 0)
                return;
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0 || flock(fd, LOCK_EX) < 0) {
                fprintf(stderr, PREFIX "%s: %m; the results of this run are not kept\n", path);
                if (fd >= 0)
                        close(fd);
                return;
        }
        struct stat st;
        int r = fstat(fd, &st) < 0 ? -errno : 0;
        if (r == 0 && rewrite) {
                /* A new file beside it, renamed over it: a reader sees the old file or the new. */
                char *tmp;
                if (asprintf(&tmp, "%s.%ld.tmp", path, (long) getpid()) < 0) {
                        r = -ENOMEM;
                } else {
                        int t = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                        r = t < 0 ? -errno : cache_write(&cache, t, true, true);
                        if (t >= 0 && close(t) < 0 && r == 0)
                                r = -errno;
                        if (r == 0 && rename(tmp, path) < 0)
                                r = -errno;
                        if (r < 0)
                                unlink(tmp);
                        free(tmp);
                }
        } else if (r == 0) {
                r = lseek(fd, 0, SEEK_END) < 0 ? -errno : cache_write(&cache, fd, false, st.st_size == 0);
        }
        if (r < 0)
                fprintf(stderr, PREFIX "%s: %s; the results of this run are not kept\n", path, strerror(-r));
        close(fd);
}

__attribute__((destructor)) static void finish(void) {
        if (!path)
                return;
        pthread_mutex_lock(&lock);
        save();
        fprintf(stderr, PREFIX "%s: %lu calls, %lu from the cache, %lu compressed, %lu rejected\n", path, calls, hits,
                calls - hits, rejects);
        cache_free(&cache);
        free(file);
        free(scratch);
        file = NULL;
        scratch = NULL;
        path = NULL;
        pthread_mutex_unlock(&lock);
}

__attribute__((visibility("default"))) int LZ4_compress_HC_destSize(void *state, const char *src, char *dst, int *srcSizePtr, int targetDstSize,
                             int compressionLevel) {
        if (!real_compress)
                return 0;
        if (!path || !srcSizePtr || *srcSizePtr <= 0 || targetDstSize <= 0 || *srcSizePtr > CACHE_MAX_SIZE ||
            targetDstSize > CACHE_MAX_SIZE)
                return real_compress(state, src, dst, srcSizePtr, targetDstSize, compressionLevel);
        int in = *srcSizePtr;
        uint8_t key[CACHE_KEY_SIZE];
        cache_key(key, src, in, targetDstSize, compressionLevel);
        pthread_mutex_lock(&lock);
        calls++;
        CacheRecord *rec = cache_find(&cache, key, in, targetDstSize, compressionLevel);
        if (rec && (size_t) in > scratch_size) {
                char *s = realloc(scratch, (size_t) in);
                if (s) {
                        scratch = s;
                        scratch_size = (size_t) in;
                } else {
                        rec = NULL;
                }
        }
        if (rec) {
                if (cache_verify(rec, src, in, targetDstSize, scratch)) {
                        memcpy(dst, rec->data, rec->len);
                        *srcSizePtr = (int) rec->consumed;
                        if (!rec->used)
                                cache.used_bytes += CACHE_RECORD_HEAD + (uint64_t) rec->len;
                        rec->used = true;
                        hits++;
                        int n = (int) rec->len;
                        pthread_mutex_unlock(&lock);
                        return n;
                }
                cache_reject(&cache, rec);
                rejects++;
        }
        pthread_mutex_unlock(&lock);
        int n = real_compress(state, src, dst, srcSizePtr, targetDstSize, compressionLevel);
        if (n > 0) {
                pthread_mutex_lock(&lock);
                cache_add(&cache, key, in, targetDstSize, compressionLevel, *srcSizePtr, dst, n);
                pthread_mutex_unlock(&lock);
        }
        return n;
}
