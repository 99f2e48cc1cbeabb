/* SPDX-License-Identifier: MIT */
/* The privileged half of hull-update.
 *
 * Privilege separation, as in OpenNTPD: everything that reads downloaded bytes runs in a
 * child that has dropped to nobody with no_new_privs before it touches them (libcurl, the
 * JSON parser, zstd, the signature check). It streams the payload to this process over a
 * socketpair as length-checked messages (proto.h). This side trusts nothing the child says:
 *  - the manifest: it checks the Ed25519 signature over the exact manifest bytes itself and
 *    binds the child's parsed fields to them by formatting the fields canonically and
 *    comparing byte for byte, so no JSON parser runs with privilege;
 *  - the /usr image: it computes the dm-verity tree of every byte it writes and compares the
 *    root with the signed root hash, and the whole tree with the payload's tree;
 *  - the UKI: it hashes what it receives against the signed SHA-256.
 * A compromised child can therefore at worst fill the inactive slot with bytes that never
 * become selectable: the slot's PARTUUIDs stay "pending" (derived from no root hash) until
 * all checks have passed, and only then does the UKI that asks for them appear on the ESP.
 * The child streams rather than spooling to /var: no disk space is needed twice and the
 * writer never opens a file the reader could have prepared.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "hull/process.h"
#include "proto.h"
#include "state.h"
#include "verity.h"

#define ERR(...) (snprintf(err, err_size, __VA_ARGS__), -EBADMSG)

typedef struct Reader {
        pid_t pid;
        int fd;
} Reader;

static int reader_start(const SourceOptions *src, Reader *ret) {
        int sv[2];
        pid_t pid;

        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                int r = -errno;
                close(sv[0]);
                close(sv[1]);
                return r;
        }
        if (pid == 0) {
                int r;
                close(sv[0]);
                r = drop_privileges();
                if (r < 0) {
                        char m[128];
                        snprintf(m, sizeof(m), "cannot drop privileges: %s", strerror(-r));
                        (void) msg_send(sv[1], MSG_ERROR, m, strlen(m));
                        _exit(1);
                }
                r = source_run(src, sv[1]);
                _exit(r < 0 ? 1 : 0);
        }
        close(sv[1]);
        ret->pid = pid;
        ret->fd = sv[0];
        return 0;
}

static int reader_finish(Reader *rd, bool kill_it) {
        int status = 0, r;

        if (rd->fd >= 0)
                close(rd->fd);
        rd->fd = -1;
        if (rd->pid <= 0)
                return 0;
        if (kill_it)
                (void) kill(rd->pid, SIGKILL);
        r = wait_for_terminate(rd->pid, &status);
        if (r < 0)
                return r;
        rd->pid = 0;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

/* Copies the child's refusal into err, without control characters. */
static int child_error(const uint8_t *buf, size_t n, char *err, size_t err_size) {
        size_t k = 0;

        for (size_t i = 0; i < n && k + 1 < err_size; i++)
                err[k++] = (buf[i] < 0x20 || buf[i] == 0x7f) ? '?' : (char) buf[i];
        err[k] = 0;
        return -EBADMSG;
}

/* Receives one message of the expected type (or a refusal). */
static int expect(int fd, MsgType want, uint8_t *buf, size_t buf_size, size_t *ret_size, char *err, size_t err_size) {
        MsgType t;
        size_t n;
        int r;

        r = msg_recv(fd, &t, buf, buf_size, &n);
        if (r == -EPIPE)
                return ERR("the payload reader ended without a result");
        if (r < 0)
                return ERR("the payload reader sent a malformed message");
        if (t == MSG_ERROR)
                return child_error(buf, n, err, err_size);
        if (t != want)
                return ERR("the payload reader sent message %u where %u was due", t, want);
        *ret_size = n;
        return 0;
}

