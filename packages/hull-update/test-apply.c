/* SPDX-License-Identifier: MIT */
/* End to end on a scratch GPT disk image file: make payloads (hull-payload), write them to a
 * slot with the writer the device's apply uses, refuse the bad ones, resume after an
 * interruption; hull-update's verbs where they need no running Hull. Needs mkfs.erofs, veritysetup, sfdisk, mkfs.vfat,
 * mtools and objcopy-free UKIs (a minimal PE is written here). */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "apply.h"
#include "cmd.h"
#include "keys.h"
#include "payload.h"
#include "disk.h"
#include "esp.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "hull/process.h"
#include "hull/tests.h"
#include "sign.h"

static char dir[] = "/tmp/test-apply.XXXXXX";
static char usrhash[65];

static int sh(const char *fmt, ...) _printf_(1, 2);
static int sh(const char *fmt, ...) {
        _cleanup_free_ char *cmd = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&cmd, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -1;
        r = system(cmd);
        if (r != 0)
                fprintf(stderr, "command failed: %s\n", cmd);
        return r;
}

/* Inverts the byte at offset of file: a corruption that always changes it (writing a fixed
 * byte leaves it as it was when it already held that byte). */
static int flip_byte(const char *file, off_t offset) {
        int fd = open(file, O_RDWR | O_CLOEXEC);
        uint8_t b;
        int r = -1;

        if (fd < 0)
                return -1;
        if (pread(fd, &b, 1, offset) == 1) {
                b ^= 0xff;
                r = pwrite(fd, &b, 1, offset) == 1 ? 0 : -1;
        }
        close(fd);
        return r;
}

static char sb_cert[600];
static char *path(const char *name);

/* Runs a program's main (hull_update_main or hull_payload_main) with args in a child; returns
 * its exit status, stderr in *ret_err. */
static int run_main(int (*main_fn)(int argc, char *argv[]), const char *name, char **ret_err, va_list ap) {
        char *argv[64], errpath[600];
        int argc = 0, status;
        pid_t pid;

        argv[argc++] = (char *) name;
        for (char *a; (a = va_arg(ap, char *));)
                argv[argc++] = a;
        argv[argc] = NULL;
        snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
        fflush(NULL);
        pid = fork();
        if (pid == 0) {
                int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                dup2(fd, STDERR_FILENO);
                _exit(main_fn(argc, argv));
        }
        status = wait_for_exit(pid);
        if (ret_err) {
                *ret_err = NULL;
                (void) read_full_file(errpath, 1 << 20, ret_err, NULL);
        }
        return status;
}

/* hull-update (the device's program). */
static int run(char **ret_err, ...) {
        va_list ap;
        int r;

        va_start(ap, ret_err);
        r = run_main(hull_update_main, "hull-update", ret_err, ap);
        va_end(ap);
        return r;
}

/* hull-payload (the build's). */
static int run_payload(char **ret_err, ...) {
        va_list ap;
        int r;

        va_start(ap, ret_err);
        r = run_main(hull_payload_main, "hull-payload", ret_err, ap);
        va_end(ap);
        return r;
}

/* hull-payload write-image of payload to slot b of disk.raw, trusting the fixture's key and
 * Secure Boot db certificate (the image's are not here). */
static int write_image(char **ret_err, const char *state, const char *extra_opt, const char *payload) {
        return run_payload(ret_err, "--key", path("keys/update-key.pem"), "--secureboot-cert", sb_cert, "--layout",
                           path("layout.conf"), "--state-dir", path(state), extra_opt ? extra_opt : "--slot=b",
                           "write-image", "--target", path("disk.raw"), "--slot", "b", path(payload), NULL);
}

/* What hull-update auto does after reading its configuration, on the disk image file: apply
 * payload unattended to slot b (in a child, as the reader forks). Exit status as the program's,
 * the message in *ret_err. */
