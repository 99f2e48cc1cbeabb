/* SPDX-License-Identifier: MIT */
/* Config over HTTP: the clouds' metadata services and hull.config.url=http(s)://, with libcurl,
 * bounded timeouts and bounded retries. Library code: each attempt goes to the caller's
 * logger, errors are returned. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "config.h"
#include "dataurl.h"
#include "fetch.h"
#include "hull/macro.h"
#include "hull/parse.h"

const FetchPolicy fetch_policy_boot = {
        .attempts = 8,
        .backoff_ms = 1000,
        .backoff_max_ms = 16000,
        .connect_timeout_ms = 4000,
        .timeout_ms = 10000,
};

/* The services, their paths below the base URL and what each path is. */
#define IMDS_TOKEN_PATH "/latest/api/token"
#define IMDS_USER_DATA_PATH "/latest/user-data"
#define IMDS_TOKEN_TTL_HEADER "X-aws-ec2-metadata-token-ttl-seconds: 300"
#define IMDS_TOKEN_HEADER "X-aws-ec2-metadata-token: "
#define IMDS_TOKEN_MAX 1024
#define GCE_USER_DATA_PATH "/computeMetadata/v1/instance/attributes/user-data"
#define GCE_FLAVOR_HEADER "Metadata-Flavor: Google"
#define IMDS_SSH_KEY_PATH "/latest/meta-data/public-keys/0/openssh-key"
#define GCE_SSH_KEYS_PATH "/computeMetadata/v1/instance/attributes/ssh-keys"
#define SSH_KEYS_MAX 64
#define SSH_KEY_LINE_MAX (16U * 1024U)

static const struct {
        const char *name; /* for messages */
        const char *path;
} services[_PLATFORM_MAX] = {
        [PLATFORM_AWS] = { "the EC2 instance metadata service (IMDSv2)", IMDS_USER_DATA_PATH },
        [PLATFORM_GCP] = { "the Compute Engine metadata server", GCE_USER_DATA_PATH },
        [PLATFORM_OPENSTACK] = { "the OpenStack metadata service", "/openstack/latest/user_data" },
        [PLATFORM_DIGITALOCEAN] = { "the DigitalOcean metadata service", "/metadata/v1/user-data" },
        [PLATFORM_HETZNER] = { "the Hetzner Cloud metadata service", "/hetzner/v1/userdata" },
};

bool platform_has_metadata_service(Platform p) {
        return (unsigned) p < _PLATFORM_MAX && services[p].path;
}

const char *metadata_service_name(Platform p) {
        return platform_has_metadata_service(p) ? services[p].name : NULL;
}

unsigned fetch_backoff_ms(const FetchPolicy *policy, unsigned n) {
        unsigned ms = policy->backoff_ms;

        for (unsigned i = 1; i < n && ms < policy->backoff_max_ms; i++)
                ms = ms > UINT32_MAX / 2 ? UINT32_MAX : ms * 2;
        return ms < policy->backoff_max_ms ? ms : policy->backoff_max_ms;
}

int imds_token_check(const char *body, size_t size) {
        if (size == 0 || size > IMDS_TOKEN_MAX)
                return -EBADMSG;
        for (size_t i = 0; i < size; i++) {
                char c = body[i];
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      strchr("+/=-_.", c)) || c == 0)
                        return -EBADMSG;
        }
        return 0;
}

int header_is_metadata_flavor_google(const char *line, size_t size) {
        static const char name[] = "Metadata-Flavor:";
        size_t a, b;

        if (size < STRLEN(name) || strncasecmp(line, name, STRLEN(name)) != 0)
                return 0;
        a = STRLEN(name);
        b = size;
        while (a < b && (line[a] == ' ' || line[a] == '\t'))
                a++;
        while (b > a && strchr(" \t\r\n", line[b - 1]) && line[b - 1] != 0)
                b--;
        return b - a == 6 && memcmp(line + a, "Google", 6) == 0;
}