/* The next chunk of a streamed file: 1 with *ret_size bytes in buf, 0 at the file's end
 * message, or a negative errno with err set: the reader failed, sent another message, or more
 * than the manifest's `left` bytes. `file` names the file, `in` the stream in messages. */
static int receive_chunk(int fd, MsgType data, MsgType end, uint64_t left, const char *file, const char *in,
                         uint8_t *buf, size_t *ret_size, char *err, size_t err_size) {
        MsgType t;
        int r;

        r = msg_recv(fd, &t, buf, MSG_CHUNK_MAX, ret_size);
        if (r < 0)
                return ERR("the payload reader ended or sent a malformed message in %s", in);
        if (t == MSG_ERROR)
                return child_error(buf, *ret_size, err, err_size);
        if (t == end)
                return 0;
        if (t != data || *ret_size > left)
                return ERR("%s: the reader sent more than the manifest gives", file);
        return 1;
}

/* The manifest, signature and fields, checked independently of the reader. */
static int receive_manifest(int fd, const SourceOptions *src, Manifest *ret, char *err, size_t err_size) {
        static uint8_t buf[MANIFEST_SIZE_MAX + sizeof(Manifest) + SIGNATURE_SIZE];
        uint8_t raw[MANIFEST_SIZE_MAX], sig[SIGNATURE_SIZE];
        _cleanup_free_ char *canon = NULL;
        const char *why = NULL;
        size_t n_raw, n, n_canon;
        char perr[MSG_ERROR_MAX];
        Manifest m;
        int r;

        r = expect(fd, MSG_MANIFEST, buf, sizeof(buf), &n_raw, err, err_size);
        if (r < 0)
                return r;
        memcpy(raw, buf, n_raw);
        r = expect(fd, MSG_SIGNATURE, buf, sizeof(buf), &n, err, err_size);
        if (r < 0)
                return r;
        if (n != SIGNATURE_SIZE)
                return ERR("the payload reader sent a signature of %zu bytes", n);
        memcpy(sig, buf, SIGNATURE_SIZE);
        r = expect(fd, MSG_FIELDS, buf, sizeof(buf), &n, err, err_size);
        if (r < 0)
                return r;
        if (n != sizeof(Manifest))
                return ERR("the payload reader sent %zu bytes of manifest fields", n);
        memcpy(&m, buf, sizeof(m));

        if (signature_verify(src->key, raw, n_raw, sig) < 0)
                return ERR("manifest.json.sig: bad signature: the manifest is not signed by the trusted key %s", src->key_path);
        if (manifest_validate(&m, &why) < 0)
                return ERR("manifest.json: malformed manifest: %s", why);
        r = manifest_format(&m, &canon, &n_canon);
        if (r < 0)
                return ERR("out of memory");
        if (n_canon != n_raw || memcmp(canon, raw, n_raw) != 0)
                return ERR("manifest.json: the fields the reader parsed do not match the signed manifest");
        r = manifest_check_policy(&m, &src->policy, perr, sizeof(perr));
        if (r == -EALREADY) {
                snprintf(err, err_size, "manifest.json: nothing to do: %s", perr);
                return r;
        }
        if (r < 0)
                return ERR("manifest.json: %s: %s", r == -EKEYEXPIRED ? "expired manifest" : "downgrade", perr);
        *ret = m;
        return 0;
}

int check_manifest(const SourceOptions *src, Manifest *ret, char *err, size_t err_size) {
        Reader rd = { .fd = -1 };
        SourceOptions s = *src;
        int r;

        s.manifest_only = true;
        r = reader_start(&s, &rd);
        if (r < 0)
                return ERR("cannot start the payload reader: %s", strerror(-r));
        r = receive_manifest(rd.fd, src, ret, err, err_size);
        if (reader_finish(&rd, r < 0) < 0 && r >= 0)
                r = ERR("the payload reader failed");
        return r;
}

static int64_t now_s(void) {
        return (int64_t) time(NULL);
}

