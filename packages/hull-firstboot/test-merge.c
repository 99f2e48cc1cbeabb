/* SPDX-License-Identifier: MIT */
/* ignition.config.merge[] and .replace: the merge rules on data: references, the limits, every
 * malformed reference, http(s) references from a server started here on 127.0.0.1, and the
 * fetched bodies by URL (ConfigRefs) the provisioning resolves from. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <openssl/evp.h>

#include "config.h"
#include "fetch.h"
#include "hull/fileio.h"
#include "hull/json.h"
#include "hull/macro.h"
#include "hull/tests.h"
#include "merge.h"
#include "testhttp.h"

#define V "{\"ignition\":{\"version\":\"3.4.0\""

/* Strings made by the helpers below, freed at the end. */
static char *pool[512];
static size_t n_pool;

static char *keep(char *s) {
        if (!s || n_pool >= ELEMENTSOF(pool))
                abort();
        pool[n_pool++] = s;
        return s;
}

_printf_(1, 2) static char *fmt(const char *format, ...) {
        va_list ap;
        char *s = NULL;

        va_start(ap, format);
        if (vasprintf(&s, format, ap) < 0)
                abort();
        va_end(ap);
        return keep(s);
}

/* A data: URL of text, every byte but letters and digits percent-encoded. */
static char *data(const char *text) {
        size_t n = strlen(text);
        char *s = malloc(6 + 3 * n + 1), *p;

        if (!s)
                abort();
        p = stpcpy(s, "data:,");
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) text[i];
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
                        *p++ = (char) c;
                else
                        p += sprintf(p, "%%%02X", c);
        }
        *p = 0;
        return keep(s);
}

static char *sha256(const void *d, size_t n) {
        uint8_t md[32];
        unsigned len = 0;
        char *s = malloc(7 + 64 + 1);

        if (!s || EVP_Digest(d, n, md, &len, EVP_sha256(), NULL) != 1)
                abort();
        strcpy(s, "sha256-");
        for (unsigned i = 0; i < 32; i++)
                sprintf(s + 7 + 2 * i, "%02x", md[i]);
        return keep(s);
}

/* A config that merges the given references (JSON objects, as text). */
static char *merging(const char *body, const char *refs) {
        return fmt(V ",\"config\":{\"merge\":[%s]}}%s%s}", refs, body[0] ? "," : "", body);
}

static char *file_cfg(const char *path, const char *contents) {
        return fmt(V "},\"storage\":{\"files\":[{\"path\":\"%s\",\"overwrite\":true,\"contents\":{\"source\":\"%s\"}}]}}",
                   path, data(contents));
}

static Config *parse_ok(int line, const char *json, const ConfigResolver *res) {
        Diag e = {};
        Config *c = NULL;
        int r = config_parse_with(json, strlen(json), res, &c, &e);

        if (r < 0 || !c) {
                fprintf(stderr, "test-merge.c:%d: expected success, got r=%d:\n", line, r);
                for (size_t i = 0; i < e.n; i++)
                        fprintf(stderr, "    %s\n", e.msgs[i]);
                hull_test_failures++;
        }
        diag_clear(&e);
        return c;
}
#define PARSE_OK(json) parse_ok(__LINE__, json, NULL)

static void expect_error(int line, const char *json, const ConfigResolver *res, const char *needle) {
        Diag e = {};
        Config *c = NULL;
        int r = config_parse_with(json, strlen(json), res, &c, &e);
        bool found = false;

        for (size_t i = 0; i < e.n; i++)
                if (strstr(e.msgs[i], needle))
                        found = true;
        if (r >= 0 || !found || c) {
                fprintf(stderr, "test-merge.c:%d: expected an error containing \"%s\", got r=%d:\n", line, needle, r);
                for (size_t i = 0; i < e.n; i++)
                        fprintf(stderr, "    %s\n", e.msgs[i]);
                hull_test_failures++;
        }
        config_free(c);
        diag_clear(&e);
}
#define EXPECT_ERROR(json, needle) expect_error(__LINE__, json, NULL, needle)

