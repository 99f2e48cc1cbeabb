/* SPDX-License-Identifier: MIT */
/* runtime_prepare() on real files: fixture directories laid out as Docker, BuildKit, runc and
 * containerd lay them out (Docker's at several data-roots), each found only through the
 * fixture spec's mount sources, the bundle path and runc's state; and the program itself on
 * the paths that end before runc would run. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "caps.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/process.h"
#include "hull/tests.h"
#include "spec.h"
#include "testutil.h"

/* Paths here are short (under /tmp); truncation cannot happen. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define BKID "q8ksu4kqmxbr3k0d1lz8x9w2t"

static char tmp[] = "/tmp/test-hull-runtime.XXXXXX";

/* A build step's seccomp filter, as the image's STEP_SECCOMP_PATH holds one (written by main). */
static char STEP[sizeof(tmp) + 32];
#define STEP_FILTER                                                                                   \
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,\"architectures\":[\"SCMP_ARCH_X86_64\"]," \
        "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"

/* P("x/y"): tmp/x/y in a static buffer (one of 8, round robin). */
static const char *P(const char *rel) {
        static char bufs[8][PATH_MAX];
        static unsigned i;
        char *b = bufs[i++ % 8];
        snprintf(b, PATH_MAX, "%s/%s", tmp, rel);
        return b;
}

static void mkdirs(const char *path) {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s", path);
        for (char *s = p + 1; *s; s++)
                if (*s == '/') {
                        *s = 0;
                        (void) mkdir(p, 0755);
                        *s = '/';
                }
        (void) mkdir(p, 0755);
}

static void put(const char *path, const char *text, mode_t mode) {
        char dir[PATH_MAX];
        snprintf(dir, sizeof(dir), "%s", path);
        *strrchr(dir, '/') = 0;
        mkdirs(dir);
        CHECK_EQ_INT(write_file_atomic(path, text, strlen(text), mode), 0);
}

static char *get(const char *path) {
        char *s = NULL;
        CHECK_EQ_INT(read_full_file(path, OCI_CONFIG_SIZE_MAX, &s, NULL), 0);
        return s;
}

/* A config.json as dockerd writes it for container id, its /etc/hostname, /etc/hosts and
 * /etc/resolv.conf mounted from <containers>/<from>/ (NULL: no such mounts), with the given
 * linux.cgroupsPath (NULL: none) and, for a privileged one, CAP_SYS_ADMIN too. */
static char *spec(const char *containers, const char *from, const char *cgroups, bool sys_admin) {
        json_object *o = json_tokener_parse(CONFIG_DEFAULT), *mounts, *v;
        static const char *const names[] = { "hostname", "hosts", "resolv.conf" };
        char *s;

        CHECK(o != NULL);
        CHECK(json_object_object_get_ex(o, "mounts", &mounts));
        for (size_t i = 0; containers && i < ELEMENTSOF(names); i++) {
                char src[PATH_MAX], dst[64];
                json_object *m = json_object_new_object();
                snprintf(src, sizeof(src), "%s/%s/%s", containers, from, names[i]);
                snprintf(dst, sizeof(dst), "/etc/%s", names[i]);
                json_object_object_add(m, "destination", json_object_new_string(dst));
                json_object_object_add(m, "type", json_object_new_string("bind"));
                json_object_object_add(m, "source", json_object_new_string(src));
                json_object_array_add(mounts, m);
        }
        CHECK(json_object_object_get_ex(o, "linux", &v));
        if (cgroups)
                json_object_object_add(v, "cgroupsPath", json_object_new_string(cgroups));
        if (sys_admin) {
                static const char *const sets[] = { "bounding", "effective", "permitted" };
                for (size_t i = 0; i < ELEMENTSOF(sets); i++)
                        json_object_array_add(test_caps_set(o, true, sets[i]), json_object_new_string("CAP_SYS_ADMIN"));
        }
        s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        CHECK(s != NULL);
        return s;
}

/* runc's state.json for a container whose bundle is bundle. */
static void put_state(const char *state_root, const char *id, const char *bundle) {
        char path[PATH_MAX], text[PATH_MAX + 256];
        snprintf(path, sizeof(path), "%s/%s/state.json", state_root, id);
        snprintf(text, sizeof(text),
                 "{\"id\":\"%s\",\"init_process_pid\":4242,\"config\":{\"rootfs\":\"/x\",\"labels\":"
                 "[\"com.example=1\",\"bundle=%s\"]},\"created\":\"2026-12-04T08:00:00Z\"}", id, bundle);
        put(path, text, 0600);
}

/* Which of the four a file's (bundle: process.)capabilities.bounding still holds, as DROP_* bits. */
static uint32_t kept(const char *path, bool bundle) {
        char *s = get(path);
        json_object *o = s ? json_tokener_parse(s) : NULL;
        uint32_t k = 0;

        CHECK(o != NULL);
        for (uint32_t bit = 1; bit <= DROP_SETPCAP; bit <<= 1)
                if (test_set_has(test_caps_set(o, bundle, "bounding"), drop_cap_name(bit)))
                        k |= bit;
        /* The ten others always stay. */
        CHECK(test_set_has(test_caps_set(o, bundle, "bounding"), "CAP_CHOWN"));
        CHECK(test_set_has(test_caps_set(o, bundle, "effective"), "CAP_KILL"));
        json_object_put(o);
        free(s);
        return k;
}