/* Removes UKIs that would boot the slot about to be overwritten, or a leftover for the new
 * image: they point at UUIDs that are about to change and would only waste boot tries. */
static int remove_stale_ukis(const Esp *esp, const Slot *target, const Slot *booted, const uint8_t newhash[32],
                             char *err, size_t err_size) {
        _cleanup_free_ Uki *ukis = NULL;
        size_t n = 0;
        int r;

        r = esp_list(esp, &ukis, &n);
        if (r < 0)
                return ERR("cannot list the UKIs on the ESP: %s", strerror(-r));
        for (size_t i = 0; i < n; i++) {
                if (!ukis[i].has_usrhash)
                        continue;
                if (booted && booted->state == SLOT_READY && memcmp(ukis[i].usrhash, booted->usrhash, 32) == 0)
                        continue;
                if ((target->state == SLOT_READY && memcmp(ukis[i].usrhash, target->usrhash, 32) == 0) ||
                    memcmp(ukis[i].usrhash, newhash, 32) == 0) {
                        r = esp_remove(esp, ukis[i].name);
                        if (r < 0)
                                return ERR("cannot remove the stale UKI %s from the ESP: %s", ukis[i].name, strerror(-r));
                }
        }
        return 0;
}

static int pwrite_full(int fd, const void *buf, size_t n, uint64_t off) {
        const uint8_t *p = buf;

        while (n > 0) {
                ssize_t k = pwrite(fd, p, n, (off_t) off);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k, n -= (size_t) k, off += (uint64_t) k;
        }
        return 0;
}

/* Streaming writeback. The image is written through the page cache; left alone, the kernel
 * starts writing it out only when dirty pages pile up, and the closing fdatasync() then waits
 * for most of the image, after all the decompressing and hashing is done. Instead each
 * WRITEBACK_WINDOW written is handed to the device at once (SYNC_FILE_RANGE_WRITE), so the
 * disk works while the next window is decompressed and hashed, and the window before it is
 * waited for, which bounds the dirty memory to two windows. Errors surface at fdatasync(). */
#define WRITEBACK_WINDOW (8U << 20)

typedef struct Writeback {
        int fd;
        uint64_t base;    /* partition offset */
        uint64_t started; /* bytes (from base) handed to the device */
        uint64_t waited;  /* bytes (from base) known written */
} Writeback;

static void writeback_progress(Writeback *w, uint64_t written) {
        while (written - w->started >= WRITEBACK_WINDOW) {
                (void) sync_file_range(w->fd, (off_t) (w->base + w->started), WRITEBACK_WINDOW, SYNC_FILE_RANGE_WRITE);
                w->started += WRITEBACK_WINDOW;
                if (w->started - w->waited > WRITEBACK_WINDOW) {
                        (void) sync_file_range(w->fd, (off_t) (w->base + w->waited), WRITEBACK_WINDOW,
                                               SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                                       SYNC_FILE_RANGE_WAIT_AFTER);
                        w->waited += WRITEBACK_WINDOW;
                }
        }
}

/* What arrives before anything is written: the verity tree and the UKI, both checked. */
typedef struct Received {
        uint8_t *verity;     /* the whole tree, superblock first (m->verity.size bytes) */
        VerityParams vp;
        int uki_fd;          /* memfd with the UKI */
} Received;

static void received_done(Received *rc) {
        free(rc->verity);
        rc->verity = NULL;
        if (rc->uki_fd >= 0)
                (void) close(rc->uki_fd);
        rc->uki_fd = -1;
}