int user_data_decode(const uint8_t *data, size_t size, size_t max_size, char **ret, size_t *ret_size) {
        uint8_t *out = NULL;
        size_t n = 0;
        int r;

        if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
                r = gzip_decompress(data, size, max_size, &out, &n);
                if (r < 0)
                        return r;
                *ret = (char *) out;
                *ret_size = n;
                return 0;
        }
        if (size > max_size)
                return -EFBIG;
        out = malloc(size + 1);
        if (!out)
                return -ENOMEM;
        if (size > 0)
                memcpy(out, data, size);
        out[size] = 0;
        *ret = (char *) out;
        *ret_size = size;
        return 0;
}

/* One HTTP exchange. */
typedef struct Response {
        long status;        /* 0: no answer */
        char *body;         /* NUL-terminated */
        size_t size, max;
        bool too_big;
        bool flavor_google; /* the answer had Metadata-Flavor: Google */
        int error;          /* transport error, negative errno */
        bool retry;         /* the transport error may pass */
        char detail[CURL_ERROR_SIZE];
} Response;

static void response_clear(Response *r) {
        free(r->body);
        *r = (Response) { .max = r->max };
}

static size_t on_body(char *p, size_t size, size_t n, void *userdata) {
        Response *r = userdata;
        size_t len = size * n;
        char *b;

        if (len > r->max - r->size) {
                r->too_big = true;
                return 0; /* libcurl stops with CURLE_WRITE_ERROR */
        }
        b = realloc(r->body, r->size + len + 1);
        if (!b)
                return 0;
        memcpy(b + r->size, p, len);
        r->body = b;
        r->size += len;
        r->body[r->size] = 0;
        return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *userdata) {
        Response *r = userdata;
        size_t len = size * n;

        /* A new status line (after a 100 Continue, say) starts a new set of headers. */
        if (len >= 5 && memcmp(p, "HTTP/", 5) == 0)
                r->flavor_google = false;
        else if (header_is_metadata_flavor_google(p, len))
                r->flavor_google = true;
        return len;
}

/* libcurl's result to a negative errno, and whether another attempt may fare better. */
static int curl_error_to_errno(CURLcode cc, long os_errno, bool *ret_retry) {
        *ret_retry = true;
        switch (cc) {
        case CURLE_OPERATION_TIMEDOUT:
                return -ETIMEDOUT;
        case CURLE_COULDNT_CONNECT:
                return os_errno > 0 ? (int) -os_errno : -ECONNREFUSED;
        case CURLE_COULDNT_RESOLVE_HOST:
                return -EHOSTUNREACH;
        case CURLE_GOT_NOTHING:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
                return -ECONNRESET;
        case CURLE_PARTIAL_FILE:
                return -EPIPE;
        default:
                break;
        }
        *ret_retry = false;
        switch (cc) {
        case CURLE_OUT_OF_MEMORY:
                return -ENOMEM;
        case CURLE_URL_MALFORMAT:
                return -EINVAL;
        case CURLE_UNSUPPORTED_PROTOCOL:
                return -EPROTONOSUPPORT;
        case CURLE_FILESIZE_EXCEEDED:
        case CURLE_WRITE_ERROR:
                return -EFBIG;
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CERTPROBLEM:
                return -EKEYREJECTED;
        case CURLE_WEIRD_SERVER_REPLY:
        case CURLE_HTTP2:
        case CURLE_BAD_CONTENT_ENCODING:
                return -EPROTO;
        default:
                *ret_retry = true;
                return -EIO;
        }
}

