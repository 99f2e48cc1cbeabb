/* SPDX-License-Identifier: MIT */
/* runtime_prepare() on real files, and the program end to end with a stand-in runc. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle.h"
#include "caps.h"
#include "hull/fileio.h"
#include "hull/macro.h"
#include "hull/process.h"
#include "hull/tests.h"
#include "testutil.h"

/* Paths here are short (under /tmp); truncation cannot happen. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char tmp[] = "/tmp/test-hull-runtime.XXXXXX";
static char root[PATH_MAX], bundle[PATH_MAX], config[PATH_MAX], hostconfig[PATH_MAX];

static void put(const char *path, const char *text, mode_t mode) {
        CHECK_EQ_INT(write_file_atomic(path, text, strlen(text), mode), 0);
}

static char *get(const char *path) {
        char *s = NULL;
        CHECK_EQ_INT(read_full_file(path, OCI_CONFIG_SIZE_MAX, &s, NULL), 0);
        return s;
}

/* No file but config.json in the bundle: nothing half-written left behind. */
static void check_bundle_clean(void) {
        DIR *d = opendir(bundle);
        struct dirent *e;
        int n = 0;

        CHECK(d != NULL);
        while (d && (e = readdir(d)))
                if (e->d_name[0] != '.') {
                        CHECK_STREQ(e->d_name, "config.json");
                        n++;
                }
        if (d)
                closedir(d);
        CHECK_EQ_INT(n, 1);
}

static int prepare(RuncCommand cmd, const char *id, Diag *e) {
        RuncCall c = { .command = cmd, .bundle = bundle, .id = id };
        return runtime_prepare(&c, root, e);
}

static void test_prepare(void) {
        _cleanup_diag_ Diag e = {};
        struct stat st;
        char *s;
        json_object *o;

        /* Not Docker's: no hostconfig.json, or an id Docker would not use. */
        put(config, CONFIG_DEFAULT, 0600);
        CHECK_EQ_INT(prepare(RUNC_CREATE, ID, &e), 0);
        CHECK_EQ_INT(prepare(RUNC_CREATE, "../../etc", &e), 0);
        CHECK_EQ_INT(prepare(RUNC_CREATE, "ctr-demo", &e), 0);
        s = get(config);
        CHECK_STREQ(s, CONFIG_DEFAULT);
        free(s);

        /* Docker's default container: rewritten, mode kept, nothing left over. */
        put(hostconfig, HOSTCONFIG("null", "false"), 0600);
        CHECK_EQ_INT(prepare(RUNC_CREATE, ID, &e), 1);
        CHECK_EQ_INT(stat(config, &st), 0);
        CHECK_EQ_INT(st.st_mode & 07777, 0600);
        s = get(config);
        o = json_tokener_parse(s);
        CHECK(o && !test_set_has(test_caps_set(o, true, "bounding"), "CAP_NET_RAW"));
        CHECK(o && test_set_has(test_caps_set(o, true, "bounding"), "CAP_CHOWN"));
        json_object_put(o);
        free(s);
        check_bundle_clean();
        /* A second pass (runc run after a failed create, say) changes nothing. */
        CHECK_EQ_INT(prepare(RUNC_RUN, ID, &e), 0);

        /* --cap-add NET_RAW; privileged: untouched. */
        put(config, CONFIG_DEFAULT, 0644);
        put(hostconfig, HOSTCONFIG("[\"NET_RAW\",\"MKNOD\",\"AUDIT_WRITE\",\"SETPCAP\"]", "false"), 0600);
        CHECK_EQ_INT(prepare(RUNC_RUN, ID, &e), 0);
        put(hostconfig, HOSTCONFIG("null", "true"), 0600);
        CHECK_EQ_INT(prepare(RUNC_CREATE, ID, &e), 0);
        s = get(config);
        CHECK_STREQ(s, CONFIG_DEFAULT);
        free(s);

        /* A malformed hostconfig.json: an error naming it, config.json as it was. */
        put(hostconfig, "{\"CapAdd\":", 0600);
        CHECK_EQ_INT(prepare(RUNC_CREATE, ID, &e), -EINVAL);
        CHECK(e.n == 1 && strncmp(e.msgs[0], hostconfig, strlen(hostconfig)) == 0 && e.msgs[0][strlen(hostconfig)] == ':');
        diag_clear(&e);
        s = get(config);
        CHECK_STREQ(s, CONFIG_DEFAULT);
        free(s);

        /* A malformed config.json: an error naming it, the file as it was. */
        put(hostconfig, HOSTCONFIG("null", "false"), 0600);
        put(config, "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_NET_RAW\"", 0600);
        CHECK_EQ_INT(prepare(RUNC_CREATE, ID, &e), -EINVAL);
        CHECK(e.n == 1 && strncmp(e.msgs[0], config, strlen(config)) == 0 && e.msgs[0][strlen(config)] == ':');
        diag_clear(&e);
        s = get(config);
        CHECK_STREQ(s, "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_NET_RAW\"");
        free(s);
        check_bundle_clean();

        /* Missing config.json: an error naming it. */
        CHECK_EQ_INT(unlink(config), 0);
        CHECK_EQ_INT(prepare(RUNC_CREATE, ID, &e), -ENOENT);
        CHECK(e.n == 1 && strncmp(e.msgs[0], config, strlen(config)) == 0 && e.msgs[0][strlen(config)] == ':');
        diag_clear(&e);

        /* exec --process FILE: FILE is edited; without --process nothing is. */
        {
                char process[PATH_MAX + 16];
                RuncCall c = { .command = RUNC_EXEC, .id = ID };
                snprintf(process, sizeof(process), "%s/process.json", tmp);
                put(process, "{\"args\":[\"ping\"],\"capabilities\":{\"bounding\":[\"CAP_NET_RAW\"]}}", 0600);
                CHECK_EQ_INT(runtime_prepare(&c, root, &e), 0);
                c.process = process;
                CHECK_EQ_INT(runtime_prepare(&c, root, &e), 1);
                s = get(process);
                CHECK_STREQ(s, "{\"args\":[\"ping\"],\"capabilities\":{\"bounding\":[]}}");
                free(s);
                CHECK_EQ_INT(unlink(process), 0);
        }
        /* Other commands never look at files. */
        CHECK_EQ_INT(prepare(RUNC_OTHER, ID, &e), 0);
}

