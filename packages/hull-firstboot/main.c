/* SPDX-License-Identifier: MIT */
/* hull-firstboot: applies an Ignition config (a subset of spec 3.0-3.4) once, early in the
 * first boot. See README.md for the contract; units/hull-firstboot.service for the ordering. */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <selinux/selinux.h>

#include "apply.h"
#include "azure.h"
#include "config.h"
#include "fetch.h"
#include "hostname.h"
#include "hull/fileio.h"
#include "hull/json.h"
#include "hull/log.h"
#include "hull/macro.h"
#include "hull/process.h"
#include "merge.h"
#include "platform.h"
#include "sources.h"

/* The network fetch runs unprivileged, in a unit of its own, and leaves the user data, the
 * instance's SSH keys and its host name here. */
#define FETCH_UNIT "hull-firstboot-fetch.service"
#define FETCH_DIR "/run/hull-firstboot-fetch"
#define FETCH_FILE FETCH_DIR "/user-data"
#define FETCH_KEYS FETCH_DIR "/ssh-keys"
#define FETCH_HOSTNAME FETCH_DIR "/hostname"
#define FETCH_REFS FETCH_DIR "/references"

/* A config from a local source with http(s) references: the references (not the config) go to
 * the fetch unit in this file, which it fetches instead of user data. */
#define FETCH_SEED_DIR "/run/hull"
#define FETCH_SEED FETCH_SEED_DIR "/firstboot-references.json"

/* On Azure, the check-in with the wireserver, once provisioning is done: unprivileged and with
 * the network, like the fetch. */
#define AZURE_READY_UNIT "hull-firstboot-azure-ready.service"

/* The user a cloud's SSH keys go to when the config names no user: an administrator. */
#define DEFAULT_USER "core"
#define DEFAULT_USER_GROUP "sudo"

#define PLATFORM_FILE_DIR "/run/hull"
#define PLATFORM_FILE PLATFORM_FILE_DIR "/platform"

static const char *arg_root = "/";
static const char *arg_config = NULL;
static bool arg_validate = false;
static const char *arg_fetch = NULL;
static bool arg_azure_ready = false;

static void help(void) {
        printf("Usage: %s [OPTIONS]\n"
               "       %s --validate FILE\n\n"
               "Apply an Ignition config (spec 3.0-3.4 subset) once, at first boot.\n\n"
               "  -h --help            show this help\n"
               "     --version         show the version\n"
               "     --validate FILE   check a config and print \"configuration OK\" or its errors\n"
               "     --config FILE     use FILE (\"-\" for stdin) instead of the boot sources\n"
               "     --root DIR        apply to the tree DIR instead of / (no SELinux labels,\n"
               "                       no systemd reload)\n"
               "     --fetch DIR       only fetch the config over the network (hull.config.url=\n"
               "                       http(s)://, else the cloud's metadata service) into\n"
               "                       DIR/user-data, and the instance's SSH keys and host\n"
               "                       name into DIR/ssh-keys and DIR/hostname;\n"
               "                       " FETCH_UNIT " runs this\n"
               "     --azure-report-ready\n"
               "                       only report the machine ready to the Azure wireserver;\n"
               "                       " AZURE_READY_UNIT " runs this\n\n"
               "Sources, first found wins: kernel command line hull.config.url=, a filesystem\n"
               "labelled HULL-CONFIG, config-2 or CIDATA, QEMU fw_cfg opt/org.hull/config, on\n"
               "Azure the custom data of ovf-env.xml, the user data of the cloud's metadata\n"
               "service (platform from DMI or hull.platform=).\n",
               program_invocation_short_name, program_invocation_short_name);
}

static int parse_argv(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_VALIDATE, ARG_CONFIG, ARG_ROOT, ARG_FETCH, ARG_AZURE_READY };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "validate", required_argument, NULL, ARG_VALIDATE },
                { "config", required_argument, NULL, ARG_CONFIG },
                { "root", required_argument, NULL, ARG_ROOT },
                { "fetch", required_argument, NULL, ARG_FETCH },
                { "azure-report-ready", no_argument, NULL, ARG_AZURE_READY },
                {}
        };
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("hull-firstboot %s\n", HULL_VERSION);
                        return 0;
                case ARG_VALIDATE:
                        arg_validate = true;
                        arg_config = optarg;
                        break;
                case ARG_CONFIG:
                        arg_config = optarg;
                        break;
                case ARG_ROOT:
                        if (optarg[0] != '/')
                                return log_error_errno(-EINVAL, "--root needs an absolute path, not '%s'.", optarg);
                        arg_root = optarg;
                        break;
                case ARG_FETCH:
                        if (optarg[0] != '/')
                                return log_error_errno(-EINVAL, "--fetch needs an absolute path, not '%s'.", optarg);
                        arg_fetch = optarg;
                        break;
                case ARG_AZURE_READY:
                        arg_azure_ready = true;
                        break;
                case '?':
                        return -EINVAL;
                default:
                        return log_error_errno(-EINVAL, "Unhandled option.");
                }
        if (optind < argc)
                return log_error_errno(-EINVAL, "Unexpected argument '%s'; see --help.", argv[optind]);
        if (arg_validate && strcmp(arg_root, "/") != 0)
                return log_error_errno(-EINVAL, "--validate and --root cannot be combined.");
        if (arg_fetch && (arg_config || strcmp(arg_root, "/") != 0))
                return log_error_errno(-EINVAL, "--fetch cannot be combined with --config, --validate or --root.");
        if (arg_azure_ready && (arg_fetch || arg_config || strcmp(arg_root, "/") != 0))
                return log_error_errno(-EINVAL, "--azure-report-ready cannot be combined with other options.");
        return 1;
}