#define PROCESS_JSON                                                                                   \
        "{\"args\":[\"ping\"],\"cwd\":\"/\",\"capabilities\":{\"bounding\":" DOCKER_CAPS                 \
        ",\"effective\":" DOCKER_CAPS ",\"permitted\":" DOCKER_CAPS "}}"

typedef struct Case {
        const char *name;
        const char *containers; /* the containers directory of the layout, below tmp; NULL: none */
        const char *hostconfig; /* written to <containers>/<ID>/hostconfig.json; NULL: none */
        const char *from;       /* whose directory the mounts name (NULL: ID) */
        const char *cgroups;    /* linux.cgroupsPath */
        bool sys_admin;
        const char *bundle;     /* below tmp; NULL: containerd's moby bundle of ID */
        const char *id;         /* NULL: ID */
        int want_r;             /* runtime_prepare() for create, and for exec --process */
        uint32_t want_kept;     /* which of the four stay */
        bool step;              /* confined as a build step: no_new_privs, STEP's filter */
} Case;

/* Whether a file's process (bundle: process.) has noNewPrivileges true, and for a bundle
 * whether linux.seccomp is STEP's filter. */
static bool confined(const char *path, bool bundle) {
        char *s = get(path);
        json_object *o = s ? json_tokener_parse(s) : NULL, *p = o, *v, *want = json_tokener_parse(STEP_FILTER);
        bool nnp, filter = true;

        CHECK(o != NULL && want != NULL);
        if (bundle && !json_object_object_get_ex(o, "process", &p))
                p = NULL;
        nnp = p && json_object_object_get_ex(p, "noNewPrivileges", &v) && json_object_get_boolean(v);
        if (bundle)
                filter = json_object_object_get_ex(o, "linux", &v) && json_object_object_get_ex(v, "seccomp", &v) &&
                         json_object_equal(v, want);
        json_object_put(o);
        json_object_put(want);
        free(s);
        return nnp && filter;
}

/* A case's paths below tmp: its bundle (containerd's moby bundle of ID when NULL), the
 * bundle's config.json and its containers directory ("" when NULL), with hostconfig (when
 * not NULL) written to <containers>/<id>/hostconfig.json. */
static void case_layout(const char *bundle_dir, const char *containers_dir, const char *hostconfig, const char *id,
                        char bundle[static PATH_MAX], char config[static PATH_MAX + 16], char containers[static PATH_MAX]) {
        snprintf(bundle, PATH_MAX, "%s", P(bundle_dir ?: "run/containerd/io.containerd.runtime.v2.task/moby/" ID));
        snprintf(config, PATH_MAX + 16, "%s/config.json", bundle);
        snprintf(containers, PATH_MAX, "%s", containers_dir ? P(containers_dir) : "");
        if (hostconfig) {
                char hc[PATH_MAX + 128];
                snprintf(hc, sizeof(hc), "%s/%s/hostconfig.json", containers, id);
                put(hc, hostconfig, 0600);
        }
}

/* exec --process of container id: config.json (config) holds text again, runc's state (the
 * shim's --root, into state) names bundle, process.json (into process) is docker exec's. */
static RuncCall exec_layout(const char *config, const char *text, const char *id, const char *bundle,
                            char state[static PATH_MAX], char process[static PATH_MAX]) {
        put(config, text, 0600);
        snprintf(state, PATH_MAX, "%s", P("run/containerd/runc/moby"));
        put_state(state, id, bundle);
        snprintf(process, PATH_MAX, "%s", P("process.json"));
        put(process, PROCESS_JSON, 0600);
        return (RuncCall) { .command = RUNC_EXEC, .id = id, .root = state, .process = process };
}

static void run_case(const Case *c) {
        _cleanup_diag_ Diag e = {};
        const char *id = c->id ?: ID;
        char bundle[PATH_MAX], config[PATH_MAX + 16], containers[PATH_MAX], process[PATH_MAX], state[PATH_MAX];
        char *text;
        RuncCall call = { .command = RUNC_CREATE, .id = id };
        int r;

        fprintf(stderr, "case: %s\n", c->name);
        case_layout(c->bundle, c->containers, c->hostconfig, id, bundle, config, containers);
        text = spec(c->containers ? containers : NULL, c->from ?: id, c->cgroups, c->sys_admin);
        put(config, text, 0600);

        /* create: config.json */
        call.bundle = bundle;
        r = runtime_prepare(&call, STEP, &e);
        CHECK_EQ_INT(r, c->want_r);
        if (r < 0) {
                CHECK_EQ_INT((int) e.n, 1);
                if (e.n > 0)
                        fprintf(stderr, "  error: %s\n", e.msgs[0]);
                diag_clear(&e);
                /* fails closed: the file as it was */
                {
                        char *s = get(config);
                        CHECK_STREQ(s, text);
                        free(s);
                }
        } else {
                uint32_t k = kept(config, true);
                CHECK_EQ_INT(k, c->want_kept);
                CHECK_EQ_INT(r, k == DROP_ALL && !c->step ? 0 : 1);
                CHECK_EQ_INT(confined(config, true), c->step);
        }

        /* exec --process: the bundle is found through runc's state (the shim's --root). */
        call = exec_layout(config, text, id, bundle, state, process);
        r = runtime_prepare(&call, STEP, &e);
        CHECK_EQ_INT(r, c->want_r);
        if (r < 0) {
                CHECK_EQ_INT((int) e.n, 1);
                diag_clear(&e);
                {
                        char *s = get(process);
                        CHECK_STREQ(s, PROCESS_JSON);
                        free(s);
                }
        } else {
                CHECK_EQ_INT(kept(process, false), c->want_kept);
                CHECK_EQ_INT(confined(process, false), c->step);
        }
        free(text);
        CHECK_EQ_INT(unlink(process), 0);
        {
                char rm[PATH_MAX + 64];
                snprintf(rm, sizeof(rm), "rm -rf '%s/var' '%s/srv' '%s/run'", tmp, tmp, tmp);
                CHECK_EQ_INT(system(rm), 0);
        }
}

