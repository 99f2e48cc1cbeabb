/* SPDX-License-Identifier: MIT */
/* Finding the config at boot. Library code: errors are returned, the caller logs. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <blkid/blkid.h>

#include "azure.h"
#include "config.h"
#include "dataurl.h"
#include "fetch.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "sources.h"

#define MOUNT_DIR "/run/hull-firstboot"
#define MOUNT_POINT MOUNT_DIR "/config"

/* Labels in the order they are tried, and the file read from each, after config.ign. */
static const struct {
        const char *label;
        const char *file;
} config_labels[] = {
        { "HULL-CONFIG", NULL },
        { "config-2", "openstack/latest/user_data" }, /* OpenStack config drive */
        { "CONFIG-2", "openstack/latest/user_data" },
        { "CIDATA", "user-data" },                    /* cloud-init NoCloud */
        { "cidata", "user-data" },
};

int cmdline_get_value(const char *cmdline, const char *key, char **ret) {
        _cleanup_free_ char *word = NULL, *found = NULL;
        size_t keylen = strlen(key);
        const char *p = cmdline;

        word = malloc(strlen(cmdline) + 1);
        if (!word)
                return -ENOMEM;
        while (*p) {
                bool quoted = false;
                size_t n = 0;

                p += strspn(p, " \t\n");
                if (!*p)
                        break;
                for (; *p && (quoted || !strchr(" \t\n", *p)); p++) {
                        if (*p == '"')
                                quoted = !quoted;
                        else
                                word[n++] = *p;
                }
                word[n] = 0;
                if (strncmp(word, key, keylen) == 0 && word[keylen] == '=') {
                        free(found);
                        found = strdup(word + keylen + 1);
                        if (!found)
                                return -ENOMEM;
                }
        }
        if (!found)
                return 0;
        *ret = TAKE_PTR(found);
        return 1;
}

int cmdline_get_config_url(const char *cmdline, char **ret) {
        return cmdline_get_value(cmdline, "hull.config.url", ret);
}

int parse_label_url(const char *url, char **ret_label, char **ret_path) {
        const char *l, *slash;
        char *label, *path;

        if (strncmp(url, "label://", 8) != 0)
                return -EINVAL;
        l = url + 8;
        slash = strchr(l, '/');
        if (!slash || slash == l || slash - l > 255 || slash[1] == 0)
                return -EINVAL;
        label = strndup(l, (size_t) (slash - l));
        path = strdup(slash);
        if (!label || !path) {
                free(label);
                free(path);
                return -ENOMEM;
        }
        *ret_label = label;
        *ret_path = path;
        return 0;
}

int read_file_in_root(const char *dir, const char *path, char **ret_text, size_t *ret_size) {
        return read_file_in_root_max(dir, path, CONFIG_SIZE_MAX, ret_text, ret_size);
}

int read_file_in_root_max(const char *dir, const char *path, size_t max, char **ret_text, size_t *ret_size) {
        _cleanup_close_ int dfd = -1, fd = -1;
        struct stat st;

        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return negative_errno();
        fd = openat_in_root(dfd, path, O_RDONLY | O_NOCTTY);
        if (fd < 0)
                return fd;
        if (fstat(fd, &st) < 0)
                return negative_errno();
        if (!S_ISREG(st.st_mode))
                return -EBADFD;
        return read_full_fd(fd, max, ret_text, ret_size);
}

int read_config_from_dir(const char *dir, const char *label, char **ret_text, size_t *ret_size, const char **ret_file) {
        for (size_t i = 0; i < ELEMENTSOF(config_labels); i++) {
                const char *files[] = { "config.ign", config_labels[i].file };

                if (strcmp(config_labels[i].label, label) != 0)
                        continue;
                for (size_t j = 0; j < ELEMENTSOF(files) && files[j]; j++) {
                        int r = read_file_in_root(dir, files[j], ret_text, ret_size);
                        if (r == -ENOENT)
                                continue;
                        *ret_file = files[j];
                        return r < 0 ? r : 1;
                }
                return 0;
        }
        return -EINVAL;
}

int config_fs_type_check(const char *type) {
        if (type && (strcmp(type, "vfat") == 0 || strcmp(type, "iso9660") == 0))
                return 0;
        return -EMEDIUMTYPE;
}

int azure_media_fs_type_check(const char *type) {
        if (type && (strcmp(type, "udf") == 0 || strcmp(type, "iso9660") == 0))
                return 0;
        return -EMEDIUMTYPE;
}