static int parse_and_report(const char *text, size_t size, const char *source, const ConfigResolver *res,
                            Config **ret) {
        _cleanup_diag_ Diag errors = {};
        int r;

        r = config_parse_with(text, size, res, ret, &errors);
        if (r == -ENOMEM)
                r = log_oom();
        else if (r < 0) {
                log_error("Invalid config from %s (%zu error%s):", source, errors.n_errors, errors.n_errors == 1 ? "" : "s");
                for (size_t i = 0; i < errors.n; i++)
                        log_error("  %s", errors.msgs[i]);
                if (errors.n_dropped > 0)
                        log_error("  (more errors not shown)");
        }
        return r;
}

/* Each network request of the fetch, as it happens: the console shows a boot waiting for its
 * metadata service, and why. */
static void log_attempt(const FetchAttempt *a, void *userdata) {
        char wait[64] = "";

        if (a->retry_ms > 0)
                snprintf(wait, sizeof wait, "; trying again in %u.%u s", a->retry_ms / 1000, a->retry_ms % 1000 / 100);
        if (a->error < 0 && a->status == 0)
                log_warning("%s %s (attempt %u/%u): %s%s.", a->method, a->url, a->n, a->attempts, a->detail, wait);
        else if (a->error < 0)
                log_warning("%s %s (attempt %u/%u): HTTP %ld, %s%s.", a->method, a->url, a->n, a->attempts, a->status,
                            a->detail, wait);
        else
                log_info("%s %s (attempt %u/%u): HTTP %ld, %zu bytes%s%s.", a->method, a->url, a->n, a->attempts,
                         a->status, a->size, a->detail[0] ? ", " : "", a->detail);
}

/* Decides the platform (kernel command line hull.platform=, else DMI), logs it and, on the
 * machine itself, writes it to /run/hull/platform for the services after us. */
static int detect_platform(bool live, Platform *ret) {
        _cleanup_free_ char *cmdline = NULL, *how = NULL, *line = NULL;
        const char *name;
        int r;

        r = read_full_file("/proc/cmdline", 64 * 1024, &cmdline, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to read /proc/cmdline: %m");
        r = platform_detect("/", cmdline, ret, &how);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "Failed to decide the platform from %s: %m", how ?: "DMI");
        name = platform_to_string(*ret);
        log_info("Platform: %s (%s).", name, how);
        if (!live)
                return 0;
        if (mkdir(PLATFORM_FILE_DIR, 0755) < 0 && errno != EEXIST)
                return log_error_errno(-errno, "Failed to create %s: %m", PLATFORM_FILE_DIR);
        if (asprintf(&line, "%s\n", name) < 0)
                return log_oom();
        r = write_file_atomic(PLATFORM_FILE, line, strlen(line), 0644);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", PLATFORM_FILE);
        return 0;
}

/* The SSH keys the instance was launched with, for a default user: DIR/ssh-keys, one a line,
 * 0600; none, no file. */
static int fetch_ssh_keys(Platform platform) {
        _cleanup_free_ char *source = NULL, *path = NULL, *joined = NULL;
        char **keys = NULL;
        size_t n = 0, len = 0;
        int r;

        r = metadata_fetch_ssh_keys(platform, METADATA_BASE_URL, &fetch_policy_boot, log_attempt, NULL, &keys, &n,
                                    &source);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "Failed to fetch the SSH keys from %s: %m", source ?: "the network");
        for (size_t i = 0; i < n; i++)
                len += strlen(keys[i]) + 1;
        joined = n > 0 ? malloc(len + 1) : NULL;
        if (n > 0 && !joined) {
                strv_free_n(keys, n);
                return log_oom();
        }
        len = 0;
        for (size_t i = 0; i < n; i++)
                len += (size_t) sprintf(joined + len, "%s\n", keys[i]);
        strv_free_n(keys, n);
        if (n == 0) {
                log_info("No SSH keys at %s.", source);
                return 0;
        }
        if (asprintf(&path, "%s/ssh-keys", arg_fetch) < 0)
                return log_oom();
        r = write_file_atomic(path, joined, len, 0600);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);
        log_info("Fetched %zu SSH key%s from %s.", n, n == 1 ? "" : "s", source);
        return 0;
}

/* The instance's host name: DIR/hostname, the name and a newline, 0600; none, no file. A
 * value that is not a host name fails the fetch, like a bad config. */