#define DOCKER "var/lib/docker/containers"
#define USERNS "var/lib/docker/100000.100000/containers"
#define MOVED "srv/docker-data/containers"
#define NET_RAW_KEPT DROP_NET_RAW

static const Case cases[] = {
        /* Docker, at /var/lib/docker */
        { "default container", DOCKER, HOSTCONFIG("null", "false"), .cgroups = "system.slice:docker:" ID, .want_r = 1 },
        { "--cap-add NET_RAW", DOCKER, HOSTCONFIG("[\"NET_RAW\"]", "false"), .want_r = 1, .want_kept = DROP_NET_RAW },
        { "--cap-add all four", DOCKER, HOSTCONFIG("[\"NET_RAW\",\"mknod\",\"CAP_AUDIT_WRITE\",\"SETPCAP\"]", "false"),
          .want_kept = DROP_ALL },
        { "--cap-add ALL", DOCKER, HOSTCONFIG("[\"ALL\"]", "false"), .want_kept = DROP_ALL },
        { "--privileged", DOCKER, HOSTCONFIG("null", "true"), .sys_admin = true, .want_kept = DROP_ALL },
        /* the same with userns-remap (<data-root>/<uid>.<gid>/) and a moved data-root */
        { "userns-remap default", USERNS, HOSTCONFIG("null", "false"), .want_r = 1 },
        { "userns-remap --cap-add NET_RAW", USERNS, HOSTCONFIG("[\"net_raw\"]", "false"), .want_r = 1,
          .want_kept = DROP_NET_RAW },
        { "userns-remap --privileged", USERNS, HOSTCONFIG("null", "true"), .want_kept = DROP_ALL },
        { "moved data-root default", MOVED, HOSTCONFIG("null", "false"), .cgroups = "/docker/" ID, .want_r = 1 },
        { "moved data-root --cap-add ALL", MOVED, HOSTCONFIG("\"ALL\"", "false"), .want_kept = DROP_ALL },
        /* --network container:ID2: the mounts are the other container's; the settings ours. */
        { "--network container:other", DOCKER, HOSTCONFIG("[\"MKNOD\"]", "false"), .from = ID2, .want_r = 1,
          .want_kept = DROP_MKNOD },
        /* Docker's settings that cannot be read: fail closed. */
        { "hostconfig.json missing", DOCKER, NULL, .want_r = -ENOENT },
        { "hostconfig.json malformed", DOCKER, "{\"CapAdd\":", .want_r = -EINVAL },
        { "hostconfig.json of the wrong shape", MOVED, "{\"Privileged\":\"yes\"}", .want_r = -EINVAL },
        { "Docker's cgroup, no container directory", NULL, NULL, .cgroups = "system.slice:docker:" ID,
          .want_r = -ENOENT },
        /* BuildKit's RUN: <data-root>/buildkit/executor/<id>, no Docker id, no hostconfig. */
        { "BuildKit RUN", NULL, NULL, .cgroups = "system.slice:docker:" BKID,
          .bundle = "var/lib/docker/buildkit/executor/" BKID, .id = BKID, .want_r = 1, .step = true },
        { "BuildKit RUN, userns-remap", NULL, NULL, .bundle = "var/lib/docker/100000.100000/buildkit/executor/" BKID,
          .id = BKID, .want_r = 1, .step = true },
        { "BuildKit RUN --security=insecure", NULL, NULL, .sys_admin = true,
          .bundle = "srv/docker-data/buildkit/executor/" BKID, .id = BKID, .want_kept = DROP_ALL },
        { "bundle of another id below buildkit/executor", NULL, NULL, .bundle = "var/lib/docker/buildkit/executor/x",
          .id = BKID, .want_kept = DROP_ALL },
        /* Neither: plain containerd (ctr run, a CRI pod), left alone, even with a Docker-like id. */
        { "plain containerd", NULL, NULL, .cgroups = "/default/" ID, .want_kept = DROP_ALL },
        { "CRI sandbox mounts", "var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes", NULL,
          .cgroups = "kubepods.slice:cri-containerd:" ID, .want_kept = DROP_ALL },
};

static void test_cases(void) {
        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                run_case(&cases[i]);
}

/* SCMP_ACT_NOTIFY in a container's seccomp profile (hull-seccomp record writes such rules):
 * runc needs linux.seccomp.listenerPath, which Docker 20.10 cannot set. A Docker container's
 * config.json gets the agent's socket; every other bundle is left as before. */
#define NOTIFY_RULE "{\"names\":[\"mount\",\"umount2\"],\"action\":\"SCMP_ACT_NOTIFY\"}"
#define PROFILE(extra, rules)                                                                          \
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1," extra                             \
        "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],\"syscalls\":["                     \
        "{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}" rules "]}"