/* One probe of every block device per run, shared by all the labels looked up: probing is the
 * slow part (seconds per pass under emulation), the lookups are cheap. */
static blkid_cache probed_cache;

static void probed_cache_free(void) {
        if (probed_cache)
                blkid_put_cache(probed_cache);
        probed_cache = NULL;
}

static int probe_devices(void) {
        if (!probed_cache) {
                /* No cache file: probe what /proc/partitions lists now. */
                if (blkid_get_cache(&probed_cache, "/dev/null") < 0)
                        return -ENOMEM;
                (void) blkid_probe_all(probed_cache);
                (void) atexit(probed_cache_free);
        }
        return 0;
}

static int find_device(const char *label, char **ret_dev, char **ret_type) {
        char *dev, *type;

        if (probe_devices() < 0)
                return -ENOMEM;
        dev = blkid_get_devname(probed_cache, "LABEL", label);
        if (!dev)
                return 0;
        type = blkid_get_tag_value(probed_cache, "TYPE", dev);
        *ret_dev = dev;
        *ret_type = type; /* may be NULL: config_fs_type_check() refuses it */
        return 1;
}

/* Mounts dev (of type, already checked) read-only, nodev, nosuid, noexec on MOUNT_POINT. */
static int mount_medium(const char *dev, const char *type) {
        int r;

        if (mkdir(MOUNT_DIR, 0700) < 0 && errno != EEXIST)
                return negative_errno();
        if (mkdir(MOUNT_POINT, 0700) < 0 && errno != EEXIST)
                return negative_errno();
        if (mount(dev, MOUNT_POINT, type, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
                r = negative_errno();
                (void) rmdir(MOUNT_POINT);
                return r;
        }
        return 0;
}

static void unmount_medium(void) {
        (void) umount2(MOUNT_POINT, MNT_DETACH);
        (void) rmdir(MOUNT_POINT);
}

/* One candidate for the Azure provisioning media: 1 and the file if dev holds ovf-env.xml. */
static int read_ovf_env_from(const char *dev, const char *type, char **ret_text, size_t *ret_size) {
        int r;

        r = mount_medium(dev, type);
        if (r < 0)
                return r;
        r = read_file_in_root_max(MOUNT_POINT, OVF_ENV_FILE, OVF_ENV_SIZE_MAX, ret_text, ret_size);
        unmount_medium();
        if (r == -ENOENT)
                return 0;
        return r < 0 ? r : 1;
}

int azure_read_ovf_env(char **ret_text, size_t *ret_size, char **ret_source) {
        blkid_dev_iterate it;
        blkid_dev d;
        int r, first_error = 0;

        *ret_source = NULL;
        if (probe_devices() < 0)
                return -ENOMEM;
        it = blkid_dev_iterate_begin(probed_cache);
        if (!it)
                return -ENOMEM;
        while (blkid_dev_next(it, &d) == 0) {
                const char *dev = blkid_dev_devname(d);
                _cleanup_free_ char *type = blkid_get_tag_value(probed_cache, "TYPE", dev);

                /* The media is a UDF or ISO 9660 DVD (/dev/sr0): no other type is mounted. */
                if (azure_media_fs_type_check(type) < 0)
                        continue;
                r = read_ovf_env_from(dev, type, ret_text, ret_size);
                if (r < 0 && first_error == 0) {
                        first_error = r;
                        if (asprintf(ret_source, "%s (%s, a candidate for the Azure provisioning media)", dev, type) < 0)
                                *ret_source = NULL;
                }
                if (r > 0) {
                        free(*ret_source);
                        if (asprintf(ret_source, "%s (Azure provisioning media, %s) file " OVF_ENV_FILE, dev, type) < 0)
                                *ret_source = NULL;
                        blkid_dev_iterate_end(it);
                        if (!*ret_source) {
                                free(*ret_text);
                                *ret_text = NULL;
                                return -ENOMEM;
                        }
                        return 1;
                }
        }
        blkid_dev_iterate_end(it);
        return first_error;
}

/* Mounts the filesystem labelled label (vfat or iso9660 only) read-only, nodev, nosuid, noexec
 * and reads path, or the label's usual files
 * when path is NULL. 1 if a config was read, 0 if there is no such filesystem or file. */
static int read_from_label(const char *label, const char *path, char **ret_text, size_t *ret_size, char **ret_source) {
        _cleanup_free_ char *dev = NULL, *type = NULL;
        const char *file = path;
        int r;

        r = find_device(label, &dev, &type);
        if (r <= 0)
                return r;
        r = config_fs_type_check(type);
        if (r < 0) {
                if (asprintf(ret_source, "%s (LABEL=%s): its file system is %s, and only vfat and iso9660 "
                             "config media are mounted", dev, label, type ?: "of no known type") < 0)
                        *ret_source = NULL;
                return r;
        }
        if (asprintf(ret_source, "%s (LABEL=%s)", dev, label) < 0)
                return -ENOMEM;
        r = mount_medium(dev, type);
        if (r < 0)
                return r;
        if (path) {
                r = read_file_in_root(MOUNT_POINT, path, ret_text, ret_size);
                r = r < 0 ? r : 1;
        } else
                r = read_config_from_dir(MOUNT_POINT, label, ret_text, ret_size, &file);
        unmount_medium();
        if (r > 0) {
                free(*ret_source);
                if (asprintf(ret_source, "%s (LABEL=%s) file %s", dev, label, file) < 0)
                        return -ENOMEM;
        }
        return r;
}

static void describe(char **ret, const char *format, const char *url) _printf_(2, 0);
static void describe(char **ret, const char *format, const char *url) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        if (asprintf(ret, format, url) < 0)
                *ret = NULL;
#pragma GCC diagnostic pop
}