static int apply_unattended(char **ret_err, const char *payload) {
        char errpath[600];
        pid_t pid;
        int status;

        snprintf(errpath, sizeof(errpath), "%s/stderr", dir);
        fflush(NULL);
        pid = fork();
        if (pid == 0) {
                char target[600], layout[600];
                ApplyOptions o = { .target = target, .slot = "b", .layout_path = layout, .secureboot_cert = sb_cert,
                                   .unattended = true };
                EVP_PKEY *key = NULL;
                bool pending = false;
                char e[2048] = "";
                FILE *f;
                int r;

                snprintf(target, sizeof(target), "%s", path("disk.raw"));
                snprintf(layout, sizeof(layout), "%s", path("layout.conf"));
                o.ret_pending = &pending;
                snprintf(o.esp.image, sizeof(o.esp.image), "%s", path("disk.raw"));
                o.esp.offset = 1048576;
                if (key_load_public(path("keys/update-key.pem"), &key) < 0)
                        _exit(1);
                o.src.key = key;
                o.src.key_path = "test";
                o.src.policy.now = time(NULL);
                o.src.usr_compressed = true;
                static const char *const files[_SRC_MAX] = {
                        [SRC_MANIFEST] = "manifest.json", [SRC_SIGNATURE] = "manifest.json.sig",
                        [SRC_USR] = "usr.erofs.zst", [SRC_VERITY] = "usr.verity", [SRC_UKI] = "hull.efi",
                };
                for (int i = 0; i < _SRC_MAX; i++) {
                        char name[700];
                        snprintf(name, sizeof(name), "%s/%s", payload, files[i]);
                        o.src.fds[i] = open(path(name), O_RDONLY | O_CLOEXEC);
                }
                r = apply(&o, e, sizeof(e));
                f = fopen(errpath, "we");
                if (f) {
                        fprintf(f, "%s\n", e);
                        fclose(f);
                }
                _exit(r == -EALREADY ? 3 : r < 0 ? 1 : 0);
        }
        status = wait_for_exit(pid);
        if (ret_err) {
                *ret_err = NULL;
                (void) read_full_file(errpath, 1 << 20, ret_err, NULL);
        }
        return status;
}

/* A minimal PE32+ EFI application with one section, .cmdline: enough for hull-update's
 * command-line reader and for sbsign/sbverify (optional header with 16 data directories). */
static void write_pe(const char *path, const char *cmdline) {
        uint8_t img[1024] = {};
        size_t n = strlen(cmdline);
        uint8_t *coff = img + 0x44, *opt = img + 0x58, *sec = img + 0x58 + 0xf0;

        img[0] = 'M', img[1] = 'Z';
        img[0x3c] = 0x40;
        memcpy(img + 0x40, "PE\0\0", 4);
        coff[0] = 0x64, coff[1] = 0x86;          /* x86-64 */
        coff[2] = 1;                              /* one section */
        coff[16] = 0xf0;                          /* size of the optional header */
        coff[18] = 0x22;                          /* executable, large address aware */
        opt[0] = 0x0b, opt[1] = 0x02;             /* PE32+ */
        opt[33] = 0x10;                           /* section alignment 0x1000 */
        opt[37] = 0x02;                           /* file alignment 0x200 */
        opt[57] = 0x20;                           /* size of image 0x2000 */
        opt[61] = 0x02;                           /* size of headers 0x200 */
        opt[68] = 10;                             /* EFI application */
        opt[108] = 16;                            /* data directories */
        memcpy(sec, ".cmdline", 8);
        sec[8] = (uint8_t) n;                     /* virtual size */
        sec[13] = 0x10;                           /* virtual address 0x1000 */
        sec[17] = 0x02;                           /* raw size 0x200 */
        sec[21] = 0x02;                           /* raw data at 0x200 */
        sec[36] = 0x40, sec[39] = 0x40;           /* initialised data, readable */
        memcpy(img + 0x200, cmdline, n);
        CHECK_EQ_INT(write_file_atomic(path, img, sizeof(img), 0644), 0);
}

static char *path(const char *name) {
        static char buf[8][600];
        static int i;
        i = (i + 1) % 8;
        snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
        return buf[i];
}