static int fetch_hostname(Platform platform) {
        _cleanup_free_ char *source = NULL, *name = NULL, *path = NULL, *line = NULL;
        int r;

        r = metadata_fetch_hostname(platform, METADATA_BASE_URL, &fetch_policy_boot, log_attempt, NULL, &name,
                                    &source);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "Failed to fetch the host name from %s: %m", source ?: "the network");
        if (r == 0) {
                log_info("No host name at %s.", source);
                return 0;
        }
        if (asprintf(&path, "%s/hostname", arg_fetch) < 0 || asprintf(&line, "%s\n", name) < 0)
                return log_oom();
        r = write_file_atomic(path, line, strlen(line), 0600);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", path);
        log_info("Fetched the host name '%s' from %s.", name, source);
        return 0;
}

/* The references a config fetches over the network, by URL: each fetched once. */
typedef struct NetFetch {
        ConfigRefs refs;
        bool failed; /* a fetch failed (not: a fetched config was bad) */
} NetFetch;

static int fetch_reference(const ConfigSource *s, void *userdata, char **ret_body, size_t *ret_size, char **ret_why) {
        NetFetch *nf = userdata;
        _cleanup_free_ char *body = NULL;
        const char *kept;
        char name[65];
        size_t size = 0;
        int r;

        r = config_refs_find(&nf->refs, s->url, &kept, &size);
        if (r < 0)
                return r;
        if (r > 0) {
                body = malloc(size + 1);
                if (!body)
                        return -ENOMEM;
                memcpy(body, kept, size + 1);
        } else {
                log_info("Fetching %s (%s).", s->url, s->path);
                r = url_fetch_reference(s->url, &fetch_policy_boot, log_attempt, NULL, &body, &size, ret_why);
                if (r < 0) {
                        nf->failed = true;
                        return r;
                }
                r = config_ref_name(s->url, name);
                if (r >= 0)
                        r = config_refs_add(&nf->refs, name, body, size);
                if (r == -E2BIG || r == -EFBIG) {
                        *ret_why = strdup(r == -E2BIG ? "too many referenced configs" :
                                                        "the referenced configs together are too large");
                        return -EINVAL;
                }
                if (r < 0)
                        return r;
        }
        *ret_body = TAKE_PTR(body);
        *ret_size = size;
        return 0;
}

/* The fetched references to DIR/references/<sha256 of the URL>, 0600. */
static int write_references(const ConfigRefs *refs) {
        _cleanup_free_ char *dir = NULL;
        int r;

        if (refs->n == 0)
                return 0;
        if (asprintf(&dir, "%s/references", arg_fetch) < 0)
                return log_oom();
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                return log_error_errno(-errno, "Failed to create %s: %m", dir);
        for (size_t i = 0; i < refs->n; i++) {
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/%s", dir, refs->names[i]) < 0)
                        return log_oom();
                r = write_file_atomic(path, refs->bodies[i], refs->sizes[i], 0600);
                if (r < 0)
                        return log_error_errno(r, "Failed to write %s: %m", path);
        }
        log_info("Fetched %zu referenced config%s.", refs->n, refs->n == 1 ? "" : "s");
        return 0;
}

/* What the references' resolution came to in the fetch: a failed fetch fails the unit; a bad
 * config is left to the provisioning, which reports it (with the same paths) and stops. */
static int report_references(int r, const NetFetch *nf, const Diag *errors) {
        if (r == -ENOMEM)
                return log_oom();
        if (r >= 0)
                return write_references(&nf->refs);
        for (size_t i = 0; i < errors->n; i++)
                if (nf->failed)
                        log_error("%s", errors->msgs[i]);
                else
                        log_notice("%s", errors->msgs[i]);
        if (nf->failed)
                return log_error_errno(-EREMOTEIO, "Failed to fetch the configs the config references.");
        log_notice("The config's references have errors; hull-firstboot reports them.");
        return write_references(&nf->refs);
}

/* The references of a config (the user data just fetched), fetched. */
static int fetch_references_of(const char *text, size_t size) {
        _cleanup_json_ json_object *root = NULL, *merged = NULL;
        _cleanup_diag_ Diag errors = {};
        NetFetch nf = {};
        ConfigResolver res = { .fetch = fetch_reference, .userdata = &nf };
        enum json_tokener_error e;
        size_t offset;
        int r;

        /* Not JSON, or not an object: nothing to fetch, the provisioning says what is wrong. */
        if (json_parse_document(text, size, 32, JSON_TOKENER_STRICT, &root, &e, &offset) < 0 ||
            !json_object_is_type(root, json_type_object))
                return 0;
        r = config_resolve(root, &res, &merged, &errors);
        r = report_references(r, &nf, &errors);
        config_refs_clear(&nf.refs);
        return r;
}

/* The seed the provisioning left: [{"path": ..., "ref": {...}}, ...], each fetched with
 * everything it references. */
