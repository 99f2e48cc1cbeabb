/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fetch.h"
#include "hull/macro.h"

/* Microsoft Azure: the provisioning media's ovf-env.xml (custom data, host name, user name, SSH
 * keys) and the boot check-in with the wireserver ("report ready"), in the protocol the Azure
 * Linux agent and cloud-init speak. Library code: errors are returned, the caller logs. */

/* The wireserver's address. A compile-time constant like METADATA_BASE_URL: nothing at run
 * time points the check-in elsewhere; the unit tests call azure_report_ready() with their own
 * server's address. */
#define AZURE_WIRESERVER_URL "http://168.63.129.16"

#define OVF_ENV_FILE "ovf-env.xml"
/* ovf-env.xml is a few KiB; Azure's custom data is at most 64 KiB of base64. */
#define OVF_ENV_SIZE_MAX (1024U * 1024U)
#define GOAL_STATE_SIZE_MAX (1024U * 1024U)

/* What Hull reads from ovf-env.xml's LinuxProvisioningConfigurationSet. */
typedef struct OvfEnv {
        bool has_custom_data;
        uint8_t *custom_data; /* base64-decoded, not decompressed; NUL-terminated */
        size_t custom_data_size;
        char *hostname;       /* HostName, checked: a DNS name */
        char *user_name;      /* UserName, checked: a user name useradd accepts */
        char **ssh_keys;      /* SSH/PublicKeys/PublicKey/Value, each ssh_key_check()ed */
        size_t n_ssh_keys;
        size_t n_keys_without_value; /* PublicKey with only a Fingerprint (a certificate key) */
        bool has_password;    /* UserPassword was given (never used) */
} OvfEnv;

void ovf_env_clear(OvfEnv *e);
#define _cleanup_ovf_env_ _cleanup_(ovf_env_clear)

/* Parses ovf-env.xml (size bytes, at most OVF_ENV_SIZE_MAX). The root must be the OVF
 * Environment, the fields in the Windows Azure namespace, whatever prefixes name them. A DOCTYPE
 * (so any DTD or entity) is refused. 0 and *ret; -EBADMSG (-EFBIG for oversize input) and
 * *ret_error, one line naming the problem (allocated; NULL only for -ENOMEM); *ret is then
 * empty. */
int ovf_env_parse(const char *xml, size_t size, OvfEnv *ret, char **ret_error);

/* The ids of the wireserver's goal state a health report must carry. */
typedef struct GoalState {
        char *incarnation;  /* decimal digits */
        char *container_id; /* [A-Za-z0-9._-], at most 128 */
        char *instance_id;  /* the first RoleInstance's, same characters */
} GoalState;

void goal_state_clear(GoalState *g);
#define _cleanup_goal_state_ _cleanup_(goal_state_clear)

/* Parses the answer to GET /machine/?comp=goalstate. Same return convention as
 * ovf_env_parse(); a missing or malformed id is an error. */
int goal_state_parse(const char *xml, size_t size, GoalState *ret, char **ret_error);

/* The body of POST /machine?comp=health: the role is Ready. 0 or -ENOMEM. */
int azure_health_report(const GoalState *g, char **ret);

/* The check-in: GET the goal state, POST the health report for it, each with the retries of
 * policy and every attempt to log. A 410 Gone to the report (a new goal state came meanwhile)
 * starts over from the GET, AZURE_REPORT_ROUNDS times at most. 0, or a negative errno
 * (-ESTALE: still gone after the last round) and *ret_why (allocated, may be NULL), one
 * line. base_url is AZURE_WIRESERVER_URL outside the tests. */
#define AZURE_REPORT_ROUNDS 3
int azure_report_ready(const char *base_url, const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_why);
