/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <curl/curl.h>
#include <zstd.h>

#include "hull/macro.h"
#include "hull/parse.h"
#include "proto.h"
#include "source.h"

static const char *const names[_SRC_MAX] = {
        [SRC_MANIFEST] = "manifest.json",
        [SRC_SIGNATURE] = "manifest.json.sig",
        [SRC_USR] = "usr.erofs",
        [SRC_VERITY] = "usr.verity",
        [SRC_UKI] = "hull.efi",
};

/* The /usr image is hashed and sent by a second thread while this one reads and decompresses
 * the bytes after them, so a compressed image keeps both cores busy: zstd here, SHA-256 and
 * the copy into the socket there, and the writer's dm-verity hashing in the other process.
 * The threads hand each other whole message-sized slots of a small ring. */
#define RING_SLOTS 4

typedef struct Ring {
        pthread_mutex_t lock;
        pthread_cond_t changed;
        uint8_t *slot[RING_SLOTS];
        size_t len[RING_SLOTS];
        uint64_t filled;  /* slots handed to the sender */
        uint64_t sent;    /* slots the sender is done with */
        size_t fill;      /* bytes in slot[filled % RING_SLOTS], not yet handed over */
        bool closed;      /* no more slots will come */
        bool cancel;      /* drop what is left: the stream was refused */
        int error;        /* the sender's failure (negative errno), or 0 */
        bool running;
        pthread_t thread;
        int out_fd;
        MsgType type;
        EVP_MD_CTX *sha;
} Ring;

typedef struct Sink {
        const char *name;
        int out_fd;
        MsgType type;          /* 0: collect into buf instead of sending */
        uint64_t limit, count;
        uint8_t *buf;          /* collected bytes (small files) or decompression output (no ring) */
        size_t buf_size;
        EVP_MD_CTX *sha;
        Ring *ring;            /* hash and send on the ring's thread */
        ZSTD_DCtx *z;
        size_t zret;           /* 0 once a zstd frame ended */
        char err[MSG_ERROR_MAX];
} Sink;

static int hash_and_send(int out_fd, MsgType type, EVP_MD_CTX *sha, const uint8_t *p, size_t n) {
        if (sha && EVP_DigestUpdate(sha, p, n) != 1)
                return -EIO;
        while (n > 0) {
                size_t k = n < MSG_CHUNK_MAX ? n : MSG_CHUNK_MAX;
                int r = msg_send(out_fd, type, p, k);
                if (r < 0)
                        return r;
                p += k, n -= k;
        }
        return 0;
}

static void *ring_sender(void *userdata) {
        Ring *g = userdata;

        pthread_mutex_lock(&g->lock);
        for (;;) {
                while (g->sent == g->filled && !g->closed && !g->cancel)
                        pthread_cond_wait(&g->changed, &g->lock);
                if (g->cancel || g->sent == g->filled)
                        break;
                unsigned i = (unsigned) (g->sent % RING_SLOTS);
                pthread_mutex_unlock(&g->lock);
                int r = hash_and_send(g->out_fd, g->type, g->sha, g->slot[i], g->len[i]);
                pthread_mutex_lock(&g->lock);
                if (r < 0) {
                        g->error = r;
                        pthread_cond_signal(&g->changed);
                        break;
                }
                g->sent++;
                pthread_cond_signal(&g->changed);
        }
        pthread_mutex_unlock(&g->lock);
        return NULL;
}

static int ring_start(Ring *g, int out_fd, MsgType type, EVP_MD_CTX *sha) {
        *g = (Ring) { .out_fd = out_fd, .type = type, .sha = sha };
        pthread_mutex_init(&g->lock, NULL);
        pthread_cond_init(&g->changed, NULL);
        for (unsigned i = 0; i < RING_SLOTS; i++) {
                g->slot[i] = malloc(MSG_CHUNK_MAX);
                if (!g->slot[i])
                        return -ENOMEM;
        }
        int r = pthread_create(&g->thread, NULL, ring_sender, g);
        if (r != 0)
                return -r;
        g->running = true;
        return 0;
}

/* Hands the slot being filled to the sender, and waits for the next one to be free. */
static int ring_publish(Ring *g) {
        int r;

        pthread_mutex_lock(&g->lock);
        g->len[g->filled % RING_SLOTS] = g->fill;
        g->filled++;
        pthread_cond_signal(&g->changed);
        while (g->filled - g->sent >= RING_SLOTS && !g->error)
                pthread_cond_wait(&g->changed, &g->lock);
        r = g->error;
        pthread_mutex_unlock(&g->lock);
        g->fill = 0;
        return r;
}

