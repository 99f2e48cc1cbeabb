/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <blkid/blkid.h>
#include <json-c/json.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-journal.h>
#include <zstd.h>

#include "apply.h"
#include "config.h"
#include "proto.h"
#include "cmd.h"
#include "hull/fileio.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "state.h"
#include "verity.h"

#define KEY_PATH "/usr/lib/hull/update-key.pem"
#define OS_RELEASE "/usr/lib/os-release"
#define ESP_DIR "/efi"

static const char *arg_key = NULL;
static const char *arg_secureboot_cert = NULL;
static const char *arg_target = NULL;
static const char *arg_slot = NULL;
static const char *arg_esp = NULL;
static const char *arg_layout = NULL;
static const char *arg_state_dir = STATE_DIR;
static const char *arg_os_release = NULL;
static const char *arg_output = NULL;
static const char *arg_config = UPDATE_CONF;
static const char *arg_version = NULL;
static const char *arg_usr = NULL, *arg_verity = NULL, *arg_uki = NULL, *arg_usrhash = NULL, *arg_pcr11 = NULL;
static uint64_t arg_build = 0, arg_expires_days = 90;
static bool arg_json = false, arg_allow_downgrade = false, arg_no_uki = false, arg_no_compress = false;
static bool arg_build_set = false, arg_validate = false;
static int arg_level = 6;

static void help(void) {
        printf("Usage: %1$s [OPTIONS] status [--json]\n"
               "       %1$s [OPTIONS] check URL|DIR\n"
               "       %1$s [OPTIONS] apply URL|DIR\n"
               "       %1$s [OPTIONS] rollback\n"
               "       %1$s [--config FILE] [--validate] auto\n"
               "       %1$s make-payload --key KEY.pem --version V --build N --expires DAYS\n"
               "                  --usr usr.erofs --verity usr.verity --uki hull.efi --usrhash HEX\n"
               "                  [--pcr11 HEX] -o DIR\n"
               "       %1$s keygen -o DIR\n\n"
               "Signed A/B updates of /usr: the running slot is never written.\n"
               "Exit status: 0 done, 1 failed or refused, 2 usage, 3 nothing to do (no newer version).\n\n"
               "  -h --help             show this help\n"
               "     --version          show the version\n"
               "     --key PEM          public key to trust (default " KEY_PATH "),\n"
               "                        private key for make-payload\n"
               "     --secureboot-cert PEM\n"
               "                        the db certificate an update's UKI must be signed by\n"
               "                        (default " SECUREBOOT_CERT_PATH ")\n"
               "     --allow-downgrade  accept a version not newer than the running one\n"
               "     --target DISK      write this disk or disk image file, not the disk of /\n"
               "     --slot NAME        the slot to write on --target (a, b)\n"
               "     --esp DIR          the ESP mounted here (default " ESP_DIR "; for a disk image\n"
               "                        file, its ESP partition through mtools)\n"
               "     --no-uki           do not install the UKI (the caller does)\n"
               "     --layout FILE      partition layout (default " PARTITIONS_CONF ")\n"
               "     --state-dir DIR    the updater's state (default " STATE_DIR ")\n"
               "     --os-release FILE  the running version (default " OS_RELEASE ",\n"
               "                        none with --target)\n"
               "     --json             status as JSON\n"
               "     --config FILE      auto: the configuration (default " UPDATE_CONF ")\n"
               "     --validate         auto: check the configuration, print \"configuration OK\"\n"
               "  -o --output DIR       where make-payload and keygen write\n"
               "     --no-compress      make-payload: ship usr.erofs uncompressed\n"
               "     --level N          make-payload: zstd level (default 6)\n"
               "     --pcr11 HEX        make-payload: the PCR 11 the UKI measures to (signed, for\n"
               "                        attestation)\n",
               program_invocation_short_name);
}

static int parse_u64_arg(const char *name, const char *s, uint64_t *ret) {
        if (safe_atou64(s, ret) < 0)
                return log_error_errno(-EINVAL, "%s needs a non-negative integer, not '%s'.", name, s);
        return 0;
}