static int http_request_body(const char *method, const char *url, struct curl_slist *headers, const char *body,
                             size_t body_size, const FetchPolicy *policy, Response *ret) {
        CURL *c;
        CURLcode cc;
        long os_errno = 0;

        response_clear(ret);
        c = curl_easy_init();
        if (!c)
                return -ENOMEM;
        (void) curl_easy_setopt(c, CURLOPT_URL, url);
        (void) curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        (void) curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect is an answer, not followed */
        (void) curl_easy_setopt(c, CURLOPT_PROXY, "");          /* never a proxy from the environment */
        (void) curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        (void) curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        (void) curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        (void) curl_easy_setopt(c, CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
        (void) curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long) policy->connect_timeout_ms);
        (void) curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long) policy->timeout_ms);
        (void) curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) ret->max);
        (void) curl_easy_setopt(c, CURLOPT_USERAGENT, "hull-firstboot/" HULL_VERSION);
        (void) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
        (void) curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ret->detail);
        (void) curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        (void) curl_easy_setopt(c, CURLOPT_WRITEDATA, ret);
        (void) curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        (void) curl_easy_setopt(c, CURLOPT_HEADERDATA, ret);
        if (body) {
                (void) curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) body_size);
                (void) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        }
        if (strcmp(method, "GET") != 0 && strcmp(method, "POST") != 0)
                (void) curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method); /* PUT without a body, like curl -X PUT */
        ret->detail[0] = 0;
        cc = curl_easy_perform(c);
        if (cc == CURLE_OK)
                (void) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ret->status);
        else {
                (void) curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_errno);
                ret->error = ret->too_big ? -EFBIG : curl_error_to_errno(cc, os_errno, &ret->retry);
                if (ret->too_big)
                        ret->retry = false;
                if (!ret->detail[0])
                        snprintf(ret->detail, sizeof ret->detail, "%s", curl_easy_strerror(cc));
                if (os_errno > 0 && cc == CURLE_COULDNT_CONNECT) {
                        size_t l = strlen(ret->detail);
                        snprintf(ret->detail + l, sizeof ret->detail - l, " (%s)", strerror((int) os_errno));
                }
                ret->status = 0;
        }
        curl_easy_cleanup(c);
        return 0;
}

static int http_request(const char *method, const char *url, struct curl_slist *headers, const FetchPolicy *policy,
                        Response *ret) {
        return http_request_body(method, url, headers, NULL, 0, policy, ret);
}

/* What one step of an attempt came to. */
typedef enum Step {
        STEP_OK,    /* the answer we wanted */
        STEP_NONE,  /* the service says: no user data */
        STEP_RETRY, /* try again after the backoff, if attempts remain */
        STEP_FAIL,  /* no point trying again */
} Step;

typedef struct Fetch {
        const FetchPolicy *policy;
        FetchLog log;
        void *userdata;
        unsigned n;       /* the attempt, from 1 */
        int error;        /* the last failure */
        char why[512];    /* and its description */
        bool imds_v1;     /* the service has no token API */
        const char *path; /* EC2: what to GET below the base URL with the token */
        const char *none; /* a 404's detail: "no user data" */
} Fetch;

/* Records (and logs) how a request went. */
static Step report(Fetch *f, const char *method, const char *url, const Response *r, Step s, int error,
                   const char *detail) {
        FetchAttempt a = {
                .method = method,
                .url = url,
                .n = f->n,
                .attempts = f->policy->attempts,
                .status = r->status,
                .error = error,
                .detail = detail ?: "",
                .size = r->size,
        };

        if (s == STEP_RETRY && f->n < f->policy->attempts)
                a.retry_ms = fetch_backoff_ms(f->policy, f->n);
        if (error < 0) {
                f->error = error;
                if (r->status > 0)
                        snprintf(f->why, sizeof f->why, "%s %s: HTTP %ld%s%s", method, url, r->status,
                                 a.detail[0] ? ": " : "", a.detail);
                else
                        snprintf(f->why, sizeof f->why, "%s %s: %s", method, url, a.detail);
        }
        if (f->log)
                f->log(&a, f->userdata);
        return s;
}

/* The answer to a plain request: a transport error, or an HTTP status to judge. */
static Step judge_transport(Fetch *f, const char *method, const char *url, const Response *r) {
        return report(f, method, url, r, r->retry ? STEP_RETRY : STEP_FAIL, r->error, r->detail);
}

static bool status_is_transient(long status) {
        return status == 429 || (status >= 500 && status <= 599);
}

/* GET of user data (or another metadata path), the answer judged for a metadata service (404
 * means none) or a URL the administrator named (404 is an error). */
