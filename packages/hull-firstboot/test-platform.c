/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "hull/tests.h"
#include "platform.h"

/* Runs the detection on the fixture tree fixtures/dmi/<name> (the test runs in the source
 * folder) and checks the platform it names. */
static void check_fixture(const char *name, const char *cmdline, const char *want) {
        _cleanup_free_ char *root = NULL, *how = NULL;
        Platform p = _PLATFORM_MAX;

        CHECK(asprintf(&root, "fixtures/dmi/%s", name) > 0);
        CHECK_EQ_INT(platform_detect(root, cmdline, &p, &how), 0);
        if (!streq_ptr(platform_to_string(p), want))
                fprintf(stderr, "fixture %s: %s (%s), expected %s\n", name, platform_to_string(p), how, want);
        CHECK_STREQ(platform_to_string(p), want);
        CHECK(how && *how);
}

static void put(const char *dir, const char *name, const void *data, size_t size) {
        _cleanup_free_ char *p = NULL;
        CHECK(asprintf(&p, "%s/sys/class/dmi/id/%s", dir, name) > 0);
        CHECK_EQ_INT(write_file_atomic(p, data, size, 0644), 0);
}

static Platform detect_tree(const char *dir) {
        _cleanup_free_ char *how = NULL;
        Platform p = _PLATFORM_MAX;
        CHECK_EQ_INT(platform_detect(dir, "", &p, &how), 0);
        return p;
}

