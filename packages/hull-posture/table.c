/* SPDX-License-Identifier: MIT */
/* The checks, in report order. An id never changes meaning once shipped: scripts key on it. */
#include <string.h>

#include "posture.h"

#define REQ SEVERITY_REQUIRED
#define REC SEVERITY_RECOMMENDED

const Check posture_checks[] = {
        { "selinux.enforcing", "SELinux is enforcing", REQ, "Hull", check_selinux_enforcing },
        { "selinux.policy", "An SELinux policy is loaded", REQ, "Hull", check_selinux_policy },
        { "selinux.avc", "No SELinux AVC denials this boot", REC, "Hull", check_selinux_avc },
        { "usr.verity", "/usr is read-only on dm-verity", REQ, "Hull", check_usr_verity },
        { "usr.verity-errors", "No dm-verity corruption this boot", REQ, "Hull", check_usr_verity_errors },
        { "boot.secureboot", "Secure Boot is on", REC, "Hull", check_boot_secureboot },
        { "update.blessed", "The booted entry is blessed", REC, "Hull", check_update_blessed },
        { "update.check-age", "Unattended updates tried within 7 days", REC, "Hull", check_update_check_age },
        { "kernel.lockdown", "Kernel lockdown is integrity or confidentiality", REQ, "Hull", check_kernel_lockdown },
        { "kernel.sysctl", "Kernel hardening sysctls", REQ, "Hull", check_kernel_sysctl },
        { "kernel.cmdline", "Kernel command line hardening", REQ, "Hull", check_kernel_cmdline },
        { "kernel.modules", "Only signed kernel modules can load", REQ, "Hull", check_kernel_modules },
        { "audit.auditd", "auditd is running", REQ, "Hull", check_audit_auditd },
        { "audit.rules", "Every keyed audit rule is loaded", REQ, "Hull", check_audit_rules },
        { "audit.immutable", "The audit rules are locked (-e 2)", REQ, "Hull", check_audit_immutable },
        { "docker.seccomp", "Docker applies Hull's seccomp profile", REQ, "CIS-Docker 2.17", check_docker_seccomp },
        { "docker.no-new-privileges", "Containers cannot gain new privileges", REQ, "CIS-Docker 2.14",
          check_docker_no_new_privileges },
        { "docker.icc", "No inter-container traffic on the default bridge", REQ, "CIS-Docker 2.2", check_docker_icc },
        { "docker.userland-proxy", "Docker's userland proxy is off", REQ, "CIS-Docker 2.16", check_docker_userland_proxy },
        { "docker.live-restore", "Containers survive a dockerd restart", REQ, "CIS-Docker 2.15", check_docker_live_restore },
        { "docker.insecure-registries", "No insecure registries", REQ, "CIS-Docker 2.5", check_docker_insecure_registries },
        { "docker.tcp-socket", "The Docker API is not on TCP", REQ, "CIS-Docker 2.7", check_docker_tcp_socket },
        { "docker.socket", "docker.sock is root:docker 0660", REQ, "CIS-Docker 3.15, 3.16", check_docker_socket },
        { "containers.seccomp", "Containers run with a seccomp filter", REQ, "CIS-Docker 5.22", check_containers_seccomp },
        { "containers.no-new-privs", "Containers run with no_new_privs", REQ, "CIS-Docker 5.26", check_containers_no_new_privs },
        { "containers.capabilities", "Containers keep only Hull's default capabilities", REQ, "CIS-Docker 5.4",
          check_containers_capabilities },
        { "containers.selinux", "Containers have their own MCS categories", REQ, "CIS-Docker 5.3", check_containers_selinux },
        { "containers.privileged", "No privileged (spc_t) containers", REQ, "CIS-Docker 5.5", check_containers_privileged },
        { "containers.host-pid", "Containers do not share the host's PID namespace", REQ, "CIS-Docker 5.16",
          check_containers_host_pid },
        { "containers.host-network", "Containers do not share the host's network namespace", REQ, "CIS-Docker 5.10",
          check_containers_host_network },
        { "containers.host-ipc", "Containers do not share the host's IPC namespace", REQ, "CIS-Docker 5.17",
          check_containers_host_ipc },
        { "containers.host-uts", "Containers do not share the host's UTS namespace", REQ, "CIS-Docker 5.21",
          check_containers_host_uts },
        { "containers.docker-sock", "No container mounts docker.sock", REQ, "CIS-Docker 5.32", check_containers_docker_sock },
        { "files.setuid", "setuid/setgid files in /usr are on the allow-list", REQ, "Hull", check_files_setuid },
        { "files.setuid-var", "No setuid/setgid files in /etc or /var", REQ, "Hull", check_files_setuid_var },
        { "files.world-writable", "Nothing world-writable in /etc or /var", REQ, "Hull", check_files_world_writable },
        { "ssh.root-login", "sshd refuses root", REQ, "Hull", check_ssh_root_login },
        { "ssh.passwords", "sshd takes no passwords", REQ, "Hull", check_ssh_passwords },
        { "sudo.rules", "No passwordless sudo beyond Hull's administrators", REC, "Hull", check_sudo_rules },
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