/* Where the next bytes go, and how many fit. */
static uint8_t *ring_space(Ring *g, size_t *ret_size) {
        *ret_size = MSG_CHUNK_MAX - g->fill;
        return g->slot[g->filled % RING_SLOTS] + g->fill;
}

/* n bytes were written at ring_space(). */
static int ring_commit(Ring *g, size_t n) {
        g->fill += n;
        return g->fill == MSG_CHUNK_MAX ? ring_publish(g) : 0;
}

static int ring_put(Ring *g, const uint8_t *p, size_t n) {
        while (n > 0) {
                size_t k;
                uint8_t *d = ring_space(g, &k);
                if (k > n)
                        k = n;
                memcpy(d, p, k);
                p += k, n -= k;
                int r = ring_commit(g, k);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Ends the stream: with drain, sends what is left and returns the sender's result; else drops
 * it. Frees the ring either way. */
static int ring_finish(Ring *g, bool drain) {
        int r = 0;

        if (g->running) {
                if (drain && g->fill > 0)
                        r = ring_publish(g);
                pthread_mutex_lock(&g->lock);
                g->closed = true;
                g->cancel = !drain || r < 0;
                pthread_cond_signal(&g->changed);
                pthread_mutex_unlock(&g->lock);
                pthread_join(g->thread, NULL);
                g->running = false;
                if (r == 0)
                        r = g->error;
        }
        for (unsigned i = 0; i < RING_SLOTS; i++)
                free(g->slot[i]);
        pthread_mutex_destroy(&g->lock);
        pthread_cond_destroy(&g->changed);
        return r;
}

static int sink_fail(Sink *s, const char *fmt, ...) _printf_(2, 3);
static int sink_fail(Sink *s, const char *fmt, ...) {
        va_list ap;

        if (!s->err[0]) {
                va_start(ap, fmt);
                vsnprintf(s->err, sizeof(s->err), fmt, ap);
                va_end(ap);
        }
        return -EBADMSG;
}

static int sink_count(Sink *s, size_t n) {
        if (n > s->limit - s->count)
                return sink_fail(s, "%s: longer than the %" PRIu64 " bytes the manifest gives", s->name, s->limit);
        s->count += n;
        return 0;
}

static int sink_out(Sink *s, const uint8_t *p, size_t n) {
        int r = sink_count(s, n);
        if (r < 0)
                return r;
        if (s->ring)
                return ring_put(s->ring, p, n);
        if (!s->type) {
                if (s->sha && EVP_DigestUpdate(s->sha, p, n) != 1)
                        return -EIO;
                memcpy(s->buf + s->count - n, p, n);
                return 0;
        }
        return hash_and_send(s->out_fd, s->type, s->sha, p, n);
}

static int sink_feed(Sink *s, const void *data, size_t size) {
        ZSTD_inBuffer in = { data, size, 0 };

        if (!s->z)
                return sink_out(s, data, size);
        /* A call that fills the output to its end may hold more: call again until one does not,
         * even when the input is used up. */
        for (bool full = true; in.pos < in.size || full;) {
                ZSTD_outBuffer out = { s->buf, s->buf_size, 0 };
                int r;
                if (s->ring) /* straight into the ring's slot */
                        out.dst = ring_space(s->ring, &out.size);
                s->zret = ZSTD_decompressStream(s->z, &out, &in);
                if (ZSTD_isError(s->zret))
                        return sink_fail(s, "%s: not valid zstd data (%s)", s->name, ZSTD_getErrorName(s->zret));
                full = out.pos == out.size;
                if (s->ring) {
                        r = sink_count(s, out.pos);
                        if (r >= 0)
                                r = ring_commit(s->ring, out.pos);
                } else
                        r = sink_out(s, s->buf, out.pos);
                if (r < 0)
                        return r;
        }
        return 0;
}

static size_t curl_write(char *p, size_t size, size_t n, void *userdata) {
        Sink *s = userdata;
        return sink_feed(s, p, size * n) < 0 ? 0 : size * n;
}

static int fetch(const SourceOptions *o, int idx, const char *name, Sink *s) {
        if (o->url) {
                _cleanup_free_ char *url = NULL;
                char cerr[CURL_ERROR_SIZE] = "";
                CURL *c;
                CURLcode cc;
                long code = 0;

                if (asprintf(&url, "%s%s%s", o->url, o->url[strlen(o->url) - 1] == '/' ? "" : "/", name) < 0)
                        return -ENOMEM;
                c = curl_easy_init();
                if (!c)
                        return -ENOMEM;
                curl_easy_setopt(c, CURLOPT_URL, url);
                curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
                curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
                curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
                curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
                curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
                curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
                curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
                curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
                curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
                curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, curl_write);
                curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
                curl_easy_setopt(c, CURLOPT_USERAGENT, "hull-update/" HULL_VERSION);
                cc = curl_easy_perform(c);
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
                curl_easy_cleanup(c);
                if (s->err[0])
                        return -EBADMSG;
                if (cc != CURLE_OK)
                        return sink_fail(s, "%s: download failed: %s", url, cerr[0] ? cerr : curl_easy_strerror(cc));
                return 0;
        }
        if (o->fds[idx] < 0)
                return sink_fail(s, "%s: missing from the payload", name);
        for (;;) {
                static uint8_t buf[1 << 20];
                ssize_t k = read(o->fds[idx], buf, sizeof(buf));
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return sink_fail(s, "%s: read failed: %s", name, strerror(errno));
                }
                if (k == 0)
                        return 0;
                int r = sink_feed(s, buf, (size_t) k);
                if (r < 0)
                        return r;
        }
}