static int fetch_seed(const char *seed, size_t size) {
        _cleanup_json_ json_object *list = NULL;
        _cleanup_diag_ Diag errors = {};
        NetFetch nf = {};
        ConfigResolver res = { .fetch = fetch_reference, .userdata = &nf };
        enum json_tokener_error e;
        size_t offset, n;
        int r = 0;

        if (json_parse_document(seed, size, 8, JSON_TOKENER_STRICT, &list, &e, &offset) < 0 ||
            !json_object_is_type(list, json_type_array))
                return log_error_errno(-EBADMSG, "%s is not a list of references.", FETCH_SEED);
        n = json_object_array_length(list);
        log_info("Fetching the %zu reference%s of the config (%s).", n, n == 1 ? "" : "s", FETCH_SEED);
        for (size_t i = 0; i < n && r >= 0; i++) {
                json_object *entry = json_object_array_get_idx(list, i), *path = NULL, *ref = NULL;
                if (!json_object_is_type(entry, json_type_object) || !json_object_object_get_ex(entry, "path", &path) ||
                    !json_object_is_type(path, json_type_string) || !json_object_object_get_ex(entry, "ref", &ref)) {
                        config_refs_clear(&nf.refs);
                        return log_error_errno(-EBADMSG, "%s is not a list of references.", FETCH_SEED);
                }
                r = config_resolve_reference(ref, json_object_get_string(path), &res, &errors);
        }
        r = report_references(r, &nf, &errors);
        config_refs_clear(&nf.refs);
        return r;
}

/* hull-firstboot --fetch DIR, as hull-firstboot-fetch.service runs it: no capabilities, a
 * user of its own, the network. The same decision as sources_find_config()'s: an http(s)
 * hull.config.url=, else the platform's metadata service. The user data (decompressed, not
 * parsed: that is the provisioning's job) goes to DIR/user-data, 0600; none, no file. From a
 * metadata service also the instance's SSH keys and host name. */
static int run_fetch(void) {
        _cleanup_free_ char *cmdline = NULL, *url = NULL, *how = NULL, *text = NULL, *source = NULL, *path = NULL,
                            *seed = NULL;
        Platform platform = PLATFORM_METAL;
        size_t size = 0;
        int r;

        /* The provisioning has a config and wants only its references. */
        r = read_full_file(FETCH_SEED, CONFIG_SIZE_MAX, &seed, &size);
        if (r >= 0)
                return fetch_seed(seed, size);
        if (r != -ENOENT)
                return log_error_errno(r, "Failed to read %s: %m", FETCH_SEED);

        r = read_full_file("/proc/cmdline", 64 * 1024, &cmdline, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to read /proc/cmdline: %m");
        r = cmdline_get_config_url(cmdline, &url);
        if (r < 0)
                return log_oom();
        if (r > 0 && (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0))
                r = url_fetch_config(url, &fetch_policy_boot, log_attempt, NULL, &text, &size, &source);
        else {
                free(url);
                url = NULL;
                r = platform_detect("/", cmdline, &platform, &how);
                if (r < 0)
                        return log_error_errno(r, "Failed to decide the platform from %s: %m", how ?: "DMI");
                if (!platform_has_metadata_service(platform)) {
                        log_info("Platform %s has no metadata service: nothing to fetch.", platform_to_string(platform));
                        return 0;
                }
                r = metadata_fetch_user_data(platform, METADATA_BASE_URL, &fetch_policy_boot, log_attempt, NULL, &text,
                                             &size, &source);
        }
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "Failed to fetch the config from %s: %m", source ?: "the network");
        if (r == 0)
                log_info("No user data at %s.", source);
        else {
                if (asprintf(&path, "%s/user-data", arg_fetch) < 0)
                        return log_oom();
                r = write_file_atomic(path, text, size, 0600);
                if (r < 0)
                        return log_error_errno(r, "Failed to write %s: %m", path);
                log_info("Fetched %zu bytes of user data from %s.", size, source);
                r = fetch_references_of(text, size);
                if (r < 0)
                        return r;
        }
        if (url)
                return 0;
        if (platform_has_ssh_keys(platform)) {
                r = fetch_ssh_keys(platform);
                if (r < 0)
                        return r;
        }
        return fetch_hostname(platform);
}

/* The SSH keys as the fetch wrote them, one a line. They come from an unprivileged process, so
 * they are checked again here, where they are used. 0 and a NULL-terminated array (NULL for
 * none), -EBADMSG, -ENOMEM. */
static int fetched_keys_parse(const char *keys, char ***ret) {
        char **v = NULL;
        size_t n = 0;

        for (const char *p = keys, *e; p && *p; p = e + 1) {
                char **nv;
                e = strchrnul(p, '\n');
                if (e == p)
                        break;
                if (ssh_key_check(p, (size_t) (e - p)) < 0) {
                        strv_free_n(v, n);
                        return -EBADMSG;
                }
                nv = realloc(v, (n + 2) * sizeof(char *));
                if (!nv || !(nv[n] = strndup(p, (size_t) (e - p)))) {
                        strv_free_n(nv ?: v, n);
                        return -ENOMEM;
                }
                v = nv;
                v[++n] = NULL;
                if (!*e)
                        break;
        }
        *ret = v;
        return 0;
}