#define NOTIFY_PROFILE PROFILE("", "," NOTIFY_RULE)
#define ERRNO_PROFILE PROFILE("", ",{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}")

typedef enum Bytes {
        BYTES_SAME,  /* config.json exactly as it was */
        BYTES_TODAY, /* exactly what the capability edit alone writes (oci_drop_caps()) */
        BYTES_OTHER, /* the listener added, or a build step's confinement */
} Bytes;

typedef struct NotifyCase {
        const char *name;
        const char *containers; /* as in Case */
        const char *hostconfig;
        const char *bundle;
        const char *id;
        bool sys_admin;
        const char *seccomp;       /* linux.seccomp; the text goes in as it is */
        int want_r;                /* runtime_prepare() for create and for run */
        const char *want_listener; /* linux.seccomp.listenerPath afterwards; NULL: none */
        Bytes bytes;
} NotifyCase;

/* spec() with linux.seccomp set to the text seccomp, spliced in as it is written. */
static char *spec_with_seccomp(const char *containers, const char *id, bool sys_admin, const char *seccomp) {
        char *text = spec(containers, id, NULL, sys_admin), *s = NULL;
        json_object *o = json_tokener_parse(text), *l;

        CHECK(o != NULL && json_object_object_get_ex(o, "linux", &l));
        json_object_object_add(l, "seccomp", json_object_new_string("@SECCOMP@"));
        {
                const char *t = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
                const char *at = strstr(t, "\"@SECCOMP@\"");
                CHECK(at != NULL);
                CHECK(asprintf(&s, "%.*s%s%s", (int) (at - t), t, seccomp, at + STRLEN("\"@SECCOMP@\"")) > 0);
        }
        json_object_put(o);
        free(text);
        return s;
}

/* linux.seccomp.listenerPath of a config.json (strdup), NULL if none. */
static char *listener_of(const char *path) {
        char *s = get(path), *found = NULL;
        json_object *o = s ? json_tokener_parse(s) : NULL, *v;

        CHECK(o != NULL);
        if (o && json_object_object_get_ex(o, "linux", &v) && json_object_object_get_ex(v, "seccomp", &v) &&
            json_object_object_get_ex(v, "listenerPath", &v))
                found = strdup(json_object_get_string(v));
        json_object_put(o);
        free(s);
        return found;
}

static void run_notify_case(const NotifyCase *c) {
        static const RuncCommand commands[] = { RUNC_CREATE, RUNC_RUN };
        const char *id = c->id ?: ID;
        char bundle[PATH_MAX], config[PATH_MAX + 16], containers[PATH_MAX], process[PATH_MAX], state[PATH_MAX];
        char *text, *today = NULL;

        fprintf(stderr, "notify case: %s\n", c->name);
        case_layout(c->bundle, c->containers, c->hostconfig, id, bundle, config, containers);
        text = spec_with_seccomp(c->containers ? containers : NULL, id, c->sys_admin, c->seccomp);
        if (c->bytes == BYTES_TODAY) {
                uint32_t drop = 0;
                CHECK_EQ_INT(hostconfig_drop_set(c->hostconfig, strlen(c->hostconfig), &drop), 0);
                CHECK_EQ_INT(oci_drop_caps(text, strlen(text), OCI_TARGET_BUNDLE, drop, &today), drop ? 1 : 0);
        }

        for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
                _cleanup_diag_ Diag e = {};
                RuncCall call = { .command = commands[i], .id = id, .bundle = bundle };
                char *s, *l;
                int r;

                put(config, text, 0600);
                r = runtime_prepare(&call, STEP, &e);
                CHECK_EQ_INT(r, c->want_r);
                s = get(config);
                if (r < 0) {
                        /* fails closed: one line naming config.json and what is wrong */
                        CHECK_EQ_INT((int) e.n, 1);
                        if (e.n > 0) {
                                fprintf(stderr, "  error: %s\n", e.msgs[0]);
                                CHECK(strncmp(e.msgs[0], config, strlen(config)) == 0);
                                CHECK(strstr(e.msgs[0], "linux.seccomp") != NULL);
                        }
                        CHECK_STREQ(s, text);
                        free(s);
                        continue;
                }
                CHECK_EQ_INT((int) e.n, 0);
                if (c->bytes == BYTES_SAME)
                        CHECK_STREQ(s, text);
                if (c->bytes == BYTES_TODAY)
                        CHECK_STREQ(s, today ?: text);
                free(s);
                l = listener_of(config);
                if (c->want_listener)
                        CHECK(l && strcmp(l, c->want_listener) == 0);
                else
                        CHECK(l == NULL);
                free(l);
        }

        /* exec --process: the process file gets what it got before and never a seccomp member;
         * the bundle's config.json (runc saved its own at create) is not touched. */
        if (c->want_r >= 0) {
                _cleanup_diag_ Diag e = {};
                RuncCall call;
                char *s;

                call = exec_layout(config, text, id, bundle, state, process);
                CHECK(runtime_prepare(&call, STEP, &e) >= 0);
                s = get(config);
                CHECK_STREQ(s, text);
                free(s);
                s = get(process);
                CHECK(strstr(s, "seccomp") == NULL && strstr(s, "listenerPath") == NULL);
                free(s);
                CHECK_EQ_INT(unlink(process), 0);
        }
        free(text);
        free(today);
        {
                char rm[PATH_MAX + 64];
                snprintf(rm, sizeof(rm), "rm -rf '%s/var' '%s/srv' '%s/run'", tmp, tmp, tmp);
                CHECK_EQ_INT(system(rm), 0);
        }
}

