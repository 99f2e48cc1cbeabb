/* SPDX-License-Identifier: MIT */
/* The fetch against a small HTTP server started here, on 127.0.0.1, that answers as each
 * metadata service documents it: EC2's IMDS (IMDSv2 tokens, IMDSv1, turned off, 405 from a
 * proxy, 401 for a bad token), GCE (Metadata-Flavor both ways), DigitalOcean, Hetzner and
 * OpenStack; and as a bad network does: slow answers, busy (503), garbage, cut-off bodies,
 * redirects, gzip bodies good and bad. The first path component names the scenario. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "config.h"
#include "fetch.h"
#include "hostname.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/parse.h"
#include "hull/tests.h"
#include "testhttp.h"

#define CONFIG "{\"ignition\":{\"version\":\"3.4.0\"}}"
#define TOKEN "AQAEAFnD6hV4V1-test_token.Zz9Qw=="
#define KEY_ED "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEMNnx1D2ZWpXe+mMmmbEdajEEG9lxgx8DNZ6UTVjH/a you@laptop"
#define KEY_EC                                                                                               \
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAM6hy3GuLHk6m3O1aHERCmfNu0rTOI" \
        "Zw9+x+E4NHJ+WDR0SXzjJI92VD407leL0ujxmWbt/ZYSqxVAhLVnrNXg= e@x"

static uint8_t gz[512], *bomb;
static size_t gz_len, bomb_len;
static unsigned *counters; /* shared with the server's children: one per scenario */

/* ---- the server ---- */

typedef struct Req {
        char method[16];
        char scenario[64];
        const char *path;    /* after the scenario */
        const char *headers; /* from the CRLF that ends the request line */
        char buf[16384];
} Req;

static void answer(int fd, int status, const char *extra, const void *body, size_t len) {
        char head[512];
        int n = snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n", status,
                         len, extra ?: "");
        (void) loop_write(fd, head, (size_t) n);
        if (len > 0)
                (void) loop_write(fd, body, len);
}

static void text(int fd, int status, const char *extra, const char *body) {
        answer(fd, status, extra, body, strlen(body));
}

static unsigned bump(unsigned i) {
        return __atomic_fetch_add(&counters[i], 1, __ATOMIC_SEQ_CST);
}

/* The host name each service gives, by the words in the scenario: "nohost" 404, "emptyhost",
 * "longhost" (a FQDN over 64 characters), "upperhost", "badhost" (an underscore), "ctlhost" (a
 * header injection), "hugehost" (300 characters); else the platform's usual kind of name. */
static const char *hostname_of(const char *mode, const char *usual) {
        static char huge[301];

        if (strstr(mode, "emptyhost"))
                return "";
        if (strstr(mode, "longhost"))
                return "ip-10-0-0-1.eu-central-1.compute.internal.a-long-private-zone.example";
        if (strstr(mode, "upperhost"))
                return "My-Droplet";
        if (strstr(mode, "badhost"))
                return "ip_10_0_0_1.ec2.internal";
        if (strstr(mode, "ctlhost"))
                return "node-1\r\nX-Injected: 1";
        if (strstr(mode, "hugehost")) {
                memset(huge, 'a', sizeof huge - 1);
                return huge;
        }
        return usual;
}

/* EC2's IMDS as documented: PUT /latest/api/token with a TTL header of 1 to 21600 seconds
 * (400 without), refused with 403 when it carries X-Forwarded-For or IMDS is turned off; GET
 * with a token that is not the one handed out: 401; no user data: 404. */
static void imds(int fd, const Req *q, const char *mode) {
        char v[256];
        bool v1only = strstr(mode, "v1"), off = strstr(mode, "off");

        if (off)
                return text(fd, 403, NULL, "");
        if (strcmp(q->path, "/latest/api/token") == 0) {
                if (strcmp(q->method, "PUT") != 0)
                        return text(fd, 405, NULL, "");
                if (strstr(mode, "proxy405"))
                        return text(fd, 405, NULL, "");
                if (v1only)
                        return text(fd, 404, NULL, "");
                if (test_http_header(q->headers, "X-Forwarded-For", v, sizeof v))
                        return text(fd, 403, NULL, "");
                if (!test_http_header(q->headers, "X-aws-ec2-metadata-token-ttl-seconds", v, sizeof v) || atoi(v) < 1 || atoi(v) > 21600)
                        return text(fd, 400, NULL, "");
                if (strstr(mode, "busy") && bump(0) < 2)
                        return text(fd, 503, NULL, "");
                if (strstr(mode, "badtoken"))
                        return text(fd, 200, NULL, "AQAE\r\nX-Injected: 1");
                if (strstr(mode, "emptytoken"))
                        return text(fd, 200, NULL, "");
                return text(fd, 200, NULL, TOKEN);
        }
        if (strcmp(q->path, "/latest/meta-data/public-keys/0/openssh-key") == 0) {
                if (!v1only && (!test_http_header(q->headers, "X-aws-ec2-metadata-token", v, sizeof v) || strcmp(v, TOKEN) != 0))
                        return text(fd, 401, NULL, "");
                if (strstr(mode, "nokeys"))
                        return text(fd, 404, NULL, "");
                if (strstr(mode, "badkey"))
                        return text(fd, 200, NULL, "ssh-ed25519 AAAA\ncommand=\"sh\" " KEY_ED "\n");
                return text(fd, 200, NULL, KEY_ED "\n");
        }
        if (strcmp(q->path, "/latest/meta-data/hostname") == 0) {
                if (!v1only && (!test_http_header(q->headers, "X-aws-ec2-metadata-token", v, sizeof v) || strcmp(v, TOKEN) != 0))
                        return text(fd, 401, NULL, "");
                if (strstr(mode, "never"))
                        return text(fd, 401, NULL, "");
                if (strstr(mode, "nohost"))
                        return text(fd, 404, NULL, "");
                return text(fd, 200, NULL, hostname_of(mode, "ip-10-0-0-1.ec2.internal"));
        }
        if (strcmp(q->path, "/latest/user-data") == 0) {
                if (strcmp(q->method, "GET") != 0)
                        return text(fd, 405, NULL, "");
                if (!v1only && (!test_http_header(q->headers, "X-aws-ec2-metadata-token", v, sizeof v) || strcmp(v, TOKEN) != 0))
                        return text(fd, 401, NULL, "");
                if (strstr(mode, "expired") && bump(1) < 1)
                        return text(fd, 401, NULL, "");
                if (strstr(mode, "never"))
                        return text(fd, 401, NULL, "");
                if (strstr(mode, "none"))
                        return text(fd, 404, NULL, "");
                if (strstr(mode, "gzip"))
                        return answer(fd, 200, NULL, gz, gz_len);
                return text(fd, 200, NULL, CONFIG);
        }
        text(fd, 404, NULL, "");
}