/* The bytes of a region of the disk, hashed. */
static void region_sha(uint64_t off, uint64_t size, uint8_t ret[32]) {
        _cleanup_free_ char *buf = malloc(size);
        _cleanup_close_ int fd = open(path("disk.raw"), O_RDONLY | O_CLOEXEC);
        CHECK(buf && fd >= 0 && pread(fd, buf, size, (off_t) off) == (ssize_t) size);
        sha256_buffer(buf, size, ret);
}

static void slots(Slot s[SLOTS_MAX], Disk *d) {
        Layout l;
        size_t n;
        CHECK(layout_load(path("layout.conf"), &l) == 2);
        CHECK_EQ_INT(disk_read(path("disk.raw"), d), 0);
        CHECK_EQ_INT(slots_find(&l, d, s, &n), 0);
}

static int count_ukis_for(const char *hex) {
        Esp e = {};
        Uki *u = NULL;
        size_t n = 0;
        uint8_t h[32];
        int k = 0;
        Disk d;

        CHECK_EQ_INT(disk_read(path("disk.raw"), &d), 0);
        snprintf(e.image, sizeof(e.image), "%s", path("disk.raw"));
        e.offset = disk_find(&d, "esp", NULL)->offset;
        CHECK_EQ_INT(esp_list(&e, &u, &n), 0);
        unhexmem(hex, 32, h);
        for (size_t i = 0; i < n; i++)
                if (u[i].has_usrhash && memcmp(u[i].usrhash, h, 32) == 0)
                        k++;
        free(u);
        return k;
}

static void fresh_disk(void) {
        CHECK_EQ_INT(sh("cp %s/disk.orig %s/disk.raw", dir, dir), 0);
}

/* The payload directory PAYLOAD from the fixture, with make-payload options. */
static int make_payload(const char *out, const char *key, const char *version, const char *build, const char *hash,
                        const char *extra) {
        return sh("cd %s && %s/hull-payload-test make-payload --key %s --version %s --build %s --expires 30 --usr usr.erofs"
                  " --verity usr.verity --uki %s --usrhash %s -o %s %s >/dev/null 2>&1",
                  dir, dir, key, version, build, strcmp(hash, usrhash) == 0 ? "hull.efi" : "hull-other.efi", hash, out, extra);
}

/* A payload whose UKI is the fixture file UKI (for the Secure Boot refusals). */
static int make_payload_uki(const char *out, const char *uki) {
        return sh("cd %s && %s/hull-payload-test make-payload --key keys/update-key.private.pem --version 0.2.0 --build 2"
                  " --expires 30 --usr usr.erofs --verity usr.verity --uki %s --usrhash %s -o %s >/dev/null 2>&1",
                  dir, dir, uki, usrhash, out);
}

/* Applies payload to slot b; expects failure with want in a one-line error, slot a and its
 * UUIDs untouched, slot b not selectable. */
static void refused(const char *name, const char *payload, const char *want, const char *extra_opt) {
        _cleanup_free_ char *err = NULL;
        uint8_t before[32], after[32];
        Slot s0[SLOTS_MAX], s1[SLOTS_MAX];
        Disk d0, d1;
        int rc;

        fresh_disk();
        slots(s0, &d0);
        region_sha(s0[0].data->offset, s0[0].data->size + s0[0].hash->size, before);
        rc = write_image(&err, "state", extra_opt, payload);
        CHECK_EQ_INT(rc, 1);
        if (!err || !strstr(err, want) || strchr(err, '\n') != err + strlen(err) - 1) {
                fprintf(stderr, "%s: expected one line with \"%s\", got: %s", name, want, err ?: "(nothing)\n");
                hull_test_failures++;
        }
        slots(s1, &d1);
        region_sha(s1[0].data->offset, s1[0].data->size + s1[0].hash->size, after);
        CHECK(memcmp(before, after, 32) == 0);
        CHECK_STREQ(s1[0].data->uuid, s0[0].data->uuid);
        CHECK_STREQ(s1[0].hash->uuid, s0[0].hash->uuid);
        CHECK(!(s1[1].state == SLOT_READY && strncmp(usrhash, "", 0) == 0 &&
                slot_by_hash(s1, 2, s1[1].usrhash) == 1 && count_ukis_for(usrhash) > 0));
        CHECK_EQ_INT(count_ukis_for(usrhash), 0);
}

