/* SPDX-License-Identifier: MIT */
#include <errno.h>

#include "args.h"
#include "hull/macro.h"
#include "hull/tests.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int parse(RuncCall *c, const char **bad, char **argv) {
        int argc = 0;
        while (argv[argc])
                argc++;
        return runc_call_parse(argc, argv, c, bad);
}
#define PARSE(c, bad, ...) parse((c), (bad), (char *[]) { "hull-runtime", __VA_ARGS__, NULL })

static void test_create(void) {
        RuncCall c;
        const char *bad;

        /* As containerd-shim-runc-v2 (go-runc) runs it. */
        CHECK_EQ_INT(PARSE(&c, &bad, "--root", "/run/containerd/runc/moby", "--log",
                           "/run/containerd/io.containerd.runtime.v2.task/moby/" ID "/log.json", "--log-format",
                           "json", "--systemd-cgroup", "create", "--bundle", "/run/b/" ID, "--pid-file",
                           "/run/b/init.pid", "--console-socket", "/tmp/pty.sock", ID), 0);
        CHECK_EQ_INT(c.command, RUNC_CREATE);
        CHECK_STREQ(c.bundle, "/run/b/" ID);
        CHECK_STREQ(c.id, ID);
        CHECK_STREQ(c.log, "/run/containerd/io.containerd.runtime.v2.task/moby/" ID "/log.json");
        CHECK_STREQ(c.log_format, "json");
        CHECK_STREQ(c.root, "/run/containerd/runc/moby");
        CHECK(c.process == NULL);

        /* The brief form from the task: short global list. */
        CHECK_EQ_INT(PARSE(&c, &bad, "--root", "x", "--log", "y", "--log-format", "json", "create", "--bundle", "B",
                           "--pid-file", "P", "--console-socket", "S", "ID"), 0);
        CHECK_STREQ(c.bundle, "B");
        CHECK_STREQ(c.id, "ID");

        /* --opt=value, single dash, -b, options after the id (urfave/cli reorders them). */
        CHECK_EQ_INT(PARSE(&c, &bad, "--root=/r", "-log-format=text", "create", "--bundle=B2", "--no-pivot", ID), 0);
        CHECK_STREQ(c.bundle, "B2");
        CHECK_STREQ(c.log_format, "text");
        CHECK_STREQ(c.root, "/r");
        CHECK_EQ_INT(PARSE(&c, &bad, "create", "-b", "B3", "--preserve-fds", "2", ID, "--pid-file", "p"), 0);
        CHECK(c.root == NULL); /* runc's default, /run/runc */
        CHECK_STREQ(c.bundle, "B3");
        CHECK_STREQ(c.id, ID);
        CHECK_EQ_INT(PARSE(&c, &bad, "create", ID, "--bundle", "B4"), 0);
        CHECK_STREQ(c.bundle, "B4");
        CHECK_EQ_INT(PARSE(&c, &bad, "--debug", "create", "--", ID), 0);
        CHECK_STREQ(c.id, ID);

        /* No --bundle: runc uses its working directory. */
        CHECK_EQ_INT(PARSE(&c, &bad, "create", ID), 0);
        CHECK_STREQ(c.bundle, ".");
}

static void test_run(void) {
        RuncCall c;
        const char *bad;

        CHECK_EQ_INT(PARSE(&c, &bad, "--log", "l", "run", "-d", "--keep", "--bundle", "B", "--pid-file", "P", ID), 0);
        CHECK_EQ_INT(c.command, RUNC_RUN);
        CHECK_STREQ(c.bundle, "B");
        CHECK_STREQ(c.id, ID);
        CHECK_EQ_INT(PARSE(&c, &bad, "run", "--detach=true", "--bundle=/b", ID), 0);
        CHECK_STREQ(c.bundle, "/b");
}