/* GCE: requests without "Metadata-Flavor: Google" or with X-Forwarded-For are refused (403);
 * every answer carries the header. */
static void gce(int fd, const Req *q, const char *mode) {
        const char *flavor = strstr(mode, "noflavor") ? NULL : "Metadata-Flavor: Google\r\n";
        char v[256];

        if (!test_http_header(q->headers, "Metadata-Flavor", v, sizeof v) || strcmp(v, "Google") != 0 ||
            test_http_header(q->headers, "X-Forwarded-For", v, sizeof v))
                return text(fd, 403, flavor, "");
        if (strcmp(q->path, "/computeMetadata/v1/instance/attributes/ssh-keys") == 0 && !strstr(mode, "nokeys"))
                return text(fd, 200, flavor,
                            "alice:" KEY_ED "\n"
                            "bob:" KEY_EC " google-ssh {\"userName\":\"bob\",\"expireOn\":\"2026-12-04T09:00:00+0000\"}\n"
                            "\n"
                            "carol:" KEY_EC "\r\n");
        if (strcmp(q->path, "/computeMetadata/v1/instance/hostname") == 0)
                return strstr(mode, "nohost") ? text(fd, 404, flavor, "")
                                              : text(fd, 200, flavor, hostname_of(mode, "vm-1.us-central1-a.c.my-project.internal"));
        if (strcmp(q->path, "/computeMetadata/v1/instance/attributes/user-data") != 0 || strstr(mode, "none"))
                return text(fd, 404, flavor, "");
        if (strstr(mode, "gzip"))
                return answer(fd, 200, flavor, gz, gz_len);
        text(fd, 200, flavor, CONFIG);
}

/* DigitalOcean's and Hetzner's host name: plain text, Hetzner's with a newline; OpenStack's in
 * meta_data.json ("nullhost": null, "numhost": a number, "badjson": cut off). */
static void simple_hostname(int fd, const Req *q, const char *mode) {
        char json[1024];

        if (strstr(mode, "nohost"))
                return text(fd, 404, NULL, "");
        if (strncmp(mode, "do", 2) == 0)
                return text(fd, 200, NULL, hostname_of(mode, "droplet-1"));
        if (strncmp(mode, "hetzner", 7) == 0)
                return text(fd, 200, NULL, hostname_of(mode, "hetzner-1\n"));
        if (strstr(mode, "nullhost"))
                return text(fd, 200, NULL, "{\"uuid\":\"d8e02d56\",\"hostname\":null}");
        if (strstr(mode, "numhost"))
                return text(fd, 200, NULL, "{\"uuid\":\"d8e02d56\",\"hostname\":5}");
        if (strstr(mode, "badjson"))
                return text(fd, 200, NULL, "{\"uuid\":\"d8e02d56\",\"hostname\":\"vm");
        snprintf(json, sizeof json, "{\"uuid\":\"d8e02d56\",\"name\":\"Test VM\",\"hostname\":\"%s\",\"launch_index\":0}",
                 strstr(mode, "ctlhost") ? "vm\\r\\n1" : hostname_of(mode, "test-vm.novalocal"));
        text(fd, 200, NULL, json);
}

/* DigitalOcean, Hetzner, OpenStack: a plain GET of one path; 404 when there is none (Hetzner
 * answers an empty body instead). */
static void simple(int fd, const Req *q, const char *path, const char *mode) {
        if (strcmp(q->path, "/metadata/v1/hostname") == 0 || strcmp(q->path, "/hetzner/v1/metadata/hostname") == 0 ||
            strcmp(q->path, "/openstack/latest/meta_data.json") == 0)
                return simple_hostname(fd, q, mode);
        if (strcmp(q->path, path) != 0 || strstr(mode, "none"))
                return text(fd, 404, NULL, "");
        if (strstr(mode, "empty"))
                return text(fd, 200, NULL, "");
        if (strstr(mode, "busy") && bump(2) < 2)
                return text(fd, 503, NULL, "");
        text(fd, 200, NULL, CONFIG);
}