/* The network step of the sources: (re)starts the fetch unit, waits for it, takes its results
 * (the user data, the SSH keys, the host name) and stops it again, which removes them from
 * /run. 1 and the text, 0 if there was none; *ret_keys (a NULL-terminated array, or NULL) and
 * *ret_hostname (or NULL) either way. -EREMOTEIO if the unit failed (it logged why), another
 * negative errno (-EBADMSG: a key or host name the fetch left is not one). */
/* DIR/references/<name> as the fetch left them, into refs. */
static int read_references(ConfigRefs *refs) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        d = opendir(FETCH_REFS);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((errno = 0, de = readdir(d))) {
                _cleanup_free_ char *path = NULL, *body = NULL;
                size_t size = 0;

                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (!config_ref_name_is_valid(de->d_name))
                        return -EBADMSG;
                if (asprintf(&path, "%s/%s", FETCH_REFS, de->d_name) < 0)
                        return -ENOMEM;
                r = read_full_file(path, CONFIG_SIZE_MAX, &body, &size);
                if (r < 0)
                        return r;
                r = config_refs_add(refs, de->d_name, body, size);
                if (r < 0)
                        return r;
        }
        return errno > 0 ? -errno : 0;
}

static int fetch_via_unit(const char *seed, char **ret_text, size_t *ret_size, char ***ret_keys, char **ret_hostname,
                          ConfigRefs *refs) {
        /* restart, not start: a unit left active by an interrupted earlier run (RemainAfterExit=)
         * would otherwise not run again, and its old files would be read. */
        char *start[] = { "/usr/bin/systemctl", "restart", FETCH_UNIT, NULL };
        char *stop[] = { "/usr/bin/systemctl", "stop", FETCH_UNIT, NULL };
        _cleanup_free_ char *text = NULL, *keys = NULL, *host = NULL, *hostname = NULL;
        size_t size = 0, host_size = 0;
        int r, k, kk, kh, kr;

        /* Only with a seed does the fetch take the references alone; an old one must not stay. */
        if (seed) {
                if (mkdir(FETCH_SEED_DIR, 0755) < 0 && errno != EEXIST)
                        return -errno;
                /* Readable by the fetch's dynamic user; the references only, not the config. */
                r = write_file_atomic(FETCH_SEED, seed, strlen(seed), 0644);
                if (r < 0)
                        return r;
        } else if (unlink(FETCH_SEED) < 0 && errno != ENOENT)
                return -errno;
        r = spawn_wait(start, NULL);
        if (seed)
                (void) unlink(FETCH_SEED);
        if (r < 0)
                return r;
        if (r > 0)
                return -EREMOTEIO;
        k = read_full_file(FETCH_FILE, CONFIG_SIZE_MAX, &text, &size);
        kk = read_full_file(FETCH_KEYS, 1024 * 1024, &keys, NULL);
        kh = read_full_file(FETCH_HOSTNAME, 4096, &host, &host_size);
        kr = read_references(refs);
        /* If this fails, the files stay in /run (0600, in a 0700 directory) until a reboot. */
        (void) spawn_wait(stop, NULL);
        if (kr < 0)
                return kr;
        if (k < 0 && k != -ENOENT)
                return k;
        if (kk < 0 && kk != -ENOENT)
                return kk;
        if (kh < 0 && kh != -ENOENT)
                return kh;
        /* "name\n", checked again like the keys: the same rule takes it unchanged. */
        if (host) {
                r = hostname_from_metadata(host, host_size, &hostname, NULL);
                if (r <= 0)
                        return r < 0 ? r : -EBADMSG;
        }
        r = fetched_keys_parse(keys, ret_keys);
        if (r < 0)
                return r;
        *ret_text = TAKE_PTR(text);
        *ret_size = size;
        *ret_hostname = TAKE_PTR(hostname);
        return k == -ENOENT ? 0 : 1;
}

/* The network source, through the fetch unit: fetch_via_unit(), its failure logged. */
static int read_network(const char *source, char **ret_text, size_t *ret_size, char ***ret_keys, char **ret_hostname,
                        ConfigRefs *refs) {
        int r;

        log_info("Fetching the config from %s (%s).", source, FETCH_UNIT);
        r = fetch_via_unit(NULL, ret_text, ret_size, ret_keys, ret_hostname, refs);
        if (r == -EREMOTEIO)
                log_error("Failed to fetch the config from %s: %s failed (its attempts are above and in journalctl "
                          "-u %s).", source, FETCH_UNIT, FETCH_UNIT);
        else if (r < 0)
                log_error_errno(r, "Failed to fetch the config from %s with %s: %m", source, FETCH_UNIT);
        if (r < 0)
                log_error("Nothing was changed. Fix the config source and reboot (or run hull-firstboot again).");
        return r;
}

/* hull-firstboot --azure-report-ready, as hull-firstboot-azure-ready.service runs it (no
 * capabilities, a user of its own, the network): tells the wireserver the machine is up, so
 * Azure does not time its provisioning out. Only on Azure. */