static Step get_metadata(Fetch *f, const char *url, struct curl_slist *headers, bool gce, bool named, bool token,
                         Response *r) {
        int k = http_request("GET", url, headers, f->policy, r);
        if (k < 0)
                return report(f, "GET", url, r, STEP_FAIL, k, "out of memory");
        if (r->error < 0)
                return judge_transport(f, "GET", url, r);
        /* Google's metadata server marks every answer; one without the mark comes from
         * something else, and its 200 or 404 means nothing. */
        if (gce && !r->flavor_google && (r->status == 200 || r->status == 404))
                return report(f, "GET", url, r, STEP_FAIL, -EBADMSG,
                              "the answer lacks \"Metadata-Flavor: Google\": not the metadata server");
        if (r->status == 200)
                return report(f, "GET", url, r, STEP_OK, 0, NULL);
        if (r->status == 404 && !named)
                return report(f, "GET", url, r, STEP_NONE, 0, f->none);
        if (r->status == 404)
                return report(f, "GET", url, r, STEP_FAIL, -ENOENT, "not found");
        if (status_is_transient(r->status))
                return report(f, "GET", url, r, STEP_RETRY, -EAGAIN, "the service is busy");
        if (r->status >= 300 && r->status <= 399)
                return report(f, "GET", url, r, STEP_FAIL, -EPROTO, "a redirect, which is not followed");
        /* 401 to a request with an IMDSv2 token: the token was not accepted (it expired
         * between the two requests, say); the next attempt asks for a new one. */
        if (r->status == 401 && token)
                return report(f, "GET", url, r, STEP_RETRY, -EACCES, "the token was not accepted");
        if (r->status == 401 || r->status == 403)
                return report(f, "GET", url, r, STEP_FAIL, -EACCES, "access refused");
        return report(f, "GET", url, r, STEP_FAIL, -EPROTO, "unexpected answer");
}

static int headers_add(struct curl_slist **l, const char *h) {
        struct curl_slist *n = curl_slist_append(*l, h);
        if (!n)
                return -ENOMEM;
        *l = n;
        return 0;
}

/* One attempt at EC2's IMDS. IMDSv2: PUT a session token request, then GET with the token.
 * IMDSv1 (GET without a token) only when the service has no token API at all (404 on the
 * token path: an IMDS emulation from before IMDSv2). A 403 means IMDS is turned off for the
 * instance or the request is forbidden (AWS refuses token requests that carry
 * X-Forwarded-For, i.e. came through a proxy); a 405 means something other than IMDS refused
 * the PUT. Neither is a reason to downgrade: IMDSv1 would be refused too, or would hand the
 * data out exactly where IMDSv2 is meant to stop it. */
static Step aws_attempt(Fetch *f, const char *base, Response *r) {
        _cleanup_free_ char *token_url = NULL, *url = NULL, *token_header = NULL;
        struct curl_slist *h = NULL;
        Response t = { .max = 4096 };
        Step s;

        if (asprintf(&token_url, "%s" IMDS_TOKEN_PATH, base) < 0 || asprintf(&url, "%s%s", base, f->path) < 0)
                return report(f, "GET", base, r, STEP_FAIL, -ENOMEM, "out of memory");
        if (!f->imds_v1) {
                if (headers_add(&h, IMDS_TOKEN_TTL_HEADER) < 0 || http_request("PUT", token_url, h, f->policy, &t) < 0) {
                        curl_slist_free_all(h);
                        response_clear(&t);
                        return report(f, "PUT", token_url, r, STEP_FAIL, -ENOMEM, "out of memory");
                }
                curl_slist_free_all(h);
                h = NULL;
                if (t.error < 0)
                        s = judge_transport(f, "PUT", token_url, &t);
                else if (t.status == 200 && imds_token_check(t.body, t.size) < 0)
                        s = report(f, "PUT", token_url, &t, STEP_FAIL, -EBADMSG, "the answer is not an IMDSv2 token");
                else if (t.status == 200) {
                        s = report(f, "PUT", token_url, &t, STEP_OK, 0, "IMDSv2 token");
                        if (asprintf(&token_header, IMDS_TOKEN_HEADER "%s", t.body) < 0)
                                s = report(f, "PUT", token_url, &t, STEP_FAIL, -ENOMEM, "out of memory");
                } else if (t.status == 404) {
                        f->imds_v1 = true;
                        s = report(f, "PUT", token_url, &t, STEP_OK, 0, "no IMDSv2 token API here: IMDSv1");
                } else if (t.status == 403)
                        s = report(f, "PUT", token_url, &t, STEP_FAIL, -EACCES,
                                   "token refused: instance metadata is turned off for this instance, or the "
                                   "request was forbidden (not falling back to IMDSv1)");
                else if (t.status == 405)
                        s = report(f, "PUT", token_url, &t, STEP_FAIL, -EACCES,
                                   "PUT not allowed: something other than IMDS answered (not falling back to IMDSv1)");
                else if (status_is_transient(t.status))
                        s = report(f, "PUT", token_url, &t, STEP_RETRY, -EAGAIN, "the service is busy");
                else
                        s = report(f, "PUT", token_url, &t, STEP_FAIL, -EPROTO, "unexpected answer to the token request");
                response_clear(&t);
                if (s != STEP_OK)
                        return s;
        }
        if (token_header && headers_add(&h, token_header) < 0)
                return report(f, "GET", url, r, STEP_FAIL, -ENOMEM, "out of memory");
        s = get_metadata(f, url, h, false, false, token_header != NULL, r);
        curl_slist_free_all(h);
        return s;
}

