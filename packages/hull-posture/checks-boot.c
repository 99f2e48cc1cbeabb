/* SPDX-License-Identifier: MIT */
/* The boot chain: Secure Boot on, and the entry that booted blessed (efivarfs and the ESP). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "posture.h"

#define EFIVARS "/sys/firmware/efi/efivars/"
#define EFI_GLOBAL_GUID "8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define LOADER_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define ESP_LINUX "/efi/EFI/Linux"
#define EFIVAR_MAX 4096U

int check_boot_secureboot(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *data = NULL;
        size_t n;
        int r;

        r = root_read(ctx, EFIVARS "SecureBoot-" EFI_GLOBAL_GUID, EFIVAR_MAX, &data, &n);
        if (r == -ENOENT)
                return say(ret, 0, "no SecureBoot variable: not booted with UEFI, or no efivarfs");
        if (r < 0)
                return say(ret, r, "cannot read the SecureBoot variable");
        if (n != 5)
                return say(ret, 0, "SecureBoot variable of %zu bytes, want 4 attribute bytes and 1 value byte", n);
        if (data[4] != 1)
                return say(ret, 0, "SecureBoot=%u, want 1", (unsigned) (unsigned char) data[4]);
        return say(ret, 1, "SecureBoot=1");
}

int efivar_ascii(const char *data, size_t size, char **ret) {
        char *s;
        size_t k = 0;

        if (size < 4 || (size - 4) % 2 != 0)
                return -EBADMSG;
        s = malloc((size - 4) / 2 + 1);
        if (!s)
                return -ENOMEM;
        for (size_t i = 4; i + 1 < size; i += 2) {
                unsigned char lo = (unsigned char) data[i], hi = (unsigned char) data[i + 1];

                if (lo == 0 && hi == 0)
                        break;
                if (hi != 0 || lo < 0x20 || lo > 0x7e) {
                        free(s);
                        return -EBADMSG;
                }
                s[k++] = (char) lo;
        }
        s[k] = 0;
        *ret = s;
        return 0;
}

int boot_entry_strip_counter(const char *name, char **ret) {
        size_t n = strlen(name), suffix = 0, plus;
        const char *p;
        char *s;

        if (n > 4 && strcmp(name + n - 4, ".efi") == 0)
                suffix = 4;
        else if (n > 5 && strcmp(name + n - 5, ".conf") == 0)
                suffix = 5;
        p = memrchr(name, '+', n - suffix);
        if (p) {
                /* "+LEFT" or "+LEFT-DONE", digits only, right before the suffix. */
                const char *q = p + 1, *end = name + n - suffix;
                size_t digits = strspn(q, "0123456789");

                if (digits == 0 || digits > 9)
                        p = NULL;
                else if (q + digits != end && !(q[digits] == '-' && q + digits + 1 < end &&
                                                 strspn(q + digits + 1, "0123456789") == (size_t) (end - q - digits - 1) &&
                                                 end - q - digits - 1 <= 9))
                        p = NULL;
        }
        if (!p)
                return (*ret = strdup(name)) ? 0 : -ENOMEM;
        plus = (size_t) (p - name);
        if (asprintf(&s, "%.*s%s", (int) plus, name, name + n - suffix) < 0)
                return -ENOMEM;
        *ret = s;
        return 1;
}

/* An entry in the ESP's EFI/Linux that is `blessed` with a boot counter: 1 with its name, 0 if
 * there is none. */
static int counted_sibling(const CheckContext *ctx, const char *blessed, char **ret_name) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = root_path(ctx, ESP_LINUX, &dir);
        if (r < 0)
                return r;
        d = opendir(dir);
        if (!d)
                return negative_errno();
        while ((de = readdir(d))) {
                _cleanup_free_ char *stripped = NULL;

                if (boot_entry_strip_counter(de->d_name, &stripped) == 1 && strcmp(stripped, blessed) == 0) {
                        *ret_name = strdup(de->d_name);
                        return *ret_name ? 1 : -ENOMEM;
                }
        }
        return 0;
}

int check_update_blessed(const CheckContext *ctx, char **ret) {
        _cleanup_free_ char *data = NULL, *name = NULL, *blessed = NULL, *path = NULL, *counted = NULL,
                              *file = NULL;
        struct stat st;
        size_t n;
        int r;

        r = root_read(ctx, EFIVARS "LoaderEntrySelected-" LOADER_GUID, EFIVAR_MAX, &data, &n);
        if (r == -ENOENT)
                return say(ret, 0, "no LoaderEntrySelected: not booted by systemd-boot");
        if (r < 0)
                return say(ret, r, "cannot read LoaderEntrySelected");
        if (efivar_ascii(data, n, &name) < 0 || !*name || strchr(name, '/') || name[0] == '.')
                return say(ret, 0, "LoaderEntrySelected does not name an entry file");
        r = boot_entry_strip_counter(name, &blessed);
        if (r < 0)
                return say(ret, r, "out of memory");
        r = root_path(ctx, ESP_LINUX, &path);
        if (r < 0 || asprintf(&file, "%s/%s", path, blessed) < 0)
                return say(ret, -ENOMEM, "out of memory");
        if (stat(file, &st) == 0 && S_ISREG(st.st_mode))
                return say(ret, 1, "booted %s, %s/%s has no boot counter", name, ESP_LINUX, blessed);
        if (errno != ENOENT && errno != ENOTDIR)
                return say(ret, negative_errno(), "cannot look at %s/%s", ESP_LINUX, blessed);
        r = counted_sibling(ctx, blessed, &counted);
        if (r > 0)
                return say(ret, 0, "booted %s, not blessed yet: %s/%s", name, ESP_LINUX, counted);
        if (r < 0 && r != -ENOENT)
                return say(ret, r, "cannot list %s", ESP_LINUX);
        return say(ret, 0, "booted %s, but %s/%s does not exist", name, ESP_LINUX, blessed);
}