/* The verity tree, whole, into memory (at most the hash partition's size). */
static int receive_verity(int rfd, const Manifest *m, uint8_t *buf, Received *rc, char *err, size_t err_size) {
        uint64_t got = 0;
        size_t n;
        int r;

        rc->verity = malloc(m->verity.size);
        if (!rc->verity)
                return ERR("out of memory");
        while (got < m->verity.size) {
                r = expect(rfd, MSG_VERITY, buf, MSG_CHUNK_MAX, &n, err, err_size);
                if (r < 0)
                        return r;
                if (n > m->verity.size - got)
                        return ERR("usr.verity: the reader sent more than the manifest gives");
                memcpy(rc->verity + got, buf, n);
                got += n;
        }
        r = expect(rfd, MSG_VERITY_END, buf, MSG_CHUNK_MAX, &n, err, err_size);
        if (r < 0)
                return r;
        if (verity_superblock_parse(rc->verity, m->verity.size, &rc->vp) < 0)
                return ERR("usr.verity: not a dm-verity superblock of format 1 with SHA-256 and 4096-byte blocks");
        if (rc->vp.data_blocks * VERITY_BLOCK != m->usr.size || verity_hash_size(rc->vp.data_blocks) != m->verity.size)
                return ERR("usr.verity: the tree is for %" PRIu64 " data blocks, the image has %" PRIu64,
                           rc->vp.data_blocks, m->usr.size / VERITY_BLOCK);
        return 0;
}

/* sbverify --cert CERT on the UKI (fd): 0 if the signature verifies against CERT. The UKI's
 * bytes have already matched the signed manifest's SHA-256, so sbverify parses only what the
 * update key vouches for. */
/* In sbverify's child: the UKI's fd as fd 3, open across exec. */
static int sbverify_setup(void *userdata) {
        int ufd = *(int *) userdata;

        if (ufd == 3)
                return fcntl(3, F_SETFD, 0) < 0 ? -errno : 0;
        return dup2(ufd, 3) < 0 ? -errno : 0;
}

static int uki_signature_check(int ufd, const char *cert, char *err, size_t err_size) {
        char *argv[] = { (char *) SBVERIFY_PATH, (char *) "--cert", (char *) cert, (char *) "/dev/fd/3", NULL };
        int r;

        if (access(cert, R_OK) < 0)
                return ERR("%s: cannot read the Secure Boot db certificate this image trusts: %m", cert);
        fflush(NULL);
        r = spawn_wait(argv, &(SpawnOptions) {
                .stdin_fd = SPAWN_DEVNULL,
                .stdout_fd = SPAWN_DEVNULL,
                .stderr_fd = SPAWN_DEVNULL,
                .setup = sbverify_setup,
                .userdata = &ufd,
        });
        if (r < 0) {
                errno = -r;
                return ERR("cannot run " SBVERIFY_PATH " to check the UKI's Secure Boot signature: %m");
        }
        if (r == 127)
                return ERR("cannot run " SBVERIFY_PATH " to check the UKI's Secure Boot signature");
        if (r != 0)
                return ERR("hull.efi: not signed by the Secure Boot db certificate %s: the firmware would refuse to boot it", cert);
        return 0;
}

/* The UKI, into an anonymous file, hashed as it arrives; then its command line and its
 * Secure Boot signature are checked. */
static int receive_uki(const ApplyOptions *o, int rfd, const Manifest *m, uint8_t *buf, Received *rc, char *err,
                       size_t err_size) {
        _cleanup_free_ char *cmdline = NULL;
        EVP_MD_CTX *uctx = NULL;
        uint8_t sha[32], uh[32];
        uint64_t got = 0;
        size_t n;
        int r;

        rc->uki_fd = memfd_create("hull-update-uki", MFD_CLOEXEC);
        uctx = EVP_MD_CTX_new();
        if (rc->uki_fd < 0 || !uctx || EVP_DigestInit_ex(uctx, EVP_sha256(), NULL) != 1) {
                r = ERR("out of memory");
                goto finish;
        }
        while ((r = receive_chunk(rfd, MSG_UKI, MSG_UKI_END, m->uki.size - got, "hull.efi", "the UKI", buf, &n, err,
                                  err_size)) > 0) {
                if (loop_write(rc->uki_fd, buf, n) < 0 || EVP_DigestUpdate(uctx, buf, n) != 1) {
                        r = ERR("hull.efi: cannot keep it in memory");
                        goto finish;
                }
                got += n;
        }
        if (r < 0)
                goto finish;
        if (got != m->uki.size || EVP_DigestFinal_ex(uctx, sha, NULL) != 1 || memcmp(sha, m->uki.sha256, 32) != 0) {
                r = ERR("hull.efi: SHA-256 mismatch or truncated");
                goto finish;
        }
        if (pe_read_cmdline(rc->uki_fd, &cmdline) < 0 || cmdline_usrhash(cmdline, uh) < 0 || memcmp(uh, m->usrhash, 32) != 0) {
                r = ERR("hull.efi: its command line has no usrhash= equal to the manifest's root hash");
                goto finish;
        }
        r = uki_signature_check(rc->uki_fd, o->secureboot_cert ?: SECUREBOOT_CERT_PATH, err, err_size);
finish:
        EVP_MD_CTX_free(uctx);
        return r;
}