static const ConfigFile *find_file(const Config *c, const char *path) {
        for (size_t i = 0; c && i < c->n_files; i++)
                if (strcmp(c->files[i].path, path) == 0)
                        return &c->files[i];
        return NULL;
}

static bool file_is(const Config *c, const char *path, const char *contents) {
        const ConfigFile *f = find_file(c, path);
        return f && f->size == strlen(contents) && (f->size == 0 || memcmp(f->data, contents, f->size) == 0);
}

static void test_order(void) {
        /* Each merge onto the result so far, in order: the last one wins. */
        Config *c = PARSE_OK(merging(
                "\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"mode\":384,\"contents\":{\"source\":\"data:,root\"}},"
                "{\"path\":\"/etc/keep\"}]}",
                fmt("{\"source\":\"%s\"},{\"source\":\"%s\"}", data(file_cfg("/etc/a", "one")),
                    data(file_cfg("/etc/a", "two")))));
        CHECK(c && c->n_files == 2);
        CHECK(file_is(c, "/etc/a", "two"));
        CHECK(c && find_file(c, "/etc/a")->mode == 0600); /* the parent's mode: the children set none */
        CHECK(c && find_file(c, "/etc/a")->overwrite);
        CHECK(c && c->files[0].path && strcmp(c->files[0].path, "/etc/a") == 0); /* the parent's place */
        CHECK(file_is(c, "/etc/keep", ""));
        config_free(c);

        /* The same two the other way round. */
        c = PARSE_OK(merging("", fmt("{\"source\":\"%s\"},{\"source\":\"%s\"}", data(file_cfg("/etc/a", "two")),
                                     data(file_cfg("/etc/a", "one")))));
        CHECK(file_is(c, "/etc/a", "one"));
        config_free(c);

        /* A child without references of its own, a parent without anything else. */
        c = PARSE_OK(merging("", fmt("{\"source\":\"%s\"}", data(V "}}"))));
        CHECK(c && c->n_files == 0 && c->n_users == 0);
        config_free(c);

        /* Empty config objects ask for nothing. */
        config_free(PARSE_OK(V ",\"config\":{}}}"));
        config_free(PARSE_OK(V ",\"config\":{\"merge\":[],\"replace\":{}}}}"));
        config_free(PARSE_OK(V ",\"config\":{\"replace\":{\"source\":null}}}}"));
        config_free(PARSE_OK(V ",\"config\":null}}"));
}