#define AGENT HULL_SECCOMP_AGENT_SOCKET

static const NotifyCase notify_cases[] = {
        /* Docker's container: the agent's socket, the capabilities trimmed as ever. */
        { "Docker, NOTIFY rule", DOCKER, HOSTCONFIG("null", "false"), .seccomp = NOTIFY_PROFILE, .want_r = 1,
          .want_listener = AGENT, .bytes = BYTES_OTHER },
        { "Docker --cap-add ALL, NOTIFY rule", DOCKER, HOSTCONFIG("[\"ALL\"]", "false"), .seccomp = NOTIFY_PROFILE,
          .want_r = 1, .want_listener = AGENT, .bytes = BYTES_OTHER },
        { "userns-remap, NOTIFY rule", USERNS, HOSTCONFIG("[\"NET_RAW\"]", "false"), .seccomp = NOTIFY_PROFILE,
          .want_r = 1, .want_listener = AGENT, .bytes = BYTES_OTHER },
        { "moved data-root, NOTIFY rule", MOVED, HOSTCONFIG("null", "false"), .seccomp = NOTIFY_PROFILE, .want_r = 1,
          .want_listener = AGENT, .bytes = BYTES_OTHER },
        { "Docker, NOTIFY as defaultAction (runc refuses it itself)", DOCKER, HOSTCONFIG("[\"ALL\"]", "false"),
          .seccomp = "{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}", .want_r = 1, .want_listener = AGENT,
          .bytes = BYTES_OTHER },
        { "Docker, listenerPath \"\"", DOCKER, HOSTCONFIG("null", "false"),
          .seccomp = PROFILE("\"listenerPath\":\"\",", "," NOTIFY_RULE), .want_r = 1, .want_listener = AGENT,
          .bytes = BYTES_OTHER },
        /* Without NOTIFY, or with a listener of its own: byte for byte what it was before. */
        { "Docker, no NOTIFY", DOCKER, HOSTCONFIG("null", "false"), .seccomp = ERRNO_PROFILE, .want_r = 1,
          .bytes = BYTES_TODAY },
        { "Docker --cap-add ALL, no NOTIFY", DOCKER, HOSTCONFIG("[\"ALL\"]", "false"), .seccomp = ERRNO_PROFILE,
          .want_r = 0, .bytes = BYTES_SAME },
        { "Docker --security-opt seccomp=unconfined", DOCKER, HOSTCONFIG("[\"ALL\"]", "false"), .seccomp = "null",
          .want_r = 0, .bytes = BYTES_SAME },
        { "Docker, listenerPath set", DOCKER, HOSTCONFIG("null", "false"),
          .seccomp = PROFILE("\"listenerPath\":\"/run/other.sock\",", "," NOTIFY_RULE), .want_r = 1,
          .want_listener = "/run/other.sock", .bytes = BYTES_TODAY },
        { "Docker --cap-add ALL, listenerPath set", DOCKER, HOSTCONFIG("[\"ALL\"]", "false"),
          .seccomp = PROFILE("\"listenerPath\":\"/run/other.sock\",", "," NOTIFY_RULE), .want_r = 0,
          .want_listener = "/run/other.sock", .bytes = BYTES_SAME },
        /* Not Docker's: a build step gets Hull's filter in place of its own, the rest is left alone. */
        { "BuildKit RUN, NOTIFY rule", NULL, NULL, .bundle = "var/lib/docker/buildkit/executor/" BKID, .id = BKID,
          .seccomp = NOTIFY_PROFILE, .want_r = 1, .bytes = BYTES_OTHER },
        { "BuildKit RUN --security=insecure, NOTIFY rule", NULL, NULL, .sys_admin = true,
          .bundle = "var/lib/docker/buildkit/executor/" BKID, .id = BKID, .seccomp = NOTIFY_PROFILE, .want_r = 0,
          .bytes = BYTES_SAME },
        { "plain containerd, NOTIFY rule", NULL, NULL, .seccomp = NOTIFY_PROFILE, .want_r = 0, .bytes = BYTES_SAME },
        { "CRI sandbox mounts, NOTIFY rule", "var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes", NULL,
          .seccomp = NOTIFY_PROFILE, .want_r = 0, .bytes = BYTES_SAME },
        { "plain containerd, malformed seccomp", NULL, NULL, .seccomp = "\"SCMP_ACT_NOTIFY\"", .want_r = 0,
          .bytes = BYTES_SAME },
        /* Docker's, with a seccomp section runc could not decode either: refused, file as it was. */
        { "Docker, seccomp a string", DOCKER, HOSTCONFIG("null", "false"), .seccomp = "\"SCMP_ACT_NOTIFY\"",
          .want_r = -EINVAL },
        { "Docker, syscalls an object", DOCKER, HOSTCONFIG("null", "false"),
          .seccomp = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":{\"mount\":\"SCMP_ACT_NOTIFY\"}}",
          .want_r = -EINVAL },
        { "Docker, a rule not an object", DOCKER, HOSTCONFIG("[\"ALL\"]", "false"),
          .seccomp = PROFILE("", ",\"mount\""), .want_r = -EINVAL },
        { "Docker, action not a string", DOCKER, HOSTCONFIG("[\"ALL\"]", "false"),
          .seccomp = PROFILE("", "," NOTIFY_RULE ",{\"names\":[\"x\"],\"action\":7}"), .want_r = -EINVAL },
        { "Docker, listenerPath not a string", DOCKER, HOSTCONFIG("null", "false"),
          .seccomp = PROFILE("\"listenerPath\":true,", "," NOTIFY_RULE), .want_r = -EINVAL },
};

