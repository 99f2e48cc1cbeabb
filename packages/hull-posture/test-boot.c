/* SPDX-License-Identifier: MIT */
/* Secure Boot and the blessed boot entry against fixture efivarfs and ESP trees. */
#include "testutil.h"

#define SECUREBOOT "/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define SELECTED "/sys/firmware/efi/efivars/LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"

static void test_secureboot(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_boot_secureboot, root, 0, "no SecureBoot variable");
        fixture_bytes(root, SECUREBOOT, "\x06\0\0\0\x01", 5, 0644);
        CHECK_RESULT(check_boot_secureboot, root, 1, "SecureBoot=1");
        fixture_bytes(root, SECUREBOOT, "\x06\0\0\0\0", 5, 0644);
        CHECK_RESULT(check_boot_secureboot, root, 0, "SecureBoot=0, want 1");
        fixture_bytes(root, SECUREBOOT, "\x06\0\0\0", 4, 0644);
        CHECK_RESULT(check_boot_secureboot, root, 0, "of 4 bytes");
        fixture_free(root);
}

/* "hull_0.2.0+3-0.efi" as systemd-boot stores it: attributes, UTF-16LE, a NUL. */
static void selected(const char *root, const char *name) {
        size_t n = strlen(name);
        char *b = calloc(1, 4 + 2 * n + 2);

        b[0] = 0x06;
        for (size_t i = 0; i < n; i++)
                b[4 + 2 * i] = name[i];
        fixture_bytes(root, SELECTED, b, 4 + 2 * n + 2, 0644);
        free(b);
}

static void test_strip_counter(void) {
        static const char *const cases[][3] = {
                { "hull_0.2.0+3-0.efi", "hull_0.2.0.efi", "1" }, { "hull_0.2.0+2.efi", "hull_0.2.0.efi", "1" },
                { "hull_0.2.0.efi", "hull_0.2.0.efi", "0" },    { "hull_0.2.0+x.efi", "hull_0.2.0+x.efi", "0" },
                { "hull_1+2-3-4.efi", "hull_1+2-3-4.efi", "0" }, { "a+1-2.conf", "a.conf", "1" },
                { "hull_0.2.0+-1.efi", "hull_0.2.0+-1.efi", "0" }, { "+1", "", "1" },
                { "hull+1234567890.efi", "hull+1234567890.efi", "0" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *s = NULL;

                CHECK_EQ_INT(boot_entry_strip_counter(cases[i][0], &s), cases[i][2][0] - '0');
                CHECK_STREQ(s, cases[i][1]);
                free(s);
        }
}

static void test_efivar_ascii(void) {
        char *s = NULL;

        CHECK_EQ_INT(efivar_ascii("\x06\0\0\0a\0b\0\0\0", 10, &s), 0);
        CHECK_STREQ(s, "ab");
        free(s);
        CHECK_EQ_INT(efivar_ascii("\x06\0\0\0a\0b\0", 8, &s), 0);
        CHECK_STREQ(s, "ab");
        free(s);
        CHECK_EQ_INT(efivar_ascii("\x06\0\0", 3, &s), -EBADMSG);
        CHECK_EQ_INT(efivar_ascii("\x06\0\0\0a\0b", 7, &s), -EBADMSG);
        CHECK_EQ_INT(efivar_ascii("\x06\0\0\0a\x01", 6, &s), -EBADMSG);
        CHECK_EQ_INT(efivar_ascii("\x06\0\0\0\n\0", 6, &s), -EBADMSG);
}

static void test_blessed(void) {
        char *root = fixture_new();

        CHECK_RESULT(check_update_blessed, root, 0, "not booted by systemd-boot");
        selected(root, "hull_0.2.0+3-0.efi");
        fixture_write(root, "/efi/EFI/Linux/hull_0.1.0.efi", "MZ");
        fixture_write(root, "/efi/EFI/Linux/hull_0.2.0+2-1.efi", "MZ");
        CHECK_RESULT(check_update_blessed, root, 0, "booted hull_0.2.0+3-0.efi, not blessed yet: /efi/EFI/Linux/hull_0.2.0+2-1.efi");
        fixture_unlink(root, "/efi/EFI/Linux/hull_0.2.0+2-1.efi");
        fixture_write(root, "/efi/EFI/Linux/hull_0.2.0.efi", "MZ");
        CHECK_RESULT(check_update_blessed, root, 1, "booted hull_0.2.0+3-0.efi, /efi/EFI/Linux/hull_0.2.0.efi has no boot counter");
        selected(root, "hull_0.1.0.efi");
        CHECK_RESULT(check_update_blessed, root, 1, "hull_0.1.0.efi has no boot counter");
        selected(root, "hull_0.3.0.efi");
        CHECK_RESULT(check_update_blessed, root, 0, "/efi/EFI/Linux/hull_0.3.0.efi does not exist");
        selected(root, "../../x.efi");
        CHECK_RESULT(check_update_blessed, root, 0, "does not name an entry file");
        fixture_bytes(root, SELECTED, "\x06\0\0\0\xff\xfe", 6, 0644);
        CHECK_RESULT(check_update_blessed, root, 0, "does not name an entry file");
        fixture_free(root);
}

int main(void) {
        test_secureboot();
        test_strip_counter();
        test_efivar_ascii();
        test_blessed();
        return TEST_RETURN();
}