static void test_keyed(void) {
        const char *child = V "},"
                "\"passwd\":{\"users\":[{\"name\":\"core\",\"sshAuthorizedKeys\":[\"ssh-ed25519 B\",\"ssh-ed25519 A\"],"
                "\"groups\":[\"sudo\",\"docker\"],\"shell\":\"/bin/sh\"},{\"name\":\"ops\"}]},"
                "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"contents\":\"[Service]\\nExecStart=/bin/two\\n\","
                "\"dropins\":[{\"name\":\"x.conf\",\"contents\":\"X2\"},{\"name\":\"y.conf\",\"contents\":\"Y\"}]},"
                "{\"name\":\"b.service\",\"mask\":true}]}}";
        Config *c = PARSE_OK(merging(
                "\"passwd\":{\"users\":[{\"name\":\"core\",\"sshAuthorizedKeys\":[\"ssh-ed25519 A\"],\"groups\":[\"sudo\"],"
                "\"passwordHash\":\"$6$x$y\"}]},"
                "\"systemd\":{\"units\":[{\"name\":\"a.service\",\"enabled\":false,\"contents\":\"[Service]\\nExecStart=/bin/one\\n\","
                "\"dropins\":[{\"name\":\"x.conf\",\"contents\":\"X1\"}]}]}",
                fmt("{\"source\":\"%s\"}", data(child))));

        CHECK(c && c->n_users == 2 && c->n_units == 2);
        if (!c || c->n_users != 2 || c->n_units != 2) {
                config_free(c);
                return;
        }
        /* Same name: field by field, lists appended without duplicates. */
        CHECK_STREQ(c->users[0].name, "core");
        CHECK_EQ_INT(c->users[0].n_ssh_keys, 2);
        CHECK_STREQ(c->users[0].ssh_keys[0], "ssh-ed25519 A");
        CHECK_STREQ(c->users[0].ssh_keys[1], "ssh-ed25519 B");
        CHECK_EQ_INT(c->users[0].n_groups, 2);
        CHECK_STREQ(c->users[0].groups[1], "docker");
        CHECK_STREQ(c->users[0].password_hash, "$6$x$y");
        CHECK_STREQ(c->users[0].shell, "/bin/sh");
        CHECK_STREQ(c->users[1].name, "ops");
        /* Units by name, their drop-ins by name. */
        CHECK_STREQ(c->units[0].name, "a.service");
        CHECK_STREQ(c->units[0].contents, "[Service]\nExecStart=/bin/two\n");
        CHECK_EQ_INT(c->units[0].enabled, 0);
        CHECK_EQ_INT(c->units[0].n_dropins, 2);
        CHECK_STREQ(c->units[0].dropins[0].contents, "X2");
        CHECK_STREQ(c->units[0].dropins[1].name, "y.conf");
        CHECK(c->units[1].mask);
        config_free(c);

        /* Storage nodes share one key space: a child's file replaces a parent's directory
         * (and its link) at that path; a directory merges with a directory. */
        c = PARSE_OK(merging(
                "\"storage\":{\"directories\":[{\"path\":\"/etc/d\"},{\"path\":\"/var/x\",\"mode\":448}],"
                "\"links\":[{\"path\":\"/etc/l\",\"target\":\"/etc/d\"}]}",
                fmt("{\"source\":\"%s\"}",
                    data(V "},\"storage\":{\"files\":[{\"path\":\"/etc/d\"},{\"path\":\"/etc/l\"}],"
                           "\"directories\":[{\"path\":\"/var/x\",\"mode\":493}]}}"))));
        CHECK(c && c->n_files == 2 && c->n_directories == 1 && c->n_links == 0);
        CHECK(c && c->n_directories == 1 && c->directories[0].mode == 0755);
        config_free(c);

        /* Two entries with one key in the same config stay a duplicate, merged or not. */
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\"}",
                                     data(V "},\"storage\":{\"files\":[{\"path\":\"/etc/a\"},{\"path\":\"/etc/a\"}]}}"))),
                     "duplicate path \"/etc/a\"");
        /* What the merged document asks is checked like any config. */
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\"}", data(V "},\"storage\":{\"files\":[{\"path\":\"/usr/x\"}]}}"))),
                     "storage.files[0].path: \"/usr/x\" is under /usr");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\"}", data(V ",\"timeouts\":{\"httpTotal\":5}}}"))),
                     "ignition.timeouts: unsupported field");
        /* A null in the child leaves the parent's value. */
        c = PARSE_OK(merging("\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"mode\":384}]}",
                             fmt("{\"source\":\"%s\"}",
                                 data(V "},\"storage\":{\"files\":[{\"path\":\"/etc/a\",\"mode\":null}]}}"))));
        CHECK(c && c->n_files == 1 && c->files[0].mode == 0600);
        config_free(c);
}

static void test_replace(void) {
        Config *c = PARSE_OK(fmt(V ",\"config\":{\"replace\":{\"source\":\"%s\",\"verification\":{\"hash\":\"%s\"}}}},"
                                   "\"storage\":{\"files\":[{\"path\":\"/etc/old\"}]}}",
                                 data(file_cfg("/etc/new", "n")), sha256(file_cfg("/etc/new", "n"), strlen(file_cfg("/etc/new", "n")))));
        CHECK(c && c->n_files == 1 && file_is(c, "/etc/new", "n"));
        config_free(c);
        /* The replacement's own references are resolved in turn. */
        c = PARSE_OK(fmt(V ",\"config\":{\"replace\":{\"source\":\"%s\"}}}}",
                         data(merging("\"storage\":{\"directories\":[{\"path\":\"/srv/d\"}]}",
                                      fmt("{\"source\":\"%s\"}", data(file_cfg("/etc/deep", "d")))))));
        CHECK(c && c->n_files == 1 && c->n_directories == 1 && file_is(c, "/etc/deep", "d"));
        config_free(c);
        EXPECT_ERROR(fmt(V ",\"config\":{\"replace\":{\"source\":\"%s\"},\"merge\":[{\"source\":\"%s\"}]}}}",
                         data(V "}}"), data(V "}}")),
                     "ignition.config: replace and merge cannot both be given");
}

