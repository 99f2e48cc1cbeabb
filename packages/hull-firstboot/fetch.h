/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform.h"

/* The link-local address every supported cloud serves its metadata on. A compile-time
 * constant: the program has no way to point the fetch elsewhere; the unit tests call the
 * fetch functions below directly with the address of their own server. */
#define METADATA_BASE_URL "http://169.254.169.254"

/* How hard to try: `attempts` requests at most, waiting backoff_ms after the first failure,
 * doubling up to backoff_max_ms; each request bounded by its connect and total timeouts. */
typedef struct FetchPolicy {
        unsigned attempts;
        unsigned backoff_ms;
        unsigned backoff_max_ms;
        unsigned connect_timeout_ms;
        unsigned timeout_ms;
} FetchPolicy;

/* At boot: 8 attempts over about a minute of backoff (1, 2, 4, 8, 16, 16, 16 s), time
 * enough for DHCP, which runs beside us (before it, a connect fails at once: no route). Each
 * request: 4 s to connect, 10 s in all. At worst (EC2, two requests an attempt, each timing
 * out) 8 * 20 + 63 = 223 s, under hull-firstboot-fetch.service's TimeoutStartSec=4min. */
extern const FetchPolicy fetch_policy_boot;

/* One attempt, as reported to the caller's logger: what was asked, what came back, and
 * whether (and when) it is tried again. */
typedef struct FetchAttempt {
        const char *method;   /* "GET", "PUT", "POST" */
        const char *url;
        unsigned n, attempts; /* this is attempt n of at most attempts */
        long status;          /* HTTP status, 0 if there was no answer */
        int error;            /* 0, or what went wrong as a negative errno */
        const char *detail;   /* libcurl's or our own words for it, "" if none */
        size_t size;          /* body bytes received */
        unsigned retry_ms;    /* >0: tried again after this wait */
} FetchAttempt;

typedef void (*FetchLog)(const FetchAttempt *a, void *userdata);

/* Fetches the user data of platform p (aws, gcp, openstack, digitalocean, hetzner) from the
 * metadata service at base_url, in that service's protocol (README.md has the table),
 * decompressing gzip. Each attempt goes to log. Returns 1 with the NUL-terminated text, 0
 * if the service says there is none (404, or an empty body), a negative errno when it cannot
 * be had; *ret_source (allocated, also on failure) names the service and, on failure, the
 * reason, for the caller's one error line. -EOPNOTSUPP for a platform without a service. */
int metadata_fetch_user_data(Platform p, const char *base_url, const FetchPolicy *policy, FetchLog log,
                             void *userdata, char **ret_text, size_t *ret_size, char **ret_source);

/* The answer at path below platform p's metadata service at base_url, in that service's
 * protocol (EC2's token, GCE's Metadata-Flavor), same retries and logging as the user data, at
 * most max bytes, not decompressed. 1 and the answer (NUL-terminated, possibly empty), 0 if the
 * service says there is none (404: the attempt is logged with the detail none, "no host name"),
 * a negative errno; *ret_source as above. */
int metadata_fetch(Platform p, const char *base_url, const char *path, size_t max, const char *none,
                   const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_body, size_t *ret_size,
                   char **ret_source);

/* Fetches an http:// or https:// URL (hull.config.url=; https checks the certificate against
 * the system's CA store), same retries, gzip decompressed. 1 and the text, or a negative errno
 * (a 404 is an error here: the URL was named on purpose). *ret_source as above. */
int url_fetch_config(const char *url, const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_text,
                     size_t *ret_size, char **ret_source);

/* Fetches a config that ignition.config.merge[] or .replace references (http:// or https://),
 * like url_fetch_config() but the body as received (not decompressed: the reference says
 * whether it is gzip, and its hash is checked after). 0 and the body, or a negative errno;
 * *ret_source as above. */
int url_fetch_reference(const char *url, const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_body,
                        size_t *ret_size, char **ret_source);

/* The SSH public keys the instance was launched with, where Hull reads them: EC2's
 * public-keys/0/openssh-key (the key pair given at launch), GCE's instance attribute ssh-keys
 * ("user:key" lines; keys that expire, "google-ssh {...}", are left out). Same protocol,
 * retries and logging as the user data. 1 and the keys (a NULL-terminated array), 0 if there
 * are none, a negative errno (-EBADMSG: a line that is not an OpenSSH public key). */
bool platform_has_ssh_keys(Platform p);
int metadata_fetch_ssh_keys(Platform p, const char *base_url, const FetchPolicy *policy, FetchLog log,
                            void *userdata, char ***ret_keys, size_t *ret_n, char **ret_source);

/* One request with the retries, timeouts and limits above, for a protocol of its own (Azure's
 * wireserver): method "GET" or "POST" (body, body_size; NULL for none), headers a
 * NULL-terminated list of "Name: value" lines, at most max bytes of answer. Tried again: no
 * answer, a timeout, a cut-off body, 429 and 5xx. 0 and the answer of a 2xx (NUL-terminated,
 * *ret_size if not NULL), or a negative errno (-EPROTO for another status) and *ret_why, the
 * last attempt's failure in words (allocated, may be NULL). Each attempt goes to log. */
int http_fetch(const char *method, const char *url, const char *const *headers, const char *body, size_t body_size,
               size_t max, const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_body, size_t *ret_size,
               char **ret_why);

/* Parts, exposed for tests and the fuzzer. */

/* One authorized_keys line as Hull writes it: "<type> <base64>[ <comment>]", a type sshd
 * knows, the blob valid base64 of a key of that type, no options, no control characters,
 * at most 16 KiB. 0 or -EBADMSG. */
int ssh_key_check(const char *line, size_t len);

/* The keys of an EC2 (one key a line) or GCE ("user:key" lines) answer. -EBADMSG for a line
 * that is not a key, -E2BIG above 64 keys. */
int ssh_keys_parse(Platform p, const char *text, size_t size, char ***ret, size_t *ret_n);

/* Whether a platform has a metadata service Hull reads, and its name for messages. */
bool platform_has_metadata_service(Platform p);
const char *metadata_service_name(Platform p);

/* An IMDSv2 session token as the PUT returned it: 1 to 1024 characters of base64 and "-_.",
 * nothing else (it goes into a request header). 0 or -EBADMSG. */
int imds_token_check(const char *body, size_t size);

/* A response header line ("Name: value\r\n") is "Metadata-Flavor: Google" (name case-
 * insensitive, value exact, surrounding blanks ignored): 1, else 0. */
int header_is_metadata_flavor_google(const char *line, size_t size);

/* User data as received to the config text: gzip (magic 1f 8b) is decompressed, at most
 * max_size bytes either way; the result is NUL-terminated. -EINVAL for a broken gzip
 * stream, -EFBIG above max_size. */
int user_data_decode(const uint8_t *data, size_t size, size_t max_size, char **ret, size_t *ret_size);

/* The wait before attempt n+1 (n counts from 1) under policy. */
unsigned fetch_backoff_ms(const FetchPolicy *policy, unsigned n);