/* The image, written at the data partition's offset while its verity tree is computed; then
 * the root hash and the whole tree are compared with the signed ones, and the tree written. */
static int write_slot(const ApplyOptions *o, int rfd, const Manifest *m, const Slot *t, const Received *rc,
                      uint8_t *buf, char *err, size_t err_size) {
        _cleanup_free_ uint8_t *tree = NULL;
        _cleanup_close_ int fd = -1;
        VerityHasher h = {};
        uint8_t root[32];
        char hex[65];
        size_t n, tree_size;
        uint64_t got = 0;
        int r;

        fd = open(o->target, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return ERR("%s: cannot open for writing: %m", o->target);
        r = verity_hasher_init(&h, rc->vp.salt, rc->vp.salt_size, rc->vp.data_blocks);
        if (r < 0)
                return ERR("out of memory");

        Writeback wb = { .fd = fd, .base = t->data->offset };
        while ((r = receive_chunk(rfd, MSG_USR, MSG_USR_END, m->usr.size - got, "usr image", "the image", buf, &n, err,
                                  err_size)) > 0) {
                r = pwrite_full(fd, buf, n, t->data->offset + got);
                if (r < 0) {
                        r = ERR("%s: write to partition %s failed: %s", o->target, t->data->name, strerror(-r));
                        goto finish;
                }
                r = verity_hasher_feed(&h, buf, n);
                if (r < 0) {
                        r = ERR("usr image: hashing failed");
                        goto finish;
                }
                got += n;
                writeback_progress(&wb, got);
                if (o->fail_after && got >= o->fail_after)
                        _exit(3);
        }
        if (r < 0)
                goto finish;
        if (got != m->usr.size) {
                r = ERR("usr image: truncated (%" PRIu64 " of %" PRIu64 " bytes)", got, m->usr.size);
                goto finish;
        }
        if (fdatasync(fd) < 0) {
                r = ERR("%s: fsync failed: %m", o->target);
                goto finish;
        }
        r = verity_hasher_finish(&h, &tree, &tree_size, root);
        if (r < 0) {
                r = ERR("usr image: cannot compute its verity tree");
                goto finish;
        }
        if (memcmp(root, m->usrhash, 32) != 0) {
                char want[65];
                hexmem(root, 32, hex);
                hexmem(m->usrhash, 32, want);
                r = ERR("%s: root hash mismatch: the image written to %s has root hash %s, the manifest's usrhash is %s",
                        manifest_usr_file(m), t->data->name, hex, want);
                goto finish;
        }
        if (tree_size != m->verity.size - VERITY_BLOCK || memcmp(tree, rc->verity + VERITY_BLOCK, tree_size) != 0) {
                r = ERR("usr.verity: the hash tree does not match the image (root hash mismatch below the root)");
                goto finish;
        }
        r = pwrite_full(fd, rc->verity, m->verity.size, t->hash->offset);
        if (r < 0 || fdatasync(fd) < 0) {
                r = ERR("%s: writing partition %s failed: %m", o->target, t->hash->name);
                goto finish;
        }
        r = 0;
finish:
        verity_hasher_done(&h);
        return r;
}

/* Unattended runs do not write a slot again for the image it holds: -EALREADY if slot t holds
 * this image and the ESP has its UKI, either still to boot (*o->ret_pending set: a reboot
 * starts it) or with no tries left (it was tried and rolled back here: only a person decides to
 * try it again, with apply). */
static int installed_already(const ApplyOptions *o, const Slot *t, const Manifest *m, char *err, size_t err_size) {
        _cleanup_free_ Uki *ukis = NULL;
        size_t n = 0;

        if (o->no_uki || t->state != SLOT_READY || memcmp(t->usrhash, m->usrhash, 32) != 0 || esp_list(&o->esp, &ukis, &n) < 0)
                return 0;
        for (size_t i = 0; i < n; i++) {
                if (!ukis[i].has_usrhash || memcmp(ukis[i].usrhash, m->usrhash, 32) != 0)
                        continue;
                if (ukis[i].tries_left == 0) {
                        snprintf(err, err_size, "nothing to do: version %s was tried in slot %s and rolled back (%s has no boot "
                                 "tries left); run hull-update apply to try it again", m->version, t->name, ukis[i].name);
                        return -EALREADY;
                }
                snprintf(err, err_size, "nothing to do: version %s is installed in slot %s already and boots next (%s)",
                         m->version, t->name, ukis[i].name);
                if (o->ret_pending)
                        *o->ret_pending = true;
                return -EALREADY;
        }
        return 0;
}

static void record(const ApplyOptions *o, UpdateState *st, const char *result, const char *msg) {
        if (!o->state_dir)
                return;
        snprintf(st->result, sizeof(st->result), "%s", result);
        snprintf(st->message, sizeof(st->message), "%s", msg ?: "");
        st->finished = streq_ptr(result, "in-progress") ? 0 : now_s();
        (void) state_write(o->state_dir, st);
}

int apply_tries(const ApplyOptions *o) {
        return o->tries > 0 ? o->tries : BOOT_TRIES_DEFAULT;
}

int apply(const ApplyOptions *o, char *err, size_t err_size) {
        Reader rd = { .fd = -1 };
        Layout layout;
        Disk disk;
        Slot slots[SLOTS_MAX];
        const Slot *t = NULL, *booted = NULL;
        size_t n_slots;
        Manifest m;
        UpdateState st = {};
        char ud[37], uh[37], name[256];
        _cleanup_free_ uint8_t *buf = NULL;
        Received rc = { .uki_fd = -1 };
        int r;

        st.started = now_s();
        r = layout_load(o->layout_path, &layout);
        if (r < 0)
                return ERR("%s: cannot read the partition layout: %s", o->layout_path, strerror(r == -EBADMSG ? EINVAL : -r));
        r = disk_read(o->target, &disk);
        if (r < 0)
                return ERR("%s: cannot read a GPT partition table: %s", o->target, strerror(-r));
        r = slots_find(&layout, &disk, slots, &n_slots);
        if (r < 0)
                return ERR("%s: the partitions of %s (usr-X, usr-X-verity) are not all there", o->target, o->layout_path);
        if (o->has_booted_hash) {
                r = slot_by_hash(slots, n_slots, o->booted_hash);
                if (r < 0)
                        return ERR("%s: no slot has the PARTUUIDs of the booted usrhash", o->target);
                booted = &slots[r];
        }
        for (size_t i = 0; i < n_slots; i++) {
                if (&slots[i] == booted)
                        continue;
                if (o->slot ? streq_ptr(o->slot, slots[i].name) : !t)
                        t = &slots[i];
        }
        if (!t)
                return ERR("%s: no slot %s to write (the booted slot is never written)", o->target, o->slot ?: "");

        r = reader_start(&o->src, &rd);
        if (r < 0)
                return ERR("cannot start the payload reader: %s", strerror(-r));
        r = receive_manifest(rd.fd, &o->src, &m, err, err_size);
        if (r < 0)
                goto finish;
        if (m.usr.size > t->data->size || m.verity.size > t->hash->size) {
                r = ERR("%s: the image (%" PRIu64 " bytes) or its tree (%" PRIu64 ") does not fit partition %s or %s",
                        o->target, m.usr.size, m.verity.size, t->data->name, t->hash->name);
                goto finish;
        }
        if (booted && memcmp(booted->usrhash, m.usrhash, 32) == 0) {
                snprintf(err, err_size, "nothing to do: version %s is the image already running (same root hash)", m.version);
                r = -EALREADY;
                goto finish;
        }
        if (o->unattended) {
                r = installed_already(o, t, &m, err, err_size);
                if (r < 0)
                        goto finish;
        }

        snprintf(st.version, sizeof(st.version), "%s", m.version);
        st.build = m.build;
        hexmem(m.usrhash, 32, st.usrhash);
        snprintf(st.slot, sizeof(st.slot), "%s", t->name);
        if (o->ret_slot)
                snprintf(o->ret_slot, sizeof(t->name), "%s", t->name);
        record(o, &st, "in-progress", NULL);

        /* 1. Before anything is written: the verity tree and the UKI, whole and checked, the
         *    UKI's Secure Boot signature too: a slot the firmware would refuse is never made. */
        buf = malloc(MSG_CHUNK_MAX);
        if (!buf) {
                r = ERR("out of memory");
                goto finish;
        }
        r = receive_verity(rd.fd, &m, buf, &rc, err, err_size);
        if (r < 0)
                goto finish;
        r = receive_uki(o, rd.fd, &m, buf, &rc, err, err_size);
        if (r < 0)
                goto finish;

        /* 2. Nothing may boot the slot while it changes: its UKIs go, its UUIDs become pending. */
        if (!o->no_uki) {
                r = remove_stale_ukis(&o->esp, t, booted, m.usrhash, err, err_size);
                if (r < 0)
                        goto finish;
        }
        uuid_pending(t->data->name, ud);
        uuid_pending(t->hash->name, uh);
        r = disk_set_uuids(o->target, t->data->partno, ud, t->hash->partno, uh);
        if (r < 0) {
                r = ERR("%s: cannot mark slot %s pending in the partition table: %s", o->target, t->name, strerror(-r));
                goto finish;
        }
        /* 3. Data, tree, checks (write_slot), with fsync after each. */
        r = write_slot(o, rd.fd, &m, t, &rc, buf, err, err_size);
        if (r < 0)
                goto finish;
        if (reader_finish(&rd, false) < 0) {
                r = ERR("the payload reader failed after sending the payload");
                goto finish;
        }
        /* 4. The slot becomes findable by its root hash. */
        uuid_from_hash(m.usrhash, ud, uh);
        r = disk_set_uuids(o->target, t->data->partno, ud, t->hash->partno, uh);
        if (r < 0) {
                r = ERR("%s: cannot set the PARTUUIDs of slot %s: %s", o->target, t->name, strerror(-r));
                goto finish;
        }
        /* 5. Last, the UKI that boots it, with boot counting. */
        if (!o->no_uki) {
                snprintf(name, sizeof(name), UKI_PREFIX "%s+%d.efi", m.version, apply_tries(o));
                r = esp_install(&o->esp, rc.uki_fd, name);
                if (r < 0) {
                        r = ERR("cannot install %s on the ESP: %s", name, strerror(-r));
                        goto finish;
                }
        }
        r = 0;
finish:
        reader_finish(&rd, r < 0);
        received_done(&rc);
        if (r != -EALREADY)
                record(o, &st, r < 0 ? "failed" : "success", r < 0 ? err : NULL);
        return r;
}
