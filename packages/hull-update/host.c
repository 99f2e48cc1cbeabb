/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include "disk.h"
#include "host.h"
#include "hull/fileio.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "proto.h"

int verb_exit_status(int r) {
        if (r == -EALREADY)
                return EXIT_NOTHING_TO_DO;
        return r < 0 ? 1 : 0;
}

/* No verb on the command line: --help, --version, or a usage error. */
static int parse_argv_no_verb(int argc, char *argv[], const char *program, void (*help)(void)) {
        enum { ARG_VERSION = 0x100 };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                {}
        };
        int c;

        optind = 0;
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("%s %s\n", program, HULL_VERSION);
                        return 0;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        if (optind >= argc)
                return log_error_errno(-EINVAL, "No command given; see --help.");
        log_error("Unknown command or wrong number of arguments: '%s'; see --help.", argv[optind]);
        return -EINVAL;
}

int verb_dispatch(int argc, char *argv[], const Verb *verbs, size_t n_verbs, const char *program, void (*help)(void)) {
        umask(0022);
        /* The verb is the first argument that names one; its own parser then checks that it
         * is the first operand too (an option's value is never taken for it). */
        for (int i = 1; i < argc && !streq_ptr(argv[i], "--"); i++)
                for (size_t k = 0; k < n_verbs; k++)
                        if (streq_ptr(argv[i], verbs[k].name))
                                return verbs[k].fn(argc, argv);
        return parse_argv_no_verb(argc, argv, program, help) < 0 ? EXIT_USAGE : 0;
}

int verb_operands(int argc, char *argv[], const char *verb, int n_operands) {
        if (optind >= argc || !streq_ptr(argv[optind], verb) || argc - optind - 1 != n_operands) {
                log_error("Unknown command or wrong number of arguments: '%s'; see --help.", optind < argc ? argv[optind] : verb);
                return -EINVAL;
        }
        return 0;
}

int read_os_release(const char *path, char **ret_version, uint64_t *ret_build, bool *ret_has_build) {
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

int root_disk(char **ret) {
        struct stat st;
        char name[256];
        dev_t disk;

        if (stat("/", &st) < 0)
                return -errno;
        if (blkid_devno_to_wholedisk(st.st_dev, name, sizeof(name), &disk) < 0)
                return -ENODEV;
        return asprintf(ret, "/dev/%s", name) < 0 ? -ENOMEM : 0;
}

int booted_usrhash(uint8_t ret[32]) {
        _cleanup_free_ char *cmdline = NULL;
        int r;

        r = read_full_file("/proc/cmdline", 65536, &cmdline, NULL);
        if (r < 0)
                return r;
        return cmdline_usrhash(cmdline, ret);
}

int esp_in_image(const char *layout, const char *image, Esp *ret) {
        Layout l;
        Disk d;
        const Part *p;
        int r;

        r = layout_load(layout, &l);
        if (r < 0)
                return r;
        r = disk_read(image, &d);
        if (r < 0)
                return r;
        p = disk_find(&d, l.esp_label, TYPE_ESP);
        if (!p)
                return -ENXIO;
        *ret = (Esp) {};
        snprintf(ret->image, sizeof(ret->image), "%s", image);
        ret->offset = p->offset;
        return 0;
}

static int source_open(const char *what, SourceOptions *s) {
        static const char *const files[_SRC_MAX] = { "manifest.json", "manifest.json.sig", "usr.erofs.zst", "usr.verity", "hull.efi" };
        _cleanup_close_ int dfd = -1;

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

void payload_close(SourceOptions *s) {
        for (int i = 0; i < _SRC_MAX; i++)
                if (s->fds[i] >= 0) {
                        close(s->fds[i]);
                        s->fds[i] = -1;
                }
}

int payload_prepare(const char *what, const PayloadArgs *a, SourceOptions *s, EVP_PKEY **ret_key, char **ret_running) {
        const char *kp = a->key ?: KEY_PATH;
        int r;

        *s = (SourceOptions) {};
        for (int i = 0; i < _SRC_MAX; i++)
                s->fds[i] = -1;
        r = key_load_public(kp, ret_key);
        if (r < 0)
                return log_error_errno(r, "Failed to load the trusted key '%s': %s", kp,
                                       r == -EBADMSG ? "not an Ed25519 public key in PEM" : strerror(-r));
        s->key = *ret_key;
        s->key_path = kp;
        s->policy.now = (int64_t) time(NULL);
        s->policy.allow_downgrade = a->allow_downgrade;
        if (a->os_release) {
                r = read_os_release(a->os_release, ret_running, &s->policy.running_build, &s->policy.has_running_build);
                if (r < 0)
                        return log_error_errno(r, "Failed to read IMAGE_VERSION= from '%s': %s", a->os_release,
                                               r == -EBADMSG ? "missing or invalid" : strerror(-r));
                s->policy.running_version = *ret_running;
        }
        r = source_open(what, s);
        if (r < 0)
                return log_error_errno(r, "Failed to open the payload directory '%s': %m", what);
        return 0;
}

int payload_apply(const char *what, const PayloadArgs *a, ApplyOptions *o) {
        _cleanup_pkey_ EVP_PKEY *key = NULL;
        _cleanup_free_ char *running = NULL;
        char err[MSG_ERROR_MAX + 512], slot[16] = "";
        int r;

        o->ret_slot = slot;
        r = payload_prepare(what, a, &o->src, &key, &running);
        if (r < 0) {
                payload_close(&o->src);
                return r;
        }
        r = apply(o, err, sizeof(err));
        payload_close(&o->src);
        if (r == -EALREADY) {
                log_info("%s: %s", what, err);
                return r;
        }
        if (r < 0)
                return log_error_errno(r, "%s: refused: %s", what, err);
        if (o->ret_pending)
                *o->ret_pending = true;
        log_info("Applied %s to slot %s of %s; it boots next (%d %s).", what, slot, o->target, apply_tries(o),
                 apply_tries(o) == 1 ? "try" : "tries");
        return 0;
}