static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100, ARG_KEY, ARG_ALLOW_DOWNGRADE, ARG_TARGET, ARG_SLOT, ARG_ESP, ARG_NO_UKI,
                ARG_LAYOUT, ARG_STATE_DIR, ARG_OS_RELEASE, ARG_JSON, ARG_PVERSION, ARG_BUILD, ARG_EXPIRES,
                ARG_USR, ARG_VERITY, ARG_UKI, ARG_USRHASH, ARG_NO_COMPRESS, ARG_LEVEL, ARG_CONFIG, ARG_VALIDATE,
                ARG_SECUREBOOT_CERT, ARG_PCR11,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", optional_argument, NULL, ARG_VERSION },
                { "key", required_argument, NULL, ARG_KEY },
                { "secureboot-cert", required_argument, NULL, ARG_SECUREBOOT_CERT },
                { "allow-downgrade", no_argument, NULL, ARG_ALLOW_DOWNGRADE },
                { "target", required_argument, NULL, ARG_TARGET },
                { "slot", required_argument, NULL, ARG_SLOT },
                { "esp", required_argument, NULL, ARG_ESP },
                { "no-uki", no_argument, NULL, ARG_NO_UKI },
                { "layout", required_argument, NULL, ARG_LAYOUT },
                { "state-dir", required_argument, NULL, ARG_STATE_DIR },
                { "os-release", required_argument, NULL, ARG_OS_RELEASE },
                { "json", no_argument, NULL, ARG_JSON },
                { "output", required_argument, NULL, 'o' },
                { "build", required_argument, NULL, ARG_BUILD },
                { "expires", required_argument, NULL, ARG_EXPIRES },
                { "usr", required_argument, NULL, ARG_USR },
                { "verity", required_argument, NULL, ARG_VERITY },
                { "uki", required_argument, NULL, ARG_UKI },
                { "usrhash", required_argument, NULL, ARG_USRHASH },
                { "pcr11", required_argument, NULL, ARG_PCR11 },
                { "no-compress", no_argument, NULL, ARG_NO_COMPRESS },
                { "level", required_argument, NULL, ARG_LEVEL },
                { "config", required_argument, NULL, ARG_CONFIG },
                { "validate", no_argument, NULL, ARG_VALIDATE },
                {}
        };
        uint64_t u;
        int c, r;

        optind = 0;
        while ((c = getopt_long(argc, argv, "ho:", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        /* "--version" alone prints ours; "--version V" is make-payload's. */
                        if (!optarg && optind < argc && argv[optind][0] != '-' && version_is_valid(argv[optind]) &&
                            argc > optind + 1)
                                arg_version = argv[optind++];
                        else if (optarg)
                                arg_version = optarg;
                        else {
                                printf("hull-update %s\n", HULL_VERSION);
                                return 0;
                        }
                        break;
                case ARG_KEY: arg_key = optarg; break;
                case ARG_SECUREBOOT_CERT: arg_secureboot_cert = optarg; break;
                case ARG_ALLOW_DOWNGRADE: arg_allow_downgrade = true; break;
                case ARG_TARGET: arg_target = optarg; break;
                case ARG_SLOT: arg_slot = optarg; break;
                case ARG_ESP: arg_esp = optarg; break;
                case ARG_NO_UKI: arg_no_uki = true; break;
                case ARG_LAYOUT: arg_layout = optarg; break;
                case ARG_STATE_DIR: arg_state_dir = optarg; break;
                case ARG_OS_RELEASE: arg_os_release = optarg; break;
                case ARG_JSON: arg_json = true; break;
                case 'o': arg_output = optarg; break;
                case ARG_BUILD:
                        r = parse_u64_arg("--build", optarg, &arg_build);
                        if (r < 0)
                                return r;
                        arg_build_set = true;
                        break;
                case ARG_EXPIRES:
                        r = parse_u64_arg("--expires", optarg, &arg_expires_days);
                        if (r < 0)
                                return r;
                        if (arg_expires_days == 0 || arg_expires_days > 3650)
                                return log_error_errno(-EINVAL, "--expires takes 1-3650 days, not %s.", optarg);
                        break;
                case ARG_USR: arg_usr = optarg; break;
                case ARG_VERITY: arg_verity = optarg; break;
                case ARG_UKI: arg_uki = optarg; break;
                case ARG_USRHASH: arg_usrhash = optarg; break;
                case ARG_PCR11: arg_pcr11 = optarg; break;
                case ARG_NO_COMPRESS: arg_no_compress = true; break;
                case ARG_CONFIG: arg_config = optarg; break;
                case ARG_VALIDATE: arg_validate = true; break;
                case ARG_LEVEL:
                        r = parse_u64_arg("--level", optarg, &u);
                        if (r < 0)
                                return r;
                        if (u < 1 || u > 19)
                                return log_error_errno(-EINVAL, "--level takes 1-19, not %s.", optarg);
                        arg_level = (int) u;
                        break;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        if (optind >= argc)
                return log_error_errno(-EINVAL, "No command given; see --help.");
        return 1;
}

/* --- make-payload, keygen ---------------------------------------------------------------- */

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

static int copy_file(const char *from, const char *to, bool compress) {
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
        if (compress) {
                z = ZSTD_createCCtx();
                if (!z)
                        return -ENOMEM;
                ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, arg_level);
                ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 1);
                ZSTD_CCtx_setParameter(z, ZSTD_c_nbWorkers, 2); /* ignored without threads */
        }
        for (;;) {
                k = read(in, ibuf, isz);
                if (k < 0) {
                        r = -errno;
                        break;
                }
                if (!compress) {
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

static int run_make_payload(void) {
        _cleanup_pkey_ EVP_PKEY *key = NULL;
        _cleanup_free_ char *text = NULL, *p = NULL, *cmdline = NULL;
        uint8_t sig[SIGNATURE_SIZE], h[32];
        Manifest m = { .format = MANIFEST_FORMAT };
        const char *sde;
        size_t n;
        int64_t now;
        int r;

        if (!arg_key || !arg_version || !arg_build_set || !arg_usr || !arg_verity || !arg_uki || !arg_usrhash || !arg_output)
                return log_error_errno(-EINVAL, "make-payload needs --key, --version, --build, --usr, --verity, --uki, --usrhash and -o.");
        if (!version_is_valid(arg_version))
                return log_error_errno(-EINVAL, "--version '%s' must be 1-64 characters of [0-9A-Za-z.~^_-].", arg_version);
        if (strlen(arg_usrhash) != 64 || unhexmem(arg_usrhash, 32, m.usrhash) < 0)
                return log_error_errno(-EINVAL, "--usrhash must be 64 lower-case hex digits.");
        if (arg_pcr11) {
                if (strlen(arg_pcr11) != 64 || unhexmem(arg_pcr11, 32, m.pcr11) < 0)
                        return log_error_errno(-EINVAL, "--pcr11 must be 64 lower-case hex digits.");
                m.has_pcr11 = true;
        }
        r = key_load_private(arg_key, &key);
        if (r < 0)
                return log_error_errno(r, "Failed to load the Ed25519 private key '%s': %s", arg_key,
                                       r == -EBADMSG ? "not an Ed25519 private key in PEM" : strerror(-r));
        r = key_id(key, m.key_id);
        if (r < 0)
                return log_error_errno(r, "Failed to derive the key id of '%s'.", arg_key);
        snprintf(m.version, sizeof(m.version), "%s", arg_version);
        m.build = arg_build;
        sde = secure_getenv("SOURCE_DATE_EPOCH");
        now = (int64_t) time(NULL);
        if (sde) {
                uint64_t u;
                if (safe_atou64(sde, &u) < 0 || u > INT64_MAX / 2)
                        return log_error_errno(-EINVAL, "SOURCE_DATE_EPOCH='%s' is not a time.", sde);
                now = (int64_t) u;
        }
        m.released = now;
        m.expires = now + (int64_t) arg_expires_days * 86400;
        m.compression = arg_no_compress ? COMPRESSION_NONE : COMPRESSION_ZSTD;

        r = hash_file(arg_usr, m.usr.sha256, &m.usr.size);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", arg_usr);
        r = hash_file(arg_verity, m.verity.sha256, &m.verity.size);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", arg_verity);
        r = hash_file(arg_uki, m.uki.sha256, &m.uki.size);
        if (r < 0)
                return log_error_errno(r, "Failed to read '%s': %m", arg_uki);
        {
                _cleanup_close_ int fd = open(arg_uki, O_RDONLY | O_CLOEXEC);
                if (fd < 0 || pe_read_cmdline(fd, &cmdline) < 0 || cmdline_usrhash(cmdline, h) < 0 || memcmp(h, m.usrhash, 32) != 0)
                        return log_error_errno(-EINVAL, "%s: not a UKI whose .cmdline has usrhash=%s.", arg_uki, arg_usrhash);
        }
        {
                _cleanup_close_ int fd = open(arg_verity, O_RDONLY | O_CLOEXEC);
                uint8_t sb[512];
                VerityParams vp;
                if (fd < 0 || read(fd, sb, sizeof(sb)) != (ssize_t) sizeof(sb) || verity_superblock_parse(sb, sizeof(sb), &vp) < 0 ||
                    vp.data_blocks * VERITY_BLOCK != m.usr.size)
                        return log_error_errno(-EINVAL, "%s: not a verity tree (format 1, sha256, 4096-byte blocks) for %s.",
                                               arg_verity, arg_usr);
        }
        r = manifest_validate(&m, NULL);
        if (r < 0)
                return log_error_errno(r, "%s: the /usr image must be a non-empty multiple of 4096 bytes.", arg_usr);

        if (mkdir(arg_output, 0755) < 0 && errno != EEXIST)
                return log_error_errno(-errno, "Failed to create '%s': %m", arg_output);
#define OUT(name) (free(p), p = NULL, asprintf(&p, "%s/%s", arg_output, name) < 0 ? NULL : p)
        if (!OUT(manifest_usr_file(&m)))
                return log_oom();
        r = copy_file(arg_usr, p, !arg_no_compress);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", p);
        if (!OUT("usr.verity"))
                return log_oom();
        r = copy_file(arg_verity, p, false);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", p);
        if (!OUT("hull.efi"))
                return log_oom();
        r = copy_file(arg_uki, p, false);
        if (r < 0)
                return log_error_errno(r, "Failed to write '%s': %m", p);
        /* The other form of the image must not linger from an earlier run. */
        if (!OUT(arg_no_compress ? "usr.erofs.zst" : "usr.erofs"))
                return log_oom();
        (void) unlink(p);

        r = manifest_format(&m, &text, &n);
        if (r < 0)
                return log_oom();
        r = signature_create(key, text, n, sig);
        if (r < 0)
                return log_error_errno(r, "Failed to sign the manifest with '%s'.", arg_key);
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
                 arg_output, arg_expires_days);
        return 0;
}

static int run_keygen(void) {
        int r;

        if (!arg_output)
                return log_error_errno(-EINVAL, "keygen needs -o DIR.");
        r = keygen(arg_output);
        if (r == -EEXIST)
                return log_error_errno(r, "%s/update-key.private.pem exists already: not replacing a key.", arg_output);
        if (r < 0)
                return log_error_errno(r, "Failed to make a key pair in '%s': %m", arg_output);
        log_info("Wrote %s/update-key.private.pem (keep it secret) and %s/update-key.pem.", arg_output, arg_output);
        return 0;
}

/* --- the running system ------------------------------------------------------------------ */

static int read_os_release(const char *path, char **ret_version, uint64_t *ret_build, bool *ret_has_build) {
        _cleanup_free_ char *text = NULL;
        char *v = NULL;
        int r;

        *ret_has_build = false;
        r = read_full_file(path, 65536, &text, NULL);
        if (r < 0)
                return r;
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
                char *val = strchr(line, '=');
                size_t n;
                if (!val)
                        continue;
                *val++ = 0;
                n = strlen(val);
                if (n >= 2 && (val[0] == '"' || val[0] == '\'') && val[n - 1] == val[0])
                        val[n - 1] = 0, val++;
                if (streq_ptr(line, "IMAGE_VERSION")) {
                        free(v);
                        v = strdup(val);
                } else if (streq_ptr(line, "HULL_BUILD") && safe_atou64(val, ret_build) >= 0)
                        *ret_has_build = true;
        }
        if (!v || !version_is_valid(v)) {
                free(v);
                return -EBADMSG;
        }
        *ret_version = v;
        return 0;
}

static int root_disk(char **ret) {
        struct stat st;
        char name[256];
        dev_t disk;

        if (stat("/", &st) < 0)
                return -errno;
        if (blkid_devno_to_wholedisk(st.st_dev, name, sizeof(name), &disk) < 0)
                return -ENODEV;
        return asprintf(ret, "/dev/%s", name) < 0 ? -ENOMEM : 0;
}

static int booted_usrhash(uint8_t ret[32]) {
        _cleanup_free_ char *cmdline = NULL;
        int r;

        r = read_full_file("/proc/cmdline", 65536, &cmdline, NULL);
        if (r < 0)
                return r;
        return cmdline_usrhash(cmdline, ret);
}

/* The ESP: --esp DIR, else /efi on a running system, else the image's ESP partition. */
static int find_esp(const char *target, bool live, Esp *ret) {
        Layout l;
        Disk d;
        const Part *p;
        int r;

        *ret = (Esp) {};
        if (arg_esp || live) {
                snprintf(ret->dir, sizeof(ret->dir), "%s", arg_esp ?: ESP_DIR);
                return 0;
        }
        r = layout_load(arg_layout, &l);
        if (r < 0)
                return r;
        r = disk_read(target, &d);
        if (r < 0)
                return r;
        p = disk_find(&d, l.esp_label, TYPE_ESP);
        if (!p)
                return -ENXIO;
        snprintf(ret->image, sizeof(ret->image), "%s", target);
        ret->offset = p->offset;
        return 0;
}

static int source_open(const char *what, SourceOptions *s) {
        static const char *const files[_SRC_MAX] = { "manifest.json", "manifest.json.sig", "usr.erofs.zst", "usr.verity", "hull.efi" };
        _cleanup_close_ int dfd = -1;

        for (int i = 0; i < _SRC_MAX; i++)
                s->fds[i] = -1;
        if (strstr(what, "://")) {
                s->url = what;
                return 0;
        }
        dfd = open(what, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        /* Opened here, read only by the unprivileged reader. */
        for (int i = 0; i < _SRC_MAX; i++)
                s->fds[i] = openat(dfd, files[i], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        s->usr_compressed = s->fds[SRC_USR] >= 0;
        if (s->fds[SRC_USR] < 0)
                s->fds[SRC_USR] = openat(dfd, "usr.erofs", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        return 0;
}

static void source_close(SourceOptions *s) {
        for (int i = 0; i < _SRC_MAX; i++)
                if (s->fds[i] >= 0)
                        close(s->fds[i]);
}

static int prepare_source(const char *what, bool live_policy, SourceOptions *s, EVP_PKEY **key, char **running) {
        const char *kp = arg_key ?: KEY_PATH;
        const char *osr = arg_os_release ?: (live_policy ? OS_RELEASE : NULL);
        int r;

        *s = (SourceOptions) {};
        r = key_load_public(kp, key);
        if (r < 0)
                return log_error_errno(r, "Failed to load the trusted key '%s': %s", kp,
                                       r == -EBADMSG ? "not an Ed25519 public key in PEM" : strerror(-r));
        s->key = *key;
        s->key_path = kp;
        s->policy.now = (int64_t) time(NULL);
        s->policy.allow_downgrade = arg_allow_downgrade;
        if (osr) {
                r = read_os_release(osr, running, &s->policy.running_build, &s->policy.has_running_build);
                if (r < 0)
                        return log_error_errno(r, "Failed to read IMAGE_VERSION= from '%s': %s", osr,
                                               r == -EBADMSG ? "missing or invalid" : strerror(-r));
                s->policy.running_version = *running;
        }
        r = source_open(what, s);
        if (r < 0)
                return log_error_errno(r, "Failed to open the payload directory '%s': %m", what);
        return 0;
}

static int run_check(const char *what) {
        _cleanup_pkey_ EVP_PKEY *key = NULL;
        _cleanup_free_ char *running = NULL;
        SourceOptions s;
        Manifest m;
        char err[MSG_ERROR_MAX + 256], hex[65];
        int r;

        r = prepare_source(what, !arg_target, &s, &key, &running);
        if (r < 0)
                return r;
        r = check_manifest(&s, &m, err, sizeof(err));
        source_close(&s);
        if (r == -EALREADY) {
                log_info("%s: %s", what, err);
                return r;
        }
        if (r < 0)
                return log_error_errno(r, "%s: refused: %s", what, err);
        hexmem(m.usrhash, 32, hex);
        printf("%s: version %s build %" PRIu64 ", usrhash %s, expires %" PRIi64 ": signature and manifest OK\n", what,
               m.version, m.build, hex, m.expires);
        return 0;
}

/* -EALREADY: nothing to do (logged here, not as an error). unattended: see ApplyOptions;
 * *ret_pending: an installed update waits for a reboot. */
static int apply_payload(const char *what, bool unattended, bool *ret_pending) {
        _cleanup_pkey_ EVP_PKEY *key = NULL;
        _cleanup_free_ char *running = NULL, *disk = NULL;
        ApplyOptions o = { .layout_path = arg_layout, .state_dir = arg_state_dir, .slot = arg_slot, .no_uki = arg_no_uki,
                           .unattended = unattended, .ret_pending = ret_pending,
                           .secureboot_cert = arg_secureboot_cert };
        char err[MSG_ERROR_MAX + 512], slot[16] = "";
        int r;

        o.ret_slot = slot;
        if (arg_target) {
                o.target = arg_target;
                if (!arg_slot)
                        return log_error_errno(-EINVAL, "--target needs --slot: which slot of '%s' to write.", arg_target);
        } else {
                r = root_disk(&disk);
                if (r < 0)
                        return log_error_errno(r, "Failed to find the disk that holds /: %m");
                o.target = disk;
                r = booted_usrhash(o.booted_hash);
                if (r < 0)
                        return log_error_errno(r, "/proc/cmdline: no usrhash=: not booted from a Hull UKI.");
                o.has_booted_hash = true;
        }
        r = find_esp(o.target, !arg_target, &o.esp);
        if (r < 0 && !arg_no_uki)
                return log_error_errno(r, "%s: cannot find the ESP partition: %m", o.target);
        r = prepare_source(what, !arg_target, &o.src, &key, &running);
        if (r < 0)
                return r;
        r = apply(&o, err, sizeof(err));
        source_close(&o.src);
        if (r == -EALREADY) {
                log_info("%s: %s", what, err);
                return r;
        }
        if (r < 0)
                return log_error_errno(r, "%s: refused: %s", what, err);
        if (ret_pending)
                *ret_pending = true;
        log_info("Applied %s to slot %s of %s; it boots next (3 tries).", what, slot, o.target);
        return 0;
}

static int run_apply(const char *what) {
        return apply_payload(what, false, NULL);
}

/* --- auto: the unattended updater (hull-update.service) ---------------------------------- */

/* reboot.target through systemd's private socket (no D-Bus daemon, no logind). */
static int reboot_now(void) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, "unix:path=/run/systemd/private");
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to systemd to reboot: %s", strerror(-r));
        r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                               "StartUnit", &e, NULL, "ss", "reboot.target", "replace-irreversibly");
        if (r < 0)
                log_error("Failed to start reboot.target: %s", e.message ?: strerror(-r));
        sd_bus_error_free(&e);
        return r;
}

static int run_auto(void) {
        _cleanup_free_ char *text = NULL;
        UpdateConfig c;
        bool pending = false;
        _cleanup_diag_ Diag d = {};
        struct tm tm;
        time_t now;
        int r, minute;

        r = read_full_file(arg_config, 65536, &text, NULL);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read the configuration: %s", arg_config, strerror(-r));
        r = update_config_parse(text, &c, &d);
        if (r < 0)
                return log_error_errno(r, "%s: %s", arg_config, d.n > 0 ? d.msgs[0] : "invalid");
        if (arg_validate) {
                printf("%s: configuration OK (URL=%s, REBOOT=%s)\n", arg_config, c.url, reboot_policy_to_string(c.reboot));
                return 0;
        }
        r = apply_payload(strncmp(c.url, "file://", 7) == 0 ? c.url + 7 : c.url, true, &pending);
        if (r < 0 && r != -EALREADY)
                return r;
        if (!pending)
                return r;
        now = time(NULL);
        if (!localtime_r(&now, &tm))
                return log_error_errno(-EINVAL, "Cannot tell the local time.");
        minute = tm.tm_hour * 60 + tm.tm_min;
        switch (c.reboot) {
        case REBOOT_NEVER:
                log_info("REBOOT=never: the new slot starts at the next reboot.");
                return r;
        case REBOOT_WINDOW:
                if (!window_contains(&c, minute)) {
                        log_info("REBOOT=window: rebooting in the window %02d:%02d-%02d:%02d, not now (%02d:%02d).",
                                 c.window_start / 60, c.window_start % 60, c.window_end / 60, c.window_end % 60,
                                 tm.tm_hour, tm.tm_min);
                        return r;
                }
                __attribute__((fallthrough));
        case REBOOT_NOW:
                log_info("REBOOT=%s: rebooting into the new slot.", reboot_policy_to_string(c.reboot));
                return reboot_now() < 0 ? -EIO : 0;
        }
        return r;
}

/* --- status, rollback -------------------------------------------------------------------- */

typedef struct Facts {
        char *disk;
        Slot slots[SLOTS_MAX];
        size_t n_slots;
        Disk d;
        int booted;                /* index or -1 */
        Esp esp;
        Uki *ukis;
        size_t n_ukis;
} Facts;

static void facts_done(Facts *f) {
        free(f->disk);
        free(f->ukis);
}

static int gather(Facts *f) {
        Layout l;
        uint8_t h[32];
        int r;

        *f = (Facts) { .booted = -1 };
        if (arg_target)
                f->disk = strdup(arg_target);
        else {
                r = root_disk(&f->disk);
                if (r < 0)
                        return log_error_errno(r, "Failed to find the disk that holds /: %m");
        }
        if (!f->disk)
                return log_oom();
        r = layout_load(arg_layout, &l);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read the partition layout.", arg_layout);
        r = disk_read(f->disk, &f->d);
        if ((r == -EACCES || r == -EPERM) && geteuid() != 0)
                return log_error_errno(r, "%s: cannot read its GPT: %m (only root reads the disk: run it with sudo)",
                                       f->disk);
        if (r < 0)
                return log_error_errno(r, "%s: cannot read its GPT: %m", f->disk);
        r = slots_find(&l, &f->d, f->slots, &f->n_slots);
        if (r < 0)
                return log_error_errno(r, "%s: the slots of %s are not all there.", f->disk, arg_layout);
        if (!arg_target && booted_usrhash(h) >= 0)
                f->booted = slot_by_hash(f->slots, f->n_slots, h);
        else if (arg_target && arg_slot)
                for (size_t i = 0; i < f->n_slots; i++)
                        if (streq_ptr(f->slots[i].name, arg_slot))
                                f->booted = (int) i;
        r = find_esp(f->disk, !arg_target, &f->esp);
        if (r >= 0)
                (void) esp_list(&f->esp, &f->ukis, &f->n_ukis);
        return 0;
}

/* An EFI variable of systemd-boot's vendor GUID as UTF-8 (ASCII subset). */
static char *efivar_string(const char *name) {
        _cleanup_free_ char *path = NULL, *raw = NULL;
        size_t n;
        char *s;

        if (asprintf(&path, "/sys/firmware/efi/efivars/%s-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", name) < 0)
                return NULL;
        if (read_full_file(path, 4096, &raw, &n) < 0 || n < 4)
                return NULL;
        s = calloc(n / 2 + 1, 1);
        if (!s)
                return NULL;
        for (size_t i = 4, k = 0; i + 1 < n; i += 2) {
                if (raw[i] == 0 && raw[i + 1] == 0)
                        break;
                s[k++] = (raw[i + 1] == 0 && raw[i] >= 0x20 && raw[i] < 0x7f) ? raw[i] : '?';
        }
        return s;
}

static const Uki *uki_for(const Facts *f, const uint8_t h[32]) {
        for (size_t i = 0; i < f->n_ukis; i++)
                if (f->ukis[i].has_usrhash && memcmp(f->ukis[i].usrhash, h, 32) == 0)
                        return &f->ukis[i];
        return NULL;
}

/* The newest failed check hull-health logged ("FAIL <check>: <why>"), from the journal of any
 * boot; NULL if none or no journal. */
static char *last_health_failure(void) {
        sd_journal *j = NULL;
        char *ret = NULL;
        const void *d;
        size_t l;

        if (sd_journal_open(&j, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) < 0)
                return NULL;
        if (sd_journal_add_match(j, "_SYSTEMD_UNIT=hull-health.service", 0) >= 0 && sd_journal_seek_tail(j) >= 0)
                for (int n = 0; n < 1000 && sd_journal_previous(j) > 0; n++) {
                        if (sd_journal_get_data(j, "MESSAGE", &d, &l) < 0 || l < 13)
                                continue;
                        if (memcmp(d, "MESSAGE=FAIL ", 13) == 0) {
                                ret = strndup((const char *) d + 13, l - 13);
                                break;
                        }
                }
        sd_journal_close(j);
        return ret;
}

/* A UKI whose boot counter ran out (no tries left, some done) and that is not the booted slot's:
 * systemd-boot tried that version, its boots never passed the health gate, and the machine went
 * back to the booted slot. */
static const Uki *rolled_back_from(const Facts *f) {
        const Uki *booted = f->booted >= 0 && f->slots[f->booted].state == SLOT_READY ?
                uki_for(f, f->slots[f->booted].usrhash) : NULL;

        for (size_t i = 0; i < f->n_ukis; i++)
                if (f->ukis[i].tries_left == 0 && f->ukis[i].tries_done > 0 && &f->ukis[i] != booted &&
                    (!booted || strcmp(f->ukis[i].version, booted->version) != 0))
                        return &f->ukis[i];
        return NULL;
}

static int run_status(void) {
        _cleanup_free_ char *selected = efivar_string("LoaderEntrySelected");
        Facts f;
        UpdateState st;
        bool has_state;
        _cleanup_free_ char *why = NULL;
        const Uki *back;
        char hex[65];
        int r;

        r = gather(&f);
        if (r < 0) {
                facts_done(&f);
                return r;
        }
        has_state = state_read(arg_state_dir, &st) >= 0;
        back = rolled_back_from(&f);
        if (back)
                why = last_health_failure();
        if (arg_json) {
                json_object *o = json_object_new_object(), *slots = json_object_new_array(), *ukis = json_object_new_array();
                json_object_object_add(o, "disk", json_object_new_string(f.disk));
                json_object_object_add(o, "booted_slot", f.booted >= 0 ? json_object_new_string(f.slots[f.booted].name) : NULL);
                json_object_object_add(o, "loader_entry_selected", selected ? json_object_new_string(selected) : NULL);
                for (size_t i = 0; i < f.n_slots; i++) {
                        json_object *s = json_object_new_object();
                        const Uki *u = f.slots[i].state == SLOT_READY ? uki_for(&f, f.slots[i].usrhash) : NULL;
                        json_object_object_add(s, "name", json_object_new_string(f.slots[i].name));
                        json_object_object_add(s, "state", json_object_new_string(slot_state_to_string(f.slots[i].state)));
                        json_object_object_add(s, "booted", json_object_new_boolean((int) i == f.booted));
                        if (f.slots[i].state == SLOT_READY) {
                                hexmem(f.slots[i].usrhash, 32, hex);
                                json_object_object_add(s, "usrhash", json_object_new_string(hex));
                        }
                        json_object_object_add(s, "version", u ? json_object_new_string(u->version) : NULL);
                        json_object_object_add(s, "uki", u ? json_object_new_string(u->name) : NULL);
                        json_object_array_add(slots, s);
                }
                json_object_object_add(o, "slots", slots);
                for (size_t i = 0; i < f.n_ukis; i++) {
                        json_object *u = json_object_new_object();
                        json_object_object_add(u, "name", json_object_new_string(f.ukis[i].name));
                        json_object_object_add(u, "version", json_object_new_string(f.ukis[i].version));
                        json_object_object_add(u, "tries_left", f.ukis[i].tries_left >= 0 ? json_object_new_int(f.ukis[i].tries_left) : NULL);
                        json_object_object_add(u, "tries_done", f.ukis[i].tries_done >= 0 ? json_object_new_int(f.ukis[i].tries_done) : NULL);
                        if (f.ukis[i].has_usrhash) {
                                hexmem(f.ukis[i].usrhash, 32, hex);
                                json_object_object_add(u, "usrhash", json_object_new_string(hex));
                        }
                        json_object_array_add(ukis, u);
                }
                json_object_object_add(o, "ukis", ukis);
                if (has_state) {
                        json_object *s = json_object_new_object();
                        json_object_object_add(s, "result", json_object_new_string(st.result));
                        json_object_object_add(s, "message", json_object_new_string(st.message));
                        json_object_object_add(s, "version", json_object_new_string(st.version));
                        json_object_object_add(s, "build", json_object_new_int64((int64_t) st.build));
                        json_object_object_add(s, "slot", json_object_new_string(st.slot));
                        json_object_object_add(s, "started", json_object_new_int64(st.started));
                        json_object_object_add(s, "finished", json_object_new_int64(st.finished));
                        json_object_object_add(o, "last_update", s);
                } else
                        json_object_object_add(o, "last_update", NULL);
                if (back) {
                        json_object *b = json_object_new_object();
                        json_object_object_add(b, "failed_version", json_object_new_string(back->version));
                        json_object_object_add(b, "uki", json_object_new_string(back->name));
                        json_object_object_add(b, "tries_done", json_object_new_int(back->tries_done));
                        json_object_object_add(b, "health_failure", why ? json_object_new_string(why) : NULL);
                        json_object_object_add(o, "rollback", b);
                } else
                        json_object_object_add(o, "rollback", NULL);
                printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
                json_object_put(o);
        } else {
                printf("Disk:          %s\n", f.disk);
                if (selected)
                        printf("Boot entry:    %s\n", selected);
                for (size_t i = 0; i < f.n_slots; i++) {
                        const Uki *u = f.slots[i].state == SLOT_READY ? uki_for(&f, f.slots[i].usrhash) : NULL;
                        if (f.slots[i].state == SLOT_READY)
                                hexmem(f.slots[i].usrhash, 32, hex);
                        printf("Slot %-8s %s%s%s%s%s%s\n", f.slots[i].name, (int) i == f.booted ? "booted, " : "",
                               slot_state_to_string(f.slots[i].state), u ? ", version " : "", u ? u->version : "",
                               u ? ", " : "", u ? u->name : (f.slots[i].state == SLOT_READY ? ", no UKI" : ""));
                }
                for (size_t i = 0; i < f.n_ukis; i++) {
                        if (f.ukis[i].tries_left >= 0)
                                printf("UKI:           %s (%d tries left, %d done)\n", f.ukis[i].name, f.ukis[i].tries_left,
                                       f.ukis[i].tries_done < 0 ? 0 : f.ukis[i].tries_done);
                        else
                                printf("UKI:           %s (good)\n", f.ukis[i].name);
                }
                if (has_state)
                        printf("Last update:   %s, version %s build %" PRIu64 " to slot %s%s%s\n", st.result, st.version,
                               st.build, st.slot, st.message[0] ? ": " : "", st.message);
                else
                        printf("Last update:   none\n");
                if (back) {
                        printf("Rolled back:   version %s used its %d boot tries without passing the health checks; "
                               "it does not boot again unless installed anew\n", back->version, back->tries_done);
                        if (why)
                                printf("Health check:  %s (journalctl -u hull-health -b -1 for the whole run)\n", why);
                }
        }
        facts_done(&f);
        return 0;
}

static int run_rollback(void) {
        Facts f;
        const Uki *other = NULL;
        int other_slot = -1, r;

        r = gather(&f);
        if (r < 0)
                goto finish;
        if (f.booted < 0) {
                r = log_error_errno(-ENOENT, "%s: the booted slot is unknown (no usrhash= matching a slot).", f.disk);
                goto finish;
        }
        for (size_t i = 0; i < f.n_slots && !other; i++)
                if ((int) i != f.booted && f.slots[i].state == SLOT_READY && (other = uki_for(&f, f.slots[i].usrhash)))
                        other_slot = (int) i;
        if (!other) {
                r = log_error_errno(-ENOENT, "%s: no other slot has an image and a UKI to boot: nothing to roll back to.", f.disk);
                goto finish;
        }
        /* The other slot's UKI gets a try if it has none left ... */
        if (other->tries_left == 0) {
                char to[300];
                snprintf(to, sizeof(to), UKI_PREFIX "%s+1.efi", other->version);
                r = esp_rename(&f.esp, other->name, to);
                if (r < 0) {
                        r = log_error_errno(r, "Failed to rename %s to %s on the ESP: %m", other->name, to);
                        goto finish;
                }
        }
        /* ... and every UKI of the booted slot is marked bad (no tries left), so it sorts last. */
        for (size_t i = 0; i < f.n_ukis; i++) {
                Uki *u = &f.ukis[i];
                char to[300];
                if (!u->has_usrhash || memcmp(u->usrhash, f.slots[f.booted].usrhash, 32) != 0)
                        continue;
                snprintf(to, sizeof(to), UKI_PREFIX "%s+0-%d.efi", u->version, u->tries_done < 0 ? 0 : u->tries_done);
                if (streq_ptr(to, u->name))
                        continue;
                r = esp_rename(&f.esp, u->name, to);
                if (r < 0) {
                        r = log_error_errno(r, "Failed to rename %s to %s on the ESP: %m", u->name, to);
                        goto finish;
                }
        }
        log_info("Slot %s (%s) boots next; slot %s's UKIs are marked bad.", f.slots[other_slot].name, other->version,
                 f.slots[f.booted].name);
        r = 0;
finish:
        facts_done(&f);
        return r;
}

static int run(int argc, char *argv[]) {
        const char *verb = argv[optind];
        int nargs = argc - optind - 1;

        if (!arg_layout)
                arg_layout = PARTITIONS_CONF;
        if (streq_ptr(verb, "make-payload") && nargs == 0)
                return run_make_payload();
        if (streq_ptr(verb, "keygen") && nargs == 0)
                return run_keygen();
        if (streq_ptr(verb, "status") && nargs == 0)
                return run_status();
        if (streq_ptr(verb, "rollback") && nargs == 0)
                return run_rollback();
        if (streq_ptr(verb, "check") && nargs == 1)
                return run_check(argv[optind + 1]);
        if (streq_ptr(verb, "apply") && nargs == 1)
                return run_apply(argv[optind + 1]);
        if (streq_ptr(verb, "auto") && nargs == 0)
                return run_auto();
        log_error("Unknown command or wrong number of arguments: '%s'; see --help.", verb);
        return -EINVAL - 1000; /* usage */
}

int hull_update_main(int argc, char *argv[]) {
        int r;

        umask(0022);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        r = run(argc, argv);
        if (r == -EINVAL - 1000)
                return 2;
        if (r == -EALREADY)
                return 3; /* nothing to do */
        return r < 0 ? 1 : 0;
}