static void test_gzip(void) {
        const char *child = file_cfg("/etc/z", "zipped");
        uint8_t gz[512];
        uLongf gz_len = sizeof gz;
        z_stream z = {};
        char b64[1024];
        Config *c;

        CHECK(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
        z.next_in = (Bytef *) child;
        z.avail_in = (uInt) strlen(child);
        z.next_out = gz;
        z.avail_out = sizeof gz;
        CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
        gz_len = z.total_out;
        deflateEnd(&z);
        CHECK(EVP_EncodeBlock((unsigned char *) b64, gz, (int) gz_len) > 0);
        /* The hash is of the decompressed config, as for files. */
        c = PARSE_OK(merging("", fmt("{\"source\":\"data:;base64,%s\",\"compression\":\"gzip\","
                                     "\"verification\":{\"hash\":\"%s\"}}", b64, sha256(child, strlen(child)))));
        CHECK(file_is(c, "/etc/z", "zipped"));
        config_free(c);
        EXPECT_ERROR(merging("", fmt("{\"source\":\"data:;base64,%s\",\"compression\":\"gzip\","
                                     "\"verification\":{\"hash\":\"%s\"}}", b64, sha256(gz, gz_len))),
                     "ignition.config.merge[0].verification.hash: mismatch");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"data:;base64,%s\"}", b64)), "merge[0].source: the referenced config contains a NUL byte");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\",\"compression\":\"gzip\"}", data(child))),
                     "merge[0].source: the config from \"data:");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\",\"compression\":\"xz\"}", data(child))),
                     "merge[0].compression: unsupported compression \"xz\"");
}

static void test_depth(void) {
        /* 8 configs below the root: fine; 9: refused. */
        char *cfg = (char *) file_cfg("/etc/leaf", "leaf");
        for (unsigned i = 0; i < CONFIG_REFS_DEPTH_MAX; i++)
                cfg = merging("", fmt("{\"source\":\"%s\"}", data(cfg)));
        Config *c = PARSE_OK(cfg);
        CHECK(file_is(c, "/etc/leaf", "leaf"));
        config_free(c);
        cfg = merging("", fmt("{\"source\":\"%s\"}", data(cfg)));
        EXPECT_ERROR(cfg, "> ignition.config: references nested more than 8 configs deep");
        /* Each error names the chain of references that led to it. */
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\"}", data(merging("", "{\"source\":\"s3://b/k\"}")))),
                     "ignition.config.merge[0] > ignition.config.merge[0].source: unsupported source scheme \"s3\"");

        /* 16 references a config, 64 in all. */
        {
                char *refs = fmt("{\"source\":\"%s\"}", data(V "}}"));
                for (unsigned i = 1; i < CONFIG_REFS_PER_CONFIG_MAX; i++)
                        refs = fmt("%s,{\"source\":\"%s\"}", refs, data(V "}}"));
                config_free(PARSE_OK(merging("", refs)));
                EXPECT_ERROR(merging("", fmt("%s,{\"source\":\"%s\"}", refs, data(V "}}"))),
                             "ignition.config.merge: has more than 16 entries");
                /* 16 configs of 16 references each: 272 in all. */
                const char *inner = data(merging("", refs));
                refs = fmt("{\"source\":\"%s\"}", inner);
                for (unsigned i = 1; i < CONFIG_REFS_PER_CONFIG_MAX; i++)
                        refs = fmt("%s,{\"source\":\"%s\"}", refs, inner);
                EXPECT_ERROR(merging("", refs), "more than 64 referenced configs in all");
        }
}

