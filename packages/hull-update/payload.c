/* SPDX-License-Identifier: MIT */
/* hull-payload's verbs: keygen, make-payload (sign a build's /usr, verity tree and UKI) and
 * write-image (apply a payload to a slot of a disk image file with the device's own writer,
 * apply.c, and its checks). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zstd.h>

#include "apply.h"
#include "esp.h"
#include "host.h"
#include "hull/fileio.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "keys.h"
#include "manifest.h"
#include "payload.h"
#include "verity.h"

static void help(void) {
        printf("Usage: %1$s keygen -o DIR\n"
               "       %1$s make-payload --key KEY.pem --version V --build N [--expires DAYS]\n"
               "                  --usr usr.erofs --verity usr.verity --uki hull.efi --usrhash HEX\n"
               "                  [--pcr11 HEX] [--no-compress] [--level N] -o DIR\n"
               "       %1$s write-image --key PUB.pem --layout FILE --target DISK.raw --slot NAME\n"
               "                  [--secureboot-cert PEM] [--esp DIR] [--no-uki] [--state-dir DIR]\n"
               "                  [--os-release FILE] [--allow-downgrade] PAYLOAD\n\n"
               "The build host's half of hull-update: update keys, signed payloads, and a slot of a\n"
               "disk image file written with the same code and checks as an update.\n"
               "Exit status: 0 done, 1 failed or refused, 2 usage, 3 nothing to do.\n\n"
               "  -h --help             show this help\n"
               "     --version          show the version (make-payload: the payload's version)\n"
               "  -o --output DIR       keygen, make-payload: where to write\n"
               "     --key PEM          make-payload: the private key; write-image: the public key\n"
               "     --build N          make-payload: the build number (HULL_BUILD)\n"
               "     --expires DAYS     make-payload: 1-3650 (default 90)\n"
               "     --no-compress      make-payload: ship usr.erofs uncompressed\n"
               "     --level N          make-payload: zstd level (default 6)\n"
               "     --pcr11 HEX        make-payload: the PCR 11 the UKI measures to (signed, for\n"
               "                        attestation)\n"
               "     --target DISK      write-image: the disk image file\n"
               "     --slot NAME        write-image: the slot to write (a, b)\n"
               "     --layout FILE      write-image: the partition layout (image/partitions.conf)\n"
               "     --secureboot-cert PEM\n"
               "                        write-image: the db certificate the UKI must be signed by\n"
               "                        (default " SECUREBOOT_CERT_PATH ")\n"
               "     --esp DIR          write-image: an ESP mounted here (default: the image's ESP\n"
               "                        partition, through mtools)\n"
               "     --no-uki           write-image: do not install the UKI (the caller does)\n"
               "     --state-dir DIR    write-image: keep the updater's record here (default none)\n"
               "     --os-release FILE  write-image: refuse a version not newer than this one's\n"
               "     --allow-downgrade  write-image: accept it anyway\n",
               program_invocation_short_name);
}

static int parse_u64_arg(const char *name, const char *s, uint64_t *ret) {
        if (safe_atou64(s, ret) < 0)
                return log_error_errno(-EINVAL, "%s needs a non-negative integer, not '%s'.", name, s);
        return 0;
}

/* --- keygen -------------------------------------------------------------------------------- */

static int run_keygen(const char *output) {
        int r;

        if (!output)
                return log_error_errno(-EINVAL, "keygen needs -o DIR.");
        r = keygen(output);
        if (r == -EEXIST)
                return log_error_errno(r, "%s/update-key.private.pem exists already: not replacing a key.", output);
        if (r < 0)
                return log_error_errno(r, "Failed to make a key pair in '%s': %m", output);
        log_info("Wrote %s/update-key.private.pem (keep it secret) and %s/update-key.pem.", output, output);
        return 0;
}

static int verb_keygen(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "output", required_argument, NULL, 'o' },
                {}
        };
        const char *output = NULL;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "ho:", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case 'o': output = optarg; break;
                case '?':
                        return EXIT_USAGE;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option."), EXIT_USAGE;
                }
        if (verb_operands(argc, argv, "keygen", 0) < 0)
                return EXIT_USAGE;
        return verb_exit_status(run_keygen(output));
}

/* --- make-payload -------------------------------------------------------------------------- */

typedef struct MakePayloadArgs {
        const char *key, *version, *usr, *verity, *uki, *usrhash, *pcr11, *output;
        uint64_t build, expires_days;
        bool build_set, no_compress;
        int level;
} MakePayloadArgs;