static void test_notify_cases(void) {
        for (size_t i = 0; i < ELEMENTSOF(notify_cases); i++)
                run_notify_case(&notify_cases[i]);
}

/* A hostname mount from elsewhere (docker run -v /srv/h:/etc/hostname): the other two still
 * name the container directory. */
static void test_hostname_elsewhere(void) {
        _cleanup_diag_ Diag e = {};
        char bundle[PATH_MAX], config[PATH_MAX];
        RuncCall call = { .command = RUNC_CREATE, .id = ID, .bundle = bundle };
        json_object *o, *mounts;
        char *text;

        snprintf(bundle, sizeof(bundle), "%s", P("bundle"));
        snprintf(config, sizeof(config), "%s", P("bundle/config.json"));
        put(P(DOCKER "/" ID "/hostconfig.json"), HOSTCONFIG("null", "false"), 0600);
        text = spec(P(DOCKER), ID, NULL, false);
        o = json_tokener_parse(text);
        free(text);
        CHECK(json_object_object_get_ex(o, "mounts", &mounts));
        /* mounts[1] is /etc/hostname */
        json_object_object_add(json_object_array_get_idx(mounts, 1), "source", json_object_new_string("/srv/h"));
        put(config, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), 0600);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), 1);
        CHECK_EQ_INT(kept(config, true), 0);

        /* All three from elsewhere, or from somewhere that is not a container directory: not
         * Docker's as far as the spec shows, left alone; with Docker's cgroup: refused. */
        for (size_t i = 0; i < 3; i++)
                json_object_object_add(json_object_array_get_idx(mounts, i + 1), "source",
                                       json_object_new_string(i == 0 ? "/srv/h" : i == 1 ? P("x/" ID "/hosts") : P("containers/" ID "/resolv.conf/x")));
        put(config, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), 0600);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), 0);
        {
                json_object *l;
                CHECK(json_object_object_get_ex(o, "linux", &l));
                json_object_object_add(l, "cgroupsPath", json_object_new_string("system.slice:docker:" ID));
        }
        put(config, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), 0600);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), -ENOENT);
        CHECK(e.n == 1 && strncmp(e.msgs[0], config, strlen(config)) == 0);
        diag_clear(&e);

        /* Two different containers directories: which settings are meant is not certain. */
        json_object_object_add(json_object_array_get_idx(mounts, 1), "source",
                               json_object_new_string(P("a/containers/" ID "/hostname")));
        json_object_object_add(json_object_array_get_idx(mounts, 2), "source",
                               json_object_new_string(P("b/containers/" ID "/hosts")));
        put(config, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), 0600);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), -EINVAL);
        diag_clear(&e);
        json_object_put(o);
}

/* hostconfig.json (or its directory) a symlink, or not a file: fail closed, never followed. */
static void test_unsafe_files(void) {
        _cleanup_diag_ Diag e = {};
        char bundle[PATH_MAX];
        RuncCall call = { .command = RUNC_CREATE, .id = ID, .bundle = bundle };
        char *text = spec(P(DOCKER), ID, NULL, false);

        snprintf(bundle, sizeof(bundle), "%s", P("bundle"));
        put(P("bundle/config.json"), text, 0600);
        put(P("elsewhere/hostconfig.json"), HOSTCONFIG("[\"ALL\"]", "false"), 0600);
        mkdirs(P(DOCKER "/" ID));
        (void) unlink(P(DOCKER "/" ID "/hostconfig.json"));
        CHECK_EQ_INT(symlink(P("elsewhere/hostconfig.json"), P(DOCKER "/" ID "/hostconfig.json")), 0);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), -EINVAL);
        CHECK(e.n == 1 && strstr(e.msgs[0], "not a regular file"));
        diag_clear(&e);
        CHECK_EQ_INT(unlink(P(DOCKER "/" ID "/hostconfig.json")), 0);
        CHECK_EQ_INT(mkdir(P(DOCKER "/" ID "/hostconfig.json"), 0700), 0);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), -EINVAL);
        diag_clear(&e);
        CHECK_EQ_INT(rmdir(P(DOCKER "/" ID "/hostconfig.json")), 0);
        CHECK_EQ_INT(rmdir(P(DOCKER "/" ID)), 0);
        CHECK_EQ_INT(symlink(P("elsewhere"), P(DOCKER "/" ID)), 0);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), -EINVAL);
        diag_clear(&e);
        CHECK_EQ_INT(unlink(P(DOCKER "/" ID)), 0);

        /* Too large. */
        {
                size_t n = HOSTCONFIG_SIZE_MAX + 1;
                char *big = malloc(n + 1);
                CHECK(big != NULL);
                memset(big, ' ', n);
                big[0] = '{', big[n - 1] = '}', big[n] = 0;
                put(P(DOCKER "/" ID "/hostconfig.json"), big, 0600);
                free(big);
                CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), -EFBIG);
                CHECK(e.n == 1 && strstr(e.msgs[0], "too large"));
                diag_clear(&e);
        }
        /* config.json itself: malformed, missing. */
        put(P("bundle/config.json"), "{\"process\":", 0600);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), -EINVAL);
        diag_clear(&e);
        CHECK_EQ_INT(unlink(P("bundle/config.json")), 0);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), -ENOENT);
        CHECK(e.n == 1 && strstr(e.msgs[0], "config.json: does not exist"));
        diag_clear(&e);
        free(text);
}

