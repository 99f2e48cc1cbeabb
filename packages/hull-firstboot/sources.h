/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "platform.h"

/* Where a config can come from, tried in this order; the first one found wins:
 *   1. kernel command line hull.config.url=data:..., label://<LABEL>/<path>, http(s)://...
 *   2. a filesystem labelled HULL-CONFIG, config-2 or CIDATA (see README for the file names)
 *   3. QEMU fw_cfg opt/org.hull/config
 *   4. on Azure, the provisioning media's ovf-env.xml (azure_read_ovf_env())
 *   5. the user data of platform's metadata service, if it has one (fetch.h)
 * Returns 1 with the config text and a description of its source, 0 if there is none,
 * SOURCES_NETWORK if the config is to be fetched over the network (1 with an http(s) URL, or
 * 5; *ret_source names it; the fetch is hull-firstboot --fetch's, in a unit of its own),
 * SOURCES_AZURE for 4 (the caller reads and parses ovf-env.xml, which carries more than a
 * config), negative errno if a source exists but cannot be read (*ret_source then names it). */
#define SOURCES_NETWORK 2
#define SOURCES_AZURE 3
int sources_find_config(Platform platform, char **ret_text, size_t *ret_size, char **ret_source);

/* Parts, exposed for tests. */
#define FW_CFG_PATH "/sys/firmware/qemu_fw_cfg/by_name/opt/org.hull/config/raw"

/* Value of the last KEY=value (key given without "=") on a kernel command line, honouring
 * double quotes. 1 and *ret, or 0 if absent. */
int cmdline_get_value(const char *cmdline, const char *key, char **ret);

/* Value of the last hull.config.url= on a kernel command line. */
int cmdline_get_config_url(const char *cmdline, char **ret);

/* Splits "label://LABEL/path" into its label and path. -EINVAL if malformed. */
int parse_label_url(const char *url, char **ret_label, char **ret_path);

/* Whether a config medium whose file system blkid reports as type may be mounted: only vfat
 * and iso9660, the formats config drives, NoCloud seeds and USB sticks come in. Any other
 * type (ext4, xfs, btrfs, squashfs, ...) would put a large kernel parser in front of a disk the
 * machine does not trust. 0 if allowed, -EMEDIUMTYPE if not (NULL: no type found). */
int config_fs_type_check(const char *type);

/* Whether a file system blkid reports as type may be mounted as the Azure provisioning media:
 * udf (what Azure attaches) and iso9660, nothing else. 0 or -EMEDIUMTYPE. */
int azure_media_fs_type_check(const char *type);

/* Finds the Azure provisioning media: the first udf or iso9660 file system (/dev/sr0 on Azure)
 * with an ovf-env.xml at its top, mounted read-only, nodev, nosuid, noexec in turn. 1 and the
 * file (at most OVF_ENV_SIZE_MAX) and *ret_source naming it, 0 if there is none, a negative
 * errno if a candidate could not be read and none had the file (*ret_source names it). */
int azure_read_ovf_env(char **ret_text, size_t *ret_size, char **ret_source);

/* Reads the config from a mounted config filesystem at dir, for a filesystem with the given
 * label (case-insensitive). Returns 1 and the text and the relative file name, 0 if no known
 * file is there, negative errno. */
int read_config_from_dir(const char *dir, const char *label, char **ret_text, size_t *ret_size, const char **ret_file);

/* Reads one file below a directory fd without following symlinks out of it (RESOLVE_IN_ROOT),
 * at most CONFIG_SIZE_MAX bytes. */
int read_file_in_root(const char *dir, const char *path, char **ret_text, size_t *ret_size);
int read_file_in_root_max(const char *dir, const char *path, size_t max, char **ret_text, size_t *ret_size);