static int run_azure_ready(void) {
        _cleanup_free_ char *cmdline = NULL, *how = NULL, *why = NULL;
        Platform platform;
        int r;

        r = read_full_file("/proc/cmdline", 64 * 1024, &cmdline, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to read /proc/cmdline: %m");
        r = platform_detect("/", cmdline, &platform, &how);
        if (r < 0)
                return log_error_errno(r, "Failed to decide the platform from %s: %m", how ?: "DMI");
        if (platform != PLATFORM_AZURE) {
                log_info("Platform %s is not Azure: no wireserver to report to.", platform_to_string(platform));
                return 0;
        }
        r = azure_report_ready(AZURE_WIRESERVER_URL, &fetch_policy_boot, log_attempt, NULL, &why);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "Failed to report ready to the Azure wireserver (%s): %s.", AZURE_WIRESERVER_URL,
                                       why ?: strerror(-r));
        log_info("Reported ready to the Azure wireserver (%s).", AZURE_WIRESERVER_URL);
        return 0;
}

/* Starts the check-in without waiting for it: it does not hold the boot, and its failure
 * (logged by that unit at error priority) does not fail the provisioning. */
static void azure_start_report_ready(void) {
        char *start[] = { "/usr/bin/systemctl", "start", "--no-block", AZURE_READY_UNIT, NULL };
        int r;

        r = spawn_wait(start, NULL);
        if (r < 0)
                log_error_errno(r, "Failed to start %s, Azure's report ready: %m", AZURE_READY_UNIT);
        else if (r > 0)
                log_error("Failed to start %s, Azure's report ready: systemctl exited with %d.", AZURE_READY_UNIT, r);
        else
                log_info("Reporting ready to the Azure wireserver (%s).", AZURE_READY_UNIT);
}

/* What ovf-env.xml gives besides the config. */
typedef struct AzureExtras {
        char **keys; /* NULL-terminated, or NULL */
        char *user_name;
        char *hostname;
} AzureExtras;

static void azure_extras_clear(AzureExtras *x) {
        strv_free(x->keys);
        free(x->user_name);
        free(x->hostname);
}

/* On Azure: ovf-env.xml from the provisioning media. 1 and its custom data as the config text
 * (gzip decompressed, like EC2's user data), 0 if there is none; either way the SSH keys and
 * names it gives in *x. Logs its errors: a negative errno means nothing may be applied. */
static int read_azure(char **source, char **ret_text, size_t *ret_size, AzureExtras *x) {
        _cleanup_free_ char *xml = NULL, *error = NULL;
        _cleanup_ovf_env_ OvfEnv e = {};
        size_t size = 0;
        int r;

        free(*source);
        *source = NULL;
        r = azure_read_ovf_env(&xml, &size, source);
        if (r == -EFBIG)
                return log_error_errno(r, "Failed to read the config from %s: ovf-env.xml is larger than %u bytes.",
                                       *source ?: "the Azure provisioning media", OVF_ENV_SIZE_MAX);
        if (r < 0)
                return log_error_errno(r, "Failed to read the config from %s: %m", *source ?: "the Azure provisioning media");
        if (r == 0) {
                log_notice("No Azure provisioning media (a udf or iso9660 file system with ovf-env.xml) found.");
                return 0;
        }
        r = ovf_env_parse(xml, size, &e, &error);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "Failed to read the config from %s: %s.", *source, error);
        if (e.has_password)
                log_notice("%s gives a password for the user: not used (log in with an SSH key).", *source);
        if (e.n_keys_without_value > 0)
                log_notice("%s names %zu SSH key%s by certificate fingerprint only: not read (keys need a Value).",
                           *source, e.n_keys_without_value, e.n_keys_without_value == 1 ? "" : "s");
        x->keys = TAKE_PTR(e.ssh_keys);
        e.n_ssh_keys = 0;
        x->user_name = TAKE_PTR(e.user_name);
        x->hostname = TAKE_PTR(e.hostname);
        if (e.custom_data_size == 0) {
                log_info("No custom data in %s.", *source);
                return 0;
        }
        r = user_data_decode(e.custom_data, e.custom_data_size, CONFIG_SIZE_MAX, ret_text, ret_size);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_error_errno(r, "Failed to read the config from %s: the custom data %s.", *source,
                                       r == -EFBIG ? "is larger than the limit"
                                                   : "starts like gzip but does not decompress");
        return 1;
}

/* A config from a local source whose references (or theirs, through data:) are http(s): the
 * fetch unit fetches them (the provisioning has no network), into refs. 0 also when there are
 * none, or when the config is bad (its parse says why). Logs. */