static void sleep_ms(unsigned ms) {
        struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long) (ms % 1000) * 1000000L };
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

/* One attempt of whatever a caller asks; ctx is the caller's. */
typedef Step (*AttemptFn)(Fetch *f, void *ctx, Response *r);

/* The attempts of f's policy with the backoff between them; the last attempt's step. */
static Step attempts_run(Fetch *f, AttemptFn attempt, void *ctx, Response *r) {
        Step s = STEP_FAIL;

        for (f->n = 1; f->n <= f->policy->attempts; f->n++) {
                s = attempt(f, ctx, r);
                if (s != STEP_RETRY || f->n == f->policy->attempts)
                        break;
                sleep_ms(fetch_backoff_ms(f->policy, f->n));
        }
        return s;
}

/* What to fetch and how to name it. */
typedef struct Target {
        Platform p;       /* PLATFORM_METAL for a URL the administrator named */
        const char *base; /* the metadata service's base URL; NULL for a named URL */
        const char *path; /* below base */
        const char *url;
        const char *name; /* the service, for messages */
        const char *none; /* a 404's detail: "no user data" */
        size_t max;       /* bytes of answer at most */
} Target;

/* An attempt at a metadata path: EC2's token dance, or one GET of the URL. */
typedef struct MetadataCtx {
        const Target *t;
        struct curl_slist *headers;
} MetadataCtx;

static Step metadata_attempt(Fetch *f, void *ctx, Response *r) {
        MetadataCtx *c = ctx;

        if (c->t->p == PLATFORM_AWS)
                return aws_attempt(f, c->t->base, r);
        return get_metadata(f, c->t->url, c->headers, c->t->p == PLATFORM_GCP, !c->t->base, false, r);
}

/* The attempts, the backoff between them, and the result: 1 and the answer in *r, 0 if the
 * service has none (404), or the last failure. *ret_source names the service and the URL, or
 * the failure. The caller clears *r. */
static int fetch_answer(const Target *t, const FetchPolicy *policy, FetchLog log, void *userdata, Response *r,
                        char **ret_source) {
        Fetch f = { .policy = policy, .log = log, .userdata = userdata, .error = -EIO, .path = t->path, .none = t->none };
        struct curl_slist *h = NULL;
        Step s;
        int k;

        *ret_source = NULL;
        *r = (Response) { .max = t->max };
        if (policy->attempts == 0)
                return -EINVAL;
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
                return -ENOMEM;
        if (t->p == PLATFORM_GCP && headers_add(&h, GCE_FLAVOR_HEADER) < 0) {
                curl_global_cleanup();
                return -ENOMEM;
        }
        s = attempts_run(&f, metadata_attempt, &(MetadataCtx) { .t = t, .headers = h }, r);
        curl_slist_free_all(h);
        curl_global_cleanup();

        if (s == STEP_OK || s == STEP_NONE) {
                if (asprintf(ret_source, "%s (%s)", t->name, t->url) < 0) {
                        *ret_source = NULL;
                        return -ENOMEM;
                }
                return s == STEP_OK;
        }
        if (s == STEP_RETRY)
                k = asprintf(ret_source, "%s, after %u attempts; the last: %s", t->name, policy->attempts, f.why);
        else
                k = asprintf(ret_source, "%s (%s)", t->name, f.why);
        if (k < 0)
                *ret_source = NULL;
        return f.error;
}