static int hash_file(const char *path, uint8_t ret[32], uint64_t *ret_size) {
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        static uint8_t buf[1 << 20];
        EVP_MD_CTX *ctx;
        uint64_t n = 0;
        ssize_t k;
        int r = 0;

        if (fd < 0)
                return -errno;
        ctx = EVP_MD_CTX_new();
        if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
                EVP_MD_CTX_free(ctx);
                return -ENOMEM;
        }
        while ((k = read(fd, buf, sizeof(buf))) > 0) {
                EVP_DigestUpdate(ctx, buf, (size_t) k);
                n += (uint64_t) k;
        }
        if (k < 0 || EVP_DigestFinal_ex(ctx, ret, NULL) != 1)
                r = k < 0 ? -errno : -EIO;
        EVP_MD_CTX_free(ctx);
        *ret_size = n;
        return r;
}

static int copy_file(const char *from, const char *to, int level) {
        _cleanup_close_ int in = open(from, O_RDONLY | O_CLOEXEC);
        _cleanup_close_ int out = -1;
        _cleanup_free_ uint8_t *ibuf = NULL, *obuf = NULL;
        size_t isz = ZSTD_CStreamInSize() * 32, osz = ZSTD_CStreamOutSize() * 32;
        ZSTD_CCtx *z = NULL;
        ssize_t k;
        int r = 0;

        if (in < 0)
                return -errno;
        out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0)
                return -errno;
        ibuf = malloc(isz);
        obuf = malloc(osz);
        if (!ibuf || !obuf)
                return -ENOMEM;
        if (level > 0) {
                z = ZSTD_createCCtx();
                if (!z)
                        return -ENOMEM;
                ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, level);
                ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 1);
                ZSTD_CCtx_setParameter(z, ZSTD_c_nbWorkers, 2); /* ignored without threads */
        }
        for (;;) {
                k = read(in, ibuf, isz);
                if (k < 0) {
                        r = -errno;
                        break;
                }
                if (!z) {
                        if (k == 0)
                                break;
                        r = loop_write(out, ibuf, (size_t) k);
                        if (r < 0)
                                break;
                        continue;
                }
                ZSTD_EndDirective mode = k == 0 ? ZSTD_e_end : ZSTD_e_continue;
                ZSTD_inBuffer zi = { ibuf, (size_t) k, 0 };
                size_t left;
                do {
                        ZSTD_outBuffer zo = { obuf, osz, 0 };
                        left = ZSTD_compressStream2(z, &zo, &zi, mode);
                        if (ZSTD_isError(left)) {
                                r = -EIO;
                                break;
                        }
                        r = loop_write(out, obuf, zo.pos);
                        if (r < 0)
                                break;
                } while (r >= 0 && (mode == ZSTD_e_end ? left != 0 : zi.pos < zi.size));
                if (r < 0 || k == 0)
                        break;
        }
        ZSTD_freeCCtx(z);
        if (r >= 0 && fsync(out) < 0)
                r = -errno;
        return r;
}