static int refuse(int out_fd, const char *msg) {
        size_t n = strlen(msg);
        (void) msg_send(out_fd, MSG_ERROR, msg, n < MSG_ERROR_MAX ? n : MSG_ERROR_MAX);
        return -EBADMSG;
}

/* Streams one payload file, checks its size and SHA-256, sends the END message. */
static int stream_file(const SourceOptions *o, int out_fd, int idx, const char *name, MsgType type,
                       MsgType end, const ManifestFile *f, bool zstd, bool threaded) {
        Sink s = { .name = name, .out_fd = out_fd, .type = type, .limit = f->size };
        Ring ring;
        uint8_t h[32];
        char want[65], got[65];
        int r;

        s.sha = EVP_MD_CTX_new();
        if (!s.sha || EVP_DigestInit_ex(s.sha, EVP_sha256(), NULL) != 1) {
                r = -ENOMEM;
                goto finish;
        }
        if (threaded) {
                s.ring = &ring;
                r = ring_start(&ring, out_fd, type, s.sha);
                if (r < 0)
                        goto finish;
        }
        if (zstd) {
                s.z = ZSTD_createDCtx();
                s.zret = 1;
                if (!s.ring) { /* else zstd writes straight into the ring */
                        s.buf_size = MSG_CHUNK_MAX;
                        s.buf = malloc(s.buf_size);
                }
                if (!s.z || (!s.ring && !s.buf)) {
                        r = -ENOMEM;
                        goto finish;
                }
        }
        r = fetch(o, idx, name, &s);
        if (r >= 0 && s.ring) {
                r = ring_finish(s.ring, true);
                s.ring = NULL;
        }
        if (r < 0)
                goto finish;
        if (zstd && s.zret != 0) {
                r = sink_fail(&s, "%s: truncated (the zstd stream ends early, after %" PRIu64 " of %" PRIu64 " bytes)",
                              name, s.count, f->size);
                goto finish;
        }
        if (s.count != f->size) {
                r = sink_fail(&s, "%s: truncated (%" PRIu64 " bytes, the manifest gives %" PRIu64 ")", name, s.count, f->size);
                goto finish;
        }
        if (EVP_DigestFinal_ex(s.sha, h, NULL) != 1) {
                r = -EIO;
                goto finish;
        }
        if (memcmp(h, f->sha256, 32) != 0) {
                hexmem(f->sha256, 32, want);
                hexmem(h, 32, got);
                r = sink_fail(&s, "%s: SHA-256 mismatch: %s, the manifest gives %s", name, got, want);
                goto finish;
        }
        r = msg_send(out_fd, end, NULL, 0);
finish:
        if (s.ring)
                (void) ring_finish(s.ring, false);
        if (s.err[0])
                r = refuse(out_fd, s.err);
        EVP_MD_CTX_free(s.sha);
        ZSTD_freeDCtx(s.z);
        free(s.buf);
        return r;
}

static int collect(const SourceOptions *o, int idx, uint8_t *buf, size_t max, size_t *ret_size, char *err) {
        Sink s = { .name = names[idx], .buf = buf, .limit = max };
        int r = fetch(o, idx, names[idx], &s);

        if (r < 0 || s.err[0]) {
                snprintf(err, MSG_ERROR_MAX - 64, "%.900s", s.err[0] ? s.err : "read failed");
                return -EBADMSG;
        }
        *ret_size = (size_t) s.count;
        return 0;
}