static int fetch_references(const char *text, size_t size, const char *source, bool live, ConfigRefs *refs) {
        _cleanup_json_ json_object *root = NULL, *found = NULL;
        _cleanup_diag_ Diag errors = {};
        _cleanup_free_ char *kt = NULL, *kh = NULL;
        _cleanup_strv_free_ char **keys = NULL;
        enum json_tokener_error e;
        const char *seed;
        size_t offset, n, ksize = 0;
        int r;

        if (json_parse_document(text, size, 32, JSON_TOKENER_STRICT, &root, &e, &offset) < 0 ||
            !json_object_is_type(root, json_type_object))
                return 0;
        r = config_remote_references(root, &found, &errors);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return 0;
        n = json_object_array_length(found);
        if (n == 0)
                return 0;
        if (!live) {
                json_object *first = json_object_array_get_idx(found, 0), *path = NULL, *ref = NULL, *url = NULL;
                (void) json_object_object_get_ex(first, "path", &path);
                (void) json_object_object_get_ex(first, "ref", &ref);
                (void) json_object_object_get_ex(ref, "source", &url);
                log_error("%s.source: \"%s\" is fetched over the network, on the machine itself only (not with "
                          "--root).", json_object_get_string(path), json_object_get_string(url));
                return -EOPNOTSUPP;
        }
        seed = json_object_to_json_string_ext(found, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!seed)
                return log_oom();
        log_info("The config from %s references %zu config%s over the network: fetching %s with %s.", source, n,
                 n == 1 ? "" : "s", n == 1 ? "it" : "them", FETCH_UNIT);
        r = fetch_via_unit(seed, &kt, &ksize, &keys, &kh, refs);
        if (r == -EREMOTEIO)
                log_error("Failed to fetch the configs the config from %s references: %s failed (the reference and "
                          "its attempts are above and in journalctl -u %s).", source, FETCH_UNIT, FETCH_UNIT);
        else if (r < 0)
                log_error_errno(r, "Failed to fetch the configs the config from %s references with %s: %m", source,
                                FETCH_UNIT);
        return r < 0 ? r : 0;
}

/* --config FILE: the text and its name as the source. */
static int read_config_file(char **ret_text, size_t *ret_size, char **ret_source) {
        _cleanup_free_ char *text = NULL;
        size_t size = 0;
        int r;

        r = read_full_file(arg_config, CONFIG_SIZE_MAX, &text, &size);
        if (r == -EFBIG)
                return log_error_errno(r, "Config file '%s' is larger than %u bytes.", arg_config, CONFIG_SIZE_MAX);
        if (r < 0)
                return log_error_errno(r, "Failed to read config file '%s': %m", arg_config);
        *ret_source = strdup(arg_config);
        if (!*ret_source)
                return log_oom();
        *ret_text = TAKE_PTR(text);
        *ret_size = size;
        return 0;
}

/* The config to add the cloud's user or host name to: the parsed one, or an empty one when
 * there is no config. */
static int config_get(Config **c, const char *text, size_t size, const char *source, const ConfigResolver *res) {
        if (*c)
                return 0;
        if (text)
                return parse_and_report(text, size, source, res, c);
        *c = calloc(1, sizeof(Config));
        return *c ? 0 : log_oom();
}

/* What the cloud gives besides the config: its SSH keys go to the default user user when the
 * config names no user, its host name to /etc/hostname unless the config writes that. *c is
 * the parsed config, or NULL (parsed here, or an empty one when there is no text). Logs. */
static int add_cloud_extras(Config **c, const char *text, size_t size, const char *source, const ConfigResolver *res,
                            char **keys, const char *user, const char *hostname) {
        int r;

        if (keys) {
                size_t n = 0;

                while (keys[n])
                        n++;
                r = config_get(c, text, size, source, res);
                if (r < 0) {
                        log_error("Nothing was changed. Fix the config and reboot (or run hull-firstboot again).");
                        return r;
                }
                if ((*c)->n_users > 0)
                        log_notice("The config names its users: the instance's %zu SSH key%s from %s %s not used.", n,
                                   n == 1 ? "" : "s", source, n == 1 ? "is" : "are");
                else {
                        r = config_add_default_user(*c, user, DEFAULT_USER_GROUP, keys, n);
                        if (r < 0)
                                return log_error_errno(r, "Failed to add the default user: %m");
                        log_info("No user in the config: the instance's %zu SSH key%s from %s %s to user '%s' "
                                 "(group %s).", n, n == 1 ? "" : "s", source, n == 1 ? "goes" : "go", user,
                                 DEFAULT_USER_GROUP);
                }
        }
        if (hostname) {
                r = config_get(c, text, size, source, res);
                if (r < 0) {
                        log_error("Nothing was changed. Fix the config and reboot (or run hull-firstboot again).");
                        return r;
                }
                r = config_add_hostname(*c, hostname);
                if (r < 0)
                        return log_error_errno(r, "Failed to add the host name: %m");
                if (r == 0)
                        log_notice("The config writes %s: the host name '%s' from %s is not used.", HOSTNAME_FILE,
                                   hostname, source);
                else
                        log_info("Host name '%s' from %s goes to %s.", hostname, source, HOSTNAME_FILE);
        }
        return 0;
}