/* The program itself, with a shell script as runc that records its command line. */
static int run_program_setup(void *userdata) {
        char runc[PATH_MAX + 16];

        snprintf(runc, sizeof(runc), "%s/runc", tmp);
        if (setenv("HULL_RUNTIME_RUNC", runc, 1) < 0 || setenv("HULL_RUNTIME_DOCKER_ROOT", root, 1) < 0 ||
            setenv("OUT", (const char *) userdata, 1) < 0)
                return -errno;
        return 0;
}

static int run_program(const char *prog, char **args, const char *out) {
        int r;

        args[0] = (char *) prog;
        r = spawn_wait(args, &(SpawnOptions) { .setup = run_program_setup, .userdata = (void *) out });
        CHECK(r >= 0);
        return r;
}

static void test_program(void) {
        char exe[PATH_MAX] = {}, prog[PATH_MAX + 32], runc[PATH_MAX + 16], out[PATH_MAX + 16];
        char *s, *dir;
        ssize_t n;

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
                return;
        }
        snprintf(runc, sizeof(runc), "%s/runc", tmp);
        snprintf(out, sizeof(out), "%s/argv", tmp);
        put(runc, "#!/bin/sh\nprintf '%s\\n' \"$0\" \"$@\" > \"$OUT\"\nexit 3\n", 0755);

        put(config, CONFIG_DEFAULT, 0600);
        put(hostconfig, HOSTCONFIG("null", "false"), 0600);
        CHECK_EQ_INT(run_program(prog, (char *[]) { prog, "--root", "/r", "--log", "/nonexistent/log.json",
                                                    "--log-format", "json", "create", "--bundle", bundle,
                                                    "--pid-file", "p", ID, NULL }, out), 3);
        s = get(out);
        {
                char want[4 * PATH_MAX];
                snprintf(want, sizeof(want), "%s\n--root\n/r\n--log\n/nonexistent/log.json\n--log-format\njson\n"
                                             "create\n--bundle\n%s\n--pid-file\np\n" ID "\n", runc, bundle);
                CHECK_STREQ(s, want);
        }
        free(s);
        s = get(config);
        CHECK(strstr(s, "CAP_NET_RAW") == NULL);
        CHECK(strstr(s, "CAP_CHOWN") != NULL);
        free(s);

        /* --version passes through; so does a command we do not know. */
        CHECK_EQ_INT(run_program(prog, (char *[]) { prog, "--version", NULL }, out), 3);
        s = get(out);
        {
                char want[PATH_MAX + 32];
                snprintf(want, sizeof(want), "%s\n--version\n", runc);
                CHECK_STREQ(s, want);
        }
        free(s);
        CHECK_EQ_INT(run_program(prog, (char *[]) { prog, "--hull-version", NULL }, out), 0);

        /* A malformed config: exit 1, runc never runs, the error is in runc's log for the shim. */
        {
                char log[PATH_MAX + 16];
                snprintf(log, sizeof(log), "%s/log.json", tmp);
                put(log, "", 0644);
                (void) unlink(out);
                put(config, "{\"process\":", 0600);
                CHECK_EQ_INT(run_program(prog, (char *[]) { prog, "--log", log, "--log-format", "json", "create",
                                                            "--bundle", bundle, ID, NULL }, out), 1);
                CHECK(access(out, F_OK) < 0);
                s = get(log);
                CHECK(strstr(s, "\"level\":\"error\"") != NULL);
                CHECK(strstr(s, "config.json") != NULL);
                free(s);
                CHECK_EQ_INT(unlink(log), 0);
        }
        /* An unparseable create: usage error, runc never runs. */
        CHECK_EQ_INT(run_program(prog, (char *[]) { prog, "create", "--frobnicate", ID, NULL }, out), 2);
        CHECK(access(out, F_OK) < 0);
        (void) unlink(runc);
}

int main(void) {
        char p[PATH_MAX + 64];

        if (!mkdtemp(tmp)) {
                perror("mkdtemp");
                return 1;
        }
        snprintf(root, sizeof(root), "%s/docker", tmp);
        snprintf(p, sizeof(p), "%s/containers", root);
        CHECK_EQ_INT(mkdir(root, 0700), 0);
        CHECK_EQ_INT(mkdir(p, 0700), 0);
        snprintf(p, sizeof(p), "%s/containers/" ID, root);
        CHECK_EQ_INT(mkdir(p, 0700), 0);
        snprintf(hostconfig, sizeof(hostconfig), "%s/hostconfig.json", p);
        snprintf(bundle, sizeof(bundle), "%s/bundle", tmp);
        CHECK_EQ_INT(mkdir(bundle, 0700), 0);
        snprintf(config, sizeof(config), "%s/config.json", bundle);

        test_prepare();
        test_program();

        {
                char cmd[PATH_MAX + 16];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
                CHECK_EQ_INT(system(cmd), 0);
        }
        return TEST_RETURN();
}