static void serve(int fd) {
        Req q = {};
        size_t n = 0;
        const char *s = q.scenario;
        char *sp;
        struct timeval tv = { .tv_sec = 5 };

        (void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        while (n < sizeof q.buf - 1 && !strstr(q.buf, "\r\n\r\n")) {
                ssize_t k = read(fd, q.buf + n, sizeof q.buf - 1 - n);
                if (k <= 0)
                        return;
                n += (size_t) k;
                q.buf[n] = 0;
                if (q.buf[0] < 'A' || q.buf[0] > 'Z')
                        return; /* not HTTP (a TLS handshake): hang up */
        }
        if (sscanf(q.buf, "%15s /%63[^/ ]", q.method, q.scenario) != 2)
                return text(fd, 400, NULL, "");
        q.headers = strstr(q.buf, "\r\n");
        sp = strchr(q.buf, ' ');
        q.path = sp + 2 + strlen(q.scenario);
        *strchr(q.path, ' ') = 0;

        if (strncmp(s, "aws", 3) == 0)
                return imds(fd, &q, s);
        if (strncmp(s, "gcp", 3) == 0)
                return gce(fd, &q, s);
        if (strncmp(s, "do", 2) == 0)
                return simple(fd, &q, "/metadata/v1/user-data", s);
        if (strncmp(s, "hetzner", 7) == 0)
                return simple(fd, &q, "/hetzner/v1/userdata", s);
        if (strncmp(s, "openstack", 9) == 0)
                return simple(fd, &q, "/openstack/latest/user_data", s);
        if (strcmp(s, "slow") == 0) {
                sleep(2);
                return text(fd, 200, NULL, CONFIG);
        }
        if (strcmp(s, "garbage") == 0) {
                (void) loop_write(fd, "HELLO THERE\r\n\r\n", 15);
                return;
        }
        if (strcmp(s, "cut") == 0) {
                (void) loop_write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{\"ignition\"", 52);
                return;
        }
        if (strcmp(s, "redirect") == 0)
                return text(fd, 302, "Location: http://169.254.169.254/elsewhere\r\n", "");
        if (strcmp(s, "big") == 0) {
                /* Larger than the config limit: refused from Content-Length alone. */
                char head[128];
                int k = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %u\r\n\r\n", CONFIG_SIZE_MAX + 1);
                (void) loop_write(fd, head, (size_t) k);
                return;
        }
        if (strcmp(s, "bomb") == 0)
                return answer(fd, 200, NULL, bomb, bomb_len);
        if (strcmp(s, "gzipbad") == 0)
                return answer(fd, 200, NULL, "\x1f\x8b\x08\x00garbage", 12);
        if (strcmp(s, "url") == 0)
                return strcmp(q.path, "/config.ign") == 0 ? text(fd, 200, NULL, CONFIG) : text(fd, 404, NULL, "");
        text(fd, 404, NULL, "");
}

/* ---- the client side ---- */

static unsigned n_logged, n_retries;
static FetchAttempt last;
static char last_detail[256];

static void record(const FetchAttempt *a, void *userdata) {
        n_logged++;
        if (a->retry_ms > 0)
                n_retries++;
        CHECK(a->n >= 1 && a->n <= a->attempts);
        CHECK(a->method && a->url && a->detail);
        last = *a;
        snprintf(last_detail, sizeof last_detail, "%s", a->detail);
        last.url = last.method = last.detail = NULL; /* not kept past the call */
}

static const FetchPolicy policy = {
        .attempts = 3,
        .backoff_ms = 10,
        .backoff_max_ms = 20,
        .connect_timeout_ms = 1000,
        .timeout_ms = 500,
};

static char base[64];

/* Fetches platform p's user data from scenario; checks the result, the config text for 1,
 * the number of log lines and retries, and that the source named includes want_in_source. */
static void check_fetch(Platform p, const char *scenario, int want, unsigned want_logged, unsigned want_retries,
                        const char *want_in_source) {
        _cleanup_free_ char *url = NULL, *t = NULL, *src = NULL;
        size_t n = 0;
        int r;

        n_logged = n_retries = 0;
        CHECK(asprintf(&url, "%s/%s", base, scenario) > 0);
        r = metadata_fetch_user_data(p, url, &policy, record, NULL, &t, &n, &src);
        if (r != want || n_logged != want_logged || n_retries != want_retries)
                fprintf(stderr, "scenario %s: r=%d logged=%u retries=%u source=%s\n", scenario, r, n_logged, n_retries,
                        src ?: "(null)");
        CHECK_EQ_INT(r, want);
        CHECK_EQ_INT(n_logged, want_logged);
        CHECK_EQ_INT(n_retries, want_retries);
        if (want == 1) {
                CHECK_STREQ(t, CONFIG);
                CHECK_EQ_INT(n, strlen(CONFIG));
        } else
                CHECK(t == NULL);
        if (want_in_source && !(src && strstr(src, want_in_source))) {
                fprintf(stderr, "scenario %s: source \"%s\" lacks \"%s\"\n", scenario, src ?: "(null)", want_in_source);
                CHECK(false);
        }
}

/* The instance's SSH keys: want_n keys (the first want_first), or the error. */
static void check_keys(Platform p, const char *scenario, int want, size_t want_n, const char *want_first) {
        _cleanup_free_ char *url = NULL, *src = NULL;
        char **keys = NULL;
        size_t n = 0;
        int r;

        CHECK(asprintf(&url, "%s/%s", base, scenario) > 0);
        r = metadata_fetch_ssh_keys(p, url, &policy, record, NULL, &keys, &n, &src);
        if (r != want)
                fprintf(stderr, "keys %s: r=%d source=%s\n", scenario, r, src ?: "(null)");
        CHECK_EQ_INT(r, want);
        if (r >= 0) {
                CHECK_EQ_INT(n, want_n);
                if (want_first)
                        CHECK(keys && streq_ptr(keys[0], want_first) && keys[n] == NULL);
                strv_free_n(keys, n);
        }
}

/* The instance's host name: want 1 and want_name, 0, or the error; want_logged requests. */
static void check_hostname(Platform p, const char *scenario, int want, unsigned want_logged, const char *want_name,
                           const char *want_in_source) {
        _cleanup_free_ char *url = NULL, *src = NULL, *name = NULL;
        int r;

        n_logged = n_retries = 0;
        CHECK(asprintf(&url, "%s/%s", base, scenario) > 0);
        r = metadata_fetch_hostname(p, url, &policy, record, NULL, &name, &src);
        if (r != want || n_logged != want_logged)
                fprintf(stderr, "hostname %s: r=%d logged=%u name=%s source=%s\n", scenario, r, n_logged,
                        name ?: "(null)", src ?: "(null)");
        CHECK_EQ_INT(r, want);
        CHECK_EQ_INT(n_logged, want_logged);
        if (want == 1)
                CHECK_STREQ(name, want_name);
        else
                CHECK(name == NULL);
        if (want != -EOPNOTSUPP)
                CHECK(src != NULL);
        if (want_in_source && !(src && strstr(src, want_in_source))) {
                fprintf(stderr, "hostname %s: source \"%s\" lacks \"%s\"\n", scenario, src ?: "(null)", want_in_source);
                CHECK(false);
        }
}

static void check_parse_keys(Platform p, const char *text, int want, size_t want_n) {
        char **keys = NULL;
        size_t n = 0;
        CHECK_EQ_INT(ssh_keys_parse(p, text, strlen(text), &keys, &n), want);
        if (want == 0)
                CHECK_EQ_INT(n, want_n);
        else
                CHECK(keys == NULL);
        strv_free_n(keys, n);
}

static void check_url(const char *path, int want, const char *want_in_source) {
        _cleanup_free_ char *url = NULL, *t = NULL, *src = NULL;
        size_t n = 0;
        int r;

        CHECK(asprintf(&url, "%s%s", base, path) > 0);
        r = url_fetch_config(url, &policy, record, NULL, &t, &n, &src);
        if (r != want)
                fprintf(stderr, "url %s: r=%d source=%s\n", url, r, src ?: "(null)");
        CHECK_EQ_INT(r, want);
        if (want == 1)
                CHECK_STREQ(t, CONFIG);
        if (want_in_source && !(src && strstr(src, want_in_source))) {
                fprintf(stderr, "url %s: source \"%s\" lacks \"%s\"\n", url, src ?: "(null)", want_in_source);
                CHECK(false);
        }
}

static size_t gzip(const void *in, size_t len, uint8_t *out, size_t max) {
        z_stream z = {};
        size_t n;
        CHECK(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
        z.next_in = (Bytef *) in;
        z.avail_in = (uInt) len;
        z.next_out = out;
        z.avail_out = (uInt) max;
        CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
        n = z.total_out;
        deflateEnd(&z);
        return n;
}

static void check_decode(const void *data, size_t size, int want, const char *want_text) {
        _cleanup_free_ char *t = NULL;
        size_t n = 0;
        CHECK_EQ_INT(user_data_decode(data, size, 64, &t, &n), want);
        if (want == 0) {
                CHECK_STREQ(t, want_text);
                CHECK_EQ_INT(n, strlen(want_text));
        } else
                CHECK(t == NULL);
}

int main(void) {
        _cleanup_free_ uint8_t *zeros = NULL;
        unsigned port;
        pid_t server;
        uint8_t small[1024];

        /* Parsers of what the services answer. */
        CHECK_EQ_INT(imds_token_check(TOKEN, strlen(TOKEN)), 0);
        CHECK_EQ_INT(imds_token_check("", 0), -EBADMSG);
        CHECK_EQ_INT(imds_token_check("AQAE\r\nX-Injected: 1", 19), -EBADMSG);
        CHECK_EQ_INT(imds_token_check("AQAE\n", 5), -EBADMSG);
        CHECK_EQ_INT(imds_token_check("AQ AE", 5), -EBADMSG);
        CHECK_EQ_INT(imds_token_check("AQ\0AE", 5), -EBADMSG);
        CHECK_EQ_INT(imds_token_check("AQAE:", 5), -EBADMSG);
        CHECK_EQ_INT(imds_token_check("\xc3\xa9", 2), -EBADMSG);
        {
                char t[1026];
                memset(t, 'A', sizeof t);
                CHECK_EQ_INT(imds_token_check(t, 1024), 0);
                CHECK_EQ_INT(imds_token_check(t, 1025), -EBADMSG);
        }
        CHECK_EQ_INT(header_is_metadata_flavor_google("Metadata-Flavor: Google\r\n", 25), 1);
        CHECK_EQ_INT(header_is_metadata_flavor_google("metadata-flavor:Google", 22), 1);
        CHECK_EQ_INT(header_is_metadata_flavor_google("Metadata-Flavor: \tGoogle \t\r\n", 28), 1);
        CHECK_EQ_INT(header_is_metadata_flavor_google("Metadata-Flavor: google\r\n", 25), 0);
        CHECK_EQ_INT(header_is_metadata_flavor_google("Metadata-Flavor: Googlex\r\n", 26), 0);
        CHECK_EQ_INT(header_is_metadata_flavor_google("Metadata-Flavor: \r\n", 19), 0);
        CHECK_EQ_INT(header_is_metadata_flavor_google("Metadata-Flavor:", 16), 0);
        CHECK_EQ_INT(header_is_metadata_flavor_google("Metadata-Flavo", 14), 0);
        CHECK_EQ_INT(header_is_metadata_flavor_google("X-Metadata-Flavor: Google\r\n", 27), 0);
        CHECK_EQ_INT(header_is_metadata_flavor_google("Metadata-Flavor: Goo\0gle", 24), 0);
        CHECK_EQ_INT(header_is_metadata_flavor_google("Metadata-Flavor: Google\0", 24), 0);
        CHECK_EQ_INT(header_is_metadata_flavor_google("", 0), 0);

        /* SSH public keys: only sshd's key types, a blob of that type, no options. */
        CHECK_EQ_INT(ssh_key_check(KEY_ED, strlen(KEY_ED)), 0);
        CHECK_EQ_INT(ssh_key_check(KEY_EC, strlen(KEY_EC)), 0);
        CHECK_EQ_INT(ssh_key_check(KEY_ED, strlen(KEY_ED) - 11), 0);         /* no comment */
        CHECK_EQ_INT(ssh_key_check("", 0), -EBADMSG);
        CHECK_EQ_INT(ssh_key_check("ssh-ed25519", 11), -EBADMSG);
        CHECK_EQ_INT(ssh_key_check("ssh-ed25519 ", 12), -EBADMSG);
        CHECK_EQ_INT(ssh_key_check("ssh-ed25519 AAAA", 16), -EBADMSG);       /* too short a blob */
        CHECK_EQ_INT(ssh_key_check("ssh-dss AAAAB3NzaC1kc3MAAACBAP", 29), -EBADMSG);
        CHECK_EQ_INT(ssh_key_check("command=\"sh\" " KEY_ED, strlen(KEY_ED) + 13), -EBADMSG);
        CHECK_EQ_INT(ssh_key_check("ssh-rsa" KEY_ED + 11, strlen(KEY_ED) - 4), -EBADMSG); /* blob of another type */
        CHECK_EQ_INT(ssh_key_check(KEY_ED "\n", strlen(KEY_ED) + 1), -EBADMSG);
        CHECK_EQ_INT(ssh_key_check(KEY_ED "\rx", strlen(KEY_ED) + 2), -EBADMSG);
        CHECK_EQ_INT(ssh_key_check("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEMNnx1D2ZWpXe+mMmmbEdajEEG9lxgx8DNZ6UTVjH/a=", 81),
                     -EBADMSG);                                              /* not canonical base64 */
        CHECK_EQ_INT(ssh_key_check("ssh-ed25519  AAAAC3NzaC1lZDI1NTE5AAAAIEMNnx1D2ZWpXe+mMmmbEdajEEG9lxgx8DNZ6UTVjH/a", 81),
                     -EBADMSG);                                              /* two spaces */
        check_parse_keys(PLATFORM_AWS, KEY_ED "\n", 0, 1);
        check_parse_keys(PLATFORM_AWS, KEY_ED "\r\n" KEY_EC, 0, 2);
        check_parse_keys(PLATFORM_AWS, "", 0, 0);
        check_parse_keys(PLATFORM_AWS, "\n\n", 0, 0);
        check_parse_keys(PLATFORM_AWS, "alice:" KEY_ED, -EBADMSG, 0);
        check_parse_keys(PLATFORM_GCP, "alice:" KEY_ED "\nbob:" KEY_EC "\n", 0, 2);
        check_parse_keys(PLATFORM_GCP, "alice:" KEY_ED "\nbob:" KEY_EC " google-ssh {\"expireOn\":\"x\"}", 0, 1);
        check_parse_keys(PLATFORM_GCP, KEY_ED, -EBADMSG, 0);                 /* no user */
        check_parse_keys(PLATFORM_GCP, "alice:" KEY_ED "\nbob:junk", -EBADMSG, 0);
        {
                char *many = NULL, **keys = NULL;
                size_t len = 0, n = 0;
                FILE *f = open_memstream(&many, &len);
                CHECK(f != NULL);
                for (int i = 0; i < 65; i++)
                        fprintf(f, "%s\n", KEY_ED);
                CHECK(fclose(f) == 0);
                CHECK_EQ_INT(ssh_keys_parse(PLATFORM_AWS, many, len, &keys, &n), -E2BIG);
                CHECK_EQ_INT(ssh_keys_parse(PLATFORM_AWS, "a\0b", 3, &keys, &n), -EBADMSG);
                free(many);
        }

        /* User data: plain, gzip, broken gzip, the size limit before and after decompression. */
        gz_len = gzip(CONFIG, strlen(CONFIG), gz, sizeof gz);
        check_decode(CONFIG, strlen(CONFIG), 0, CONFIG);
        check_decode("", 0, 0, "");
        check_decode("\x1f", 1, 0, "\x1f");
        check_decode(gz, gz_len, 0, CONFIG);
        check_decode(gz, gz_len - 1, -EINVAL, NULL);         /* cut off */
        check_decode(gz, 10, -EINVAL, NULL);                 /* the header only */
        check_decode("\x1f\x8b", 2, -EINVAL, NULL);
        check_decode("\x1f\x8b\x08\x00garbage", 12, -EINVAL, NULL);
        memcpy(small, gz, gz_len);
        small[gz_len - 5] ^= 1;                              /* CRC mismatch */
        check_decode(small, gz_len, -EINVAL, NULL);
        memcpy(small, gz, gz_len);
        memcpy(small + gz_len, gz, gz_len);                  /* two members */
        check_decode(small, 2 * gz_len, -EINVAL, NULL);
        memset(small, 'x', 100);
        check_decode(small, 65, -EFBIG, NULL);               /* plain, over the limit */
        {
                uint8_t in[100], out[128];
                size_t l;
                memset(in, 'x', sizeof in);
                l = gzip(in, sizeof in, out, sizeof out);
                check_decode(out, l, -EFBIG, NULL);          /* gzip, over the limit once inflated */
        }

        /* The backoff of the boot policy: 1, 2, 4, 8, 16, 16, 16 s. */
        CHECK_EQ_INT(fetch_backoff_ms(&fetch_policy_boot, 1), 1000);
        CHECK_EQ_INT(fetch_backoff_ms(&fetch_policy_boot, 2), 2000);
        CHECK_EQ_INT(fetch_backoff_ms(&fetch_policy_boot, 5), 16000);
        CHECK_EQ_INT(fetch_backoff_ms(&fetch_policy_boot, 7), 16000);
        CHECK_EQ_INT(fetch_backoff_ms(&fetch_policy_boot, 4000000000U), 16000);
        CHECK_EQ_INT(fetch_policy_boot.attempts, 8);
        CHECK(platform_has_metadata_service(PLATFORM_AWS));
        CHECK(platform_has_metadata_service(PLATFORM_HETZNER));
        CHECK(!platform_has_metadata_service(PLATFORM_METAL));
        CHECK(!platform_has_metadata_service(PLATFORM_QEMU));
        CHECK(!platform_has_metadata_service(PLATFORM_AZURE));
        CHECK(!platform_has_metadata_service(_PLATFORM_MAX));

        /* The server. */
        zeros = calloc(1, CONFIG_SIZE_MAX + 4096);
        CHECK(zeros != NULL);
        bomb = malloc(CONFIG_SIZE_MAX);
        CHECK(bomb != NULL);
        bomb_len = gzip(zeros, CONFIG_SIZE_MAX + 4096, bomb, CONFIG_SIZE_MAX);
        counters = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        CHECK(counters != MAP_FAILED);
        server = test_http_server_start(serve, &port);
        snprintf(base, sizeof base, "http://127.0.0.1:%u", port);

        /* EC2: IMDSv2 (PUT token, GET with it), gzip, none, busy, the refusals. */
        check_fetch(PLATFORM_AWS, "aws", 1, 2, 0, "EC2");
        check_fetch(PLATFORM_AWS, "aws-gzip", 1, 2, 0, NULL);
        check_fetch(PLATFORM_AWS, "aws-none", 0, 2, 0, NULL);
        check_fetch(PLATFORM_AWS, "aws-busy", 1, 4, 2, NULL);         /* 503, 503, token, GET */
        check_fetch(PLATFORM_AWS, "aws-v1", 1, 2, 0, NULL);           /* token 404: IMDSv1 */
        check_fetch(PLATFORM_AWS, "aws-v1-none", 0, 2, 0, NULL);
        check_fetch(PLATFORM_AWS, "aws-off", -EACCES, 1, 0, "HTTP 403");        /* no fallback */
        check_fetch(PLATFORM_AWS, "aws-proxy405", -EACCES, 1, 0, "HTTP 405");   /* no fallback */
        check_fetch(PLATFORM_AWS, "aws-badtoken", -EBADMSG, 1, 0, "not an IMDSv2 token");
        check_fetch(PLATFORM_AWS, "aws-emptytoken", -EBADMSG, 1, 0, NULL);
        counters[1] = 0;
        check_fetch(PLATFORM_AWS, "aws-expired", 1, 4, 1, NULL);      /* 401 once: a new token */
        check_fetch(PLATFORM_AWS, "aws-never", -EACCES, 6, 2, "after 3 attempts");
        check_fetch(PLATFORM_AWS, "gcp", -EACCES, 1, 0, NULL);        /* GCE's server refuses the PUT */

        /* GCE. */
        check_fetch(PLATFORM_GCP, "gcp", 1, 1, 0, "Compute Engine");
        check_fetch(PLATFORM_GCP, "gcp-gzip", 1, 1, 0, NULL);
        check_fetch(PLATFORM_GCP, "gcp-none", 0, 1, 0, NULL);
        CHECK(last.status == 404 && strcmp(last_detail, "no user data") == 0);
        check_fetch(PLATFORM_GCP, "gcp-noflavor", -EBADMSG, 1, 0, "Metadata-Flavor");
        check_fetch(PLATFORM_GCP, "aws", -EBADMSG, 1, 0, "Metadata-Flavor"); /* a 404, but not from GCE */
        check_fetch(PLATFORM_GCP, "gcp-none-noflavor", -EBADMSG, 1, 0, "Metadata-Flavor");

        /* SSH keys: EC2's key pair, GCE's ssh-keys attribute (the expiring key left out). */
        check_keys(PLATFORM_AWS, "aws", 1, 1, KEY_ED);
        check_keys(PLATFORM_AWS, "aws-v1", 1, 1, KEY_ED);
        check_keys(PLATFORM_AWS, "aws-nokeys", 0, 0, NULL);
        check_keys(PLATFORM_AWS, "aws-badkey", -EBADMSG, 0, NULL);
        check_keys(PLATFORM_AWS, "aws-off", -EACCES, 0, NULL);
        check_keys(PLATFORM_GCP, "gcp", 1, 2, KEY_ED);
        check_keys(PLATFORM_GCP, "gcp-nokeys", 0, 0, NULL);
        check_keys(PLATFORM_GCP, "gcp-noflavor", -EBADMSG, 0, NULL);
        check_keys(PLATFORM_DIGITALOCEAN, "do", -EOPNOTSUPP, 0, NULL);

        /* Host names: EC2 (IMDSv2, as for the user data), GCE (Metadata-Flavor both ways),
         * OpenStack's meta_data.json, DigitalOcean, Hetzner; 404, empty, too long, not a name. */
        check_hostname(PLATFORM_AWS, "aws", 1, 2, "ip-10-0-0-1.ec2.internal", "latest/meta-data/hostname");
        check_hostname(PLATFORM_AWS, "aws-v1", 1, 2, "ip-10-0-0-1.ec2.internal", NULL);
        check_hostname(PLATFORM_AWS, "aws-nohost", 0, 2, NULL, "EC2");
        CHECK(last.status == 404 && last.error == 0 && strcmp(last_detail, "no host name") == 0);
        check_hostname(PLATFORM_AWS, "aws-never", -EACCES, 6, NULL, "after 3 attempts"); /* the token required */
        check_hostname(PLATFORM_AWS, "aws-emptyhost", 0, 2, NULL, NULL);
        check_hostname(PLATFORM_AWS, "aws-longhost", 1, 2, "ip-10-0-0-1", NULL);
        check_hostname(PLATFORM_AWS, "aws-badhost", -EBADMSG, 2, NULL, "not a host name: a character other than");
        check_hostname(PLATFORM_AWS, "aws-ctlhost", -EBADMSG, 2, NULL, "control character");
        check_hostname(PLATFORM_AWS, "aws-hugehost", -EBADMSG, 2, NULL, "longer than 253");
        check_hostname(PLATFORM_AWS, "aws-off", -EACCES, 1, NULL, "HTTP 403");
        check_hostname(PLATFORM_AWS, "aws-badtoken", -EBADMSG, 1, NULL, "not an IMDSv2 token");
        check_hostname(PLATFORM_AWS, "gcp", -EACCES, 1, NULL, NULL);
        check_hostname(PLATFORM_GCP, "gcp", 1, 1, "vm-1.us-central1-a.c.my-project.internal", "Compute Engine");
        check_hostname(PLATFORM_GCP, "gcp-nohost", 0, 1, NULL, NULL);
        check_hostname(PLATFORM_GCP, "gcp-longhost", 1, 1, "ip-10-0-0-1", NULL);
        check_hostname(PLATFORM_GCP, "gcp-noflavor", -EBADMSG, 1, NULL, "Metadata-Flavor");
        check_hostname(PLATFORM_GCP, "gcp-nohost-noflavor", -EBADMSG, 1, NULL, "Metadata-Flavor");
        check_hostname(PLATFORM_GCP, "aws", -EBADMSG, 1, NULL, "Metadata-Flavor");
        check_hostname(PLATFORM_OPENSTACK, "openstack", 1, 1, "test-vm.novalocal", "meta_data.json");
        check_hostname(PLATFORM_OPENSTACK, "openstack-upperhost", 1, 1, "my-droplet", NULL);
        check_hostname(PLATFORM_OPENSTACK, "openstack-nohost", 0, 1, NULL, NULL);
        check_hostname(PLATFORM_OPENSTACK, "openstack-nullhost", 0, 1, NULL, NULL);
        check_hostname(PLATFORM_OPENSTACK, "openstack-emptyhost", 0, 1, NULL, NULL);
        check_hostname(PLATFORM_OPENSTACK, "openstack-numhost", -EBADMSG, 1, NULL, "is not a string");
        check_hostname(PLATFORM_OPENSTACK, "openstack-badjson", -EBADMSG, 1, NULL, "not valid JSON");
        check_hostname(PLATFORM_OPENSTACK, "openstack-badhost", -EBADMSG, 1, NULL, "\"hostname\" is not a host name");
        check_hostname(PLATFORM_OPENSTACK, "openstack-ctlhost", -EBADMSG, 1, NULL, "control character");
        check_hostname(PLATFORM_DIGITALOCEAN, "do", 1, 1, "droplet-1", "/metadata/v1/hostname");
        check_hostname(PLATFORM_DIGITALOCEAN, "do-upperhost", 1, 1, "my-droplet", NULL);
        check_hostname(PLATFORM_DIGITALOCEAN, "do-nohost", 0, 1, NULL, NULL);
        check_hostname(PLATFORM_DIGITALOCEAN, "do-ctlhost", -EBADMSG, 1, NULL, "control character");
        check_hostname(PLATFORM_HETZNER, "hetzner", 1, 1, "hetzner-1", "/hetzner/v1/metadata/hostname");
        check_hostname(PLATFORM_HETZNER, "hetzner-emptyhost", 0, 1, NULL, NULL);
        check_hostname(PLATFORM_HETZNER, "hetzner-hugehost", -EBADMSG, 1, NULL, "longer than 253");
        check_hostname(PLATFORM_HETZNER, "slow", -ETIMEDOUT, 3, NULL, "after 3 attempts");
        check_hostname(PLATFORM_HETZNER, "redirect", -EPROTO, 1, NULL, "HTTP 302");
        check_hostname(PLATFORM_AZURE, "do", -EOPNOTSUPP, 0, NULL, NULL);
        check_hostname(PLATFORM_METAL, "do", -EOPNOTSUPP, 0, NULL, NULL);

        /* DigitalOcean, Hetzner, OpenStack. */
        check_fetch(PLATFORM_DIGITALOCEAN, "do", 1, 1, 0, "DigitalOcean");
        check_fetch(PLATFORM_DIGITALOCEAN, "do-none", 0, 1, 0, NULL);
        counters[2] = 0;
        check_fetch(PLATFORM_DIGITALOCEAN, "do-busy", 1, 3, 2, NULL);
        check_fetch(PLATFORM_HETZNER, "hetzner", 1, 1, 0, "Hetzner");
        check_fetch(PLATFORM_HETZNER, "hetzner-empty", 0, 1, 0, NULL);
        check_fetch(PLATFORM_OPENSTACK, "openstack", 1, 1, 0, "OpenStack");
        check_fetch(PLATFORM_OPENSTACK, "openstack-none", 0, 1, 0, NULL);
        check_fetch(PLATFORM_METAL, "do", -EOPNOTSUPP, 0, 0, NULL);
        check_fetch(PLATFORM_AZURE, "do", -EOPNOTSUPP, 0, 0, NULL);

        /* A bad network or a bad answer. */
        check_fetch(PLATFORM_OPENSTACK, "slow", -ETIMEDOUT, 3, 2, "after 3 attempts");
        check_fetch(PLATFORM_AWS, "slow", -ETIMEDOUT, 3, 2, "after 3 attempts");
        check_fetch(PLATFORM_DIGITALOCEAN, "garbage", -EPROTONOSUPPORT, 1, 0, "HTTP/0.9");
        check_fetch(PLATFORM_DIGITALOCEAN, "cut", -EPIPE, 3, 2, NULL);
        check_fetch(PLATFORM_HETZNER, "redirect", -EPROTO, 1, 0, "HTTP 302");
        check_fetch(PLATFORM_HETZNER, "big", -EFBIG, 1, 0, NULL);
        check_fetch(PLATFORM_HETZNER, "bomb", -EFBIG, 1, 0, "larger than the limit");
        check_fetch(PLATFORM_HETZNER, "gzipbad", -EINVAL, 1, 0, "gzip");
        {
                /* Nobody listening (a port just closed): refused, tried again, a clear error. */
                int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
                struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
                socklen_t al = sizeof a;
                _cleanup_free_ char *t = NULL, *src = NULL, *u = NULL;
                size_t n;
                CHECK(fd >= 0 && bind(fd, (struct sockaddr *) &a, sizeof a) == 0);
                CHECK(getsockname(fd, (struct sockaddr *) &a, &al) == 0);
                close(fd);
                CHECK(asprintf(&u, "http://127.0.0.1:%u", ntohs(a.sin_port)) > 0);
                n_logged = n_retries = 0;
                CHECK_EQ_INT(metadata_fetch_user_data(PLATFORM_DIGITALOCEAN, u, &policy, record, NULL, &t, &n, &src),
                             -ECONNREFUSED);
                CHECK_EQ_INT(n_logged, 3);
                CHECK_EQ_INT(n_retries, 2);
                CHECK(src && strstr(src, "after 3 attempts"));
        }

        /* hull.config.url=: http(s) only; 404 is an error; https is TLS or nothing. */
        check_url("/url/config.ign", 1, "hull.config.url=");
        check_url("/url/missing.ign", -ENOENT, "HTTP 404");
        check_url("/redirect/x", -EPROTO, "HTTP 302");
        {
                _cleanup_free_ char *t = NULL, *src = NULL, *u = NULL;
                size_t n;
                CHECK_EQ_INT(url_fetch_config("ftp://127.0.0.1/x", &policy, record, NULL, &t, &n, &src), -EPROTONOSUPPORT);
                CHECK_EQ_INT(url_fetch_config("file:///etc/passwd", &policy, record, NULL, &t, &n, &src), -EPROTONOSUPPORT);
                CHECK(asprintf(&u, "https://127.0.0.1:%u/url/config.ign", port) > 0);
                n_logged = 0;
                CHECK_EQ_INT(url_fetch_config(u, &policy, record, NULL, &t, &n, &src), -EKEYREJECTED);
                CHECK_EQ_INT(n_logged, 1); /* a TLS failure is not tried again */
                CHECK(t == NULL);
        }

        kill(server, SIGKILL);
        (void) waitpid(server, NULL, 0);
        free(bomb);
        return TEST_RETURN();
}