/* No config and nothing from the cloud: the marker, so later boots skip the provisioning. */
static int finish_without_config(const ApplyOptions *o, Platform platform) {
        _cleanup_free_ char *what = NULL;
        int r;

        log_info("No config found: nothing to provision. To provide one, use the kernel command line "
                 "(hull.config.url=data:..., label://LABEL/path or https://...), a filesystem labelled "
                 "HULL-CONFIG with config.ign, QEMU -fw_cfg name=opt/org.hull/config,file=config.ign, or "
                 "the instance's user data on EC2, GCE, OpenStack, DigitalOcean or Hetzner Cloud, or "
                 "the custom data on Azure.");
        if (o->live && apply_anyone_can_log_in(o) == 0)
                log_warning("No account has an SSH key or a password: nobody can log in to this machine. "
                            "Provision it with a config that names a user with sshAuthorizedKeys.");
        r = apply_write_marker(o, &what);
        if (r < 0)
                return log_error_errno(r, "Failed to %s: %m", what ?: "write the marker");
        if (platform == PLATFORM_AZURE && o->live)
                azure_start_report_ready();
        return 0;
}

static int run(void) {
        _cleanup_free_ char *text = NULL, *source = NULL, *what = NULL;
        _cleanup_(azure_extras_clear) AzureExtras az = {};
        _cleanup_config_refs_ ConfigRefs refs = {};
        NetFetch direct = {};
        ConfigResolver res = { .fetch = config_refs_fetch, .userdata = &refs };
        bool fetched = false;
        _cleanup_strv_free_ char **keys = NULL;
        _cleanup_free_ char *hostname = NULL;
        _cleanup_config_ Config *c = NULL;
        ApplyOptions o = { .root = arg_root };
        Platform platform = PLATFORM_METAL;
        const char *user = DEFAULT_USER;
        size_t size = 0;
        int r;

        if (arg_fetch)
                return run_fetch();
        if (arg_azure_ready)
                return run_azure_ready();

        if (arg_config) {
                r = read_config_file(&text, &size, &source);
                if (r < 0)
                        return r;
        } else {
                r = detect_platform(strcmp(arg_root, "/") == 0, &platform);
                if (r < 0) {
                        log_error("Nothing was changed.");
                        return r;
                }
                r = sources_find_config(platform, &text, &size, &source);
                if (r == SOURCES_AZURE) {
                        r = read_azure(&source, &text, &size, &az);
                        if (r < 0) {
                                log_error("Nothing was changed. Fix the custom data and reboot (or run hull-firstboot again).");
                                return r;
                        }
                        keys = TAKE_PTR(az.keys);
                        hostname = TAKE_PTR(az.hostname);
                        if (az.user_name)
                                user = az.user_name;
                } else if (r == SOURCES_NETWORK) {
                        r = read_network(source, &text, &size, &keys, &hostname, &refs);
                        if (r < 0)
                                return r;
                        fetched = true;
                }
                if (r < 0) {
                        log_error_errno(r, "Failed to read the config from %s: %m", source ?: "its source");
                        log_error("Nothing was changed. Fix the config source and reboot (or run hull-firstboot again).");
                        return r;
                }
        }

        if (arg_validate) {
                /* A check run by hand: http(s) references are fetched here, directly. */
                res = (ConfigResolver) { .fetch = fetch_reference, .userdata = &direct };
                r = parse_and_report(text, size, source, &res, &c);
                config_refs_clear(&direct.refs);
                if (r < 0)
                        return r;
                printf("configuration OK\n");
                return 0;
        }

        /* The network fetch took the references of what it fetched; a local config's go to it now. */
        if (text && !fetched) {
                r = fetch_references(text, size, source, strcmp(arg_root, "/") == 0, &refs);
                if (r < 0) {
                        log_error("Nothing was changed. Fix the config source and reboot (or run hull-firstboot again).");
                        return r;
                }
        }

        o.live = strcmp(arg_root, "/") == 0;
        o.selinux = o.live && is_selinux_enabled() > 0;
        o.source = source;

        if (text)
                log_info("Using the config from %s.", source);
        r = add_cloud_extras(&c, text, size, source, &res, keys, user, hostname);
        if (r < 0)
                return r;

        if (!text && !c)
                return finish_without_config(&o, platform);

        r = c ? 0 : parse_and_report(text, size, source, &res, &c);
        if (r < 0) {
                log_error("Nothing was changed. Fix the config and reboot (or run hull-firstboot again).");
                return r;
        }
        r = apply_config(c, &o, &what);
        if (r < 0) {
                log_error_errno(r, "Failed to %s: %m", what ?: "apply the config");
                log_error("Provisioning stopped part way: the steps before this one were applied. No marker "
                          "was written, so the next boot applies the config again.");
                return r;
        }
        log_info("Provisioning done (users %zu, files %zu, directories %zu, links %zu, units %zu).",
                 c->n_users, c->n_files, c->n_directories, c->n_links, c->n_units);
        if (platform == PLATFORM_AZURE && o.live)
                azure_start_report_ready();
        return 0;
}

int main(int argc, char *argv[]) {
        int r;

        umask(0022);
        r = parse_argv(argc, argv);
        if (r <= 0)
                return r < 0 ? 2 : 0;
        r = run();
        return r < 0 ? 1 : 0;
}