/* User data: the answer, gzip decompressed. 1 and the text, 0 for none (404, empty), or the
 * failure. */
static int fetch_run(const Target *t, const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_text,
                     size_t *ret_size, char **ret_source) {
        Response r = {};
        int k;

        k = fetch_answer(t, policy, log, userdata, &r, ret_source);
        if (k <= 0) {
                response_clear(&r);
                return k;
        }
        k = user_data_decode((const uint8_t *) r.body, r.size, CONFIG_SIZE_MAX, ret_text, ret_size);
        response_clear(&r);
        if (k == -EFBIG || k == -EINVAL) {
                free(*ret_source);
                if (asprintf(ret_source, "%s (%s: %s)", t->name, t->url,
                             k == -EFBIG ? "the user data is larger than the limit"
                                         : "the user data starts like gzip but does not decompress") < 0)
                        *ret_source = NULL;
        }
        if (k < 0)
                return k;
        if (*ret_size == 0) {
                free(*ret_text);
                *ret_text = NULL;
                return 0;
        }
        return 1;
}

int metadata_fetch(Platform p, const char *base_url, const char *path, size_t max, const char *none,
                   const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_body, size_t *ret_size,
                   char **ret_source) {
        _cleanup_free_ char *url = NULL;
        Response r = {};
        int k;

        *ret_source = NULL;
        if (!platform_has_metadata_service(p))
                return -EOPNOTSUPP;
        if (asprintf(&url, "%s%s", base_url, path) < 0)
                return -ENOMEM;
        k = fetch_answer(&(Target) { .p = p, .base = base_url, .path = path, .url = url, .name = services[p].name,
                                     .none = none, .max = max },
                         policy, log, userdata, &r, ret_source);
        if (k > 0 && !r.body && !(r.body = strdup("")))
                k = -ENOMEM;
        if (k > 0) {
                *ret_body = TAKE_PTR(r.body);
                *ret_size = r.size;
        }
        response_clear(&r);
        return k;
}

int metadata_fetch_user_data(Platform p, const char *base_url, const FetchPolicy *policy, FetchLog log,
                             void *userdata, char **ret_text, size_t *ret_size, char **ret_source) {
        _cleanup_free_ char *url = NULL;

        *ret_source = NULL;
        if (!platform_has_metadata_service(p))
                return -EOPNOTSUPP;
        if (asprintf(&url, "%s%s", base_url, services[p].path) < 0)
                return -ENOMEM;
        return fetch_run(&(Target) { .p = p, .base = base_url, .path = services[p].path, .url = url,
                                     .name = services[p].name, .none = "no user data", .max = CONFIG_SIZE_MAX },
                         policy, log, userdata, ret_text, ret_size, ret_source);
}

int url_fetch_config(const char *url, const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_text,
                     size_t *ret_size, char **ret_source) {
        *ret_source = NULL;
        if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
                return -EPROTONOSUPPORT;
        return fetch_run(&(Target) { .p = PLATFORM_METAL, .url = url, .name = "hull.config.url=",
                                     .none = "no user data", .max = CONFIG_SIZE_MAX },
                         policy, log, userdata, ret_text, ret_size, ret_source);
}

int url_fetch_reference(const char *url, const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_body,
                        size_t *ret_size, char **ret_source) {
        Response r = {};
        int k;

        *ret_source = NULL;
        if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0)
                return -EPROTONOSUPPORT;
        k = fetch_answer(&(Target) { .p = PLATFORM_METAL, .url = url, .name = "a referenced config",
                                     .none = "not found", .max = CONFIG_SIZE_MAX },
                         policy, log, userdata, &r, ret_source);
        if (k > 0 && !r.body && !(r.body = strdup("")))
                k = -ENOMEM;
        if (k > 0) {
                *ret_body = TAKE_PTR(r.body);
                *ret_size = r.size;
        }
        response_clear(&r);
        return k < 0 ? k : 0;
}

/* The key types OpenSSH's sshd accepts in authorized_keys. */
static const char *const ssh_key_types[] = {
        "ssh-ed25519",         "ssh-rsa",
        "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
        "ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com",
        "sk-ecdsa-sha2-nistp256@openssh.com",
};