int source_run(const SourceOptions *o, int out_fd) {
        static uint8_t manifest[MANIFEST_SIZE_MAX + 1];
        uint8_t sig[SIGNATURE_SIZE + 1], id[16];
        char err[MSG_ERROR_MAX - 64], e2[MSG_ERROR_MAX];
        const char *why = NULL;
        size_t n_manifest, n_sig;
        bool already;
        Manifest m;
        int r;

        r = collect(o, SRC_MANIFEST, manifest, sizeof(manifest), &n_manifest, err);
        if (r < 0) {
                if (strstr(err, "longer than"))
                        snprintf(err, sizeof(err), "manifest.json: malformed manifest: larger than %d bytes", MANIFEST_SIZE_MAX);
                return refuse(out_fd, err);
        }
        r = collect(o, SRC_SIGNATURE, sig, sizeof(sig), &n_sig, err);
        if (r < 0 && !strstr(err, "longer than"))
                return refuse(out_fd, err);
        if (r < 0 || n_sig != SIGNATURE_SIZE) {
                snprintf(e2, sizeof(e2), "manifest.json.sig: bad signature: not a %d-byte Ed25519 signature", SIGNATURE_SIZE);
                return refuse(out_fd, e2);
        }
        if (signature_verify(o->key, manifest, n_manifest, sig) < 0) {
                char a[33], b[33];
                if (manifest_parse(manifest, n_manifest, &m, NULL) >= 0 && key_id(o->key, id) >= 0 &&
                    memcmp(id, m.key_id, sizeof(id)) != 0) {
                        hexmem(m.key_id, 16, a);
                        hexmem(id, 16, b);
                        snprintf(e2, sizeof(e2), "manifest.json: wrong key: signed with key %s, the trusted key %s is %s",
                                 a, o->key_path, b);
                } else
                        snprintf(e2, sizeof(e2), "manifest.json.sig: bad signature: the manifest is not signed by the trusted key %s",
                                 o->key_path);
                return refuse(out_fd, e2);
        }
        /* Signed by our key from here on, but parsed as if it were not. */
        r = manifest_parse(manifest, n_manifest, &m, &why);
        if (r < 0) {
                snprintf(e2, sizeof(e2), "manifest.json: malformed manifest: %s", why ?: "cannot parse");
                return refuse(out_fd, e2);
        }
        /* The running version is not a refusal: the writer says there is nothing to do, and
         * needs only the manifest for that. */
        r = manifest_check_policy(&m, &o->policy, err, sizeof(err));
        already = r == -EALREADY;
        if (r < 0 && !already) {
                snprintf(e2, sizeof(e2), "manifest.json: %s: %s", r == -EKEYEXPIRED ? "expired manifest" : "downgrade", err);
                return refuse(out_fd, e2);
        }
        if (o->url == NULL && (m.compression == COMPRESSION_ZSTD) != o->usr_compressed && !o->manifest_only && !already) {
                snprintf(e2, sizeof(e2), "%s: missing from the payload", manifest_usr_file(&m));
                return refuse(out_fd, e2);
        }
        r = msg_send(out_fd, MSG_MANIFEST, manifest, n_manifest);
        if (r >= 0)
                r = msg_send(out_fd, MSG_SIGNATURE, sig, SIGNATURE_SIZE);
        if (r >= 0)
                r = msg_send(out_fd, MSG_FIELDS, &m, sizeof(m));
        if (r < 0 || o->manifest_only || already)
                return r;
        /* The tree first (the writer needs its salt to hash the image as it writes it), then the
         * UKI (the writer checks its signature before it writes anything), then the image. */
        r = stream_file(o, out_fd, SRC_VERITY, names[SRC_VERITY], MSG_VERITY, MSG_VERITY_END, &m.verity, false, false);
        if (r < 0)
                return r;
        r = stream_file(o, out_fd, SRC_UKI, names[SRC_UKI], MSG_UKI, MSG_UKI_END, &m.uki, false, false);
        if (r < 0)
                return r;
        return stream_file(o, out_fd, SRC_USR, manifest_usr_file(&m), MSG_USR, MSG_USR_END, &m.usr,
                           m.compression == COMPRESSION_ZSTD, true);
}

int drop_privileges(void) {
        struct passwd *pw;
        uid_t uid = 65534;
        gid_t gid = 65534;

        if (geteuid() != 0)
                return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
        pw = getpwnam("nobody");
        if (pw)
                uid = pw->pw_uid, gid = pw->pw_gid;
        if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
                return -errno;
        if (setuid(0) == 0) /* must not be able to regain root */
                return -EPERM;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
                return -errno;
        return 0;
}
