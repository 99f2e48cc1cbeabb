/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "fetch.h"
#include "platform.h"

/* The longest name written to /etc/hostname: the kernel's nodename (HOST_NAME_MAX), which is
 * also the longest static host name systemd accepts from that file. */
#define HOSTNAME_MAX 64

/* The most a host name answer may be: OpenStack's meta_data.json carries the name among the
 * instance's other metadata. */
#define HOSTNAME_ANSWER_MAX (1024U * 1024U)

/* A DNS name as the clouds hand host names out: dot-separated labels of letters, digits and
 * "-", 1 to 63 characters each, none starting or ending with "-", 253 characters in all. 0, or
 * -EBADMSG and, if ret_why is not NULL, *ret_why: what is wrong, a static phrase. */
int hostname_check(const char *s, size_t len, const char **ret_why);

/* A metadata service's answer to the host name Hull writes: one trailing newline is dropped;
 * empty: none (0); checked with hostname_check(); lowercased; longer than HOSTNAME_MAX: only
 * its first label. 1 and the name (allocated), 0, or -EBADMSG and *ret_why. */
int hostname_from_metadata(const char *text, size_t size, char **ret, const char **ret_why);

/* The "hostname" member of OpenStack's meta_data.json, taken like hostname_from_metadata():
 * absent, null or "": 0. -EINVAL and *ret_why for a document that is not JSON, not an object,
 * or whose member is not a string; -EBADMSG and *ret_why for a string that is not a host
 * name. */
int openstack_meta_data_hostname(const char *json, size_t size, char **ret, const char **ret_why);

/* The instance's host name from platform p's metadata service (every platform with one; the
 * paths are in README.md), in that service's protocol, with the retries and logging of the
 * user data. 1 and the name as hostname_from_metadata() gives it, 0 if the service has none
 * (404, empty), a negative errno (-EBADMSG: not a host name); *ret_source (allocated, also on
 * failure) names the service, the URL and, on failure, the problem. -EOPNOTSUPP for a platform
 * without a service. */
int metadata_fetch_hostname(Platform p, const char *base_url, const FetchPolicy *policy, FetchLog log,
                            void *userdata, char **ret_hostname, char **ret_source);