int sources_find_config(Platform platform, char **ret_text, size_t *ret_size, char **ret_source) {
        _cleanup_free_ char *cmdline = NULL, *url = NULL;
        int r;

        *ret_text = NULL;
        *ret_source = NULL;

        /* 1. The kernel command line. */
        r = read_full_file("/proc/cmdline", 64 * 1024, &cmdline, NULL);
        if (r < 0) {
                *ret_source = strdup("/proc/cmdline");
                return r;
        }
        r = cmdline_get_config_url(cmdline, &url);
        if (r < 0)
                return r;
        if (r > 0) {
                if (strncasecmp(url, "data:", 5) == 0) {
                        uint8_t *data = NULL;
                        *ret_source = strdup("the kernel command line (hull.config.url=data:...)");
                        r = dataurl_decode(url, CONFIG_SIZE_MAX, &data, ret_size);
                        if (r < 0)
                                return r;
                        *ret_text = (char *) data;
                        return 1;
                }
                if (strncmp(url, "label://", 8) == 0) {
                        _cleanup_free_ char *label = NULL, *path = NULL;
                        r = parse_label_url(url, &label, &path);
                        if (r < 0) {
                                describe(ret_source, "hull.config.url=%s (expected label://LABEL/path)", url);
                                return r;
                        }
                        r = read_from_label(label, path, ret_text, ret_size, ret_source);
                        if (r == 0) {
                                free(*ret_source);
                                describe(ret_source, "hull.config.url=%s (no filesystem with that label)", url);
                                return -ENODEV;
                        }
                        return r;
                }
                if (strncasecmp(url, "http://", 7) == 0 || strncasecmp(url, "https://", 8) == 0) {
                        describe(ret_source, "hull.config.url=%s", url);
                        return *ret_source ? SOURCES_NETWORK : -ENOMEM;
                }
                describe(ret_source, "hull.config.url=%s (only data:, label://, http:// and https:// are supported)",
                         url);
                return -EPROTONOSUPPORT;
        }

        /* 2. A labelled filesystem. */
        for (size_t i = 0; i < ELEMENTSOF(config_labels); i++) {
                r = read_from_label(config_labels[i].label, NULL, ret_text, ret_size, ret_source);
                if (r != 0)
                        return r;
                free(*ret_source);
                *ret_source = NULL;
        }

        /* 3. QEMU fw_cfg. */
        r = read_full_file(FW_CFG_PATH, CONFIG_SIZE_MAX, ret_text, ret_size);
        if (r != -ENOENT) {
                *ret_source = strdup("QEMU fw_cfg opt/org.hull/config");
                return r < 0 ? r : 1;
        }

        /* 4. On Azure, the provisioning media (ovf-env.xml): the caller reads it, because its
         * SSH keys and names come with the custom data. */
        if (platform == PLATFORM_AZURE) {
                *ret_source = strdup("the Azure provisioning media (" OVF_ENV_FILE ")");
                return *ret_source ? SOURCES_AZURE : -ENOMEM;
        }

        /* 5. The cloud's metadata service, only on a cloud that has one: the network is
         * asked last, so a boot with a local source never waits for it. */
        if (!platform_has_metadata_service(platform))
                return 0;
        *ret_source = strdup(metadata_service_name(platform));
        return *ret_source ? SOURCES_NETWORK : -ENOMEM;
}