static void test_malformed(void) {
        const char *child = V "}}";

        EXPECT_ERROR(merging("", "{}"), "ignition.config.merge[0].source: is required");
        EXPECT_ERROR(merging("", "{\"source\":null}"), "ignition.config.merge[0].source: is required");
        EXPECT_ERROR(merging("", "\"data:,x\""), "ignition.config.merge[0]: expected an object, got a string");
        EXPECT_ERROR(merging("", "[]"), "ignition.config.merge[0]: expected an object, got an array");
        EXPECT_ERROR(merging("", "{\"source\":7}"), "ignition.config.merge[0].source: expected a string");
        EXPECT_ERROR(V ",\"config\":{\"merge\":{}}}}", "ignition.config.merge: expected an array");
        EXPECT_ERROR(V ",\"config\":{\"replace\":[]}}}", "ignition.config.replace: expected an object");
        EXPECT_ERROR(V ",\"config\":[]}}", "ignition.config: expected an object");
        EXPECT_ERROR(V ",\"config\":{\"other\":1}}}", "ignition.config.other: unsupported field");
        EXPECT_ERROR(merging("", "{\"source\":\"s3://bucket/key\"}"), "merge[0].source: unsupported source scheme \"s3\"");
        EXPECT_ERROR(merging("", "{\"source\":\"gs://bucket/key\"}"), "unsupported source scheme \"gs\"");
        EXPECT_ERROR(merging("", "{\"source\":\"tftp://h/x\"}"), "unsupported source scheme \"tftp\"");
        EXPECT_ERROR(merging("", "{\"source\":\"arn:aws:s3:::b/k\"}"), "unsupported source scheme \"arn\"");
        EXPECT_ERROR(merging("", "{\"source\":\"/etc/x.ign\"}"), "merge[0].source: is not a URL");
        EXPECT_ERROR(merging("", "{\"source\":\"http://h/x.ign\"}"),
                     "merge[0].source: \"http://h/x.ign\": plain http needs verification.hash");
        EXPECT_ERROR(merging("", "{\"source\":\"http://h/x.ign\",\"verification\":{\"hash\":\"\"}}"),
                     "plain http needs verification.hash");
        EXPECT_ERROR(merging("", "{\"source\":\"https://h/x.ign\"}"),
                     "merge[0].source: \"https://h/x.ign\" is fetched over the network");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\",\"httpHeaders\":[{\"name\":\"a\",\"value\":\"b\"}]}", data(child))),
                     "ignition.config.merge[0].httpHeaders: is not supported");
        config_free(PARSE_OK(merging("", fmt("{\"source\":\"%s\",\"httpHeaders\":[]}", data(child)))));
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\",\"x\":1}", data(child))), "merge[0].x: unsupported field");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\",\"verification\":{\"hash\":\"sha1-00\"}}", data(child))),
                     "merge[0].verification.hash: unsupported hash type");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\",\"verification\":{\"hash\":\"sha256-zz\"}}", data(child))),
                     "merge[0].verification.hash: malformed hash");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\",\"verification\":{\"hash\":\"%s\"}}", data(child),
                                     sha256("x", 1))),
                     "merge[0].verification.hash: mismatch");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\",\"verification\":{\"x\":1}}", data(child))),
                     "merge[0].verification.x: unsupported field");
        EXPECT_ERROR(merging("", "{\"source\":\"data:;base64,%%%\"}"), "merge[0].source: malformed data: URL");
        /* The child itself. */
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\"}", data("{"))), "merge[0].source: the referenced config is not valid JSON");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\"}", data("[1]"))), "the referenced config is not a JSON object");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\"}", data("{}"))), "the referenced config has no ignition.version");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\"}", data("{\"ignition\":{\"version\":\"2.3.0\"}}"))),
                     "merge[0].source: the referenced config has unsupported ignition.version \"2.3.0\"");
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\"}", data("{\"ignition\":{\"version\":\"3.5.0\"}}"))),
                     "unsupported ignition.version \"3.5.0\"");
        /* The second one is bad: nothing of the first is used either. */
        EXPECT_ERROR(merging("", fmt("{\"source\":\"%s\"},{\"source\":\"%s\"}", data(file_cfg("/etc/a", "a")), data("{"))),
                     "ignition.config.merge[1].source: the referenced config is not valid JSON");
}