static int run_make_payload(const MakePayloadArgs *a) {
        _cleanup_pkey_ EVP_PKEY *key = NULL;
        _cleanup_free_ char *text = NULL, *p = NULL, *cmdline = NULL;
        uint8_t sig[SIGNATURE_SIZE], h[32];
        Manifest m = { .format = MANIFEST_FORMAT };
        const char *sde;
        size_t n;
        int64_t now;
        int r;

        if (!a->key || !a->version || !a->build_set || !a->usr || !a->verity || !a->uki || !a->usrhash || !a->output)
                return log_error_errno(-EINVAL, "make-payload needs --key, --version, --build, --usr, --verity, --uki, --usrhash and -o.");
        if (!version_is_valid(a->version))
                return log_error_errno(-EINVAL, "--version '%s' must be 1-64 characters of [0-9A-Za-z.~^_-].", a->version);
        if (strlen(a->usrhash) != 64 || unhexmem(a->usrhash, 32, m.usrhash) < 0)
                return log_error_errno(-EINVAL, "--usrhash must be 64 lower-case hex digits.");
        if (a->pcr11) {
                if (strlen(a->pcr11) != 64 || unhexmem(a->pcr11, 32, m.pcr11) < 0)
                        return log_error_errno(-EINVAL, "--pcr11 must be 64 lower-case hex digits.");
                m.has_pcr11 = true;
        }
        r = key_load_private(a->key, &key);
        if (r < 0)
                return log_error_errno(r, "Failed to load the Ed25519 private key '%s': %s", a->key,
                                       r == -EBADMSG ? "not an Ed25519 private key in PEM" : strerror(-r));
        r = key_id(key, m.key_id);
        if (r < 0)
                return log_error_errno(r, "Failed to derive the key id of '%s'.", a->key);
        snprintf(m.version, sizeof(m.version), "%s", a->version);
        m.build = a->build;
        sde = secure_getenv("SOURCE_DATE_EPOCH");
        now = (int64_t) time(NULL);
        if (sde) {
                uint64_t u;
                if (safe_atou64(sde, &u) < 0 || u > INT64_MAX / 2)
                        return log_error_errno(-EINVAL, "SOURCE_DATE_EPOCH='%s' is not a time.", sde);
                now = (int64_t) u;
        }
        m.released = now;
        m.expires = now + (int64_t) a->expires_days * 86400;
        m.compression = a->no_compress ? COMPRESSION_NONE : COMPRESSION_ZSTD;

        r = hash_file(a->usr, m.usr.sha256, &m.usr.size);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", a->usr);
        r = hash_file(a->verity, m.verity.sha256, &m.verity.size);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", a->verity);
        r = hash_file(a->uki, m.uki.sha256, &m.uki.size);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", a->uki);
        {
                _cleanup_close_ int fd = open(a->uki, O_RDONLY | O_CLOEXEC);
                if (fd < 0 || pe_read_cmdline(fd, &cmdline) < 0 || cmdline_usrhash(cmdline, h) < 0 || memcmp(h, m.usrhash, 32) != 0)
                        return log_error_errno(-EINVAL, "%s: not a UKI whose .cmdline has usrhash=%s.", a->uki, a->usrhash);
        }
        {
                _cleanup_close_ int fd = open(a->verity, O_RDONLY | O_CLOEXEC);
                uint8_t sb[512];
                VerityParams vp;
                if (fd < 0 || read(fd, sb, sizeof(sb)) != (ssize_t) sizeof(sb) || verity_superblock_parse(sb, sizeof(sb), &vp) < 0 ||
                    vp.data_blocks * VERITY_BLOCK != m.usr.size)
                        return log_error_errno(-EINVAL, "%s: not a verity tree (format 1, sha256, 4096-byte blocks) for %s.",
                                               a->verity, a->usr);
        }
        r = manifest_validate(&m, NULL);
        if (r < 0)
                return log_error_errno(r, "%s: the /usr image must be a non-empty multiple of 4096 bytes.", a->usr);

        if (mkdir(a->output, 0755) < 0 && errno != EEXIST)
                return log_error_errno(-errno, "Failed to create '%s': %m", a->output);
#define OUT(name) (free(p), p = NULL, asprintf(&p, "%s/%s", a->output, name) < 0 ? NULL : p)
        if (!OUT(manifest_usr_file(&m)))
                return log_oom();
        r = copy_file(a->usr, p, a->no_compress ? 0 : a->level);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", p);
        if (!OUT("usr.verity"))
                return log_oom();
        r = copy_file(a->verity, p, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", p);
        if (!OUT("hull.efi"))
                return log_oom();
        r = copy_file(a->uki, p, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", p);
        /* The other form of the image must not linger from an earlier run. */
        if (!OUT(a->no_compress ? "usr.erofs.zst" : "usr.erofs"))
                return log_oom();
        (void) unlink(p);

        r = manifest_format(&m, &text, &n);
        if (r < 0)
                return log_oom();
        r = signature_create(key, text, n, sig);
        if (r < 0)
                return log_error_errno(r, "Failed to sign the manifest with '%s'.", a->key);
        if (!OUT("manifest.json.sig"))
                return log_oom();
        r = write_file_atomic(p, sig, sizeof(sig), 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", p);
        if (!OUT("manifest.json"))
                return log_oom();
        r = write_file_atomic(p, text, n, 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", p);
#undef OUT
        log_info("Payload %s build %" PRIu64 " written to %s (expires in %" PRIu64 " days).", m.version, m.build,
                 a->output, a->expires_days);
        return 0;
}

static int verb_make_payload(int argc, char *argv[]) {
        enum {
                ARG_KEY = 0x100, ARG_PVERSION, ARG_BUILD, ARG_EXPIRES, ARG_USR, ARG_VERITY, ARG_UKI, ARG_USRHASH,
                ARG_PCR11, ARG_NO_COMPRESS, ARG_LEVEL,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "output", required_argument, NULL, 'o' },
                { "key", required_argument, NULL, ARG_KEY },
                { "version", required_argument, NULL, ARG_PVERSION },
                { "build", required_argument, NULL, ARG_BUILD },
                { "expires", required_argument, NULL, ARG_EXPIRES },
                { "usr", required_argument, NULL, ARG_USR },
                { "verity", required_argument, NULL, ARG_VERITY },
                { "uki", required_argument, NULL, ARG_UKI },
                { "usrhash", required_argument, NULL, ARG_USRHASH },
                { "pcr11", required_argument, NULL, ARG_PCR11 },
                { "no-compress", no_argument, NULL, ARG_NO_COMPRESS },
                { "level", required_argument, NULL, ARG_LEVEL },
                {}
        };
        MakePayloadArgs a = { .expires_days = 90, .level = 6 };
        uint64_t u;
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "ho:", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case 'o': a.output = optarg; break;
                case ARG_KEY: a.key = optarg; break;
                case ARG_PVERSION: a.version = optarg; break;
                case ARG_BUILD:
                        if (parse_u64_arg("--build", optarg, &a.build) < 0)
                                return EXIT_USAGE;
                        a.build_set = true;
                        break;
                case ARG_EXPIRES:
                        if (parse_u64_arg("--expires", optarg, &a.expires_days) < 0)
                                return EXIT_USAGE;
                        if (a.expires_days == 0 || a.expires_days > 3650)
                                return log_error_errno(-EINVAL, "--expires takes 1-3650 days, not %s.", optarg), EXIT_USAGE;
                        break;
                case ARG_USR: a.usr = optarg; break;
                case ARG_VERITY: a.verity = optarg; break;
                case ARG_UKI: a.uki = optarg; break;
                case ARG_USRHASH: a.usrhash = optarg; break;
                case ARG_PCR11: a.pcr11 = optarg; break;
                case ARG_NO_COMPRESS: a.no_compress = true; break;
                case ARG_LEVEL:
                        if (parse_u64_arg("--level", optarg, &u) < 0)
                                return EXIT_USAGE;
                        if (u < 1 || u > 19)
                                return log_error_errno(-EINVAL, "--level takes 1-19, not %s.", optarg), EXIT_USAGE;
                        a.level = (int) u;
                        break;
                case '?':
                        return EXIT_USAGE;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option."), EXIT_USAGE;
                }
        if (verb_operands(argc, argv, "make-payload", 0) < 0)
                return EXIT_USAGE;
        return verb_exit_status(run_make_payload(&a));
}

/* --- write-image --------------------------------------------------------------------------- */

static int verb_write_image(int argc, char *argv[]) {
        enum {
                ARG_KEY = 0x100, ARG_SECUREBOOT_CERT, ARG_TARGET, ARG_SLOT, ARG_LAYOUT, ARG_ESP, ARG_NO_UKI,
                ARG_STATE_DIR, ARG_OS_RELEASE, ARG_ALLOW_DOWNGRADE,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "key", required_argument, NULL, ARG_KEY },
                { "secureboot-cert", required_argument, NULL, ARG_SECUREBOOT_CERT },
                { "target", required_argument, NULL, ARG_TARGET },
                { "slot", required_argument, NULL, ARG_SLOT },
                { "layout", required_argument, NULL, ARG_LAYOUT },
                { "esp", required_argument, NULL, ARG_ESP },
                { "no-uki", no_argument, NULL, ARG_NO_UKI },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "os-release", required_argument, NULL, ARG_OS_RELEASE },
                { "allow-downgrade", no_argument, NULL, ARG_ALLOW_DOWNGRADE },
                {}
        };
        PayloadArgs pa = {};
        ApplyOptions o = {};
        const char *esp = NULL;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_KEY: pa.key = optarg; break;
                case ARG_SECUREBOOT_CERT: o.secureboot_cert = optarg; break;
                case ARG_TARGET: o.target = optarg; break;
                case ARG_SLOT: o.slot = optarg; break;
                case ARG_LAYOUT: o.layout_path = optarg; break;
                case ARG_ESP: esp = optarg; break;
                case ARG_NO_UKI: o.no_uki = true; break;
                case ARG_STATE_DIR: o.state_dir = optarg; break;
                case ARG_OS_RELEASE: pa.os_release = optarg; break;
                case ARG_ALLOW_DOWNGRADE: pa.allow_downgrade = true; break;
                case '?':
                        return EXIT_USAGE;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option."), EXIT_USAGE;
                }
        if (verb_operands(argc, argv, "write-image", 1) < 0)
                return EXIT_USAGE;
        if (!pa.key || !o.target || !o.slot || !o.layout_path)
                return log_error_errno(-EINVAL, "write-image needs --key, --target, --slot and --layout."), EXIT_USAGE;
        if (esp)
                snprintf(o.esp.dir, sizeof(o.esp.dir), "%s", esp);
        else {
                r = esp_in_image(o.layout_path, o.target, &o.esp);
                if (r < 0 && !o.no_uki)
                        return log_error_errno(r, "%s: cannot find the ESP partition: %m", o.target), 1;
        }
        return verb_exit_status(payload_apply(argv[optind + 1], &pa, &o));
}

/* --- the verbs ----------------------------------------------------------------------------- */

int hull_payload_main(int argc, char *argv[]) {
        static const Verb verbs[] = {
                { "keygen", verb_keygen }, { "make-payload", verb_make_payload }, { "write-image", verb_write_image },
        };

        return verb_dispatch(argc, argv, verbs, ELEMENTSOF(verbs), "hull-payload", help);
}