int ssh_key_check(const char *line, size_t len) {
        _cleanup_free_ uint8_t *blob = NULL;
        const char *type = NULL, *b64, *end;
        size_t tl = 0, bl, n = 0;
        uint32_t wl;

        if (len == 0 || len > SSH_KEY_LINE_MAX)
                return -EBADMSG;
        for (size_t i = 0; i < len; i++)
                if ((unsigned char) line[i] < ' ' || line[i] == 127)
                        return -EBADMSG;
        /* "<type> <base64>[ <comment>]": no options (command=, from=) in front. */
        for (size_t i = 0; i < ELEMENTSOF(ssh_key_types); i++) {
                size_t l = strlen(ssh_key_types[i]);
                if (len > l && memcmp(line, ssh_key_types[i], l) == 0 && line[l] == ' ') {
                        type = ssh_key_types[i];
                        tl = l;
                        break;
                }
        }
        if (!type)
                return -EBADMSG;
        b64 = line + tl + 1;
        end = memchr(b64, ' ', len - tl - 1);
        bl = end ? (size_t) (end - b64) : len - tl - 1;
        /* The blob is the key in SSH wire format, which starts with its own type. */
        if (bl == 0 || base64_decode(b64, bl, &blob, &n) < 0 || n < 4 + tl)
                return -EBADMSG;
        wl = (uint32_t) blob[0] << 24 | (uint32_t) blob[1] << 16 | (uint32_t) blob[2] << 8 | blob[3];
        if (wl != tl || memcmp(blob + 4, type, tl) != 0)
                return -EBADMSG;
        return 0;
}

int ssh_keys_parse(Platform p, const char *text, size_t size, char ***ret, size_t *ret_n) {
        char **keys = NULL;
        size_t n = 0;
        const char *line = text, *e = text + size;
        int r = 0;

        if (memchr(text, 0, size))
                return -EBADMSG;
        while (line < e) {
                const char *nl = memchr(line, '\n', (size_t) (e - line));
                const char *le = nl ?: e, *k = line;
                size_t kl;
                char *dup, **nk;

                if (le > line && le[-1] == '\r')
                        le--;
                kl = (size_t) (le - line);
                line = nl ? nl + 1 : e;
                if (kl == 0)
                        continue;
                if (p == PLATFORM_GCP) {
                        /* "user:key". The user name is GCE's, not ours: the keys go to the
                         * default user. Keys the console and gcloud add for a while
                         * ("google-ssh {...expireOn...}") are left out: they are meant to
                         * expire, and an authorized_keys line does not. */
                        const char *colon = memchr(k, ':', kl);
                        if (!colon) {
                                r = -EBADMSG;
                                break;
                        }
                        kl -= (size_t) (colon + 1 - k);
                        k = colon + 1;
                        if (memmem(k, kl, " google-ssh {", 13))
                                continue;
                }
                if (ssh_key_check(k, kl) < 0) {
                        r = -EBADMSG;
                        break;
                }
                if (n >= SSH_KEYS_MAX) {
                        r = -E2BIG;
                        break;
                }
                dup = strndup(k, kl);
                nk = dup ? realloc(keys, (n + 2) * sizeof(char *)) : NULL;
                if (!nk) {
                        free(dup);
                        r = -ENOMEM;
                        break;
                }
                keys = nk;
                keys[n++] = dup;
                keys[n] = NULL;
        }
        if (r < 0) {
                strv_free_n(keys, n);
                return r;
        }
        *ret = keys;
        *ret_n = n;
        return 0;
}

bool platform_has_ssh_keys(Platform p) {
        return p == PLATFORM_AWS || p == PLATFORM_GCP;
}