/* ---- http(s) references ---- */

static const char *served; /* the child config the server hands out at /child.ign */

static void serve(int fd) {
        char buf[4096], path[256] = "";
        ssize_t n = read(fd, buf, sizeof buf - 1);
        char head[256];
        const char *body = NULL;
        int status = 200;

        if (n <= 0)
                return;
        buf[n] = 0;
        (void) sscanf(buf, "GET %255s", path);
        if (strcmp(path, "/child.ign") == 0)
                body = served;
        else if (strcmp(path, "/broken.ign") == 0)
                body = "{\"ignition\":";
        else if (strcmp(path, "/busy.ign") == 0)
                status = 503, body = "";
        else
                status = 404, body = "";
        snprintf(head, sizeof head, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", status,
                 strlen(body));
        (void) loop_write(fd, head, strlen(head));
        (void) loop_write(fd, body, strlen(body));
}

static const FetchPolicy policy = {
        .attempts = 2, .backoff_ms = 10, .backoff_max_ms = 10, .connect_timeout_ms = 2000, .timeout_ms = 4000,
};

/* The fetch step's fetcher: over the network, each body kept by URL. */
static int net_fetch(const ConfigSource *s, void *userdata, char **ret_body, size_t *ret_size, char **ret_why) {
        ConfigRefs *refs = userdata;
        char name[65];
        int r;

        r = url_fetch_reference(s->url, &policy, NULL, NULL, ret_body, ret_size, ret_why);
        if (r < 0)
                return r;
        if (refs && config_ref_name(s->url, name) == 0) {
                int k = config_refs_add(refs, name, *ret_body, *ret_size);
                CHECK(k == 0 || k == -EEXIST);
        }
        return 0;
}

