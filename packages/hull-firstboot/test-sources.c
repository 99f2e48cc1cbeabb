/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/tests.h"
#include "sources.h"

static void check_cmdline(const char *cmdline, const char *want) {
        _cleanup_free_ char *url = NULL;
        int r = cmdline_get_config_url(cmdline, &url);
        if (!want) {
                CHECK_EQ_INT(r, 0);
                return;
        }
        CHECK_EQ_INT(r, 1);
        CHECK_STREQ(url, want);
}

static void put(const char *dir, const char *name, const char *text) {
        _cleanup_free_ char *p = NULL;
        CHECK(asprintf(&p, "%s/%s", dir, name) > 0);
        CHECK_EQ_INT(write_file_atomic(p, text, strlen(text), 0644), 0);
}

int main(void) {
        char dir[] = "/tmp/hull-test-sources.XXXXXX";
        _cleanup_free_ char *text = NULL, *label = NULL, *path = NULL, *sub = NULL, *lnk = NULL, *cmd = NULL;
        const char *file = NULL;
        size_t size = 0;

        check_cmdline("BOOT_IMAGE=/vmlinuz ro quiet", NULL);
        check_cmdline("ro hull.config.url=data:,%7B%7D quiet", "data:,%7B%7D");
        check_cmdline("hull.config.url=label://CFG/a.ign", "label://CFG/a.ign");
        check_cmdline("a \"hull.config.url=data:,a b\" c", "data:,a b");
        check_cmdline("hull.config.url=\"data:,x y\"\n", "data:,x y");
        check_cmdline("hull.config.url=https://192.0.2.1/node.ign", "https://192.0.2.1/node.ign");
        check_cmdline("hull.config.urlx=data:, hull.config.url", NULL);
        check_cmdline("xhull.config.url=data:,", NULL);
        {
                _cleanup_free_ char *v = NULL;
                CHECK_EQ_INT(cmdline_get_value("a=1 hull.platform=aws b", "hull.platform", &v), 1);
                CHECK_STREQ(v, "aws");
                free(TAKE_PTR(v));
                CHECK_EQ_INT(cmdline_get_value("hull.platform hull.platformx=aws", "hull.platform", &v), 0);
                CHECK_EQ_INT(cmdline_get_value("hull.platform=", "hull.platform", &v), 1);
                CHECK_STREQ(v, "");
                free(TAKE_PTR(v));
                CHECK_EQ_INT(cmdline_get_value("\"hull.platform=a\"\"b\" \"unterminated", "hull.platform", &v), 1);
                CHECK_STREQ(v, "ab");
                free(TAKE_PTR(v));
                CHECK_EQ_INT(cmdline_get_value("", "hull.platform", &v), 0);
                CHECK_EQ_INT(cmdline_get_value("   \t\n", "hull.platform", &v), 0);
        }
        check_cmdline("hull.config.url=first hull.config.url=last", "last");
        check_cmdline("xhull.config.url=no", NULL);
        check_cmdline("", NULL);

        CHECK_EQ_INT(parse_label_url("label://HULL-CONFIG/dir/c.ign", &label, &path), 0);
        CHECK_STREQ(label, "HULL-CONFIG");
        CHECK_STREQ(path, "/dir/c.ign");
        CHECK_EQ_INT(parse_label_url("label:///c.ign", &label, &path), -EINVAL);
        CHECK_EQ_INT(parse_label_url("label://X", &label, &path), -EINVAL);
        CHECK_EQ_INT(parse_label_url("label://X/", &label, &path), -EINVAL);
        CHECK_EQ_INT(parse_label_url("file:///c.ign", &label, &path), -EINVAL);

        /* Config media are data: only FAT and ISO 9660 are mounted. */
        CHECK_EQ_INT(config_fs_type_check("vfat"), 0);
        CHECK_EQ_INT(config_fs_type_check("iso9660"), 0);
        CHECK_EQ_INT(config_fs_type_check("ext4"), -EMEDIUMTYPE);
        CHECK_EQ_INT(config_fs_type_check("btrfs"), -EMEDIUMTYPE);
        CHECK_EQ_INT(config_fs_type_check("squashfs"), -EMEDIUMTYPE);
        /* udf only for the Azure provisioning media, which takes nothing but udf and iso9660. */
        CHECK_EQ_INT(azure_media_fs_type_check("udf"), 0);
        CHECK_EQ_INT(azure_media_fs_type_check("iso9660"), 0);
        CHECK_EQ_INT(azure_media_fs_type_check("vfat"), -EMEDIUMTYPE);
        CHECK_EQ_INT(azure_media_fs_type_check("ext4"), -EMEDIUMTYPE);
        CHECK_EQ_INT(azure_media_fs_type_check(NULL), -EMEDIUMTYPE);
        CHECK_EQ_INT(config_fs_type_check("udf"), -EMEDIUMTYPE);
        CHECK_EQ_INT(config_fs_type_check("VFAT"), -EMEDIUMTYPE);
        CHECK_EQ_INT(config_fs_type_check("vfat "), -EMEDIUMTYPE);
        CHECK_EQ_INT(config_fs_type_check("iso9660\n"), -EMEDIUMTYPE);
        CHECK_EQ_INT(config_fs_type_check(""), -EMEDIUMTYPE);
        CHECK_EQ_INT(config_fs_type_check(NULL), -EMEDIUMTYPE);

        CHECK(mkdtemp(dir) != NULL);
        CHECK_EQ_INT(read_config_from_dir(dir, "HULL-CONFIG", &text, &size, &file), 0);
        CHECK_EQ_INT(read_config_from_dir(dir, "OTHER", &text, &size, &file), -EINVAL);
        put(dir, "user-data", "{\"ignition\":{}}");
        CHECK_EQ_INT(read_config_from_dir(dir, "HULL-CONFIG", &text, &size, &file), 0);
        CHECK_EQ_INT(read_config_from_dir(dir, "CIDATA", &text, &size, &file), 1);
        CHECK_STREQ(file, "user-data");
        CHECK_STREQ(text, "{\"ignition\":{}}");
        free(TAKE_PTR(text));
        put(dir, "config.ign", "{}");
        CHECK_EQ_INT(read_config_from_dir(dir, "cidata", &text, &size, &file), 1);
        CHECK_STREQ(file, "config.ign");
        free(TAKE_PTR(text));
        CHECK_EQ_INT(read_config_from_dir(dir, "HULL-CONFIG", &text, &size, &file), 1);
        free(TAKE_PTR(text));
        CHECK(asprintf(&sub, "%s/openstack/latest", dir) > 0);
        CHECK(asprintf(&cmd, "mkdir -p %s", sub) > 0);
        CHECK(system(cmd) == 0);

        /* A symlink on the config medium cannot point out of it. */
        CHECK(asprintf(&lnk, "%s/escape.ign", dir) > 0);
        CHECK(symlink("/etc/hostname", lnk) == 0);
        CHECK_EQ_INT(read_file_in_root(dir, "escape.ign", &text, &size), -ENOENT);
        CHECK_EQ_INT(read_file_in_root(dir, "../../etc/hostname", &text, &size), -ENOENT);
        CHECK_EQ_INT(read_file_in_root(dir, "openstack", &text, &size), -EBADFD);
        CHECK(text == NULL);

        free(cmd), cmd = NULL;
        CHECK(asprintf(&cmd, "rm -rf %s", dir) > 0);
        CHECK(system(cmd) == 0);
        return TEST_RETURN();
}