static void test_exec(void) {
        RuncCall c;
        const char *bad;

        CHECK_EQ_INT(PARSE(&c, &bad, "--root", "/r", "--log", "l", "--log-format", "json", "exec", "--process",
                           "/tmp/runc-process123", "--detach", "--pid-file", "/run/x.pid", ID), 0);
        CHECK_EQ_INT(c.command, RUNC_EXEC);
        CHECK_STREQ(c.root, "/r");
        CHECK_STREQ(c.process, "/tmp/runc-process123");
        CHECK_STREQ(c.id, ID);
        /* exec's options end at the id: the rest is the command, options and all. */
        CHECK_EQ_INT(PARSE(&c, &bad, "exec", "-t", ID, "ping", "-c1", "--bundle", "x"), 0);
        CHECK(c.process == NULL);
        CHECK_STREQ(c.id, ID);
}

static void test_pass_through(void) {
        RuncCall c;
        const char *bad;

        CHECK_EQ_INT(PARSE(&c, &bad, "--version"), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        CHECK_EQ_INT(PARSE(&c, &bad, "-v"), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        CHECK_EQ_INT(PARSE(&c, &bad, "--help"), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        CHECK_EQ_INT(PARSE(&c, &bad, "features"), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        CHECK_EQ_INT(PARSE(&c, &bad, "--root", "/r", "--log", "l", "--log-format", "json", "state", ID), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        CHECK_EQ_INT(PARSE(&c, &bad, "--root", "/r", "start", ID), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        CHECK_EQ_INT(PARSE(&c, &bad, "--root", "/r", "kill", ID, "9"), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        CHECK_EQ_INT(PARSE(&c, &bad, "--root", "/r", "delete", "--force", ID), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        CHECK_EQ_INT(PARSE(&c, &bad, "create", "--help"), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        /* A container called "create" is a state query, not a create. */
        CHECK_EQ_INT(PARSE(&c, &bad, "state", "create"), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        /* A value that looks like a command is a value. */
        CHECK_EQ_INT(PARSE(&c, &bad, "--root", "create", "list"), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        /* An unknown global option before a harmless command passes. */
        CHECK_EQ_INT(PARSE(&c, &bad, "--new-flag", "list"), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
        CHECK_EQ_INT(runc_call_parse(1, (char *[]) { "hull-runtime", NULL }, &c, &bad), 0);
        CHECK_EQ_INT(c.command, RUNC_OTHER);
}

static void test_refused(void) {
        RuncCall c;
        const char *bad;

        /* Unknown options where a create may follow: cannot be sure, so no. */
        CHECK_EQ_INT(PARSE(&c, &bad, "--new-flag", "create", "--bundle", "B", ID), -EINVAL);
        CHECK_STREQ(bad, "--new-flag");
        CHECK_EQ_INT(PARSE(&c, &bad, "create", "--new-flag", "--bundle", "B", ID), -EINVAL);
        CHECK_STREQ(bad, "--new-flag");
        /* Missing values, no id, two ids. */
        CHECK_EQ_INT(PARSE(&c, &bad, "create", "--bundle"), -EINVAL);
        CHECK_STREQ(bad, "--bundle");
        CHECK_EQ_INT(PARSE(&c, &bad, "--root"), -EINVAL);
        CHECK_EQ_INT(PARSE(&c, &bad, "create", "--bundle", "B"), -EINVAL);
        CHECK(bad == NULL);
        CHECK_EQ_INT(PARSE(&c, &bad, "create", "--bundle", "B", ID, "other"), -EINVAL);
        CHECK_STREQ(bad, "other");
        CHECK_EQ_INT(PARSE(&c, &bad, "run", "--", ID, "other"), -EINVAL);
        CHECK_EQ_INT(PARSE(&c, &bad, "create", ""), -EINVAL);
        CHECK_EQ_INT(PARSE(&c, &bad, "exec", "--process"), -EINVAL);
}

int main(void) {
        test_create();
        test_run();
        test_exec();
        test_pass_through();
        test_refused();
        return TEST_RETURN();
}