int main(void) {
        char dir[] = "/tmp/hull-test-platform.XXXXXX";
        _cleanup_free_ char *how = NULL, *cmd = NULL, *big = NULL;
        _cleanup_dmi_info_ DmiInfo d = {};
        Platform p;

        /* Names. */
        for (Platform i = 0; i < _PLATFORM_MAX; i++) {
                CHECK_EQ_INT(platform_from_string(platform_to_string(i), &p), 0);
                CHECK_EQ_INT(p, i);
        }
        CHECK(platform_to_string(_PLATFORM_MAX) == NULL);
        CHECK(platform_to_string((Platform) -1) == NULL);
        CHECK_EQ_INT(platform_from_string("AWS", &p), -EINVAL);
        CHECK_EQ_INT(platform_from_string("aws ", &p), -EINVAL);
        CHECK_EQ_INT(platform_from_string("", &p), -EINVAL);
        CHECK_EQ_INT(platform_from_string("ec2", &p), -EINVAL);
        CHECK_EQ_INT(platform_from_string(NULL, &p), -EINVAL);

        /* One DMI value. */
        {
                char *v = NULL;
                CHECK_EQ_INT(dmi_value_parse("QEMU\n", 5, &v), 0);
                CHECK_STREQ(v, "QEMU");
                free(TAKE_PTR(v));
                CHECK_EQ_INT(dmi_value_parse("", 0, &v), 0);
                CHECK_STREQ(v, "");
                free(TAKE_PTR(v));
                CHECK_EQ_INT(dmi_value_parse(" \n\t", 3, &v), 0);
                CHECK_STREQ(v, "");
                free(TAKE_PTR(v));
                CHECK_EQ_INT(dmi_value_parse("A\0\n", 3, &v), 0);
                CHECK(v == NULL);
                CHECK_EQ_INT(dmi_value_parse("\x7f", 1, &v), 0);
                CHECK(v == NULL);
                CHECK_EQ_INT(dmi_value_parse("\xc3\xa9t\xc3\xa9", 5, &v), 0); /* UTF-8 is kept, matches nothing */
                CHECK_STREQ(v, "\xc3\xa9t\xc3\xa9");
                free(TAKE_PTR(v));
        }

        /* Each platform's DMI strings. */
        check_fixture("aws", "", "aws");
        check_fixture("gcp", "", "gcp");
        check_fixture("azure", "", "azure");
        check_fixture("hyperv", "", "metal");
        check_fixture("openstack", "", "openstack");
        check_fixture("digitalocean", "", "digitalocean");
        check_fixture("hetzner", "", "hetzner");
        check_fixture("qemu", "", "qemu");
        check_fixture("metal", "", "metal");
        check_fixture("does-not-exist", "", "metal");

        /* The kernel command line wins; the last hull.platform= counts. */
        check_fixture("aws", "ro hull.platform=metal quiet", "metal");
        check_fixture("qemu", "hull.platform=gcp hull.platform=hetzner", "hetzner");
        check_fixture("qemu", "hull.platformx=aws xhull.platform=aws", "qemu");
        check_fixture("qemu", "\"hull.platform=openstack\"", "openstack");
        CHECK_EQ_INT(platform_detect("fixtures/dmi/qemu", "hull.platform=ec2", &p, &how), -EINVAL);
        CHECK(how && strstr(how, "hull.platform=ec2") && strstr(how, "expected one of"));
        free(TAKE_PTR(how));
        CHECK_EQ_INT(platform_detect("fixtures/dmi/qemu", "hull.platform=", &p, &how), -EINVAL);
        free(TAKE_PTR(how));
        CHECK_EQ_INT(platform_detect("fixtures/dmi/qemu", "hull.platform=AWS", &p, &how), -EINVAL);
        free(TAKE_PTR(how));

        /* Malformed DMI strings match nothing and never fail the boot. */
        CHECK(mkdtemp(dir) != NULL);
        CHECK(asprintf(&cmd, "mkdir -p %s/sys/class/dmi/id", dir) > 0);
        CHECK(system(cmd) == 0);
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);            /* empty directory */
        put(dir, "sys_vendor", "QEMU", 4);                         /* no newline */
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_QEMU);
        put(dir, "sys_vendor", "QEMU \t\n\n", 8);                  /* trailing whitespace */
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_QEMU);
        put(dir, "sys_vendor", " QEMU\n", 6);                      /* leading space: not ours */
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);
        put(dir, "sys_vendor", "qemu\n", 5);                       /* case matters */
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);
        put(dir, "sys_vendor", "Amazon EC2\0junk\n", 16);          /* embedded NUL */
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);
        put(dir, "sys_vendor", "Amazon\nEC2\n", 11);               /* a newline inside */
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);
        put(dir, "sys_vendor", "Amazon EC2 \033[2J\n", 16);         /* escape sequence */
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);
        put(dir, "sys_vendor", "", 0);
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);
        put(dir, "sys_vendor", "\n", 1);
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);
        CHECK((big = malloc(8192)) != NULL);
        memset(big, 'A', 8192);
        put(dir, "sys_vendor", big, 8192);                         /* too long: ignored */
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);
        put(dir, "sys_vendor", big, 300);
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);
        /* Azure needs both the vendor and the asset tag. */
        put(dir, "sys_vendor", "Microsoft Corporation\n", 22);
        put(dir, "chassis_asset_tag", "7783-7084-3265-9085-8269-3286-7\n", 32);
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_METAL);
        put(dir, "chassis_asset_tag", "7783-7084-3265-9085-8269-3286-77\n", 33);
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_AZURE);
        put(dir, "sys_vendor", "QEMU\n", 5);
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_QEMU);
        /* A cloud on KVM names itself before QEMU; the BIOS or board vendor alone suffice
         * for EC2 and GCE. */
        put(dir, "bios_vendor", "Amazon EC2\n", 11);
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_AWS);
        put(dir, "bios_vendor", "Google\n", 7);
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_GCP);
        put(dir, "bios_vendor", "SeaBIOS\n", 8);
        put(dir, "product_name", "OpenStack Compute\n", 18);
        CHECK_EQ_INT(detect_tree(dir), PLATFORM_OPENSTACK);
        /* A directory where a file should be: no value. */
        free(TAKE_PTR(cmd));
        CHECK(asprintf(&cmd, "rm %s/sys/class/dmi/id/product_name && mkdir %s/sys/class/dmi/id/product_name", dir, dir) > 0);
        CHECK(system(cmd) == 0);
        CHECK_EQ_INT(dmi_info_read(dir, &d), 0);
        CHECK(d.product_name == NULL);
        CHECK_STREQ(d.sys_vendor, "QEMU");

        free(TAKE_PTR(cmd));
        CHECK(asprintf(&cmd, "rm -rf %s", dir) > 0);
        CHECK(system(cmd) == 0);
        return TEST_RETURN();
}
