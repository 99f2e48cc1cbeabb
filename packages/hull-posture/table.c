/* SPDX-License-Identifier: MIT */
/* The checks, in report order. An id never changes meaning once shipped: scripts key on it. */
#include <string.h>

#include "posture.h"

#define REQ SEVERITY_REQUIRED
#define REC SEVERITY_RECOMMENDED

const Check posture_checks[] = {
        { "selinux.enforcing", "SELinux is enforcing", REQ, "Hull", check_selinux_enforcing },
        { "selinux.policy", "An SELinux policy is loaded", REQ, "Hull", check_selinux_policy },
        { "usr.verity", "/usr is read-only on dm-verity", REQ, "Hull", check_usr_verity },
        { "boot.secureboot", "Secure Boot is on", REC, "Hull", check_boot_secureboot },
        { "update.blessed", "The booted entry is blessed", REC, "Hull", check_update_blessed },
        { "kernel.lockdown", "Kernel lockdown is integrity or confidentiality", REQ, "Hull", check_kernel_lockdown },
        { "kernel.sysctl", "Kernel hardening sysctls", REQ, "Hull", check_kernel_sysctl },
        { "kernel.cmdline", "Kernel command line hardening", REQ, "Hull", check_kernel_cmdline },
};

const size_t posture_checks_count = ELEMENTSOF(posture_checks);

const Check *check_find(const char *id) {
        for (size_t i = 0; i < posture_checks_count; i++)
                if (strcmp(posture_checks[i].id, id) == 0)
                        return &posture_checks[i];
        return NULL;
}

const char *severity_to_string(Severity s) {
        return s == SEVERITY_REQUIRED ? "required" : "recommended";
}

const char *result_to_string(CheckResult r) {
        return r == RESULT_PASS ? "pass" : r == RESULT_FAIL ? "fail" : "error";
}