int main(int argc, char *argv[]) {
        _cleanup_free_ char *err = NULL, *self = NULL;
        Slot s[SLOTS_MAX];
        Disk d;
        uint8_t h1[32], h2[32];
        char other[65];

        if (system("for t in mkfs.erofs veritysetup sfdisk mkfs.vfat mcopy; do command -v $t >/dev/null || exit 1; done") != 0)
                return 77;
        if (!mkdtemp(dir))
                return 1;
        /* make-payload runs as a program: this binary re-enters hull_payload_main. */
        if (argc > 1)
                return hull_payload_main(argc, argv);
        self = realpath("/proc/self/exe", NULL);
        CHECK_EQ_INT(sh("ln -s %s %s/hull-payload-test", self, dir), 0);

        CHECK_EQ_INT(sh("cd %s && mkdir -p tree/lib && head -c 2000000 /dev/urandom >tree/lib/blob && echo hull >tree/os"
                        " && mkfs.erofs -zlz4hc usr.erofs tree >/dev/null 2>&1"
                        " && veritysetup format --data-block-size=4096 --hash-block-size=4096 usr.erofs usr.verity"
                        " | awk '/^Root hash:/ { printf \"%%s\", $3 }' >usrhash", dir), 0);
        {
                _cleanup_free_ char *t = NULL;
                CHECK_EQ_INT(read_full_file(path("usrhash"), 100, &t, NULL), 0);
                snprintf(usrhash, sizeof(usrhash), "%s", t ?: "");
        }
        {
                char cmdline[200];
                snprintf(cmdline, sizeof(cmdline), "quiet usrhash=%s", usrhash);
                write_pe(path("hull.efi"), cmdline);
                memcpy(other, usrhash, 65);
                other[0] = other[0] == '0' ? '1' : '0';
                snprintf(cmdline, sizeof(cmdline), "quiet usrhash=%s", other);
                write_pe(path("hull-other.efi"), cmdline);
        }
        /* Secure Boot: the UKIs signed with the fixture's db key; one left unsigned and one
         * signed by a key the image does not trust, for the refusals. */
        snprintf(sb_cert, sizeof(sb_cert), "%s/sb/db.crt", dir);
        CHECK_EQ_INT(sh("cd %s && mkdir sb && for k in db other; do openssl req -new -x509 -newkey rsa:2048 -nodes"
                        " -days 1 -subj /CN=$k/ -keyout sb/$k.key -out sb/$k.crt 2>/dev/null || exit 1; done"
                        " && cp hull.efi hull-unsigned.efi"
                        " && sbsign --key sb/other.key --cert sb/other.crt --output hull-otherkey.efi hull.efi 2>/dev/null"
                        " && for f in hull hull-other; do sbsign --key sb/db.key --cert sb/db.crt --output $f.efi.s $f.efi"
                        " >/dev/null 2>&1 && mv $f.efi.s $f.efi || exit 1; done"
                        " && sbverify --cert sb/db.crt hull.efi >/dev/null 2>&1"
                        " && ! sbverify --cert sb/db.crt hull-otherkey.efi >/dev/null 2>&1", dir), 0);
        CHECK_EQ_INT(sh("cd %s && printf '%%s\\n'"
                        " 'esp c12a7328-f81f-11d2-ba4b-00a0c93ec93b 4 esp'"
                        " 'usr-a 8484680c-9521-48c6-9c11-b0720656f69e 4 usr-a'"
                        " 'usr-a-verity 77ff5f63-e7b6-4633-acf4-1565b864c0e6 1 usr-a-verity'"
                        " 'usr-b 8484680c-9521-48c6-9c11-b0720656f69e 4 usr-b'"
                        " 'usr-b-verity 77ff5f63-e7b6-4633-acf4-1565b864c0e6 1 usr-b-verity'"
                        " 'state 4f68bce3-e8cd-4db1-96e7-fbcaf984b709 1 state' >layout.conf"
                        " && truncate -s 17M disk.orig && printf '%%s\\n' 'label: gpt' 'unit: sectors'"
                        " 'start=2048, size=8192, type=c12a7328-f81f-11d2-ba4b-00a0c93ec93b, name=esp'"
                        " 'start=10240, size=8192, type=8484680c-9521-48c6-9c11-b0720656f69e, name=usr-a'"
                        " 'start=18432, size=2048, type=77ff5f63-e7b6-4633-acf4-1565b864c0e6, name=usr-a-verity'"
                        " 'start=20480, size=8192, type=8484680c-9521-48c6-9c11-b0720656f69e, name=usr-b'"
                        " 'start=28672, size=2048, type=77ff5f63-e7b6-4633-acf4-1565b864c0e6, name=usr-b-verity'"
                        " 'start=30720, size=2048, type=4f68bce3-e8cd-4db1-96e7-fbcaf984b709, name=state'"
                        " | sfdisk -q disk.orig && mkfs.vfat -C esp.img 4096 >/dev/null"
                        " && dd if=esp.img of=disk.orig bs=1M seek=1 conv=notrunc status=none"
                        " && head -c 4194304 /dev/urandom | dd of=disk.orig bs=1M seek=5 conv=notrunc status=none",
                        dir), 0);
        CHECK_EQ_INT(run_payload(NULL, "keygen", "-o", path("keys"), NULL), 0);
        CHECK_EQ_INT(run_payload(NULL, "keygen", "-o", path("keys2"), NULL), 0);
        CHECK_EQ_INT(run_payload(NULL, "keygen", "-o", path("keys"), NULL), 1); /* never replaces a key */
        CHECK_EQ_INT(make_payload("good", "keys/update-key.private.pem", "0.2.0", "2", usrhash, ""), 0);
        CHECK_EQ_INT(make_payload("plain", "keys/update-key.private.pem", "0.2.0", "2", usrhash, "--no-compress"), 0);

        /* check, against an older running version */
        CHECK_EQ_INT(sh("printf 'IMAGE_VERSION=0.1.0\\nHULL_BUILD=1\\n' >%s/os-release-old", dir), 0);
        {
                char opt[700];
                snprintf(opt, sizeof(opt), "--os-release=%s", path("os-release-old"));
                CHECK_EQ_INT(run(NULL, "--key", path("keys/update-key.pem"), opt, "check", path("good"), NULL), 0);
                CHECK_EQ_INT(run(NULL, "check", "--key", path("keys2/update-key.pem"), opt, path("good"), NULL), 1);
        }

        /* write-image: slot b of a disk image file */
        fresh_disk();
        CHECK_EQ_INT(write_image(&err, "state", NULL, "good"), 0);
        slots(s, &d);
        CHECK_EQ_INT(s[1].state, SLOT_READY);
        {
                char hex[65];
                hexmem(s[1].usrhash, 32, hex);
                CHECK_STREQ(hex, usrhash);
        }
        CHECK_EQ_INT(sh("cd %s && cmp -n $(stat -c %%s usr.erofs) usr.erofs disk.raw --ignore-initial=0:%llu", dir,
                        (unsigned long long) s[1].data->offset), 0);
        CHECK_EQ_INT(sh("cd %s && cmp -n $(stat -c %%s usr.verity) usr.verity disk.raw --ignore-initial=0:%llu", dir,
                        (unsigned long long) s[1].hash->offset), 0);
        CHECK_EQ_INT(count_ukis_for(usrhash), 1);
        CHECK_EQ_INT(sh("MTOOLS_SKIP_CHECK=1 mdir -b -i %s/disk.raw@@1048576 ::/EFI/Linux | grep -qx '::/EFI/Linux/hull_0.2.0+3.efi'", dir), 0);
        CHECK_EQ_INT(sh("grep -q '\"result\": \"success\"' %s/state/update.json", dir), 0);
        /* Again: idempotent, still one UKI. */
        CHECK_EQ_INT(write_image(NULL, "state", NULL, "plain"), 0);
        CHECK_EQ_INT(count_ukis_for(usrhash), 1);

        /* Interrupted after 1 MiB of the image: slot b pending, then a second run completes. */
        fresh_disk();
        {
                char target[600], layout[600];
                ApplyOptions o = { .target = target, .slot = "b", .layout_path = layout, .fail_after = 1 << 20,
                                   .secureboot_cert = sb_cert };
                EVP_PKEY *key = NULL;
                pid_t pid;
                char e[1024];

                snprintf(target, sizeof(target), "%s", path("disk.raw"));
                snprintf(layout, sizeof(layout), "%s", path("layout.conf"));
                CHECK_EQ_INT(key_load_public(path("keys/update-key.pem"), &key), 0);
                snprintf(o.esp.image, sizeof(o.esp.image), "%s", path("disk.raw"));
                o.esp.offset = 1048576;
                o.src.key = key;
                o.src.key_path = "test";
                o.src.policy.now = time(NULL);
                o.src.usr_compressed = true;
                o.src.fds[SRC_MANIFEST] = open(path("good/manifest.json"), O_RDONLY | O_CLOEXEC);
                o.src.fds[SRC_SIGNATURE] = open(path("good/manifest.json.sig"), O_RDONLY | O_CLOEXEC);
                o.src.fds[SRC_USR] = open(path("good/usr.erofs.zst"), O_RDONLY | O_CLOEXEC);
                o.src.fds[SRC_VERITY] = open(path("good/usr.verity"), O_RDONLY | O_CLOEXEC);
                o.src.fds[SRC_UKI] = open(path("good/hull.efi"), O_RDONLY | O_CLOEXEC);
                pid = fork();
                if (pid == 0)
                        _exit(apply(&o, e, sizeof(e)) < 0 ? (fprintf(stderr, "%s\n", e), 1) : 0);
                CHECK_EQ_INT(wait_for_exit(pid), 3);
                EVP_PKEY_free(key);
                for (int i = 0; i < _SRC_MAX; i++)
                        close(o.src.fds[i]);
        }
        slots(s, &d);
        CHECK_EQ_INT(s[1].state, SLOT_PENDING);
        CHECK_EQ_INT(count_ukis_for(usrhash), 0);
        CHECK_EQ_INT(write_image(NULL, "state", NULL, "good"), 0);
        slots(s, &d);
        CHECK_EQ_INT(s[1].state, SLOT_READY);
        CHECK_EQ_INT(count_ukis_for(usrhash), 1);
        region_sha(s[1].data->offset, 0, h1);
        (void) h2;

        /* Refusals: one error line each, slot a untouched, slot b not selectable. */
        CHECK_EQ_INT(make_payload("wrongkey", "keys2/update-key.private.pem", "0.2.0", "2", usrhash, ""), 0);
        refused("wrong key", "wrongkey", "wrong key", NULL);

        CHECK_EQ_INT(sh("cp -r %1$s/good %1$s/badsig", dir), 0);
        CHECK_EQ_INT(flip_byte(path("badsig/manifest.json.sig"), 10), 0);
        refused("bad signature", "badsig", "bad signature", NULL);

        CHECK_EQ_INT(sh("cp -r %1$s/good %1$s/trunc && truncate -s 500000 %1$s/trunc/usr.erofs.zst", dir), 0);
        refused("truncated image", "trunc", "truncated", NULL);

        CHECK_EQ_INT(sh("cp -r %1$s/plain %1$s/shabad", dir), 0);
        CHECK_EQ_INT(flip_byte(path("shabad/usr.erofs"), 1500000), 0);
        refused("SHA-256 mismatch", "shabad", "SHA-256 mismatch", NULL);

        CHECK_EQ_INT(make_payload("roothash", "keys/update-key.private.pem", "0.2.0", "2", other, ""), 0);
        refused("root hash mismatch", "roothash", "usr.erofs.zst: root hash mismatch", NULL);

        /* A UKI the firmware would refuse is refused before anything is written: slot b's bytes,
         * its PARTUUIDs and the ESP stay as they were. */
        CHECK_EQ_INT(make_payload_uki("unsigned", "hull-unsigned.efi"), 0);
        CHECK_EQ_INT(make_payload_uki("otherkey", "hull-otherkey.efi"), 0);
        {
                const char *cases[][2] = { { "unsigned UKI", "unsigned" }, { "UKI signed by another key", "otherkey" } };
                for (size_t i = 0; i < 2; i++) {
                        uint8_t b0[32], b1[32], e0[32], e1[32];
                        Slot t0[SLOTS_MAX], t1[SLOTS_MAX];
                        Disk x0, x1;
                        fresh_disk();
                        slots(t0, &x0);
                        region_sha(t0[1].data->offset, t0[1].data->size + t0[1].hash->size, b0);
                        region_sha(1048576, 4194304, e0);
                        refused(cases[i][0], cases[i][1], "hull.efi: not signed by the Secure Boot db certificate", NULL);
                        slots(t1, &x1);
                        region_sha(t1[1].data->offset, t1[1].data->size + t1[1].hash->size, b1);
                        region_sha(1048576, 4194304, e1);
                        CHECK(memcmp(b0, b1, 32) == 0);
                        CHECK(memcmp(e0, e1, 32) == 0);
                        CHECK_STREQ(t1[1].data->uuid, t0[1].data->uuid);
                        CHECK_STREQ(t1[1].hash->uuid, t0[1].hash->uuid);
                }
        }
        /* Without the certificate the image trusts, nothing is applied. */
        {
                char saved[600];
                snprintf(saved, sizeof(saved), "%s", sb_cert);
                snprintf(sb_cert, sizeof(sb_cert), "%s/sb/missing.crt", dir);
                refused("no trusted certificate", "good", "cannot read the Secure Boot db certificate", NULL);
                snprintf(sb_cert, sizeof(sb_cert), "%s", saved);
        }

        CHECK_EQ_INT(sh("printf 'IMAGE_VERSION=0.3.0\\n' >%s/os-release", dir), 0);
        {
                char opt[700];
                snprintf(opt, sizeof(opt), "--os-release=%s", path("os-release"));
                refused("downgrade", "good", "downgrade", opt);
        }

        CHECK_EQ_INT(sh("cd %s && SOURCE_DATE_EPOCH=1000000 ./hull-payload-test make-payload --key keys/update-key.private.pem"
                        " --version 0.2.0 --build 2 --expires 1 --usr usr.erofs --verity usr.verity --uki hull.efi"
                        " --usrhash %s -o expired >/dev/null 2>&1", dir, usrhash), 0);
        refused("expired manifest", "expired", "expired manifest", NULL);

        /* A signed manifest that is not canonical JSON. */
        {
                _cleanup_free_ char *text = NULL, *bad = NULL;
                EVP_PKEY *k = NULL;
                uint8_t sig[SIGNATURE_SIZE];
                size_t n;

                CHECK_EQ_INT(sh("cp -r %1$s/good %1$s/malformed", dir), 0);
                CHECK_EQ_INT(read_full_file(path("good/manifest.json"), 65536, &text, &n), 0);
                CHECK(asprintf(&bad, "{\"extra\": true,%s", text + 1) > 0);
                CHECK_EQ_INT(key_load_private(path("keys/update-key.private.pem"), &k), 0);
                CHECK_EQ_INT(signature_create(k, bad, strlen(bad), sig), 0);
                CHECK_EQ_INT(write_file_atomic(path("malformed/manifest.json"), bad, strlen(bad), 0644), 0);
                CHECK_EQ_INT(write_file_atomic(path("malformed/manifest.json.sig"), sig, sizeof(sig), 0644), 0);
                EVP_PKEY_free(k);
        }
        refused("malformed manifest", "malformed", "malformed manifest", NULL);

        /* Nothing to do exits 3: the running version and build (write-image, whose checks are
         * apply's, and check), and in unattended runs (auto) an image the other slot holds
         * already, waiting for a reboot or rolled back. */
        {
                _cleanup_free_ char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL;
                char opt[700], conf[700];
                Esp esp = { .offset = 1048576 };

                fresh_disk();
                CHECK_EQ_INT(sh("printf 'IMAGE_VERSION=0.2.0\\nHULL_BUILD=2\\n' >%s/os-release-same", dir), 0);
                snprintf(opt, sizeof(opt), "--os-release=%s", path("os-release-same"));
                CHECK_EQ_INT(write_image(&e1, "state-same", opt, "good"), 3);
                CHECK(e1 && strstr(e1, "nothing to do: version 0.2.0 build 2 is the running version"));
                CHECK(access(path("state-same/update.json"), F_OK) < 0);
                /* Only the manifest is read to tell. */
                CHECK_EQ_INT(sh("mkdir %1$s/manifest-only && cp %1$s/good/manifest.json* %1$s/manifest-only/", dir), 0);
                CHECK_EQ_INT(write_image(NULL, "state-same", opt, "manifest-only"), 3);
                CHECK_EQ_INT(run(&e2, "--key", path("keys/update-key.pem"), opt, "check", path("good"), NULL), 3);
                CHECK(e2 && strstr(e2, "nothing to do"));
                CHECK_EQ_INT(count_ukis_for(usrhash), 0);

                CHECK_EQ_INT(sh("printf 'URL=file://%s\\nREBOOT=never\\n' >%s/update.conf", path("good"), dir), 0);
                snprintf(conf, sizeof(conf), "--config=%s", path("update.conf"));
                CHECK_EQ_INT(run(NULL, conf, "--validate", "auto", NULL), 0);
                CHECK_EQ_INT(apply_unattended(&e3, "good"), 0);
                CHECK_EQ_INT(count_ukis_for(usrhash), 1);
                CHECK_EQ_INT(apply_unattended(&e4, "good"), 3);
                CHECK(e4 && strstr(e4, "nothing to do: version 0.2.0 is installed in slot b already and boots next (hull_0.2.0+3.efi)"));
                snprintf(esp.image, sizeof(esp.image), "%s", path("disk.raw"));
                CHECK_EQ_INT(esp_rename(&esp, "hull_0.2.0+3.efi", "hull_0.2.0+0-3.efi"), 0);
                CHECK_EQ_INT(apply_unattended(&e5, "good"), 3);
                CHECK(e5 && strstr(e5, "was tried in slot b and rolled back"));
                CHECK_EQ_INT(count_ukis_for(usrhash), 1);
                CHECK_EQ_INT(sh("printf 'URL=relative\\n' >%s/update.conf", dir), 0);
                CHECK_EQ_INT(run(NULL, conf, "auto", NULL), 1);
        }

        /* Usage errors exit 2; the device's hull-update writes no disk image file, and
         * hull-payload has none of its verbs. */
        CHECK_EQ_INT(run(NULL, "frobnicate", NULL), 2);
        CHECK_EQ_INT(run(NULL, "--bogus", NULL), 2);
        CHECK_EQ_INT(run(NULL, "status", "extra", NULL), 2);
        CHECK_EQ_INT(run(NULL, "--key", "apply", "check", NULL), 2);
        CHECK_EQ_INT(run(NULL, "apply", "--target", path("disk.raw"), path("good"), NULL), 2);
        CHECK_EQ_INT(run(NULL, "make-payload", NULL), 2);
        CHECK_EQ_INT(run(NULL, "keygen", "-o", path("keys3"), NULL), 2);
        CHECK_EQ_INT(run_payload(NULL, "frobnicate", NULL), 2);
        CHECK_EQ_INT(run_payload(NULL, "apply", path("good"), NULL), 2);
        CHECK_EQ_INT(run_payload(NULL, "write-image", path("good"), NULL), 2);
        CHECK_EQ_INT(run(NULL, "--version", NULL), 0);
        CHECK_EQ_INT(run_payload(NULL, "--version", NULL), 0);

        if (hull_test_failures == 0)
                (void) sh("rm -rf %s", dir);
        return TEST_RETURN();
}
