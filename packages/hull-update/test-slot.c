/* SPDX-License-Identifier: MIT */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"
#include "esp.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "hull/tests.h"

/* A minimal PE image with one .cmdline section. */
static int make_pe(const char *cmdline) {
        uint8_t img[1024] = {};
        size_t n = strlen(cmdline);
        int fd = memfd_create("pe", MFD_CLOEXEC);

        img[0] = 'M', img[1] = 'Z';
        img[0x3c] = 64;
        memcpy(img + 64, "PE\0\0", 4);
        img[68] = 0x64, img[69] = 0x86; /* x86-64 */
        img[70] = 1;                    /* one section, no optional header */
        memcpy(img + 88, ".cmdline", 8);
        img[96] = (uint8_t) n;          /* VirtualSize */
        img[104] = (uint8_t) n;         /* SizeOfRawData */
        img[109] = 2;                   /* PointerToRawData = 512 */
        memcpy(img + 512, cmdline, n);
        CHECK(loop_write(fd, img, sizeof(img)) == 0);
        return fd;
}

static int sh_rm(const char *dir) {
        char cmd[400];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        return system(cmd);
}

int main(void) {
        static const char conf[] =
                "# comment\n"
                "esp c12a7328-f81f-11d2-ba4b-00a0c93ec93b 128 esp\n"
                "usr-a 8484680c-9521-48c6-9c11-b0720656f69e 512 usr-a\n"
                "usr-a-verity 77ff5f63-e7b6-4633-acf4-1565b864c0e6 8 usr-a-verity # tree\n"
                "usr-b 8484680C-9521-48C6-9C11-B0720656F69E 512 usr-b\n"
                "usr-b-verity 77ff5f63-e7b6-4633-acf4-1565b864c0e6 8 usr-b-verity\n"
                "state 4f68bce3-e8cd-4db1-96e7-fbcaf984b709 1024 state\n";
        Layout l;
        Disk d = {};
        Slot s[SLOTS_MAX];
        size_t n;
        uint8_t h[32], got[32];
        char ud[37], uh[37], ver[MANIFEST_VERSION_MAX + 1];
        int left, done;

        /* Layout. */
        CHECK_EQ_INT(layout_parse(conf, &l), 2);
        CHECK_STREQ(l.slot[0], "a");
        CHECK_STREQ(l.slot[1], "b");
        CHECK_STREQ(l.hash_label[1], "usr-b-verity");
        CHECK_STREQ(l.esp_label, "esp");
        CHECK(layout_parse("esp c12a7328-f81f-11d2-ba4b-00a0c93ec93b 128 esp\n", &l) < 0);
        CHECK(layout_parse("usr-a 8484680c-9521-48c6-9c11-b0720656f69e 512\n", &l) < 0);
        CHECK_EQ_INT(layout_parse(conf, &l), 2);

        /* UUIDs from a root hash, as image/lib.sh and systemd derive them. */
        CHECK_EQ_INT(unhexmem("d08905d6f7779433b066e88ac68305afe3437a4da26321153d7f50ca728cdaa6", 32, h), 0);
        uuid_from_hash(h, ud, uh);
        CHECK_STREQ(ud, "d08905d6-f777-9433-b066-e88ac68305af");
        CHECK_STREQ(uh, "e3437a4d-a263-2115-3d7f-50ca728cdaa6");
        uuid_pending("usr-b", ud);
        uuid_pending("usr-b-verity", uh);
        CHECK(strcmp(ud, uh) != 0);

        /* Slot states from a partition table. */
        d.n_parts = 5;
        snprintf(d.parts[0].name, sizeof(d.parts[0].name), "esp");
        snprintf(d.parts[0].type, sizeof(d.parts[0].type), TYPE_ESP);
        const char *names[] = { "usr-a", "usr-a-verity", "usr-b", "usr-b-verity" };
        for (int i = 0; i < 4; i++) {
                snprintf(d.parts[i + 1].name, sizeof(d.parts[0].name), "%s", names[i]);
                snprintf(d.parts[i + 1].type, sizeof(d.parts[0].type), "%s", i % 2 ? TYPE_USR_VERITY : TYPE_USR);
                d.parts[i + 1].partno = (size_t) i + 1;
        }
        uuid_from_hash(h, d.parts[1].uuid, d.parts[2].uuid);
        uuid_pending("usr-b", d.parts[3].uuid);
        snprintf(d.parts[4].uuid, sizeof(d.parts[4].uuid), "e3437a4d-a263-2115-3d7f-50ca728cdaa6");
        CHECK_EQ_INT(slots_find(&l, &d, s, &n), 0);
        CHECK_EQ_INT(n, 2);
        CHECK_EQ_INT(s[0].state, SLOT_READY);
        CHECK(memcmp(s[0].usrhash, h, 32) == 0);
        CHECK_EQ_INT(s[1].state, SLOT_PENDING); /* either half pending: not selectable */
        CHECK_EQ_INT(slot_by_hash(s, n, h), 0);
        /* A pending slot never matches a hash, even its own old one. */
        uuid_from_hash(h, d.parts[3].uuid, d.parts[4].uuid);
        uuid_pending("usr-b-verity", d.parts[4].uuid);
        CHECK_EQ_INT(slots_find(&l, &d, s, &n), 0);
        CHECK_EQ_INT(s[1].state, SLOT_PENDING);
        snprintf(d.parts[4].uuid, sizeof(d.parts[4].uuid), "not-a-uuid");
        CHECK_EQ_INT(slots_find(&l, &d, s, &n), 0);
        CHECK_EQ_INT(s[1].state, SLOT_EMPTY);
        /* A layout partition missing from the disk. */
        snprintf(d.parts[4].name, sizeof(d.parts[4].name), "other");
        CHECK_EQ_INT(slots_find(&l, &d, s, &n), -ENXIO);
        /* The wrong type under the right name does not count. */
        snprintf(d.parts[4].name, sizeof(d.parts[4].name), "usr-b-verity");
        snprintf(d.parts[4].type, sizeof(d.parts[4].type), TYPE_USR);
        CHECK_EQ_INT(slots_find(&l, &d, s, &n), -ENXIO);

        /* Kernel command lines. */
        CHECK_EQ_INT(cmdline_usrhash("quiet usrhash=d08905d6f7779433b066e88ac68305afe3437a4da26321153d7f50ca728cdaa6 ro", got), 0);
        CHECK(memcmp(got, h, 32) == 0);
        CHECK_EQ_INT(cmdline_usrhash("usrhash=D08905D6F7779433B066E88AC68305AFE3437A4DA26321153D7F50CA728CDAA6", got), 0);
        CHECK_EQ_INT(cmdline_usrhash("quiet ro", got), -ENOENT);
        CHECK_EQ_INT(cmdline_usrhash("xusrhash=d08905d6f7779433b066e88ac68305afe3437a4da26321153d7f50ca728cdaa6", got), -ENOENT);
        CHECK_EQ_INT(cmdline_usrhash("usrhash=d089", got), -EBADMSG);

        /* UKI names and boot counters. */
        CHECK_EQ_INT(uki_name_parse("hull_0.2.0+3.efi", ver, &left, &done), 0);
        CHECK_STREQ(ver, "0.2.0");
        CHECK_EQ_INT(left, 3);
        CHECK_EQ_INT(done, -1);
        CHECK_EQ_INT(uki_name_parse("hull_0.2.0+0-3.efi", ver, &left, &done), 0);
        CHECK_EQ_INT(left, 0);
        CHECK_EQ_INT(done, 3);
        CHECK_EQ_INT(uki_name_parse("hull_0.1.0.efi", ver, &left, &done), 0);
        CHECK_EQ_INT(left, -1);
        CHECK(uki_name_parse("other_0.1.0.efi", ver, &left, &done) < 0);
        CHECK(uki_name_parse("hull_0.1.0+x.efi", ver, &left, &done) < 0);
        CHECK(uki_name_parse("hull_.efi", ver, &left, &done) < 0);
        CHECK(uki_name_parse("hull_0.1.0.conf", ver, &left, &done) < 0);

        /* The .cmdline section of a PE image. */
        {
                _cleanup_free_ char *c = NULL;
                _cleanup_close_ int fd = make_pe("usrhash=abc root=x");
                CHECK_EQ_INT(pe_read_cmdline(fd, &c), 0);
                CHECK_STREQ(c, "usrhash=abc root=x");
        }
        {
                _cleanup_free_ char *c = NULL;
                _cleanup_close_ int fd = memfd_create("x", MFD_CLOEXEC);
                CHECK(loop_write(fd, "MZ not a PE", 11) == 0);
                CHECK(pe_read_cmdline(fd, &c) < 0);
        }
        /* A mounted ESP: install through a temporary name; a leftover temporary file of an
         * interrupted install (any version) is removed by the next install. */
        {
                char dir[] = "/tmp/hull-test-esp.XXXXXX", p[300];
                Esp e = {};
                Uki *u = NULL;
                size_t nu = 0;
                int fd = make_pe("quiet usrhash=" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");

                CHECK(mkdtemp(dir) != NULL);
                snprintf(e.dir, sizeof(e.dir), "%s", dir);
                snprintf(p, sizeof(p), "%s/EFI", dir);
                CHECK_EQ_INT(mkdir(p, 0755), 0);
                snprintf(p, sizeof(p), "%s/EFI/Linux", dir);
                CHECK_EQ_INT(mkdir(p, 0755), 0);
                snprintf(p, sizeof(p), "%s/EFI/Linux/.hull_0.0.9+3.efi.tmp", dir);
                CHECK_EQ_INT(write_file_atomic(p, "x", 1, 0644), 0);
                snprintf(p, sizeof(p), "%s/EFI/Linux/.other.tmp", dir);
                CHECK_EQ_INT(write_file_atomic(p, "x", 1, 0644), 0);
                CHECK_EQ_INT(esp_install(&e, fd, "hull_0.1.1+3.efi"), 0);
                snprintf(p, sizeof(p), "%s/EFI/Linux/.hull_0.0.9+3.efi.tmp", dir);
                CHECK(access(p, F_OK) < 0);
                snprintf(p, sizeof(p), "%s/EFI/Linux/.hull_0.1.1+3.efi.tmp", dir);
                CHECK(access(p, F_OK) < 0);
                snprintf(p, sizeof(p), "%s/EFI/Linux/.other.tmp", dir);
                CHECK(access(p, F_OK) == 0);
                CHECK_EQ_INT(esp_list(&e, &u, &nu), 0);
                CHECK_EQ_INT(nu, 1);
                CHECK(nu == 1 && streq_ptr(u[0].name, "hull_0.1.1+3.efi") && u[0].tries_left == 3);
                free(u);
                close(fd);
                CHECK_EQ_INT(sh_rm(dir), 0);
        }
        return TEST_RETURN();
}