int metadata_fetch_ssh_keys(Platform p, const char *base_url, const FetchPolicy *policy, FetchLog log,
                            void *userdata, char ***ret_keys, size_t *ret_n, char **ret_source) {
        _cleanup_free_ char *url = NULL, *text = NULL;
        const char *path;
        size_t size = 0;
        int r;

        *ret_source = NULL;
        if (!platform_has_ssh_keys(p))
                return -EOPNOTSUPP;
        path = p == PLATFORM_AWS ? IMDS_SSH_KEY_PATH : GCE_SSH_KEYS_PATH;
        if (asprintf(&url, "%s%s", base_url, path) < 0)
                return -ENOMEM;
        r = fetch_run(&(Target) { .p = p, .base = base_url, .path = path, .url = url, .name = services[p].name,
                                  .none = "no user data", .max = CONFIG_SIZE_MAX },
                      policy, log, userdata, &text, &size, ret_source);
        if (r <= 0) {
                if (r == 0) {
                        *ret_keys = NULL;
                        *ret_n = 0;
                }
                return r;
        }
        r = ssh_keys_parse(p, text, size, ret_keys, ret_n);
        if (r < 0) {
                free(*ret_source);
                if (asprintf(ret_source, "%s (%s: %s)", services[p].name, url,
                             r == -E2BIG ? "more than 64 SSH keys" : "not a list of OpenSSH public keys") < 0)
                        *ret_source = NULL;
                return r;
        }
        return *ret_n > 0;
}

typedef struct ExchangeCtx {
        const char *method, *url;
        struct curl_slist *headers;
        const char *body;
        size_t body_size;
} ExchangeCtx;

/* One attempt of http_fetch(): a 2xx is the answer, 429 and 5xx and a transport error that
 * may pass are tried again, anything else is an error. */
static Step exchange_attempt(Fetch *f, void *ctx, Response *r) {
        ExchangeCtx *c = ctx;
        const char *method = c->method, *url = c->url;
        int k = http_request_body(method, url, c->headers, c->body, c->body_size, f->policy, r);
        if (k < 0)
                return report(f, method, url, r, STEP_FAIL, k, "out of memory");
        if (r->error < 0)
                return judge_transport(f, method, url, r);
        if (r->status >= 200 && r->status <= 299)
                return report(f, method, url, r, STEP_OK, 0, NULL);
        if (status_is_transient(r->status))
                return report(f, method, url, r, STEP_RETRY, -EAGAIN, "the service is busy");
        if (r->status >= 300 && r->status <= 399)
                return report(f, method, url, r, STEP_FAIL, -EPROTO, "a redirect, which is not followed");
        /* Gone: what the request was about has changed (Azure: a new goal state); the caller
         * may start over from the new state, the same request never succeeds. */
        if (r->status == 410)
                return report(f, method, url, r, STEP_FAIL, -ESTALE, "gone: the state it refers to has changed");
        return report(f, method, url, r, STEP_FAIL, -EPROTO, "unexpected answer");
}

int http_fetch(const char *method, const char *url, const char *const *headers, const char *body, size_t body_size,
               size_t max, const FetchPolicy *policy, FetchLog log, void *userdata, char **ret_body, size_t *ret_size,
               char **ret_why) {
        Fetch f = { .policy = policy, .log = log, .userdata = userdata, .error = -EIO };
        Response r = { .max = max };
        struct curl_slist *h = NULL;
        Step s = STEP_FAIL;

        *ret_why = NULL;
        if (policy->attempts == 0)
                return -EINVAL;
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
                return -ENOMEM;
        for (size_t i = 0; headers && headers[i]; i++)
                if (headers_add(&h, headers[i]) < 0) {
                        curl_slist_free_all(h);
                        curl_global_cleanup();
                        return -ENOMEM;
                }
        s = attempts_run(&f, exchange_attempt,
                         &(ExchangeCtx) { .method = method, .url = url, .headers = h, .body = body, .body_size = body_size },
                         &r);
        curl_slist_free_all(h);
        curl_global_cleanup();
        if (s == STEP_OK) {
                if (!r.body && !(r.body = strdup("")))
                        return -ENOMEM;
                *ret_body = TAKE_PTR(r.body);
                if (ret_size)
                        *ret_size = r.size;
                return 0;
        }
        response_clear(&r);
        if (s == STEP_RETRY) {
                if (asprintf(ret_why, "after %u attempts; the last: %s", policy->attempts, f.why) < 0)
                        *ret_why = NULL;
        } else if (!(*ret_why = strdup(f.why)))
                return -ENOMEM;
        return f.error;
}