/* Atomic replacement: mode kept, nothing left beside config.json, a second pass a no-op. */
static void test_replace(void) {
        _cleanup_diag_ Diag e = {};
        char bundle[PATH_MAX];
        RuncCall call = { .command = RUNC_RUN, .id = ID, .bundle = bundle };
        char *text = spec(P(DOCKER), ID, NULL, false);
        struct stat st;
        struct dirent *de;
        DIR *d;
        int n = 0;

        snprintf(bundle, sizeof(bundle), "%s", P("rbundle"));
        put(P(DOCKER "/" ID "/hostconfig.json"), HOSTCONFIG("null", "false"), 0600);
        put(P("rbundle/config.json"), text, 0640);
        free(text);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), 1);
        CHECK_EQ_INT(stat(P("rbundle/config.json"), &st), 0);
        CHECK_EQ_INT(st.st_mode & 07777, 0640);
        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), 0);
        d = opendir(bundle);
        CHECK(d != NULL);
        while (d && (de = readdir(d)))
                if (de->d_name[0] != '.') {
                        CHECK_STREQ(de->d_name, "config.json");
                        n++;
                }
        if (d)
                closedir(d);
        CHECK_EQ_INT(n, 1);
}

/* exec: runc's state names the bundle; without a state (no such container) nothing is read;
 * a state without a bundle label, or an id that is a path, is refused. */
static void test_exec_state(void) {
        _cleanup_diag_ Diag e = {};
        char *bundle = NULL, root[PATH_MAX];

        snprintf(root, sizeof(root), "%s", P("state"));

        put_state(root, ID, "/run/containerd/io.containerd.runtime.v2.task/moby/" ID);
        CHECK_EQ_INT(runc_state_bundle(root, ID, &bundle, &e), 0);
        CHECK_STREQ(bundle, "/run/containerd/io.containerd.runtime.v2.task/moby/" ID);
        free(bundle);
        CHECK_EQ_INT(runc_state_bundle(root, ID2, &bundle, &e), -ENOENT);
        CHECK_EQ_INT(runc_state_bundle(root, "../state/" ID, &bundle, &e), -EINVAL);
        CHECK_EQ_INT(runc_state_bundle(root, "..", &bundle, &e), -EINVAL);
        diag_clear(&e);
        put(P("state/" ID2 "/state.json"), "{\"config\":{\"labels\":[\"bundle=relative\"]}}", 0600);
        CHECK_EQ_INT(runc_state_bundle(root, ID2, &bundle, &e), -EINVAL);
        put(P("state/" ID2 "/state.json"), "{\"config\":{}}", 0600);
        CHECK_EQ_INT(runc_state_bundle(root, ID2, &bundle, &e), -EINVAL);
        put(P("state/" ID2 "/state.json"), "{\"config\":", 0600);
        CHECK_EQ_INT(runc_state_bundle(root, ID2, &bundle, &e), -EINVAL);
        CHECK_EQ_INT((int) e.n, 3);
        diag_clear(&e);

        /* exec without a state: left to runc; without --process: nothing to edit. */
        {
                RuncCall call = { .command = RUNC_EXEC, .id = "gone", .root = root, .process = P("nope.json") };
                CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), 0);
                call.process = NULL;
                call.id = ID;
                CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), 0);
                call.command = RUNC_OTHER;
                CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), 0);
        }
}

/* The program, on the paths that end before runc would be executed. */
static void test_program(void) {
        char exe[PATH_MAX] = {}, prog[PATH_MAX + 32], log[PATH_MAX];
        char *s, *dir;
        ssize_t n;
        char *text = spec(P(DOCKER), ID, NULL, false);

        n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        CHECK(n > 0);
        /* $(O)/tests/test-bundle → $(O)/hull-runtime; $(O)/asan/tests/… → $(O)/asan/… */
        dir = strrchr(exe, '/');
        if (!dir)
                return;
        *dir = 0;
        dir = strrchr(exe, '/');
        if (!dir)
                return;
        *dir = 0;
        snprintf(prog, sizeof(prog), "%s/hull-runtime", exe);
        if (access(prog, X_OK) < 0) {
                fprintf(stderr, "test-bundle: %s not built, skipping the end-to-end part\n", prog);
                free(text);
                return;
        }
        CHECK_EQ_INT(spawn_wait((char *[]) { prog, "--hull-version", NULL }, &(SpawnOptions) { .stdout_fd = SPAWN_DEVNULL }), 0);
        CHECK_EQ_INT(spawn_wait((char *[]) { prog, "--hull-help", NULL }, &(SpawnOptions) { .stdout_fd = SPAWN_DEVNULL }), 0);

        /* A Docker container whose settings are malformed: exit 1, the error in runc's log for
         * the shim, naming the container and the file. */
        snprintf(log, sizeof(log), "%s", P("log.json"));
        put(log, "", 0644);
        put(P(DOCKER "/" ID "/hostconfig.json"), "{\"CapAdd\":[1]}", 0600);
        put(P("pbundle/config.json"), text, 0600);
        CHECK_EQ_INT(spawn_wait((char *[]) { prog, "--log", log, "--log-format", "json", "create", "--bundle",
                                             (char *) P("pbundle"), ID, NULL }, &(SpawnOptions) {}), 1);
        s = get(log);
        CHECK(strstr(s, "\"level\":\"error\"") != NULL);
        CHECK(strstr(s, "container " ID ": ") != NULL);
        CHECK(strstr(s, "hostconfig.json") != NULL);
        free(s);
        s = get(P("pbundle/config.json"));
        CHECK_STREQ(s, text);
        free(s);
        /* An unparseable create: usage error. */
        CHECK_EQ_INT(spawn_wait((char *[]) { prog, "create", "--frobnicate", ID, NULL }, &(SpawnOptions) {}), 2);
        free(text);
}