static void test_http(void) {
        _cleanup_config_refs_ ConfigRefs refs = {};
        ConfigResolver net = { .fetch = net_fetch, .userdata = &refs };
        ConfigResolver cached = { .fetch = config_refs_fetch, .userdata = &refs };
        const char *child = file_cfg("/etc/from-http", "fetched");
        char *base, *cfg, *pin;
        unsigned port;
        pid_t server;
        Config *c;

        served = child;
        server = test_http_server_start(serve, &port);
        base = fmt("http://127.0.0.1:%u", port);
        pin = fmt("\"verification\":{\"hash\":\"%s\"}", sha256(child, strlen(child)));

        /* http pinned by its hash: fetched, checked, merged; the same from the kept bodies. */
        cfg = merging("\"storage\":{\"directories\":[{\"path\":\"/srv/d\"}]}",
                      fmt("{\"source\":\"%s/child.ign\",\"verification\":{\"hash\":\"%s\"}}", base,
                          sha256(child, strlen(child))));
        c = parse_ok(__LINE__, cfg, &net);
        CHECK(file_is(c, "/etc/from-http", "fetched") && c->n_directories == 1);
        config_free(c);
        CHECK_EQ_INT(refs.n, 1);
        c = parse_ok(__LINE__, cfg, &cached);
        CHECK(file_is(c, "/etc/from-http", "fetched"));
        config_free(c);

        /* What the fetch step does for a seed: each listed reference with its path. */
        {
                _cleanup_json_ json_object *found = NULL, *root = NULL;
                _cleanup_diag_ Diag e = {};
                const char *nested = merging("", fmt("{\"source\":\"%s\"}",
                                                     data(merging("", fmt("{\"source\":\"%s/child.ign\",%s}", base,
                                                                          pin)))));
                json_object *entry, *v;

                root = json_tokener_parse(nested);
                CHECK(root && config_remote_references(root, &found, &e) == 0);
                CHECK(found && json_object_array_length(found) == 1);
                entry = found ? json_object_array_get_idx(found, 0) : NULL;
                CHECK(entry && json_object_object_get_ex(entry, "path", &v) &&
                      strcmp(json_object_get_string(v), "ignition.config.merge[0] > ignition.config.merge[0]") == 0);
                CHECK(entry && json_object_object_get_ex(entry, "ref", &v) &&
                      config_resolve_reference(v, "x", &net, &e) == 0);
                CHECK_EQ_INT(e.n_errors, 0);
        }

        /* Mismatch, not found, busy, broken JSON: one error naming the reference. */
        expect_error(__LINE__, merging("", fmt("{\"source\":\"%s/child.ign\",\"verification\":{\"hash\":\"%s\"}}", base,
                                               sha256("x", 1))),
                     &net, "ignition.config.merge[0].verification.hash: mismatch: the config from \"http://127.0.0.1");
        expect_error(__LINE__, merging("", fmt("{\"source\":\"%s/child.ign\",%s},{\"source\":\"%s/missing.ign\",%s}", base,
                                               pin, base, pin)),
                     &net, "ignition.config.merge[1].source: failed to fetch \"http://127.0.0.1");
        expect_error(__LINE__, merging("", fmt("{\"source\":\"%s/missing.ign\",%s}", base, pin)), &net, "HTTP 404");
        expect_error(__LINE__, merging("", fmt("{\"source\":\"%s/busy.ign\",%s}", base, pin)), &net, "after 2 attempts");
        expect_error(__LINE__, merging("", fmt("{\"source\":\"%s/broken.ign\",\"verification\":{\"hash\":\"%s\"}}", base, sha256("{\"ignition\":", 12))), &net,
                     "merge[0].source: the referenced config is not valid JSON");
        /* https with a server that speaks plain http: a TLS failure. */
        expect_error(__LINE__, merging("", fmt("{\"source\":\"https://127.0.0.1:%u/child.ign\"}", port)), &net,
                     "merge[0].source: failed to fetch \"https://127.0.0.1");
        /* The provisioning resolves only from what was fetched. */
        expect_error(__LINE__, merging("", fmt("{\"source\":\"%s/other.ign\",%s}", base, pin)), &cached,
                     "merge[0].source: failed to fetch \"http://127.0.0.1:");
        expect_error(__LINE__, merging("", fmt("{\"source\":\"%s/other.ign\",%s}", base, pin)), &cached, "not fetched");
        kill(server, SIGKILL);
}

static void test_refs(void) {
        _cleanup_config_refs_ ConfigRefs r = {};
        char name[65], other[65];
        const char *b;
        size_t n;

        CHECK_EQ_INT(config_ref_name("https://example.com/a.ign", name), 0);
        CHECK(config_ref_name_is_valid(name));
        CHECK(!config_ref_name_is_valid("../x"));
        CHECK(!config_ref_name_is_valid(""));
        CHECK_EQ_INT(config_refs_add(&r, name, "abc", 3), 0);
        CHECK_EQ_INT(config_refs_add(&r, name, "abc", 3), -EEXIST);
        CHECK_EQ_INT(config_refs_add(&r, "x", "abc", 3), -EINVAL);
        CHECK_EQ_INT(config_refs_find(&r, "https://example.com/a.ign", &b, &n), 1);
        CHECK(n == 3 && memcmp(b, "abc", 3) == 0);
        CHECK_EQ_INT(config_refs_find(&r, "https://example.com/b.ign", &b, &n), 0);
        for (unsigned i = 1; i < CONFIG_REFS_MAX; i++) {
                CHECK_EQ_INT(config_ref_name(fmt("u%u", i), other), 0);
                CHECK_EQ_INT(config_refs_add(&r, other, "", 0), 0);
        }
        CHECK_EQ_INT(config_ref_name("one more", other), 0);
        CHECK_EQ_INT(config_refs_add(&r, other, "", 0), -E2BIG);
}

int main(void) {
        test_order();
        test_keyed();
        test_replace();
        test_gzip();
        test_depth();
        test_malformed();
        test_http();
        test_refs();
        for (size_t i = 0; i < n_pool; i++)
                free(pool[i]);
        return TEST_RETURN();
}