/* dockerd's network hook: a Docker container's points at hull-runtime afterwards, whatever its
 * capabilities; a plain containerd bundle's is kept; a Docker container's malformed hooks are
 * refused with config.json as it was. */
static void test_setkey_hook(void) {
        static const char *const hostconfigs[] = { HOSTCONFIG("null", "false"), HOSTCONFIG("[\"ALL\"]", "false") };
        char bundle[PATH_MAX], config[PATH_MAX + 16];
        RuncCall call = { .command = RUNC_CREATE, .id = ID, .bundle = bundle };

        snprintf(bundle, sizeof(bundle), "%s", P("hbundle"));
        snprintf(config, sizeof(config), "%s/config.json", bundle);
        for (size_t docker = 0; docker < 2; docker++)
                for (size_t h = 0; h < ELEMENTSOF(hostconfigs); h++) {
                        _cleanup_diag_ Diag e = {};
                        char *text = spec(docker ? P(DOCKER) : NULL, ID, NULL, false), *s, *t;
                        json_object *o = json_tokener_parse(text), *hooks;

                        put(P(DOCKER "/" ID "/hostconfig.json"), hostconfigs[h], 0600);
                        hooks = json_tokener_parse("{\"prestart\":[{\"path\":\"/proc/288/exe\",\"args\":[\"libnetwork-setkey\","
                                                   "\"-exec-root=/var/run/docker\",\"" ID "\",\"219528f4f838\"]}]}");
                        json_object_object_add(o, "hooks", hooks);
                        put(config, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), 0600);
                        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), docker ? 1 : 0);
                        s = get(config);
                        t = strstr(s, "\"prestart\":[{\"path\":\"");
                        CHECK(t != NULL);
                        if (t)
                                CHECK_EQ_INT(strncmp(t + 21, "/usr/bin/hull-runtime\"", 22) == 0, docker);
                        free(s);

                        /* prestart not a list: refused for Docker's container, file as it was */
                        json_object_object_add(hooks, "prestart", json_object_new_string("/proc/288/exe"));
                        put(config, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), 0600);
                        free(text);
                        text = get(config);
                        CHECK_EQ_INT(runtime_prepare(&call, STEP, &e), docker ? -EINVAL : 0);
                        if (docker)
                                CHECK(e.n == 1 && strstr(e.msgs[0], "prestart") != NULL);
                        s = get(config);
                        CHECK_STREQ(s, text);
                        free(s);
                        free(text);
                        json_object_put(o);
                }
}

/* A build step whose filter cannot be read or is not JSON does not start: the step's config
 * as it was, the error naming the filter's file. */
static void test_step_filter_broken(void) {
        static const char *const bad[] = { NULL, "{\"defaultAction\":", "[1,2]" };
        char bundle[PATH_MAX], config[PATH_MAX + 16];
        RuncCall call = { .command = RUNC_CREATE, .id = BKID, .bundle = bundle };
        char *text = spec(NULL, BKID, NULL, false), *s;

        snprintf(bundle, sizeof(bundle), "%s", P("var/lib/docker/buildkit/executor/" BKID));
        snprintf(config, sizeof(config), "%s/config.json", bundle);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_diag_ Diag e = {};
                char filter[PATH_MAX];
                snprintf(filter, sizeof(filter), "%s", P("broken-filter.json"));
                (void) unlink(filter);
                if (bad[i])
                        put(filter, bad[i], 0644);
                put(config, text, 0600);
                CHECK_EQ_INT(runtime_prepare(&call, filter, &e), bad[i] ? -EINVAL : -ENOENT);
                CHECK_EQ_INT((int) e.n, 1);
                CHECK(e.n > 0 && strstr(e.msgs[0], "broken-filter.json") != NULL);
                s = get(config);
                CHECK_STREQ(s, text);
                free(s);
        }
        free(text);
}

int main(void) {
        if (!mkdtemp(tmp)) {
                perror("mkdtemp");
                return 1;
        }
        snprintf(STEP, sizeof(STEP), "%s/step-seccomp.json", tmp);
        put(STEP, STEP_FILTER, 0644);
        test_cases();
        test_notify_cases();
        test_step_filter_broken();
        test_setkey_hook();
        test_hostname_elsewhere();
        test_unsafe_files();
        test_replace();
        test_exec_state();
        test_program();
        {
                char cmd[PATH_MAX + 16];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
                CHECK_EQ_INT(system(cmd), 0);
        }
        return TEST_RETURN();
}
